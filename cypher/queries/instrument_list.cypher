// name: instrument_list
// title: Tracked instruments
// description: Every tracked instrument in catalog order with its jurisdiction, kind, whether it is
//   legally binding, its adoption date and its status (as of the date, or now), and how many topics
//   it addresses (non-silent cells) and has been reviewed for. With at, the instruments, their
//   properties and their cells as the catalog held them then.
// param: as_of (date, optional) only instruments adopted by then, with the status they had then, as the catalog
//   recorded them at the end of that day
// param: at (datetime, optional) the catalog instant to read; kb derives it from as_of (the end of that day,
//   UTC, or the first recorded load when the day is earlier). null = the current catalog
// example: {}
// returns: on the shipped corpus, 26 rows, EU-AIA-2024 first
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
RETURN i.catalog_rank AS catalog_rank,
       i.id AS id,
       i.name AS name,
       j.code AS jurisdiction,
       i.kind AS kind,
       i.binding AS binding,
       i.adopted AS adopted,
       CASE WHEN $as_of IS NULL OR size(coalesce(i.status_dates, [])) = 0 THEN i.status
            ELSE coalesce(last([k IN range(0, size(i.status_dates) - 1)
                                WHERE i.status_dates[k] <= $as_of | i.status_values[k]]), i.status)
       END AS status,
       // its cells at $at: TREATS edges recorded by then, TREATED copies current then
       COUNT { (n)-[r:TREATS|TREATED]->(:Topic)
               WHERE r.mode <> 'silent'
                 AND CASE type(r) WHEN 'TREATS' THEN $at IS NULL OR r.recorded_at <= $at
                                  ELSE r.recorded_at <= $at < r.recorded_to END } AS topics_addressed,
       COUNT { (n)-[r:TREATS|TREATED]->(:Topic)
               WHERE CASE type(r) WHEN 'TREATS' THEN $at IS NULL OR r.recorded_at <= $at
                                  ELSE r.recorded_at <= $at < r.recorded_to END } AS topics_reviewed
ORDER BY i.catalog_rank
