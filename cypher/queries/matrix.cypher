// name: matrix
// title: The instrument x topic matrix
// description: One row per tracked instrument (catalog order) with its reviewed cells: a list of
//   [topic slug, mode] pairs (explicit, implicit, conflicts, silent). A topic missing from the list
//   has not been reviewed for that instrument. kb matrix lays the rows out against topic_list
//   (legend ● explicit, ◐ implicit, ⚠ conflicts, · silent). With at, the instruments and cells
//   as the catalog held them then.
// param: as_of (date, optional) only instruments adopted by then, as the catalog recorded them at the end of that day
// param: at (datetime, optional) the catalog instant to read; kb derives it from as_of (the end of that day,
//   UTC, or the first recorded load when the day is earlier). null = the current catalog
// example: {}
// returns: on the shipped corpus, 26 rows holding the 313 reviewed cells
// browser: :param as_of => null   :param at => null
CALL () {
  // the instruments in the catalog at $at (n), with their properties then (i): as they are when
  // unchanged since $at (all of them when $at is null), else the InstrumentVersion current then
  MATCH (n:Instrument)
  WHERE $at IS NULL OR (coalesce(n.first_recorded_at, $at) <= $at AND coalesce(n.recorded_at, $at) <= $at)
  RETURN n, n AS i
  UNION ALL
  MATCH (i:InstrumentVersion)-[:VERSION_OF]->(n:Instrument)
  WHERE i.recorded_at <= $at < i.recorded_to
  RETURN n, i
}
WITH n, i
WHERE $as_of IS NULL OR i.adopted <= $as_of
OPTIONAL MATCH (n)-[:ISSUED_IN]->(j:Jurisdiction)
CALL (n) {
  OPTIONAL MATCH (n)-[r:TREATS|TREATED]->(t:Topic)
  WHERE CASE type(r) WHEN 'TREATS' THEN $at IS NULL OR r.recorded_at <= $at
                     ELSE r.recorded_at <= $at < r.recorded_to END
    AND ($at IS NULL OR coalesce(t.first_recorded_at, $at) <= $at)
  RETURN collect(CASE WHEN r IS NOT NULL THEN [t.slug, r.mode] END) AS cells
}
RETURN i.id AS instrument,
       i.name AS name,
       i.short_name AS short_name,
       j.code AS jurisdiction,
       i.catalog_rank AS catalog_rank,
       cells
ORDER BY i.catalog_rank
