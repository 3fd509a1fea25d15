// name: topic_salience
// title: Topics ranked by salience
// description: Every topic with its mode counts over the tracked instruments; salience = explicit +
//   conflicts (the instruments that take a position of their own). Ranked by salience, ties by
//   topic rank. silent includes unreviewed instruments; unreviewed counts those alone. With at, the
//   topics, instruments and cells as the catalog held them then. The counts are the ones kb load keeps
//   on each topic for the current catalog; without them, or with as_of, every cell is read once and
//   tallied by topic (on the current catalog, through the TREATS(mode) index).
// param: as_of (date, optional) only instruments adopted by then, as the catalog recorded them at the end of that day
// param: at (datetime, optional) the catalog instant to read; kb derives it from as_of (the end of that day,
//   UTC, or the first recorded load when the day is earlier). null = the current catalog
// example: {}
// returns: on the shipped corpus, 24 rows, one per topic; foundation_models ranks first (salience 18)
// browser: :param as_of => null   :param at => null
CALL () {
  // the tracked instruments: how many
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
  RETURN count(n) AS tracked
}
// the cells by topic and mode: on the current catalog, when kb load has counted every topic's
// cells, the counts kept on the topics (cells_explicit ..., see kb/cell_counts.py; the topic's TREATS
// degree counts its cells of any mode); else every cell read once and tallied by topic
CALL () {
  WITH $at IS NULL AND $as_of IS NULL AND NOT EXISTS { MATCH (u:Topic) WHERE u.cells_explicit IS NULL } AS kept
  CALL (kept) {
    WITH kept WHERE kept
    MATCH (t:Topic)
    RETURN t, COUNT { (t)<-[:TREATS]-() } AS reviewed, t.cells_explicit AS explicit,
           t.cells_implicit AS implicit, t.cells_conflicts AS conflicts
    UNION ALL
    WITH kept WHERE NOT kept
    CALL () {
      CALL () {
        MATCH (t:Topic)
        WHERE $at IS NULL OR coalesce(t.first_recorded_at, $at) <= $at
        RETURN t, null AS mode, 0 AS cells
        UNION ALL
        // the current catalog: every TREATS edge, found by its mode index (the instrument read only
        // with as_of), counted by topic and mode
        WITH 1 AS needed WHERE $at IS NULL
        MATCH (n)-[r:TREATS]->(t)
        USING INDEX r:TREATS(mode)
        WHERE r.mode IN ['explicit', 'implicit', 'conflicts', 'silent']
          AND ($as_of IS NULL OR n.adopted <= $as_of)
        WITH t, r.mode AS mode, count(*) AS cells
        RETURN t, mode, cells
        UNION ALL
        // the catalog at $at: each tracked instrument's cells then (the TREATS edge if recorded by
        // then, else the TREATED copy current then), with the instruments' properties then (i: as they
        // are when unchanged since, else the InstrumentVersion current then)
        WITH 1 AS needed WHERE $at IS NOT NULL
        CALL () {
          MATCH (n:Instrument)
          WHERE coalesce(n.first_recorded_at, $at) <= $at AND coalesce(n.recorded_at, $at) <= $at
          RETURN n, n AS i
          UNION ALL
          MATCH (i:InstrumentVersion)-[:VERSION_OF]->(n:Instrument)
          WHERE i.recorded_at <= $at < i.recorded_to
          RETURN n, i
        }
        WITH n, i
        WHERE $as_of IS NULL OR i.adopted <= $as_of
        MATCH (n)-[r:TREATS|TREATED]->(t:Topic)
        WHERE CASE type(r) WHEN 'TREATS' THEN r.recorded_at <= $at ELSE r.recorded_at <= $at < r.recorded_to END
          AND coalesce(t.first_recorded_at, $at) <= $at
        WITH t, r.mode AS mode, count(*) AS cells
        RETURN t, mode, cells
      }
      RETURN t,
             sum(cells) AS reviewed,
             sum(CASE WHEN mode = 'explicit' THEN cells ELSE 0 END) AS explicit,
             sum(CASE WHEN mode = 'implicit' THEN cells ELSE 0 END) AS implicit,
             sum(CASE WHEN mode = 'conflicts' THEN cells ELSE 0 END) AS conflicts
    }
    RETURN t, reviewed, explicit, implicit, conflicts
  }
  RETURN t, reviewed, explicit, implicit, conflicts
}
WITH t, tracked, explicit, implicit, conflicts, tracked - explicit - implicit - conflicts AS silent,
     tracked - reviewed AS unreviewed
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
