// name: matrix
// title: The instrument x topic matrix
// description: One row per cell of the grid: every tracked instrument (catalog order) times every
//   topic (topic rank), with the cell's mode (explicit, implicit, conflicts, silent) and whether it
//   was reviewed (false = no TREATS edge, shown as unreviewed). kb matrix pivots it; legend
//   ● explicit, ◐ implicit, ⚠ conflicts, · silent. With at, the topics, instruments and cells as
//   the catalog held them then.
// param: as_of (date, optional) only instruments adopted by then, as the catalog recorded them at the end of that day
// param: at (datetime, optional) the catalog instant to read; kb derives it from as_of (end of that day, UTC,
//   or the first load when earlier). null = the current catalog
// example: {}
// returns: on the shipped corpus, 624 rows (26 instruments x 24 topics)
// browser: :param as_of => null   :param at => null
MATCH (n:Instrument)
WHERE $at IS NULL OR coalesce(n.first_recorded_at, $at) <= $at
// n: the live instrument, in the catalog at $at; i: its properties as they stood then
OPTIONAL CALL (n) {
  WITH n WHERE $at IS NOT NULL
  MATCH (v:InstrumentVersion)-[:VERSION_OF]->(n)
  WHERE v.recorded_at <= $at < v.recorded_to
  RETURN v LIMIT 1
}
WITH n, coalesce(v, n) AS i
WHERE $as_of IS NULL OR i.adopted <= $as_of
OPTIONAL MATCH (n)-[:ISSUED_IN]->(j:Jurisdiction)
WITH n, i, j
MATCH (t:Topic)
WHERE $at IS NULL OR coalesce(t.first_recorded_at, $at) <= $at
// r: the cell at $at (the live TREATS edge, or the TREATED copy current then)
OPTIONAL MATCH (n)-[live:TREATS]->(t)
OPTIONAL CALL (n, t) {
  WITH n, t WHERE $at IS NOT NULL
  MATCH (n)-[old:TREATED]->(t)
  WHERE old.recorded_at <= $at < old.recorded_to
  RETURN old LIMIT 1
}
WITH i, j, t, CASE WHEN $at IS NULL OR live.recorded_at <= $at THEN live ELSE old END AS r
RETURN i.id AS instrument,
       i.name AS name,
       i.short_name AS short_name,
       j.code AS jurisdiction,
       i.catalog_rank AS catalog_rank,
       t.slug AS topic,
       t.name AS topic_name,
       t.rank AS topic_rank,
       coalesce(r.mode, 'silent') AS mode,
       r IS NOT NULL AS reviewed
ORDER BY i.catalog_rank, t.rank
