// name: silent_regimes
// title: Silent regimes on a topic
// description: The tracked instruments that do not address the topic, in catalog order, with their
//   jurisdictions: reviewed-silent ones (a TREATS edge with mode silent, reviewed = true) and
//   unreviewed ones (no TREATS edge, reviewed = false). The gap signal of the topic page. With at,
//   the instruments and cells as the catalog held them then.
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) only instruments adopted by then, as the catalog recorded them at the end of that day
// param: at (datetime, optional) the catalog instant to read; kb derives it from as_of (end of that day, UTC,
//   or the first load when earlier). null = the current catalog
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 16 rows: US-EO-14179 (US) first, JP-METI-AI-2024 (JP) last
// browser: :param slug => 'open_weight_release'   :param as_of => null   :param at => null
MATCH (t:Topic {slug: $slug})
// n: the live instrument, in the catalog at $at; i: its properties as they stood then
MATCH (n:Instrument)
WHERE $at IS NULL OR coalesce(n.first_recorded_at, $at) <= $at
OPTIONAL CALL (n) {
  WITH n WHERE $at IS NOT NULL
  MATCH (v:InstrumentVersion)-[:VERSION_OF]->(n)
  WHERE v.recorded_at <= $at < v.recorded_to
  RETURN v LIMIT 1
}
WITH t, n, coalesce(v, n) AS i
WHERE $as_of IS NULL OR i.adopted <= $as_of
// r: its cell for the topic at $at (the live TREATS edge, or the TREATED copy current then)
OPTIONAL MATCH (n)-[live:TREATS]->(t)
OPTIONAL CALL (n, t) {
  WITH n, t WHERE $at IS NOT NULL
  MATCH (n)-[old:TREATED]->(t)
  WHERE old.recorded_at <= $at < old.recorded_to
  RETURN old LIMIT 1
}
WITH n, i, CASE WHEN $at IS NULL OR live.recorded_at <= $at THEN live ELSE old END AS r
WHERE r IS NULL OR r.mode = 'silent'
OPTIONAL MATCH (n)-[:ISSUED_IN]->(j:Jurisdiction)
RETURN i.id AS id,
       i.name AS name,
       j.code AS jurisdiction,
       r IS NOT NULL AS reviewed,
       r.note AS note,
       i.catalog_rank AS catalog_rank
ORDER BY i.catalog_rank
