// name: topic_timeline
// title: What came after the first instrument on a topic
// description: Every tracked instrument adopted on or after the primacy date (see topic_primacy), except
//   the primacy instrument itself, in date order (ties by catalog_rank), labelled codified (explicit),
//   diverged (conflicts), implicit or silent; then those without an adoption date, in catalog order,
//   labelled undated. No rows when nothing addresses the topic. With limit, only the first limit rows
//   (the adopted index walked in order; undated ones looked for only when that leaves room).
//   topic_counts tallies all of them.
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) legal time: the law on this date; today when not given
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// param: limit (integer, optional) at most this many rows, the first in timeline order; null = all of them
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 22 rows: 21 dated, from WH-VOLUNTARY-2023 (2023-07-21, silent) to META-FRONTIER-2024 (2025-02-03, codified), then BR-AIBILL-2024 (undated)
// browser: :param slug => 'open_weight_release'   :param as_of => date()   :param as_recorded => datetime()   :param limit => null
MATCH (t:Topic {slug: $slug})-[:HAS_STATE]->(ts)
WHERE ts.recorded_from <= $as_recorded < ts.recorded_to
// p: the primacy instrument's state, as topic_primacy finds it
CALL (t) {
  MATCH (p:InstrumentState)
  USING INDEX p:InstrumentState(adopted)
  WHERE p.adopted <= $as_of
    AND p.recorded_from <= $as_recorded < p.recorded_to
  MATCH (pn:Instrument)-[:HAS_STATE]->(p)
  MATCH (pn)-[r:TREATS]->(t)
  WHERE r.recorded_from <= $as_recorded < r.recorded_to
    AND r.mode <> 'silent'
  RETURN p
  ORDER BY p.adopted, p.catalog_rank
  LIMIT 1
}
// the others adopted from its date on, by date (the adopted index), the first $limit
CALL (p) {
  MATCH (i:InstrumentState)
  USING INDEX i:InstrumentState(adopted)
  WHERE i.adopted >= p.adopted AND i <> p AND i.catalog = p.catalog
    AND i.recorded_from <= $as_recorded < i.recorded_to
    AND coalesce(i.adopted, date()) <= $as_of
  WITH i
  ORDER BY i.adopted, i.catalog_rank
  LIMIT coalesce($limit, 9223372036854775807)
  RETURN collect(i) AS dated
}
// then the undated ones, in catalog order, looked for only when fewer than $limit are dated
CALL (dated, ts) {
  UNWIND CASE WHEN $limit IS NULL OR size(dated) < $limit THEN [true] ELSE [] END AS wanted
  MATCH (i:InstrumentState)
  USING INDEX i:InstrumentState(catalog_rank)
  WHERE i.catalog_rank IS NOT NULL AND i.adopted IS NULL AND i.catalog = ts.catalog
    AND i.recorded_from <= $as_recorded < i.recorded_to
    AND coalesce(i.adopted, date()) <= $as_of
  WITH i
  ORDER BY i.catalog_rank
  LIMIT coalesce($limit, 9223372036854775807)
  RETURN collect(i) AS undated
}
UNWIND dated + undated AS i
WITH t, i
ORDER BY i.adopted IS NULL, i.adopted, i.catalog_rank
LIMIT coalesce($limit, 9223372036854775807)
MATCH (n:Instrument)-[:HAS_STATE]->(i)
OPTIONAL MATCH (n)-[ij:ISSUED_IN]->(j:Jurisdiction)
WHERE ij.recorded_from <= $as_recorded < ij.recorded_to
OPTIONAL MATCH (n)-[r:TREATS]->(t)
WHERE r.recorded_from <= $as_recorded < r.recorded_to
WITH i, j, r, coalesce(r.mode, 'silent') AS mode
RETURN i.id AS id,
       i.name AS name,
       j.code AS jurisdiction,
       i.adopted AS date,
       mode,
       r IS NOT NULL AS reviewed,
       CASE WHEN i.adopted IS NULL THEN 'undated' WHEN mode = 'explicit' THEN 'codified'
            WHEN mode = 'conflicts' THEN 'diverged' ELSE mode END AS label,
       i.catalog_rank AS catalog_rank
ORDER BY i.adopted IS NULL, i.adopted, i.catalog_rank
