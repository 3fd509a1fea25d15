// name: silent_regimes
// title: Silent regimes on a topic
// description: The tracked instruments that do not address the topic, in catalog order, with their
//   jurisdictions: reviewed-silent ones (a TREATS edge with mode silent, reviewed = true) and
//   unreviewed ones (no TREATS edge, reviewed = false). The gap signal of the topic page.
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) only instruments adopted by then
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 16 rows: US-EO-14179 (US) first, JP-METI-AI-2024 (JP) last
// browser: :param slug => 'open_weight_release'   :param as_of => null
MATCH (t:Topic {slug: $slug})
MATCH (i:Instrument)
WHERE $as_of IS NULL OR i.adopted <= $as_of
OPTIONAL MATCH (i)-[r:TREATS]->(t)
WITH i, r
WHERE r IS NULL OR r.mode = 'silent'
OPTIONAL MATCH (i)-[:ISSUED_IN]->(j:Jurisdiction)
RETURN i.id AS id,
       i.name AS name,
       j.code AS jurisdiction,
       r IS NOT NULL AS reviewed,
       r.note AS note,
       i.catalog_rank AS catalog_rank
ORDER BY i.catalog_rank
