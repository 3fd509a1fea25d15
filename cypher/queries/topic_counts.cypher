// name: topic_counts
// title: A topic and its mode counts
// description: One topic's name, definition, question and rank, and how many tracked instruments
//   treat it explicitly, implicitly, in conflict with the common approach, or not at all. silent
//   includes the unreviewed instruments (no TREATS edge); unreviewed counts those alone. One row;
//   no row when the slug is unknown. With at, the instruments and cells the catalog held then
//   (old properties from InstrumentVersion nodes, old cells from TREATED edges). The cells are read
//   from the topic's side (its own edges), not by looking up every instrument's edge to it.
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) only instruments adopted by then, as the catalog recorded them at the end of that day
// param: at (datetime, optional) the catalog instant to read; kb derives it from as_of (the end of that day,
//   UTC, or the first recorded load when the day is earlier). null = the current catalog
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 1 row: Open-Weight Frontier Release, tracked 26, explicit 3, implicit 7, conflicts 0, silent 16, unreviewed 0
// browser: :param slug => 'open_weight_release'   :param as_of => null   :param at => null
MATCH (t:Topic {slug: $slug})
CALL () {
  // the current catalog, whole: the instrument count (the count store)
  MATCH (n:Instrument)
  RETURN count(n) AS everything
}
CALL () {
  // else the tracked instruments: in the catalog at $at, unchanged since or with an
  // InstrumentVersion current then; adopted by $as_of by the dates recorded then
  WITH 1 AS needed WHERE $at IS NOT NULL OR $as_of IS NOT NULL
  CALL () {
    MATCH (n:Instrument)
    WHERE ($at IS NULL OR (coalesce(n.first_recorded_at, $at) <= $at AND coalesce(n.recorded_at, $at) <= $at))
      AND ($as_of IS NULL OR n.adopted <= $as_of)
    RETURN n
    UNION ALL
    MATCH (i:InstrumentVersion)-[:VERSION_OF]->(n:Instrument)
    WHERE i.recorded_at <= $at < i.recorded_to
      AND ($as_of IS NULL OR i.adopted <= $as_of)
    RETURN n
  }
  RETURN count(n) AS some
}
WITH t, CASE WHEN $at IS NULL AND $as_of IS NULL THEN everything ELSE some END AS tracked
CALL (t) {
  // the topic's cells, read from its side
  CALL (t) {
    // the current catalog: its TREATS edges
    WITH t WHERE $at IS NULL
    MATCH (n)-[r:TREATS]->(t)  // n unlabelled: walked from the topic, not from an index on n
    WHERE $as_of IS NULL OR n.adopted <= $as_of
    RETURN r.mode AS mode
    UNION ALL
    // the catalog at $at: the cells then (the TREATS edge if recorded by then, else the TREATED
    // copy current then) of the instruments tracked by the same rule as above (v: the
    // InstrumentVersion current then)
    WITH t WHERE $at IS NOT NULL
    MATCH (n)-[r:TREATS|TREATED]->(t)
    WHERE CASE type(r) WHEN 'TREATS' THEN r.recorded_at <= $at ELSE r.recorded_at <= $at < r.recorded_to END
    OPTIONAL CALL (n) {
      MATCH (v:InstrumentVersion)-[:VERSION_OF]->(n)
      WHERE v.recorded_at <= $at < v.recorded_to
      RETURN v LIMIT 1
    }
    WITH r, n, v
    WHERE (v IS NOT NULL OR (coalesce(n.first_recorded_at, $at) <= $at AND coalesce(n.recorded_at, $at) <= $at))
      AND ($as_of IS NULL OR coalesce(v, n).adopted <= $as_of)
    RETURN r.mode AS mode
  }
  RETURN count(mode) AS reviewed,
         count(CASE WHEN mode = 'explicit' THEN 1 END) AS explicit,
         count(CASE WHEN mode = 'implicit' THEN 1 END) AS implicit,
         count(CASE WHEN mode = 'conflicts' THEN 1 END) AS conflicts
}
RETURN t.slug AS slug, t.name AS name, t.definition AS definition, t.question AS question, t.rank AS rank,
       tracked, explicit, implicit, conflicts,
       tracked - explicit - implicit - conflicts AS silent,
       tracked - reviewed AS unreviewed
