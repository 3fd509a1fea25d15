// name: topic_salience
// title: Topics ranked by salience
// description: Every topic with its mode counts over the tracked instruments; salience = explicit +
//   conflicts (the instruments that take a position of their own). Ranked by salience, ties by
//   topic rank. silent includes unreviewed instruments; unreviewed counts those alone. With at, the
//   topics, instruments and cells as the catalog held them then.
// param: as_of (date, optional) only instruments adopted by then, as the catalog recorded them at the end of that day
// param: at (datetime, optional) the catalog instant to read; kb derives it from as_of (end of that day, UTC,
//   or the first load when earlier). null = the current catalog
// example: {}
// returns: on the shipped corpus, 24 rows, one per topic; foundation_models ranks first (salience 18)
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
  RETURN collect(n) AS instruments
}
MATCH (t:Topic)
WHERE $at IS NULL OR coalesce(t.first_recorded_at, $at) <= $at
CALL (t, instruments) {
  UNWIND instruments AS n
  // r: the instrument's cell for the topic at $at (the live TREATS edge, or the TREATED copy current then)
  OPTIONAL MATCH (n)-[live:TREATS]->(t)
  OPTIONAL CALL (n, t) {
    WITH n, t WHERE $at IS NOT NULL
    MATCH (n)-[old:TREATED]->(t)
    WHERE old.recorded_at <= $at < old.recorded_to
    RETURN old LIMIT 1
  }
  WITH n, CASE WHEN $at IS NULL OR live.recorded_at <= $at THEN live ELSE old END AS r
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
