// name: topic_counts
// title: A topic and its mode counts
// description: One topic's name, definition, question and rank, and how many tracked instruments
//   treat it explicitly, implicitly, in conflict with the common approach, or not at all. silent
//   includes the unreviewed instruments (no TREATS edge); unreviewed counts those alone. One row;
//   no row when the slug is unknown.
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) only instruments adopted by then
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 1 row: Open-Weight Frontier Release, tracked 26, explicit 3, implicit 7, conflicts 0, silent 16, unreviewed 0
// browser: :param slug => 'open_weight_release'   :param as_of => null
MATCH (t:Topic {slug: $slug})
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
RETURN t.slug AS slug, t.name AS name, t.definition AS definition, t.question AS question, t.rank AS rank,
       tracked, explicit, implicit, conflicts, silent, unreviewed
