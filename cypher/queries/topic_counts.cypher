// name: topic_counts
// title: A topic, its mode counts, its primacy and the timeline's tally
// description: One topic's name, definition, question and rank; how many tracked instruments treat it
//   explicitly, implicitly, in conflict with the common approach, or not at all (silent includes the
//   unreviewed instruments, with no TREATS edge; unreviewed counts those alone); the primacy
//   instrument as topic_primacy finds it (first_id ... first_pinpoint, null when nothing addresses the
//   topic); and the tally of topic_timeline's rows without listing them (codified, diverged,
//   implicit_after, silent_after, undated, timeline_total; all 0 without a primacy instrument). The
//   primacy and tally columns only with timeline true (null otherwise: the counts alone read less). One
//   row; no row when the slug is unknown. The cells' counts by mode are the ones kb load keeps on the
//   topic (cells_explicit ...) for the current catalog; without them (a graph written by other means)
//   or with as_of, the topic's cells are read once, from its side (its own edges). Every non-silent
//   dated cell is on or after the primacy date, so the tally's modes are the cells' counts less the
//   primacy cell; the instrument side (how many are dated from the primacy date
//   on, how many undated) comes from the count store and the adoption-date index. With at, the
//   instruments and cells the catalog held then (old properties from InstrumentVersion nodes, old
//   cells from TREATED edges).
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) only instruments adopted by then, as the catalog recorded them at the end of that day
// param: at (datetime, optional) the catalog instant to read; kb derives it from as_of (the end of that day,
//   UTC, or the first recorded load when the day is earlier). null = the current catalog
// param: timeline (boolean, optional) also the primacy instrument and the timeline's tally; null = the counts alone
// example: {"slug": "open_weight_release", "timeline": true}
// returns: on the shipped corpus, 1 row: Open-Weight Frontier Release, tracked 26, explicit 3, implicit 7, conflicts 0, silent 16, unreviewed 0; first CN-GENAI-2023 2023-07-10 implicit; since then 3 codified, 0 diverged, 6 implicit, 12 silent, 1 undated, 22 in all
// browser: :param slug => 'open_weight_release'   :param as_of => null   :param at => null   :param timeline => true
MATCH (t:Topic {slug: $slug})
// the primacy instrument, as topic_primacy finds it: pn the live node, p its properties at $at, pr its cell
OPTIONAL CALL (t) {
  // only with $timeline (a filter before the walk, which then does not start without it)
  WITH t WHERE $timeline
  CALL (t) {
    // the current catalog: walked in adoption-date index order
    WITH t WHERE $at IS NULL
    MATCH (n:Instrument)-[r:TREATS]->(t)
    WHERE r.mode <> 'silent'
      AND n.adopted IS NOT NULL
      AND ($as_of IS NULL OR n.adopted <= $as_of)
    RETURN n AS pn, n AS p, r AS pr
    ORDER BY n.adopted, n.catalog_rank
    LIMIT 1
    UNION ALL
    WITH t WHERE $at IS NOT NULL
    MATCH (n:Instrument)-[r:TREATS|TREATED]->(t)
    WHERE r.mode <> 'silent'
      AND CASE type(r) WHEN 'TREATS' THEN r.recorded_at <= $at ELSE r.recorded_at <= $at < r.recorded_to END
      AND coalesce(n.first_recorded_at, $at) <= $at
    OPTIONAL CALL (n) {
      MATCH (v:InstrumentVersion)-[:VERSION_OF]->(n)
      WHERE v.recorded_at <= $at < v.recorded_to
      RETURN v LIMIT 1
    }
    WITH n, r, coalesce(v, n) AS i
    WHERE i.adopted IS NOT NULL
      AND ($as_of IS NULL OR i.adopted <= $as_of)
    RETURN n AS pn, i AS p, r AS pr
    ORDER BY i.adopted, i.catalog_rank
    LIMIT 1
  }
  RETURN pn, p, pr
}
// the topic's cells: the mode counts, and those of dated instruments. kb load keeps the current
// catalog's on the topic (cells_explicit ..., see kb/cell_counts.py; the topic's TREATS degree counts
// its cells of any mode); a topic without them, or a page as of a date, walks its cells
CALL (t) {
  WITH t WHERE $at IS NULL AND $as_of IS NULL AND t.cells_explicit IS NOT NULL
  RETURN COUNT { (t)<-[:TREATS]-() } AS reviewed,
         t.cells_explicit AS explicit, t.cells_implicit AS implicit, t.cells_conflicts AS conflicts,
         t.cells_explicit_dated AS explicit_dated, t.cells_implicit_dated AS implicit_dated,
         t.cells_conflicts_dated AS conflicts_dated
  UNION ALL
  WITH t WHERE NOT ($at IS NULL AND $as_of IS NULL AND t.cells_explicit IS NOT NULL)
  CALL (t) {  // (a subquery: it gives no row when the topic has its counts)
    CALL (t) {
      // the current catalog: its TREATS edges
      WITH t WHERE $at IS NULL
      MATCH (n)-[r:TREATS]->(t)  // n unlabelled: walked from the topic, not from an index on n
      WHERE $as_of IS NULL OR n.adopted <= $as_of
      RETURN r.mode AS mode, CASE WHEN $timeline THEN n.adopted IS NOT NULL END AS dated
      UNION ALL
      // the catalog at $at: the cells then (the TREATS edge if recorded by then, else the TREATED
      // copy current then) of the instruments tracked then (v: the InstrumentVersion current then)
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
      RETURN r.mode AS mode, CASE WHEN $timeline THEN coalesce(v, n).adopted IS NOT NULL END AS dated
    }
    RETURN count(mode) AS reviewed,
           count(CASE WHEN mode = 'explicit' THEN 1 END) AS explicit,
           count(CASE WHEN mode = 'implicit' THEN 1 END) AS implicit,
           count(CASE WHEN mode = 'conflicts' THEN 1 END) AS conflicts,
           count(CASE WHEN mode = 'explicit' AND dated THEN 1 END) AS explicit_dated,
           count(CASE WHEN mode = 'implicit' AND dated THEN 1 END) AS implicit_dated,
           count(CASE WHEN mode = 'conflicts' AND dated THEN 1 END) AS conflicts_dated
  }
  RETURN reviewed, explicit, implicit, conflicts, explicit_dated, implicit_dated, conflicts_dated
}
// the instrument side: how many are tracked; with a primacy instrument, how many of them (it apart)
// are adopted on or after its date (dated) and how many have no date (undated: neither before nor after it). Each part gives
// one row (counts of nothing are 0), so only the part that applies reads anything
CALL () {
  // the current catalog, whole: the count store
  MATCH (n:Instrument)
  RETURN count(n) AS everything
}
CALL (p) {
  // the current catalog as of a date: those adopted by then (the adoption-date index)
  WITH p WHERE $at IS NULL AND $as_of IS NOT NULL
  MATCH (n:Instrument)
  WHERE n.adopted <= $as_of
  RETURN count(n) AS until_then, count(CASE WHEN n.adopted < p.adopted THEN 1 END) AS before_then
}
CALL (p) {
  // the current catalog: those adopted from the primacy date on (the adoption-date index)
  WITH p WHERE $at IS NULL AND $as_of IS NULL AND p IS NOT NULL
  MATCH (n:Instrument)
  WHERE n.adopted >= p.adopted
  RETURN count(n) AS after
}
CALL (p) {
  // the current catalog: those adopted before the primacy date (usually few)
  WITH p WHERE $at IS NULL AND $as_of IS NULL AND p IS NOT NULL
  MATCH (n:Instrument)
  WHERE n.adopted < p.adopted
  RETURN count(n) AS before
}
CALL (pn, p) {
  // the catalog at $at: the instruments then, with their properties then (as they are when
  // unchanged since, else the InstrumentVersion current then); adopted by $as_of by the dates
  // recorded then
  WITH pn, p WHERE $at IS NOT NULL
  CALL () {
    MATCH (n:Instrument)
    WHERE (coalesce(n.first_recorded_at, $at) <= $at AND coalesce(n.recorded_at, $at) <= $at)
      AND ($as_of IS NULL OR n.adopted <= $as_of)
    RETURN n, n AS i
    UNION ALL
    MATCH (i:InstrumentVersion)-[:VERSION_OF]->(n:Instrument)
    WHERE i.recorded_at <= $at < i.recorded_to
      AND ($as_of IS NULL OR i.adopted <= $as_of)
    RETURN n, i
  }
  RETURN count(n) AS tracked_then,
         count(CASE WHEN p IS NOT NULL AND n <> pn AND i.adopted >= p.adopted THEN 1 END) AS dated_then,
         count(CASE WHEN p IS NOT NULL AND n <> pn AND i.adopted IS NULL THEN 1 END) AS undated_then
}
WITH t, p, pn, pr, reviewed, explicit, implicit, conflicts, explicit_dated, implicit_dated, conflicts_dated,
     CASE WHEN $at IS NOT NULL THEN tracked_then WHEN $as_of IS NOT NULL THEN until_then
          ELSE everything END AS tracked,
     CASE WHEN p IS NULL THEN 0 WHEN $at IS NOT NULL THEN dated_then
          WHEN $as_of IS NOT NULL THEN until_then - before_then - 1
          ELSE after - 1 END AS dated,
     CASE WHEN p IS NULL THEN 0 WHEN $at IS NOT NULL THEN undated_then
          WHEN $as_of IS NOT NULL THEN 0
          ELSE everything - before - after END AS undated
