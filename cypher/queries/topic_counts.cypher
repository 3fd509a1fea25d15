// name: topic_counts
// title: A topic and its mode counts
// description: One topic's name, definition, question and rank, and how many tracked instruments
//   treat it explicitly, implicitly, in conflict with the common approach, or not at all. silent
//   includes the unreviewed instruments (no TREATS edge); unreviewed counts those alone. One row;
//   no row when the slug is unknown. With at, the instruments and cells the catalog held then
//   (old properties from InstrumentVersion nodes, old cells from TREATED edges).
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) only instruments adopted by then, as the catalog recorded them at the end of that day
// param: at (datetime, optional) the catalog instant to read; kb derives it from as_of (the end of that day,
//   UTC, or the first recorded load when the day is earlier). null = the current catalog
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 1 row: Open-Weight Frontier Release, tracked 26, explicit 3, implicit 7, conflicts 0, silent 16, unreviewed 0
// browser: :param slug => 'open_weight_release'   :param as_of => null   :param at => null
MATCH (t:Topic {slug: $slug})
CALL (t) {
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
RETURN t.slug AS slug, t.name AS name, t.definition AS definition, t.question AS question, t.rank AS rank,
       tracked, explicit, implicit, conflicts, silent, unreviewed
