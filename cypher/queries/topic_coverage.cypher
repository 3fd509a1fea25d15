// name: topic_coverage
// title: Coverage of a topic
// description: Every tracked instrument, in catalog order, with how it treats one topic: its mode
//   (explicit, implicit, conflicts, silent), pinpoint, note and confidence. An instrument with no
//   TREATS edge to the topic has not been reviewed for it: it counts as silent and has
//   reviewed = false. status is the status the instrument had on as_of (its current status without it).
//   With at, the instruments, their properties and their cells as the catalog held them then (old
//   properties from InstrumentVersion nodes, old cells from TREATED edges). With limit, only the first
//   limit instruments in catalog order (walked in catalog_rank index order on the current catalog).
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) only instruments adopted by then (undated ones drop out), with the status they had
//   then, as the catalog recorded them at the end of that day
// param: at (datetime, optional) the catalog instant to read; kb derives it from as_of (the end of that day,
//   UTC, or the first recorded load when the day is earlier). null = the current catalog
// param: limit (integer, optional) at most this many rows, the first in catalog order; null = every instrument
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 26 rows: 3 explicit, 7 implicit, 16 silent
// browser: :param slug => 'open_weight_release'   :param as_of => null   (or date('2024-06-01'))   :param at => null   :param limit => null
MATCH (t:Topic {slug: $slug})
CALL (t) {
  // the current catalog: the instruments in catalog order (the catalog_rank index), the first $limit
  WITH t WHERE $at IS NULL
  MATCH (n:Instrument)
  WHERE n.catalog_rank IS NOT NULL
    AND ($as_of IS NULL OR n.adopted <= $as_of)
  RETURN n, n AS i
  ORDER BY n.catalog_rank
  LIMIT coalesce($limit, 9223372036854775807)
  UNION ALL
  // the catalog at $at: the instruments then (n) with their properties then (i): as they are when
  // unchanged since, else the InstrumentVersion current then; adopted by $as_of by the dates
  // recorded then
  WITH t WHERE $at IS NOT NULL
  CALL () {
    MATCH (n:Instrument)
    WHERE (coalesce(n.first_recorded_at, $at) <= $at AND coalesce(n.recorded_at, $at) <= $at)
      AND ($as_of IS NULL OR n.adopted <= $as_of)
    RETURN n, n AS i
    UNION ALL
    MATCH (i:InstrumentVersion)-[:VERSION_OF]->(n:Instrument)
    WHERE i.recorded_at <= $at < i.recorded_to
      AND ($as_of IS NULL OR i.adopted <= $as_of)
    RETURN n, i
  }
  RETURN n, i
  ORDER BY i.catalog_rank
  LIMIT coalesce($limit, 9223372036854775807)
}
OPTIONAL MATCH (n)-[:ISSUED_IN]->(j:Jurisdiction)
// r: the cell at $at: the TREATS edge if recorded by then, else the TREATED copy current then
OPTIONAL MATCH (n)-[r:TREATS|TREATED]->(t)
WHERE CASE type(r) WHEN 'TREATS' THEN $at IS NULL OR r.recorded_at <= $at
                   ELSE r.recorded_at <= $at < r.recorded_to END
RETURN i.id AS id,
       i.name AS name,
       i.short_name AS short_name,
       j.code AS jurisdiction,
       i.catalog_rank AS catalog_rank,
       i.adopted AS adopted,
       i.binding AS binding,
       CASE WHEN $as_of IS NULL OR size(coalesce(i.status_dates, [])) = 0 THEN i.status
            ELSE coalesce(last([k IN range(0, size(i.status_dates) - 1)
                                WHERE i.status_dates[k] <= $as_of | i.status_values[k]]), i.status)
       END AS status,
       coalesce(r.mode, 'silent') AS mode,
       r IS NOT NULL AS reviewed,
       r.pinpoint AS pinpoint,
       r.note AS note,
       r.confidence AS confidence,
       r.source AS source
ORDER BY i.catalog_rank
