// name: jurisdiction_gaps
// title: Topics a jurisdiction leaves open
// description: For every jurisdiction that issued at least one instrument adopted by as_of: the topics none
//   of its own instruments (ISSUED_IN that jurisdiction; a sub-national one such as US-CA counts apart
//   from its parent) addresses, i.e. every cell is silent or unreviewed, and of those the unreviewed ones
//   (none of its instruments has a cell on it; the others were reviewed and found silent). Topics in rank
//   order; most gaps first, ties by code. All as the catalog recorded them at as_recorded.
// param: as_of (date, optional) legal time: the law on this date; today when not given
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// param: catalog (string, optional) the catalog; kb (the curated one) when not given
// example: {}
// returns: on the shipped corpus, 16 rows, one per jurisdiction with instruments
// browser: :param as_of => date()   :param as_recorded => datetime()   :param catalog => 'kb'
CALL () {
  MATCH (ts:TopicState)
  WHERE ts.recorded_from <= $as_recorded < ts.recorded_to AND ts.catalog = $catalog
  WITH ts ORDER BY ts.rank
  RETURN collect(ts.slug) AS topics
}
MATCH (i:InstrumentState)
WHERE i.recorded_from <= $as_recorded < i.recorded_to AND i.catalog = $catalog
  AND coalesce(i.adopted, date()) <= $as_of
MATCH (n:Instrument)-[:HAS_STATE]->(i)
MATCH (n)-[e:ISSUED_IN]->(j:Jurisdiction)
WHERE e.recorded_from <= $as_recorded < e.recorded_to
OPTIONAL MATCH (n)-[r:TREATS]->(t:Topic)
WHERE r.recorded_from <= $as_recorded < r.recorded_to
WITH topics, j, count(DISTINCT n) AS instruments, collect(DISTINCT t.slug) AS reviewed,
     collect(DISTINCT CASE WHEN r.mode <> 'silent' THEN t.slug END) AS addressed
WITH j, instruments, reviewed, [s IN topics WHERE NOT s IN addressed] AS gaps
MATCH (j)-[:HAS_STATE]->(js)
WHERE js.recorded_from <= $as_recorded < js.recorded_to
RETURN j.code AS code,
       js.name AS name,
       instruments,
       size(gaps) AS gap_count,
       gaps,
       [s IN gaps WHERE NOT s IN reviewed] AS unreviewed
ORDER BY gap_count DESC, code
