// name: topic_primacy
// title: Historical primacy on a topic
// description: The earliest-adopted instrument whose cell for the topic is not silent (explicit,
//   implicit or conflicts), with its adoption date and mode. Ties on the date go to the lower
//   catalog_rank; instruments without an adoption date never win. No row when nothing addresses
//   the topic (as of the date). With at, the instruments, dates and cells as the catalog held
//   them then (old properties from InstrumentVersion nodes, old cells from TREATED edges).
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) only instruments adopted by then, as the catalog recorded them at the end of that day
// param: at (datetime, optional) the catalog instant to read; kb derives it from as_of (the end of that day,
//   UTC, or the first recorded load when the day is earlier). null = the current catalog
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 1 row: CN-GENAI-2023, 2023-07-10, implicit
// browser: :param slug => 'open_weight_release'   :param as_of => null   :param at => null
MATCH (t:Topic {slug: $slug})
CALL (t) {
  // the current catalog: live instruments and cells (walked in adoption-date index order)
  WITH t WHERE $at IS NULL
  MATCH (n:Instrument)-[r:TREATS]->(t)
  WHERE r.mode <> 'silent'
    AND n.adopted IS NOT NULL
    AND ($as_of IS NULL OR n.adopted <= $as_of)
  RETURN n, n AS i, r
  ORDER BY n.adopted, n.catalog_rank
  LIMIT 1
  UNION ALL
  // the catalog at $at: the cells then (the TREATS edge if recorded by then, else the TREATED copy
  // current then) of the instruments then, with their properties then (i: the InstrumentVersion
  // current then, if they have changed since)
  WITH t WHERE $at IS NOT NULL
  MATCH (n:Instrument)-[r:TREATS|TREATED]->(t)
  WHERE r.mode <> 'silent'
    AND CASE type(r) WHEN 'TREATS' THEN r.recorded_at <= $at ELSE r.recorded_at <= $at < r.recorded_to END
    AND coalesce(n.first_recorded_at, $at) <= $at
  OPTIONAL CALL (n) {
    MATCH (v:InstrumentVersion)-[:VERSION_OF]->(n)
    WHERE v.recorded_at <= $at < v.recorded_to
    RETURN v LIMIT 1
  }
  WITH n, r, coalesce(v, n) AS i
  WHERE i.adopted IS NOT NULL
    AND ($as_of IS NULL OR i.adopted <= $as_of)
  RETURN n, i, r
  ORDER BY i.adopted, i.catalog_rank
  LIMIT 1
}
OPTIONAL MATCH (n)-[:ISSUED_IN]->(j:Jurisdiction)
RETURN i.id AS id,
       i.name AS name,
       j.code AS jurisdiction,
       i.adopted AS date,
       r.mode AS mode,
       r.pinpoint AS pinpoint,
       i.catalog_rank AS catalog_rank
