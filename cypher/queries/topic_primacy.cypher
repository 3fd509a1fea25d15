// name: topic_primacy
// title: Historical primacy on a topic
// description: The earliest-adopted instrument whose cell for the topic is not silent (explicit,
//   implicit or conflicts), with its adoption date and mode. Ties on the date go to the lower
//   catalog_rank; instruments without an adoption date never win. No row when nothing addresses the
//   topic. Walks the adoption-date index in order and stops at the first instrument that speaks.
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) legal time: the law on this date; today when not given
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 1 row: CN-GENAI-2023, 2023-07-10, implicit
// browser: :param slug => 'open_weight_release'   :param as_of => date()   :param as_recorded => datetime()
MATCH (t:Topic {slug: $slug})-[:HAS_STATE]->(ts)
WHERE ts.recorded_from <= $as_recorded < ts.recorded_to
// the instruments then, by adoption date (the adopted index, walked in order), the first with a cell
// then that is not silent
CALL (t) {
  MATCH (i:InstrumentState)
  USING INDEX i:InstrumentState(adopted)
  WHERE i.adopted <= $as_of
    AND i.recorded_from <= $as_recorded < i.recorded_to
  MATCH (n:Instrument)-[:HAS_STATE]->(i)
  MATCH (n)-[r:TREATS]->(t)
  WHERE r.recorded_from <= $as_recorded < r.recorded_to
    AND r.mode <> 'silent'
  RETURN n, i, r
  ORDER BY i.adopted, i.catalog_rank
  LIMIT 1
}
OPTIONAL MATCH (n)-[ij:ISSUED_IN]->(j:Jurisdiction)
WHERE ij.recorded_from <= $as_recorded < ij.recorded_to
RETURN i.id AS id,
       i.name AS name,
       j.code AS jurisdiction,
       i.adopted AS date,
       r.mode AS mode,
       r.pinpoint AS pinpoint,
       i.catalog_rank AS catalog_rank
