// name: jurisdiction_gaps
// title: Topics a jurisdiction leaves open
// description: For every jurisdiction that issued at least one tracked instrument: the topics none
//   of its own instruments (ISSUED_IN that jurisdiction; a sub-national one such as US-CA counts
//   separately from its parent) addresses, i.e. every cell is silent or unreviewed. Topics in rank
//   order. Most gaps first, ties by code.
// param: as_of (date, optional) only instruments adopted by then
// example: {}
// returns: on the shipped corpus, 16 rows, one per jurisdiction with instruments
// browser: :param as_of => null
MATCH (j:Jurisdiction)<-[:ISSUED_IN]-(i:Instrument)
WHERE $as_of IS NULL OR i.adopted <= $as_of
WITH j, collect(i) AS instruments
CALL (j, instruments) {
  MATCH (t:Topic)
  WHERE NOT EXISTS {
    MATCH (x:Instrument)-[r:TREATS]->(t)
    WHERE x IN instruments AND r.mode <> 'silent'
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
