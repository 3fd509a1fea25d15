// name: silent_share
// title: Overall share of silent cells
// description: Over the whole instrument x topic grid (tracked instruments times topics): how many
//   cells are explicit, implicit, conflicts, reviewed-silent and unreviewed (no TREATS edge), and the
//   share of silent cells (reviewed-silent + unreviewed) as a percentage with one decimal. With at,
//   the topics, instruments and cells as the catalog held them then.
// param: as_of (date, optional) only instruments adopted by then, as the catalog recorded them at the end of that day
// param: at (datetime, optional) the catalog instant to read; kb derives it from as_of (end of that day, UTC,
//   or the first load when earlier). null = the current catalog
// example: {}
// returns: on the shipped corpus, 1 row: 26 instruments x 24 topics = 624 cells
// browser: :param as_of => null   :param at => null
CALL () {
  // the tracked instruments: in the catalog at $at, adopted by $as_of with their properties then
  MATCH (n:Instrument)
  WHERE $at IS NULL OR coalesce(n.first_recorded_at, $at) <= $at
  OPTIONAL CALL (n) {
    WITH n WHERE $at IS NOT NULL
    MATCH (v:InstrumentVersion)-[:VERSION_OF]->(n)
    WHERE v.recorded_at <= $at < v.recorded_to
    RETURN v LIMIT 1
  }
  WITH n, coalesce(v, n) AS i
  WHERE $as_of IS NULL OR i.adopted <= $as_of
  RETURN collect(n) AS tracked
}
CALL () {
  MATCH (t:Topic)
  WHERE $at IS NULL OR coalesce(t.first_recorded_at, $at) <= $at
  RETURN count(t) AS topics
}
CALL (tracked) {
  // their cells at $at: live TREATS edges recorded by then, and TREATED copies current then
  UNWIND tracked AS n
  CALL (n) {
    MATCH (n)-[r:TREATS]->(:Topic)
    WHERE $at IS NULL OR r.recorded_at <= $at
    RETURN r
    UNION ALL
    WITH n WHERE $at IS NOT NULL
    MATCH (n)-[r:TREATED]->(:Topic)
    WHERE r.recorded_at <= $at < r.recorded_to
    RETURN r
  }
  RETURN count(r) AS reviewed,
         count(CASE WHEN r.mode = 'explicit' THEN 1 END) AS explicit,
         count(CASE WHEN r.mode = 'implicit' THEN 1 END) AS implicit,
         count(CASE WHEN r.mode = 'conflicts' THEN 1 END) AS conflicts,
         count(CASE WHEN r.mode = 'silent' THEN 1 END) AS reviewed_silent
}
WITH size(tracked) AS instruments, topics, size(tracked) * topics AS cells,
     reviewed, explicit, implicit, conflicts, reviewed_silent
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
