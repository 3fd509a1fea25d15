// name: topic_timeline
// title: What came after the first instrument on a topic
// description: Every tracked instrument adopted on or after the primacy date (see topic_primacy),
//   except the primacy instrument itself, in date order (ties by catalog_rank), labelled codified
//   (explicit), diverged (conflicts), implicit or silent; instruments without an adoption date come
//   last, labelled undated. No rows when nothing addresses the topic.
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) only instruments adopted by then (undated ones drop out)
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 22 rows: 21 dated, from WH-VOLUNTARY-2023 (2023-07-21, silent) to META-FRONTIER-2024 (2025-02-03, codified), then BR-AIBILL-2024 (undated)
// browser: :param slug => 'open_weight_release'   :param as_of => null
MATCH (t:Topic {slug: $slug})
CALL (t) {
  MATCH (p:Instrument)-[r:TREATS]->(t)
  WHERE r.mode <> 'silent'
    AND p.adopted IS NOT NULL
    AND ($as_of IS NULL OR p.adopted <= $as_of)
  RETURN p
  ORDER BY p.adopted, p.catalog_rank
  LIMIT 1
}
MATCH (i:Instrument)
WHERE i <> p
  AND ($as_of IS NULL OR i.adopted <= $as_of)
  AND (i.adopted IS NULL OR i.adopted >= p.adopted)
OPTIONAL MATCH (i)-[:ISSUED_IN]->(j:Jurisdiction)
OPTIONAL MATCH (i)-[r:TREATS]->(t)
WITH i, j, r, coalesce(r.mode, 'silent') AS mode
RETURN i.id AS id,
       i.name AS name,
       j.code AS jurisdiction,
       i.adopted AS date,
       mode,
       r IS NOT NULL AS reviewed,
       CASE WHEN i.adopted IS NULL THEN 'undated'
            WHEN mode = 'explicit' THEN 'codified'
            WHEN mode = 'conflicts' THEN 'diverged'
            ELSE mode
       END AS label,
       i.catalog_rank AS catalog_rank
ORDER BY i.adopted IS NULL, i.adopted, i.catalog_rank
