// name: matrix
// title: The instrument x topic matrix
// description: One row per cell of the grid: every tracked instrument (catalog order) times every
//   topic (topic rank), with the cell's mode (explicit, implicit, conflicts, silent) and whether it
//   was reviewed (false = no TREATS edge, shown as unreviewed). kb matrix pivots it; legend
//   ● explicit, ◐ implicit, ⚠ conflicts, · silent.
// param: as_of (date, optional) only instruments adopted by then
// example: {}
// returns: on the shipped corpus, 624 rows (26 instruments x 24 topics)
// browser: :param as_of => null
MATCH (i:Instrument)
WHERE $as_of IS NULL OR i.adopted <= $as_of
OPTIONAL MATCH (i)-[:ISSUED_IN]->(j:Jurisdiction)
WITH i, j
MATCH (t:Topic)
OPTIONAL MATCH (i)-[r:TREATS]->(t)
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
