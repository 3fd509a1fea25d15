// name: topic_primacy
// title: Historical primacy on a topic
// description: The earliest-adopted instrument whose cell for the topic is not silent (explicit,
//   implicit or conflicts), with its adoption date and mode. Ties on the date go to the lower
//   catalog_rank; instruments without an adoption date never win. No row when nothing addresses
//   the topic (as of the date).
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) only instruments adopted by then
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 1 row: CN-GENAI-2023, 2023-07-10, implicit
// browser: :param slug => 'open_weight_release'   :param as_of => null
MATCH (t:Topic {slug: $slug})
MATCH (i:Instrument)-[r:TREATS]->(t)
WHERE r.mode <> 'silent'
  AND i.adopted IS NOT NULL
  AND ($as_of IS NULL OR i.adopted <= $as_of)
OPTIONAL MATCH (i)-[:ISSUED_IN]->(j:Jurisdiction)
RETURN i.id AS id,
       i.name AS name,
       j.code AS jurisdiction,
       i.adopted AS date,
       r.mode AS mode,
       r.pinpoint AS pinpoint,
       i.catalog_rank AS catalog_rank
ORDER BY i.adopted, i.catalog_rank
LIMIT 1
