// name: topic_conflicts
// title: Curated conflicts on a topic
// description: The CONFLICTS_WITH edges recorded for the topic between two tracked instruments, each
//   with the curator's basis and source. The edge is read both ways; each is listed once, in the
//   direction it was recorded (found by the edges' topic index).
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) legal time: the law on this date; today when not given
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 1 row: META-FRONTIER-2024 / CA-SB-1047
// browser: :param slug => 'open_weight_release'   :param as_of => date()   :param as_recorded => datetime()
MATCH (an:Instrument)-[c:CONFLICTS_WITH]->(bn:Instrument)
WHERE c.topic = $slug
  AND c.recorded_from <= $as_recorded < c.recorded_to
// a, b: the two instruments' states then
MATCH (an)-[:HAS_STATE]->(a:InstrumentState)
WHERE a.recorded_from <= $as_recorded < a.recorded_to
  AND coalesce(a.adopted, date()) <= $as_of
MATCH (bn)-[:HAS_STATE]->(b:InstrumentState)
WHERE b.recorded_from <= $as_recorded < b.recorded_to
  AND coalesce(b.adopted, date()) <= $as_of
OPTIONAL MATCH (an)-[ija:ISSUED_IN]->(ja:Jurisdiction)
WHERE ija.recorded_from <= $as_recorded < ija.recorded_to
OPTIONAL MATCH (bn)-[ijb:ISSUED_IN]->(jb:Jurisdiction)
WHERE ijb.recorded_from <= $as_recorded < ijb.recorded_to
RETURN a.id AS a_id,
       a.name AS a_name,
       ja.code AS a_jurisdiction,
       b.id AS b_id,
       b.name AS b_name,
       jb.code AS b_jurisdiction,
       c.basis AS basis,
       c.source AS source
ORDER BY a.catalog_rank, b.catalog_rank
