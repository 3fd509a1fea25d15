// name: topic_salience
// title: Topics ranked by salience
// description: Every topic with its mode counts over the tracked instruments; salience = explicit +
//   conflicts (the instruments that take a position of their own). Ranked by salience, ties by
//   topic rank. silent includes unreviewed instruments; unreviewed counts those alone. With at, the
//   topics, instruments and cells as the catalog held them then.
// param: as_of (date, optional) only instruments adopted by then, as the catalog recorded them at the end of that day
// param: at (datetime, optional) the catalog instant to read; kb derives it from as_of (the end of that day,
//   UTC, or the first recorded load when the day is earlier). null = the current catalog
// example: {}
// returns: on the shipped corpus, 24 rows, one per topic; foundation_models ranks first (salience 18)
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
  RETURN collect(n) AS instruments
}
MATCH (t:Topic)
WHERE $at IS NULL OR coalesce(t.first_recorded_at, $at) <= $at
CALL (t, instruments) {
  UNWIND instruments AS n
  // r: the cell at $at: the TREATS edge if recorded by then, else the TREATED copy current then
  OPTIONAL MATCH (n)-[r:TREATS|TREATED]->(t)
  WHERE CASE type(r) WHEN 'TREATS' THEN $at IS NULL OR r.recorded_at <= $at
                     ELSE r.recorded_at <= $at < r.recorded_to END
  RETURN count(n) AS tracked,
         count(CASE WHEN r.mode = 'explicit' THEN 1 END) AS explicit,
         count(CASE WHEN r.mode = 'implicit' THEN 1 END) AS implicit,
         count(CASE WHEN r.mode = 'conflicts' THEN 1 END) AS conflicts,
         count(CASE WHEN r IS NULL OR r.mode = 'silent' THEN 1 END) AS silent,
         count(CASE WHEN r IS NULL THEN 1 END) AS unreviewed
}
WITH t, tracked, explicit, implicit, conflicts, silent, unreviewed, explicit + conflicts AS salience
ORDER BY salience DESC, t.rank
WITH collect({slug: t.slug, name: t.name, rank: t.rank, salience: salience, explicit: explicit,
              conflicts: conflicts, implicit: implicit, silent: silent, unreviewed: unreviewed,
              tracked: tracked}) AS rows
UNWIND range(0, size(rows) - 1) AS k
RETURN k + 1 AS position,
       rows[k].slug AS slug,
       rows[k].name AS name,
       rows[k].salience AS salience,
       rows[k].explicit AS explicit,
       rows[k].conflicts AS conflicts,
       rows[k].implicit AS implicit,
       rows[k].silent AS silent,
       rows[k].unreviewed AS unreviewed,
       rows[k].tracked AS tracked,
       rows[k].rank AS topic_rank
ORDER BY position
