// name: topic_conflicts
// title: Curated conflicts on a topic
// description: CONFLICTS_WITH edges recorded for the topic, each with the curator's basis and source.
//   The edge is read both ways; each is listed once, in the direction it was recorded. With at, only
//   edges recorded by then between instruments in the catalog then, with the instruments' properties
//   as they stood then (the edges themselves are not versioned: basis and source are the current ones).
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) only conflicts between instruments both adopted by then, as the catalog
//   recorded them at the end of that day
// param: at (datetime, optional) the catalog instant to read; kb derives it from as_of (the end of that day,
//   UTC, or the first recorded load when the day is earlier). null = the current catalog
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 1 row: META-FRONTIER-2024 / CA-SB-1047
// browser: :param slug => 'open_weight_release'   :param as_of => null   :param at => null
MATCH (an:Instrument)-[c:CONFLICTS_WITH]->(bn:Instrument)
WHERE c.topic = $slug
  AND ($at IS NULL OR (coalesce(c.first_recorded_at, $at) <= $at
                       AND coalesce(an.first_recorded_at, $at) <= $at
                       AND coalesce(bn.first_recorded_at, $at) <= $at))
// an, bn: the live instruments; a, b: their properties as they stood at $at
OPTIONAL CALL (an) {
  WITH an WHERE $at IS NOT NULL
  MATCH (v:InstrumentVersion)-[:VERSION_OF]->(an)
  WHERE v.recorded_at <= $at < v.recorded_to
  RETURN v AS av LIMIT 1
}
OPTIONAL CALL (bn) {
  WITH bn WHERE $at IS NOT NULL
  MATCH (v:InstrumentVersion)-[:VERSION_OF]->(bn)
  WHERE v.recorded_at <= $at < v.recorded_to
  RETURN v AS bv LIMIT 1
}
WITH an, bn, c, coalesce(av, an) AS a, coalesce(bv, bn) AS b
WHERE $as_of IS NULL OR (a.adopted <= $as_of AND b.adopted <= $as_of)
OPTIONAL MATCH (an)-[:ISSUED_IN]->(ja:Jurisdiction)
OPTIONAL MATCH (bn)-[:ISSUED_IN]->(jb:Jurisdiction)
RETURN a.id AS a_id,
       a.name AS a_name,
       ja.code AS a_jurisdiction,
       b.id AS b_id,
       b.name AS b_name,
       jb.code AS b_jurisdiction,
       c.basis AS basis,
       c.source AS source
ORDER BY a.catalog_rank, b.catalog_rank
