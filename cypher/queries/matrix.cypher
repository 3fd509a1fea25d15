// name: matrix
// title: The instrument x topic matrix
// description: One row per tracked instrument (catalog order) with its reviewed cells, as four lists
//   of topic slugs, one per mode: explicit, implicit, conflicts, silent (reviewed and found silent).
//   A topic in none of them has not been reviewed for that instrument. kb matrix lays the rows out
//   against topic_list (legend ● explicit, ◐ implicit, ⚠ conflicts, · silent). With at, the
//   instruments and cells as the catalog held them then.
// param: as_of (date, optional) only instruments adopted by then, as the catalog recorded them at the end of that day
// param: at (datetime, optional) the catalog instant to read; kb derives it from as_of (the end of that day,
//   UTC, or the first recorded load when the day is earlier). null = the current catalog
// example: {}
// returns: on the shipped corpus, 26 rows holding the 313 reviewed cells
// browser: :param as_of => null   :param at => null
CALL () {
  // the tracked instruments (n) with their properties then (i): in the catalog at $at, as they
  // are when unchanged since (always when $at is null), else the InstrumentVersion current then;
  // adopted by $as_of by the dates recorded then
  MATCH (n:Instrument)
  WHERE ($at IS NULL OR (coalesce(n.first_recorded_at, $at) <= $at AND coalesce(n.recorded_at, $at) <= $at))
    AND ($as_of IS NULL OR n.adopted <= $as_of)
  RETURN n, n AS i
  UNION ALL
  MATCH (i:InstrumentVersion)-[:VERSION_OF]->(n:Instrument)
  WHERE i.recorded_at <= $at < i.recorded_to
    AND ($as_of IS NULL OR i.adopted <= $as_of)
  RETURN n, i
}
OPTIONAL MATCH (n)-[:ISSUED_IN]->(j:Jurisdiction)
CALL (n) {
  // r: the cell at $at: the TREATS edge if recorded by then, else the TREATED copy current then
  OPTIONAL MATCH (n)-[r:TREATS|TREATED]->(t:Topic)
  WHERE CASE type(r) WHEN 'TREATS' THEN $at IS NULL OR r.recorded_at <= $at
                     ELSE r.recorded_at <= $at < r.recorded_to END
    AND ($at IS NULL OR coalesce(t.first_recorded_at, $at) <= $at)
  WITH t, r.mode AS mode
  RETURN collect(CASE mode WHEN 'explicit' THEN t.slug END) AS explicit,
         collect(CASE mode WHEN 'implicit' THEN t.slug END) AS implicit,
         collect(CASE mode WHEN 'conflicts' THEN t.slug END) AS conflicts,
         collect(CASE mode WHEN 'silent' THEN t.slug END) AS silent
}
RETURN i.id AS instrument,
       i.name AS name,
       i.short_name AS short_name,
       j.code AS jurisdiction,
       i.catalog_rank AS catalog_rank,
       explicit,
       implicit,
       conflicts,
       silent
ORDER BY i.catalog_rank
