// name: topic_gaps
// title: Silent share per topic
// description: For every topic: how many tracked instruments are silent on it out of all tracked
//   instruments, as a percentage (one decimal), with reviewed-silent (a silent TREATS edge) and
//   unreviewed (no edge) counted apart. Largest share first, ties by topic rank. With at, the
//   topics, instruments and cells as the catalog held them then.
// param: as_of (date, optional) only instruments adopted by then, as the catalog recorded them at the end of that day
// param: at (datetime, optional) the catalog instant to read; kb derives it from as_of (the end of that day,
//   UTC, or the first recorded load when the day is earlier). null = the current catalog
// example: {}
// returns: on the shipped corpus, 24 rows, one per topic; open_weight_release is 16/26 (61.5%)
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
  RETURN count(n) AS total,
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
