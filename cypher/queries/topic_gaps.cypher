// name: topic_gaps
// title: Silent share per topic
// description: For every topic: how many of the instruments adopted by as_of are silent on it, out of all
//   of them, as a percentage (one decimal), with reviewed-silent (a silent TREATS edge) and unreviewed
//   (no edge) counted apart; all as the catalog recorded them at as_recorded. Largest share first, ties
//   by topic rank; and the topic's cells by mode (explicit, implicit, conflicts). The tracked
//   instruments' cells are walked once and counted per topic.
// param: as_of (date, optional) legal time: the law on this date; today when not given
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// param: catalog (string, optional) the catalog; kb (the curated one) when not given
// example: {}
// returns: on the shipped corpus, 24 rows, one per topic; open_weight_release is 16/26 (61.5%)
// browser: :param as_of => date()   :param as_recorded => datetime()   :param catalog => 'kb'
MATCH (i:InstrumentState)
WHERE i.recorded_from <= $as_recorded < i.recorded_to AND i.catalog = $catalog
  AND coalesce(i.adopted, date()) <= $as_of
WITH collect(i) AS tracked
CALL (tracked) {
  // the tracked instruments' cells, counted per topic
  UNWIND tracked AS i
  MATCH (n:Instrument)-[:HAS_STATE]->(i)
  MATCH (n)-[r:TREATS]->(t:Topic)
  WHERE r.recorded_from <= $as_recorded < r.recorded_to
  WITH t, count(r) AS reviewed, count(CASE r.mode WHEN 'silent' THEN 1 END) AS reviewed_silent,
       count(CASE r.mode WHEN 'explicit' THEN 1 END) AS explicit,
       count(CASE r.mode WHEN 'implicit' THEN 1 END) AS implicit
  RETURN collect({topic: t.slug, reviewed: reviewed, reviewed_silent: reviewed_silent, explicit: explicit,
                  implicit: implicit}) AS cells
}
WITH size(tracked) AS total, cells
MATCH (ts:TopicState)
WHERE ts.recorded_from <= $as_recorded < ts.recorded_to AND ts.catalog = $catalog
WITH ts, total, head([c IN cells WHERE c.topic = ts.slug]) AS c
WITH ts, total, coalesce(c.reviewed, 0) AS reviewed, coalesce(c.reviewed_silent, 0) AS reviewed_silent,
     coalesce(c.explicit, 0) AS explicit, coalesce(c.implicit, 0) AS implicit
WITH ts, total, reviewed_silent, explicit, implicit, reviewed - reviewed_silent - explicit - implicit AS conflicts,
     total - reviewed AS unreviewed, total - reviewed + reviewed_silent AS silent
RETURN ts.slug AS slug,
       ts.name AS name,
       ts.rank AS rank,
       silent,
       total,
       CASE WHEN total = 0 THEN null ELSE round(100.0 * silent / total, 1) END AS percent,
       reviewed_silent,
       unreviewed,
       explicit,
       implicit,
       conflicts
ORDER BY CASE WHEN total = 0 THEN 0.0 ELSE 1.0 * silent / total END DESC, ts.rank
