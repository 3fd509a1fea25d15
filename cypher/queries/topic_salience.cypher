// name: topic_salience
// title: Topics ranked by salience
// description: Every topic with its mode counts over the tracked instruments; salience = explicit +
//   conflicts (the instruments that take a position of their own). Ranked by salience, ties by topic
//   rank. silent includes unreviewed instruments (no cell); unreviewed counts those alone. Reads every
//   cell of the tracked instruments once (kb topics reads the counts kept on the topics for today's).
// param: as_of (date, optional) legal time: the law on this date; today when not given
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// param: catalog (string, optional) the catalog; kb (the curated one) when not given
// example: {}
// returns: on the shipped corpus, 24 rows, one per topic; foundation_models ranks first (salience 18)
// browser: :param as_of => date()   :param as_recorded => datetime()   :param catalog => 'kb'
CALL () {
  // the instruments then: how many
  MATCH (i:InstrumentState)
  WHERE i.recorded_from <= $as_recorded < i.recorded_to AND i.catalog = $catalog
    AND coalesce(i.adopted, date()) <= $as_of
  RETURN count(i) AS tracked
}
CALL () {
  // their cells then, counted by topic and mode (each instrument's cells read from its side)
  MATCH (i:InstrumentState)
  WHERE i.recorded_from <= $as_recorded < i.recorded_to AND i.catalog = $catalog
    AND coalesce(i.adopted, date()) <= $as_of
  MATCH (n:Instrument)-[:HAS_STATE]->(i)
  MATCH (n)-[r:TREATS]->(t:Topic)
  WHERE r.recorded_from <= $as_recorded < r.recorded_to
  WITH t, r.mode AS mode, count(*) AS cells
  RETURN collect({topic: t, mode: mode, cells: cells}) AS counts
}
MATCH (t:Topic)-[:HAS_STATE]->(ts:TopicState)
WHERE ts.recorded_from <= $as_recorded < ts.recorded_to AND ts.catalog = $catalog
WITH ts, tracked, [c IN counts WHERE c.topic = t] AS mine
WITH ts, tracked,
     reduce(s = 0, c IN mine | s + c.cells) AS reviewed,
     reduce(s = 0, c IN mine | s + CASE c.mode WHEN 'explicit' THEN c.cells ELSE 0 END) AS explicit,
     reduce(s = 0, c IN mine | s + CASE c.mode WHEN 'implicit' THEN c.cells ELSE 0 END) AS implicit,
     reduce(s = 0, c IN mine | s + CASE c.mode WHEN 'conflicts' THEN c.cells ELSE 0 END) AS conflicts
ORDER BY explicit + conflicts DESC, ts.rank
WITH collect({slug: ts.slug, name: ts.name, rank: ts.rank, explicit: explicit, conflicts: conflicts,
              implicit: implicit, reviewed: reviewed, tracked: tracked}) AS rows
UNWIND range(0, size(rows) - 1) AS k
WITH k, rows[k] AS x
RETURN k + 1 AS position,
       x.slug AS slug,
       x.name AS name,
       x.explicit + x.conflicts AS salience,
       x.explicit AS explicit,
       x.conflicts AS conflicts,
       x.implicit AS implicit,
       x.tracked - x.explicit - x.implicit - x.conflicts AS silent,
       x.tracked - x.reviewed AS unreviewed,
       x.tracked AS tracked,
       x.rank AS topic_rank
ORDER BY position
