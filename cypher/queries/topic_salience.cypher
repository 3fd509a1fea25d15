// name: topic_salience
// title: Topics ranked by salience
// description: Every topic with its mode counts over the tracked instruments; salience = explicit +
//   conflicts (the instruments that take a position of their own). Ranked by salience, ties by
//   topic rank. silent includes unreviewed instruments; unreviewed counts those alone.
// param: as_of (date, optional) only instruments adopted by then
// example: {}
// returns: on the shipped corpus, 24 rows, one per topic; foundation_models ranks first (salience 18)
// browser: :param as_of => null
MATCH (t:Topic)
CALL (t) {
  MATCH (i:Instrument)
  WHERE $as_of IS NULL OR i.adopted <= $as_of
  OPTIONAL MATCH (i)-[r:TREATS]->(t)
  RETURN count(i) AS tracked,
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
