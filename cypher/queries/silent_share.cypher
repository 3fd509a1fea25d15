// name: silent_share
// title: Overall share of silent cells
// description: Over the whole instrument x topic grid (tracked instruments times topics): how many
//   cells are explicit, implicit, conflicts, reviewed-silent and unreviewed (no TREATS edge), and the
//   share of silent cells (reviewed-silent + unreviewed) as a percentage with one decimal.
// param: as_of (date, optional) only instruments adopted by then
// example: {}
// returns: on the shipped corpus, 1 row: 26 instruments x 24 topics = 624 cells
// browser: :param as_of => null
CALL () {
  MATCH (i:Instrument)
  WHERE $as_of IS NULL OR i.adopted <= $as_of
  RETURN count(i) AS instruments
}
CALL () {
  MATCH (t:Topic)
  RETURN count(t) AS topics
}
CALL () {
  MATCH (i:Instrument)-[r:TREATS]->(:Topic)
  WHERE $as_of IS NULL OR i.adopted <= $as_of
  RETURN count(r) AS reviewed,
         count(CASE WHEN r.mode = 'explicit' THEN 1 END) AS explicit,
         count(CASE WHEN r.mode = 'implicit' THEN 1 END) AS implicit,
         count(CASE WHEN r.mode = 'conflicts' THEN 1 END) AS conflicts,
         count(CASE WHEN r.mode = 'silent' THEN 1 END) AS reviewed_silent
}
WITH instruments, topics, instruments * topics AS cells, reviewed, explicit, implicit, conflicts, reviewed_silent
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
