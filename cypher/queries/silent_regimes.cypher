// name: silent_regimes
// title: Silent regimes on a topic
// description: The tracked instruments that do not address the topic, in catalog order, with their
//   jurisdictions: reviewed-silent ones (a TREATS edge with mode silent, reviewed = true) and
//   unreviewed ones (no TREATS edge, reviewed = false). The gap signal of the topic page. With at,
//   the instruments and cells as the catalog held them then (old properties from InstrumentVersion
//   nodes, old cells from TREATED edges).
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) only instruments adopted by then, as the catalog recorded them at the end of that day
// param: at (datetime, optional) the catalog instant to read; kb derives it from as_of (the end of that day,
//   UTC, or the first recorded load when the day is earlier). null = the current catalog
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 16 rows: US-EO-14179 (US) first, JP-METI-AI-2024 (JP) last
// browser: :param slug => 'open_weight_release'   :param as_of => null   :param at => null
MATCH (t:Topic {slug: $slug})
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
WITH t, n, i
WHERE $as_of IS NULL OR i.adopted <= $as_of
// r: the cell at $at: the TREATS edge if recorded by then, else the TREATED copy current then
OPTIONAL MATCH (n)-[r:TREATS|TREATED]->(t)
WHERE CASE type(r) WHEN 'TREATS' THEN $at IS NULL OR r.recorded_at <= $at
                   ELSE r.recorded_at <= $at < r.recorded_to END
WITH n, i, r
WHERE r IS NULL OR r.mode = 'silent'
OPTIONAL MATCH (n)-[:ISSUED_IN]->(j:Jurisdiction)
RETURN i.id AS id,
       i.name AS name,
       j.code AS jurisdiction,
       r IS NOT NULL AS reviewed,
       r.note AS note,
       i.catalog_rank AS catalog_rank
ORDER BY i.catalog_rank
