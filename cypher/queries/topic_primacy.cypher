// name: topic_primacy
// title: Historical primacy on a topic
// description: The earliest-adopted instrument whose cell for the topic is not silent (explicit,
//   implicit or conflicts), with its adoption date and mode. Ties on the date go to the lower
//   catalog_rank; instruments without an adoption date never win. No row when nothing addresses the
//   topic. Walks the adoption-date index in order and stops at the first instrument that speaks. With
//   by = introduced, the earliest by introduction date instead (an instrument without one by its adoption
//   date; instruments adopted by as_of only); dated_by says which date each row's date is.
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) legal time: the law on this date; today when not given
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// param: by (string, optional) adopted (the default) or introduced: which date orders the instruments
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 1 row: CN-GENAI-2023, 2023-07-10, implicit
// browser: :param slug => 'open_weight_release'   :param as_of => date()   :param as_recorded => datetime()   :param by => 'adopted'
MATCH (t:Topic {slug: $slug})-[:HAS_STATE]->(ts)
WHERE ts.recorded_from <= $as_recorded < ts.recorded_to
// by adopted: the instruments then, by adoption date (the adopted index, walked in order), the first with
// a cell then that is not silent; by introduced: the topic's cells then that are not silent, their
// instruments tracked then, by introduction date (the adoption date where none)
CALL (t) {
  WITH t WHERE coalesce($by, 'adopted') = 'adopted'
  MATCH (i:InstrumentState)
  USING INDEX i:InstrumentState(adopted)
  WHERE i.adopted <= $as_of
    AND i.recorded_from <= $as_recorded < i.recorded_to
  MATCH (n:Instrument)-[:HAS_STATE]->(i)
  MATCH (n)-[r:TREATS]->(t)
  WHERE r.recorded_from <= $as_recorded < r.recorded_to
    AND r.mode <> 'silent'
  RETURN n, i, r, i.adopted AS date, 'adopted' AS dated_by
  ORDER BY i.adopted, i.catalog_rank
  LIMIT 1
  UNION
  WITH t WHERE $by = 'introduced'
  MATCH (n:Instrument)-[r:TREATS]->(t)
  WHERE r.recorded_from <= $as_recorded < r.recorded_to AND r.mode <> 'silent'
  MATCH (n)-[:HAS_STATE]->(i)
  WHERE i.recorded_from <= $as_recorded < i.recorded_to AND i.adopted <= $as_of
  RETURN n, i, r, coalesce(i.introduced, i.adopted) AS date,
         CASE WHEN i.introduced IS NULL THEN 'adopted' ELSE 'introduced' END AS dated_by
  ORDER BY date, i.catalog_rank
  LIMIT 1
}
OPTIONAL MATCH (n)-[ij:ISSUED_IN]->(j:Jurisdiction)
WHERE ij.recorded_from <= $as_recorded < ij.recorded_to
RETURN i.id AS id,
       i.name AS name,
       j.code AS jurisdiction,
       date,
       dated_by,
       r.mode AS mode,
       r.pinpoint AS pinpoint,
       i.catalog_rank AS catalog_rank
