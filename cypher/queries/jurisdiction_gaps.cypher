// name: jurisdiction_gaps
// title: Topics a jurisdiction leaves open
// description: For every jurisdiction that issued at least one tracked instrument: the topics none
//   of its own instruments (ISSUED_IN that jurisdiction; a sub-national one such as US-CA counts
//   separately from its parent) addresses, i.e. every cell is silent or unreviewed. Topics in rank
//   order. Most gaps first, ties by code. With at, the topics, instruments and cells as the catalog
//   held them then (jurisdictions and ISSUED_IN are read as they are now).
// param: as_of (date, optional) only instruments adopted by then, as the catalog recorded them at the end of that day
// param: at (datetime, optional) the catalog instant to read; kb derives it from as_of (the end of that day,
//   UTC, or the first recorded load when the day is earlier). null = the current catalog
// example: {}
// returns: on the shipped corpus, 16 rows, one per jurisdiction with instruments
// browser: :param as_of => null   :param at => null
CALL () {
  // the instruments in the catalog at $at (n), with their properties then (i): as they are when
  // unchanged since $at (all of them when $at is null), else the InstrumentVersion current then
  MATCH (n:Instrument)
  WHERE $at IS NULL OR (coalesce(n.first_recorded_at, $at) <= $at AND coalesce(n.recorded_at, $at) <= $at)
  RETURN n, n AS i
  UNION ALL
  MATCH (i:InstrumentVersion)-[:VERSION_OF]->(n:Instrument)
  WHERE i.recorded_at <= $at < i.recorded_to
  RETURN n, i
}
WITH n, i
WHERE $as_of IS NULL OR i.adopted <= $as_of
MATCH (j:Jurisdiction)<-[:ISSUED_IN]-(n)
WITH j, collect(n) AS instruments
CALL (j, instruments) {
  MATCH (t:Topic)
  WHERE ($at IS NULL OR coalesce(t.first_recorded_at, $at) <= $at)
    // no non-silent cell at $at: a TREATS edge recorded by then, or a TREATED copy current then
    AND NOT EXISTS {
      MATCH (x:Instrument)-[r:TREATS|TREATED]->(t)
      WHERE x IN instruments
        AND r.mode <> 'silent'
        AND CASE type(r) WHEN 'TREATS' THEN $at IS NULL OR r.recorded_at <= $at
                         ELSE r.recorded_at <= $at < r.recorded_to END
    }
  WITH t ORDER BY t.rank
  RETURN collect(t.slug) AS gaps
}
RETURN j.code AS code,
       j.name AS name,
       size(instruments) AS instruments,
       size(gaps) AS gap_count,
       gaps
ORDER BY gap_count DESC, code
