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
    // the tracked instruments (n) with their properties then (i): in the catalog at $at, as they
    // are when unchanged since (always when $at is null), else the InstrumentVersion current then;
    // adopted by $as_of by the dates recorded then
    MATCH (n:Instrument)
    WHERE ($at IS NULL OR (coalesce(n.first_recorded_at, $at) <= $at AND coalesce(n.recorded_at, $at) <= $at))
      AND ($as_of IS NULL OR n.adopted <= $as_of)
    RETURN n, n AS i
    UNION ALL
    MATCH (i:InstrumentVersion)-[:VERSION_OF]->(n:Instrument)
    WHERE i.recorded_at <= $at < i.recorded_to
      AND ($as_of IS NULL OR i.adopted <= $as_of)
    RETURN n, i
  }
  RETURN collect(n) AS tracked
}
CALL () {
  MATCH (t:Topic)
  WHERE $at IS NULL OR coalesce(t.first_recorded_at, $at) <= $at
  RETURN count(t) AS topics
}
CALL () {
  // the current catalog, whole: the cells from the count store; by mode, the sums of the counts kb
  // load keeps on each topic (cells_explicit ..., see kb/cell_counts.py), or when a topic lacks them,
  // counts from the TREATS(mode) index (summed, so that one row comes out, of zeros when this does
  // not apply)
  WITH 1 AS needed WHERE $at IS NULL AND $as_of IS NULL
  WITH NOT EXISTS { MATCH (u:Topic) WHERE u.cells_explicit IS NULL } AS kept
  CALL () { MATCH ()-[r:TREATS]->() RETURN count(r) AS reviewed }
  CALL (kept) {
    WITH kept WHERE kept
    CALL () {  // (a subquery: no row at all when the counts are not kept)
      MATCH (t:Topic)
      RETURN sum(t.cells_explicit) AS explicit, sum(t.cells_implicit) AS implicit,
             sum(t.cells_conflicts) AS conflicts
    }
    RETURN explicit, implicit, conflicts
    UNION ALL
    WITH kept WHERE NOT kept
    CALL () { MATCH ()-[r:TREATS]->() WHERE r.mode = 'explicit' RETURN count(r) AS explicit }
    CALL () { MATCH ()-[r:TREATS]->() WHERE r.mode = 'implicit' RETURN count(r) AS implicit }
    CALL () { MATCH ()-[r:TREATS]->() WHERE r.mode = 'conflicts' RETURN count(r) AS conflicts }
    RETURN explicit, implicit, conflicts
  }
  RETURN sum(reviewed) AS whole_reviewed, sum(explicit) AS whole_explicit, sum(implicit) AS whole_implicit,
         sum(conflicts) AS whole_conflicts
}
CALL (tracked) {
  // else the tracked instruments' cells at $at: TREATS edges recorded by then, TREATED copies current then
  WITH tracked WHERE $at IS NOT NULL OR $as_of IS NOT NULL
  UNWIND tracked AS n
  MATCH (n)-[r:TREATS|TREATED]->(:Topic)
  WHERE CASE type(r) WHEN 'TREATS' THEN $at IS NULL OR r.recorded_at <= $at
                     ELSE r.recorded_at <= $at < r.recorded_to END
  RETURN count(r) AS some_reviewed,
         count(CASE WHEN r.mode = 'explicit' THEN 1 END) AS some_explicit,
         count(CASE WHEN r.mode = 'implicit' THEN 1 END) AS some_implicit,
         count(CASE WHEN r.mode = 'conflicts' THEN 1 END) AS some_conflicts
}
WITH tracked, topics, $at IS NULL AND $as_of IS NULL AS whole,
     whole_reviewed, whole_explicit, whole_implicit, whole_conflicts,
     some_reviewed, some_explicit, some_implicit, some_conflicts
WITH tracked, topics,
     CASE WHEN whole THEN whole_reviewed ELSE some_reviewed END AS reviewed,
     CASE WHEN whole THEN whole_explicit ELSE some_explicit END AS explicit,
     CASE WHEN whole THEN whole_implicit ELSE some_implicit END AS implicit,
     CASE WHEN whole THEN whole_conflicts ELSE some_conflicts END AS conflicts
WITH tracked, topics, reviewed, explicit, implicit, conflicts,
     reviewed - explicit - implicit - conflicts AS reviewed_silent
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
