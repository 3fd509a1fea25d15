// name: topic_gaps
// title: Silent share per topic
// description: For every topic: how many tracked instruments are silent on it out of all tracked
//   instruments, as a percentage (one decimal), with reviewed-silent (a silent TREATS edge) and
//   unreviewed (no edge) counted apart. Largest share first, ties by topic rank.
// param: as_of (date, optional) only instruments adopted by then
// example: {}
// returns: on the shipped corpus, 24 rows, one per topic; open_weight_release is 16/26 (61.5%)
// browser: :param as_of => null
MATCH (t:Topic)
CALL (t) {
  MATCH (i:Instrument)
  WHERE $as_of IS NULL OR i.adopted <= $as_of
  OPTIONAL MATCH (i)-[r:TREATS]->(t)
  RETURN count(i) AS total,
         count(CASE WHEN r.mode = 'silent' THEN 1 END) AS reviewed_silent,
         count(CASE WHEN r IS NULL THEN 1 END) AS unreviewed
}
WITH t, total, reviewed_silent, unreviewed, reviewed_silent + unreviewed AS silent
RETURN t.slug AS slug,
       t.name AS name,
       t.rank AS rank,
       silent,
       total,
       CASE WHEN total = 0 THEN null ELSE round(100.0 * silent / total, 1) END AS percent,
       reviewed_silent,
       unreviewed
ORDER BY CASE WHEN total = 0 THEN 0.0 ELSE 1.0 * silent / total END DESC, t.rank
