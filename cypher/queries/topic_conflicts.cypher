// name: topic_conflicts
// title: Curated conflicts on a topic
// description: CONFLICTS_WITH edges recorded for the topic, each with the curator's basis and source.
//   The edge is read both ways; each is listed once, in the direction it was recorded.
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) only conflicts between instruments both adopted by then
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 1 row: META-FRONTIER-2024 / CA-SB-1047
// browser: :param slug => 'open_weight_release'   :param as_of => null
MATCH (a:Instrument)-[c:CONFLICTS_WITH]->(b:Instrument)
WHERE c.topic = $slug
  AND ($as_of IS NULL OR (a.adopted <= $as_of AND b.adopted <= $as_of))
OPTIONAL MATCH (a)-[:ISSUED_IN]->(ja:Jurisdiction)
OPTIONAL MATCH (b)-[:ISSUED_IN]->(jb:Jurisdiction)
RETURN a.id AS a_id,
       a.name AS a_name,
       ja.code AS a_jurisdiction,
       b.id AS b_id,
       b.name AS b_name,
       jb.code AS b_jurisdiction,
       c.basis AS basis,
       c.source AS source
ORDER BY a.catalog_rank, b.catalog_rank
