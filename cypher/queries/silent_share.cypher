// name: silent_share
// title: Overall share of silent cells
// description: Over the whole instrument x topic grid (the instruments adopted by as_of times the topics,
//   as recorded at as_recorded): how many cells are explicit, implicit, conflicts, reviewed-silent and
//   unreviewed (no TREATS edge), and the share of silent cells (reviewed-silent + unreviewed) as a
//   percentage with one decimal.
// param: as_of (date, optional) legal time: the law on this date; today when not given
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// param: catalog (string, optional) the catalog; kb (the curated one) when not given
// example: {}
// returns: on the shipped corpus, 1 row: 26 instruments x 24 topics = 624 cells
// browser: :param as_of => date()   :param as_recorded => datetime()   :param catalog => 'kb'
CALL () {
  MATCH (t:TopicState)
  WHERE t.recorded_from <= $as_recorded < t.recorded_to AND t.catalog = $catalog
  RETURN count(t) AS topics
}
OPTIONAL MATCH (i:InstrumentState)
WHERE i.recorded_from <= $as_recorded < i.recorded_to AND i.catalog = $catalog
  AND coalesce(i.adopted, date()) <= $as_of
OPTIONAL MATCH (n:Instrument)-[:HAS_STATE]->(i)
OPTIONAL MATCH (n)-[r:TREATS]->(:Topic)
WHERE r.recorded_from <= $as_recorded < r.recorded_to
WITH topics, count(DISTINCT n) AS instruments, count(r) AS reviewed,
     count(CASE r.mode WHEN 'explicit' THEN 1 END) AS explicit,
     count(CASE r.mode WHEN 'implicit' THEN 1 END) AS implicit,
     count(CASE r.mode WHEN 'conflicts' THEN 1 END) AS conflicts
WITH instruments, topics, instruments * topics AS cells, explicit, implicit, conflicts,
     reviewed - explicit - implicit - conflicts AS reviewed_silent, reviewed
WITH instruments, topics, cells, explicit, implicit, conflicts, reviewed_silent,
     cells - reviewed AS unreviewed
RETURN instruments,
       topics,
       cells,
       explicit,
       implicit,
       conflicts,
       reviewed_silent,
       unreviewed,
       reviewed_silent + unreviewed AS silent,
       CASE WHEN cells = 0 THEN null ELSE round(100.0 * (reviewed_silent + unreviewed) / cells, 1) END AS percent
