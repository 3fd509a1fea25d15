// name: silent_regimes
// title: Silent regimes on a topic
// description: The tracked instruments that do not address the topic, in catalog order, with their
//   jurisdictions: reviewed-silent ones (a TREATS edge with mode silent, reviewed = true) and
//   unreviewed ones (no TREATS edge, reviewed = false). The gap signal of the topic page. With at,
//   the instruments and cells as the catalog held them then (old properties from InstrumentVersion
//   nodes, old cells from TREATED edges). With limit, only the first limit of them in catalog order
//   (walked in catalog_rank index order on the current catalog); topic_counts has how many there are.
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) only instruments adopted by then, as the catalog recorded them at the end of that day
// param: at (datetime, optional) the catalog instant to read; kb derives it from as_of (the end of that day,
//   UTC, or the first recorded load when the day is earlier). null = the current catalog
// param: limit (integer, optional) at most this many rows, the first in catalog order; null = all of them
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 16 rows: US-EO-14179 (US) first, JP-METI-AI-2024 (JP) last
// browser: :param slug => 'open_weight_release'   :param as_of => null   :param at => null   :param limit => null
MATCH (t:Topic {slug: $slug})
CALL (t) {
  // the current catalog: the instruments in catalog order (the catalog_rank index) with no cell
  // for the topic or a silent one, the first $limit
  WITH t WHERE $at IS NULL
  MATCH (n:Instrument)
  WHERE n.catalog_rank IS NOT NULL
    AND ($as_of IS NULL OR n.adopted <= $as_of)
  OPTIONAL MATCH (n)-[r:TREATS]->(t)
  WITH n, r
  WHERE r IS NULL OR r.mode = 'silent'
  RETURN n, n AS i, r
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
  // r: the cell at $at: the TREATS edge if recorded by then, else the TREATED copy current then
  OPTIONAL MATCH (n)-[r:TREATS|TREATED]->(t)
  WHERE CASE type(r) WHEN 'TREATS' THEN r.recorded_at <= $at
                     ELSE r.recorded_at <= $at < r.recorded_to END
  WITH n, i, r
  WHERE r IS NULL OR r.mode = 'silent'
  RETURN n, i, r
  ORDER BY i.catalog_rank
  LIMIT coalesce($limit, 9223372036854775807)
}
OPTIONAL MATCH (n)-[:ISSUED_IN]->(j:Jurisdiction)
RETURN i.id AS id,
       i.name AS name,
       j.code AS jurisdiction,
       r IS NOT NULL AS reviewed,
       r.note AS note,
       i.catalog_rank AS catalog_rank
ORDER BY i.catalog_rank
