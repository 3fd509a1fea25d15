// name: topic_gaps
// title: Silent share per topic
// description: For every topic: how many tracked instruments are silent on it out of all tracked
//   instruments, as a percentage (one decimal), with reviewed-silent (a silent TREATS edge) and
//   unreviewed (no edge) counted apart. Largest share first, ties by topic rank. On the current
//   catalog, from the counts kb load keeps on each topic; without them, from the TREATS(mode) index;
//   with as_of, each topic's cells are read once, from its side. With at, the topics, instruments
//   and cells as the catalog held them then.
// param: as_of (date, optional) only instruments adopted by then, as the catalog recorded them at the end of that day
// param: at (datetime, optional) the catalog instant to read; kb derives it from as_of (the end of that day,
//   UTC, or the first recorded load when the day is earlier). null = the current catalog
// example: {}
// returns: on the shipped corpus, 24 rows, one per topic; open_weight_release is 16/26 (61.5%)
// browser: :param as_of => null   :param at => null
CALL () {
  // the current catalog, whole: the instrument count (the count store)
  MATCH (n:Instrument)
  RETURN count(n) AS everything
}
CALL () {
  // else the tracked instruments: in the catalog at $at, unchanged since or with an
  // InstrumentVersion current then; adopted by $as_of by the dates recorded then
  WITH 1 AS needed WHERE $at IS NOT NULL OR $as_of IS NOT NULL
  CALL () {
    MATCH (n:Instrument)
    WHERE ($at IS NULL OR (coalesce(n.first_recorded_at, $at) <= $at AND coalesce(n.recorded_at, $at) <= $at))
      AND ($as_of IS NULL OR n.adopted <= $as_of)
    RETURN n
    UNION ALL
    MATCH (i:InstrumentVersion)-[:VERSION_OF]->(n:Instrument)
    WHERE i.recorded_at <= $at < i.recorded_to
      AND ($as_of IS NULL OR i.adopted <= $as_of)
    RETURN n
  }
  RETURN count(n) AS some
}
WITH CASE WHEN $at IS NULL AND $as_of IS NULL THEN everything ELSE some END AS total
CALL () {
  // the current catalog, whole: the silent cells per topic, from the TREATS(mode) index (only when
  // a topic lacks the counts kb load keeps on it: see below)
  WITH 1 AS needed WHERE $at IS NULL AND $as_of IS NULL
    AND EXISTS { MATCH (u:Topic) WHERE u.cells_explicit IS NULL }
  MATCH ()-[r:TREATS]->(t:Topic)
  USING INDEX r:TREATS(mode)
  WHERE r.mode = 'silent'
  WITH t, count(r) AS n
  RETURN collect({topic: t, n: n}) AS silent_by_topic
}
MATCH (t:Topic)
WHERE $at IS NULL OR coalesce(t.first_recorded_at, $at) <= $at
CALL (t, silent_by_topic) {
  // the current catalog, whole: the topic's TREATS degree and its silent cells: those of no other
  // mode by the counts kb load keeps on the topic (cells_explicit ..., see kb/cell_counts.py), else
  // the ones found above
  WITH t, silent_by_topic, COUNT { (t)<-[:TREATS]-() } AS degree
  WHERE $at IS NULL AND $as_of IS NULL
  RETURN sum(degree) AS whole_reviewed,
         sum(CASE WHEN t.cells_explicit IS NOT NULL
                  THEN degree - t.cells_explicit - t.cells_implicit - t.cells_conflicts
                  ELSE coalesce([x IN silent_by_topic WHERE x.topic = t | x.n][0], 0) END) AS whole_silent
}
CALL (t) {
  // else the topic's cells, read once from its side
  WITH t WHERE $at IS NOT NULL OR $as_of IS NOT NULL
  CALL (t) {
    // as of a date on the current catalog: its TREATS edges from instruments adopted by then
    WITH t WHERE $at IS NULL
    MATCH (n)-[r:TREATS]->(t)  // n unlabelled: walked from the topic, not from an index on n
    WHERE n.adopted <= $as_of
    RETURN r.mode AS mode
    UNION ALL
    // the catalog at $at: the cells then (the TREATS edge if recorded by then, else the TREATED
    // copy current then) of the instruments tracked by the same rule as above (v: the
    // InstrumentVersion current then)
    WITH t WHERE $at IS NOT NULL
    MATCH (n)-[r:TREATS|TREATED]->(t)
    WHERE CASE type(r) WHEN 'TREATS' THEN r.recorded_at <= $at ELSE r.recorded_at <= $at < r.recorded_to END
    OPTIONAL CALL (n) {
      MATCH (v:InstrumentVersion)-[:VERSION_OF]->(n)
      WHERE v.recorded_at <= $at < v.recorded_to
      RETURN v LIMIT 1
    }
    WITH r, n, v
    WHERE (v IS NOT NULL OR (coalesce(n.first_recorded_at, $at) <= $at AND coalesce(n.recorded_at, $at) <= $at))
      AND ($as_of IS NULL OR coalesce(v, n).adopted <= $as_of)
    RETURN r.mode AS mode
  }
  RETURN count(mode) AS some_reviewed, count(CASE WHEN mode = 'silent' THEN 1 END) AS some_silent
}
WITH t, total,
     CASE WHEN $at IS NULL AND $as_of IS NULL THEN whole_reviewed ELSE some_reviewed END AS reviewed,
     CASE WHEN $at IS NULL AND $as_of IS NULL THEN whole_silent ELSE some_silent END AS reviewed_silent
WITH t, total, reviewed_silent, total - reviewed AS unreviewed, total - reviewed + reviewed_silent AS silent
RETURN t.slug AS slug,
       t.name AS name,
       t.rank AS rank,
       silent,
       total,
       CASE WHEN total = 0 THEN null ELSE round(100.0 * silent / total, 1) END AS percent,
       reviewed_silent,
       unreviewed
ORDER BY CASE WHEN total = 0 THEN 0.0 ELSE 1.0 * silent / total END DESC, t.rank
