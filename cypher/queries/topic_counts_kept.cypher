// name: topic_counts_kept
// title: A topic's counts, from the cell counts kb load keeps
// description: topic_counts's row, read from the topic's CellCounts recorded then (each mode's cells and their
//   instruments' adoption dates, which kb load keeps at each load's instant) instead of walking its cells; the
//   instruments counted from the count store and indexes. kept says whether the topic has CellCounts then (a
//   graph written by other means, or a load in parts not finished, has none): kb reads topic_counts when not.
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) legal time: the law on this date; today when not given
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// param: timeline (boolean, optional) also the primacy instrument and the timeline's tally; null = the counts alone
// example: {"slug": "open_weight_release", "timeline": true}
// returns: on the shipped corpus, 1 row: kept true, and topic_counts's figures (26 tracked, 3 explicit, 7 implicit, 16 silent; first CN-GENAI-2023)
// browser: :param slug => 'open_weight_release'   :param as_of => date()   :param as_recorded => datetime()   :param timeline => true
MATCH (t:Topic {slug: $slug})-[:HAS_STATE]->(ts)
WHERE ts.recorded_from <= $as_recorded < ts.recorded_to
OPTIONAL MATCH (t)-[:HAS_COUNTS]->(counts)
WHERE counts.recorded_from <= $as_recorded < counts.recorded_to
// the primacy instrument, as topic_primacy finds it (with $timeline): p its state, pr its cell
OPTIONAL CALL (t) {
  WITH t WHERE $timeline
  MATCH (p:InstrumentState) USING INDEX p:InstrumentState(adopted)
  WHERE p.adopted <= $as_of AND p.recorded_from <= $as_recorded < p.recorded_to
  MATCH (pn:Instrument)-[:HAS_STATE]->(p)
  MATCH (pn)-[pr:TREATS]->(t)
  WHERE pr.recorded_from <= $as_recorded < pr.recorded_to
    AND pr.mode <> 'silent'
  RETURN pn, p, pr
  ORDER BY p.adopted, p.catalog_rank
  LIMIT 1
}
// each mode's cells then: of instruments adopted by $as_of (the kept dates), and the undated ones when $as_of is today or later
WITH *, CASE WHEN date() <= $as_of THEN 1 ELSE 0 END AS today
WITH *, size([d IN counts.explicit_adopted WHERE d <= $as_of]) AS explicit_dated,
        size([d IN counts.implicit_adopted WHERE d <= $as_of]) AS implicit_dated,
        size([d IN counts.conflicts_adopted WHERE d <= $as_of]) AS conflicts_dated,
        size([d IN counts.silent_adopted WHERE d <= $as_of]) AS silent_dated
WITH *, explicit_dated + today * (counts.explicit - size(counts.explicit_adopted)) AS explicit,
        implicit_dated + today * (counts.implicit - size(counts.implicit_adopted)) AS implicit,
        conflicts_dated + today * (counts.conflicts - size(counts.conflicts_adopted)) AS conflicts,
        silent_dated + today * (counts.silent - size(counts.silent_adopted)) AS silent_cells
// the instruments then, as topic_counts counts them
CALL (p) {
  CALL () { MATCH (i:InstrumentState) RETURN count(i) AS states }
  CALL () { MATCH (i:InstrumentState) WHERE i.adopted IS NOT NULL RETURN count(i) AS dated_states }
  CALL () { MATCH (i:InstrumentState) WHERE i.recorded_to <= $as_recorded RETURN count(i) AS closed, count(i.adopted) AS closed_dated }
  CALL () { MATCH (i:InstrumentState) WHERE i.recorded_from > $as_recorded RETURN count(i) AS later, count(i.adopted) AS later_dated }
  CALL () { MATCH (i:InstrumentState) USING INDEX i:InstrumentState(adopted)
            WHERE i.adopted > $as_of AND i.recorded_from <= $as_recorded < i.recorded_to RETURN count(i) AS after }
  CALL (p) { MATCH (i:InstrumentState) USING INDEX i:InstrumentState(adopted)
             WHERE i.adopted < p.adopted AND i.recorded_from <= $as_recorded < i.recorded_to RETURN count(i) AS before }
  WITH states - closed - later - (dated_states - closed_dated - later_dated) AS undated_now,
       dated_states - closed_dated - later_dated - after AS dated, before
  WITH CASE WHEN date() <= $as_of THEN undated_now ELSE 0 END AS undated, dated, before  // undated: adopted today
  RETURN dated + undated AS tracked, dated - before AS from_first, undated
}
OPTIONAL MATCH (pn)-[pj:ISSUED_IN]->(j:Jurisdiction)
WHERE pj.recorded_from <= $as_recorded < pj.recorded_to
WITH counts IS NOT NULL AS kept, ts, p, pr, j, tracked, explicit, implicit, conflicts,
     explicit + implicit + conflicts + silent_cells AS reviewed, from_first - 1 AS dated, CASE WHEN p IS NULL THEN 0 ELSE undated END AS undated,
     explicit_dated - CASE pr.mode WHEN 'explicit' THEN 1 ELSE 0 END AS codified,
     conflicts_dated - CASE pr.mode WHEN 'conflicts' THEN 1 ELSE 0 END AS diverged,
     implicit_dated - CASE pr.mode WHEN 'implicit' THEN 1 ELSE 0 END AS implicit_after
RETURN kept, ts.slug AS slug, ts.name AS name, ts.definition AS definition, ts.question AS question,
       ts.rank AS rank, tracked, explicit, implicit, conflicts,
       tracked - explicit - implicit - conflicts AS silent, tracked - reviewed AS unreviewed,
       p.id AS first_id, p.name AS first_name, j.code AS first_jurisdiction, p.adopted AS first_date,
       pr.mode AS first_mode, pr.pinpoint AS first_pinpoint,
       CASE WHEN p IS NOT NULL THEN codified WHEN $timeline THEN 0 END AS codified,
       CASE WHEN p IS NOT NULL THEN diverged WHEN $timeline THEN 0 END AS diverged,
       CASE WHEN p IS NOT NULL THEN implicit_after WHEN $timeline THEN 0 END AS implicit_after,
       CASE WHEN p IS NOT NULL THEN dated - codified - diverged - implicit_after WHEN $timeline THEN 0 END AS silent_after,
       CASE WHEN p IS NOT NULL THEN undated WHEN $timeline THEN 0 END AS undated,
       CASE WHEN p IS NOT NULL THEN dated + undated WHEN $timeline THEN 0 END AS timeline_total