OPTIONAL MATCH (pn)-[:ISSUED_IN]->(j:Jurisdiction)
WITH t, tracked, reviewed, explicit, implicit, conflicts, dated, undated, p, pr, j,
     CASE WHEN p IS NULL THEN 0 ELSE explicit_dated - CASE pr.mode WHEN 'explicit' THEN 1 ELSE 0 END END AS codified,
     CASE WHEN p IS NULL THEN 0 ELSE conflicts_dated - CASE pr.mode WHEN 'conflicts' THEN 1 ELSE 0 END END AS diverged,
     CASE WHEN p IS NULL THEN 0 ELSE implicit_dated - CASE pr.mode WHEN 'implicit' THEN 1 ELSE 0 END END AS implicit_after
RETURN t.slug AS slug, t.name AS name, t.definition AS definition, t.question AS question, t.rank AS rank,
       tracked, explicit, implicit, conflicts,
       tracked - explicit - implicit - conflicts AS silent,
       tracked - reviewed AS unreviewed,
       p.id AS first_id,
       p.name AS first_name,
       j.code AS first_jurisdiction,
       p.adopted AS first_date,
       pr.mode AS first_mode,
       pr.pinpoint AS first_pinpoint,
       CASE WHEN $timeline THEN codified END AS codified,
       CASE WHEN $timeline THEN diverged END AS diverged,
       CASE WHEN $timeline THEN implicit_after END AS implicit_after,
       CASE WHEN $timeline THEN dated - codified - diverged - implicit_after END AS silent_after,
       CASE WHEN $timeline THEN undated END AS undated,
       CASE WHEN $timeline THEN dated + undated END AS timeline_total
