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
// the primacy instrument, as topic_primacy finds it (with $timeline)
OPTIONAL CALL (t) {
  WITH t WHERE $timeline
  MATCH (primacy:InstrumentState) USING INDEX primacy:InstrumentState(adopted)
  WHERE primacy.adopted <= $as_of AND primacy.recorded_from <= $as_recorded < primacy.recorded_to
  MATCH (primacy_instrument:Instrument)-[:HAS_STATE]->(primacy), (primacy_instrument)-[primacy_cell:TREATS]->(t)
  WHERE primacy_cell.recorded_from <= $as_recorded < primacy_cell.recorded_to AND primacy_cell.mode <> 'silent'
  RETURN primacy_instrument, primacy, primacy_cell
  ORDER BY primacy.adopted, primacy.catalog_rank
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
CALL (ts, primacy) {
  CALL () { MATCH (i:InstrumentState) RETURN count(i) AS states }
  CALL () { MATCH (i:InstrumentState) WHERE i.adopted IS NOT NULL RETURN count(i) AS dated_states }
  CALL () { MATCH (i:InstrumentState) WHERE i.recorded_to <= $as_recorded RETURN count(i) AS closed, count(i.adopted) AS closed_dated }
  CALL () { MATCH (i:InstrumentState) WHERE i.recorded_from > $as_recorded RETURN count(i) AS later, count(i.adopted) AS later_dated }
  CALL () { MATCH (i:InstrumentState) USING INDEX i:InstrumentState(adopted)
            WHERE i.adopted > $as_of AND i.recorded_from <= $as_recorded < i.recorded_to RETURN count(i) AS after }
  CALL (primacy) { MATCH (i:InstrumentState) USING INDEX i:InstrumentState(adopted)
             WHERE i.adopted < primacy.adopted AND i.recorded_from <= $as_recorded < i.recorded_to RETURN count(i) AS before }
  CALL (ts, primacy) {  // the other catalogs' instruments then (both sides of the topic's in the catalog index)
    CALL (ts) { MATCH (i:InstrumentState) WHERE i.catalog < ts.catalog RETURN i
                UNION ALL MATCH (i:InstrumentState) WHERE i.catalog > ts.catalog RETURN i }
    WITH i WHERE i.recorded_from <= $as_recorded < i.recorded_to
    RETURN count(CASE WHEN i.adopted <= $as_of THEN 1 END) AS other_dated, count(i) - count(i.adopted) AS other_undated,
           count(CASE WHEN i.adopted < primacy.adopted THEN 1 END) AS other_before }
  WITH states - closed - later - (dated_states - closed_dated - later_dated) - other_undated AS undated_now,
       dated_states - closed_dated - later_dated - after - other_dated AS dated, before - other_before AS before
  WITH CASE WHEN date() <= $as_of THEN undated_now ELSE 0 END AS undated, dated, before  // undated: adopted today
  RETURN dated + undated AS tracked, dated - before AS from_first, undated
}
OPTIONAL MATCH (primacy_instrument)-[primacy_issued:ISSUED_IN]->(j:Jurisdiction)
WHERE primacy_issued.recorded_from <= $as_recorded < primacy_issued.recorded_to
WITH counts IS NOT NULL AS kept, ts, primacy, primacy_cell, j, tracked, explicit, implicit, conflicts,
     explicit + implicit + conflicts + silent_cells AS reviewed, from_first - 1 AS dated, CASE WHEN primacy IS NULL THEN 0 ELSE undated END AS undated,
     explicit_dated - CASE primacy_cell.mode WHEN 'explicit' THEN 1 ELSE 0 END AS codified,
     conflicts_dated - CASE primacy_cell.mode WHEN 'conflicts' THEN 1 ELSE 0 END AS diverged,
     implicit_dated - CASE primacy_cell.mode WHEN 'implicit' THEN 1 ELSE 0 END AS implicit_after
RETURN kept, ts.slug AS slug, ts.name AS name, ts.definition AS definition, ts.question AS question,
       ts.rank AS rank, tracked, explicit, implicit, conflicts,
       tracked - explicit - implicit - conflicts AS silent, tracked - reviewed AS unreviewed,
       primacy.id AS first_id, primacy.name AS first_name, j.code AS first_jurisdiction, primacy.adopted AS first_date,
       primacy_cell.mode AS first_mode, primacy_cell.pinpoint AS first_pinpoint,
       CASE WHEN primacy IS NOT NULL THEN codified WHEN $timeline THEN 0 END AS codified, CASE WHEN primacy IS NOT NULL THEN diverged WHEN $timeline THEN 0 END AS diverged,
       CASE WHEN primacy IS NOT NULL THEN implicit_after WHEN $timeline THEN 0 END AS implicit_after,
       CASE WHEN primacy IS NOT NULL THEN dated - codified - diverged - implicit_after WHEN $timeline THEN 0 END AS silent_after,
       CASE WHEN primacy IS NOT NULL THEN undated WHEN $timeline THEN 0 END AS undated,
       CASE WHEN primacy IS NOT NULL THEN dated + undated WHEN $timeline THEN 0 END AS timeline_total
