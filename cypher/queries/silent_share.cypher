// name: silent_share
// title: Overall share of silent cells
// description: Over the whole instrument x topic grid (tracked instruments times topics): how many
//   cells are explicit, implicit, conflicts, reviewed-silent and unreviewed (no TREATS edge), and the
//   share of silent cells (reviewed-silent + unreviewed) as a percentage with one decimal. With at,
//   the topics, instruments and cells as the catalog held them then.
// param: as_of (date, optional) only instruments adopted by then, as the catalog recorded them at the end of that day
// param: at (datetime, optional) the catalog instant to read; kb derives it from as_of (the end of that day,
//   UTC, or the first recorded load when the day is earlier). null = the current catalog
// example: {}
// returns: on the shipped corpus, 1 row: 26 instruments x 24 topics = 624 cells
// browser: :param as_of => null   :param at => null
CALL () {
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
  RETURN collect(n) AS tracked
}
CALL () {
  MATCH (t:Topic)
  WHERE $at IS NULL OR coalesce(t.first_recorded_at, $at) <= $at
  RETURN count(t) AS topics
}
CALL (tracked) {
  // their cells at $at: TREATS edges recorded by then, TREATED copies current then
  UNWIND tracked AS n
  MATCH (n)-[r:TREATS|TREATED]->(:Topic)
  WHERE CASE type(r) WHEN 'TREATS' THEN $at IS NULL OR r.recorded_at <= $at
                     ELSE r.recorded_at <= $at < r.recorded_to END
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
