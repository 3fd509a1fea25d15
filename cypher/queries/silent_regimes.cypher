// name: silent_regimes
// title: Silent regimes on a topic
// description: The tracked instruments that do not address the topic, in catalog order, with their
//   jurisdictions: reviewed-silent ones (a TREATS edge with mode silent, reviewed = true) and
//   unreviewed ones (no TREATS edge, reviewed = false). The gap signal of the topic page. With limit,
//   only the first limit of them (the catalog_rank index, walked in order); topic_counts says how many.
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) legal time: the law on this date; today when not given
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// param: limit (integer, optional) at most this many rows, the first in catalog order; null = all of them
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 16 rows: US-EO-14179 (US) first, JP-METI-AI-2024 (JP) last
// browser: :param slug => 'open_weight_release'   :param as_of => date()   :param as_recorded => datetime()   :param limit => null
MATCH (t:Topic {slug: $slug})-[:HAS_STATE]->(ts)
WHERE ts.recorded_from <= $as_recorded < ts.recorded_to
// the topic's catalog's instruments then, in catalog order (the catalog_rank index), with no cell then or a silent one
CALL (t, ts) {
  MATCH (i:InstrumentState)
  USING INDEX i:InstrumentState(catalog_rank)
  WHERE i.catalog_rank IS NOT NULL
    AND i.recorded_from <= $as_recorded < i.recorded_to AND i.catalog = ts.catalog
    AND coalesce(i.adopted, date()) <= $as_of
  MATCH (n:Instrument)-[:HAS_STATE]->(i)
  OPTIONAL MATCH (n)-[r:TREATS]->(t)
  WHERE r.recorded_from <= $as_recorded < r.recorded_to
  WITH n, i, r
  WHERE r IS NULL OR r.mode = 'silent'
  RETURN n, i, r
  ORDER BY i.catalog_rank
  LIMIT coalesce($limit, 9223372036854775807)
}
OPTIONAL MATCH (n)-[ij:ISSUED_IN]->(j:Jurisdiction)
WHERE ij.recorded_from <= $as_recorded < ij.recorded_to
RETURN i.id AS id,
       i.name AS name,
       j.code AS jurisdiction,
       r IS NOT NULL AS reviewed,
       r.note AS note,
       i.catalog_rank AS catalog_rank
ORDER BY i.catalog_rank
