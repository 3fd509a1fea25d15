// name: topic_counts
// title: A topic and its mode counts
// description: One topic's name, definition, question and rank, and how many tracked instruments
//   treat it explicitly, implicitly, in conflict with the common approach, or not at all. silent
//   includes the unreviewed instruments (no TREATS edge); unreviewed counts those alone. One row;
//   no row when the slug is unknown. With at, the instruments and cells the catalog held then
//   (old properties from InstrumentVersion, old cells from TREATED edges).
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) only instruments adopted by then, as the catalog recorded them at the end of that day
// param: at (datetime, optional) the catalog instant to read; kb derives it from as_of (end of that day, UTC,
//   or the first load when earlier). null = the current catalog
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 1 row: Open-Weight Frontier Release, tracked 26, explicit 3, implicit 7, conflicts 0, silent 16, unreviewed 0
// browser: :param slug => 'open_weight_release'   :param as_of => null   :param at => null
MATCH (t:Topic {slug: $slug})
CALL (t) {
  // n: the live instrument, in the catalog at $at; i: its properties as they stood then
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
  // r: its cell for the topic at $at (the live TREATS edge, or the TREATED copy current then)
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
RETURN t.slug AS slug, t.name AS name, t.definition AS definition, t.question AS question, t.rank AS rank,
       tracked, explicit, implicit, conflicts, silent, unreviewed
