// name: topic_counts_kept
// title: A topic's counts, from the cell counts kb load keeps (today's pages)
// description: topic_counts's row from what kb load and Neo4j keep: the topic's cell counts by mode on the
//   Topic node (cells_explicit ..., the current catalog's) and the instruments counted from the count store
//   and indexes. kept says whether that answers for these clocks: the topic has the counts, as_of is today or later, no change set
//   is recorded after as_recorded, and no instrument then is adopted after as_of (the adopted index). kb
//   reads it for today's pages only, and topic_counts when kept is false.
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) legal time: the law on this date; today when not given
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// param: timeline (boolean, optional) also the primacy instrument and the timeline's tally; null = the counts alone
// example: {"slug": "open_weight_release", "timeline": true}
// returns: on the shipped corpus, 1 row: kept true, and topic_counts's figures (26 tracked, 3 explicit, 7 implicit, 16 silent; first CN-GENAI-2023)
// browser: :param slug => 'open_weight_release'   :param as_of => date()   :param as_recorded => datetime()   :param timeline => true
MATCH (t:Topic {slug: $slug})-[:HAS_STATE]->(ts)
WHERE ts.recorded_from <= $as_recorded < ts.recorded_to
// the primacy instrument, as topic_primacy finds it (with $timeline)
OPTIONAL CALL (t) {
  WITH t WHERE $timeline
  MATCH (primacy:InstrumentState)
  USING INDEX primacy:InstrumentState(adopted)
  WHERE primacy.adopted <= $as_of
    AND primacy.recorded_from <= $as_recorded < primacy.recorded_to
  MATCH (primacy_instrument:Instrument)-[:HAS_STATE]->(primacy)
  MATCH (primacy_instrument)-[primacy_cell:TREATS]->(t)
  WHERE primacy_cell.recorded_from <= $as_recorded < primacy_cell.recorded_to
    AND primacy_cell.mode <> 'silent'
  RETURN primacy_instrument, primacy, primacy_cell
  ORDER BY primacy.adopted, primacy.catalog_rank
  LIMIT 1
}
// whether the catalog then is the current one (no change set since; a load closes an instrument's
// cells with it) and every instrument then is one of the law on $as_of
CALL () {
  // (an undated instrument counts as adopted today: so $as_of is today or later)
  RETURN $as_of >= date()
         AND NOT EXISTS { MATCH (c:ChangeSet) WHERE c.at > $as_recorded }
         AND NOT EXISTS { MATCH (i:InstrumentState) USING INDEX i:InstrumentState(adopted)
                          WHERE i.adopted > $as_of
                            AND i.recorded_from <= $as_recorded < i.recorded_to } AS holds
}
// the topic's cells then: the four kept counts, or, without the silent one, its cells walked
CALL (t) {
  RETURN CASE WHEN t.cells_silent IS NULL
              THEN COUNT { (t)<-[r:TREATS]-() WHERE r.recorded_from <= $as_recorded < r.recorded_to }
              ELSE t.cells_explicit + t.cells_implicit + t.cells_conflicts + t.cells_silent END AS reviewed
}
// the instruments then: every state (the count store) less the closed ones; of those, the dated ones
// (the adopted index) and those adopted before the primacy date
CALL (primacy) {
  CALL () { MATCH (i:InstrumentState) RETURN count(i) AS states }
  CALL () { MATCH (i:InstrumentState) WHERE i.adopted IS NOT NULL RETURN count(i) AS dated_states }
  CALL () { MATCH (i:InstrumentState) WHERE i.recorded_to <= $as_recorded
            RETURN count(i) AS closed, count(i.adopted) AS closed_dated }
  CALL (primacy) { MATCH (i:InstrumentState) WHERE i.adopted < primacy.adopted AND i.recorded_from <= $as_recorded < i.recorded_to
             RETURN count(i) AS before }
  RETURN states - closed AS tracked, dated_states - closed_dated - before AS from_first,
         states - closed - (dated_states - closed_dated) AS undated
}
OPTIONAL MATCH (primacy_instrument)-[primacy_issued:ISSUED_IN]->(j:Jurisdiction)
WHERE primacy_issued.recorded_from <= $as_recorded < primacy_issued.recorded_to
WITH ts, primacy, primacy_cell, j, tracked, reviewed, t.cells_explicit AS explicit, t.cells_implicit AS implicit,
     t.cells_conflicts AS conflicts, from_first - 1 AS dated, CASE WHEN primacy IS NULL THEN 0 ELSE undated END AS undated,
     holds AND t.cells_explicit IS NOT NULL AS kept,
     t.cells_explicit_dated - CASE primacy_cell.mode WHEN 'explicit' THEN 1 ELSE 0 END AS codified,
     t.cells_conflicts_dated - CASE primacy_cell.mode WHEN 'conflicts' THEN 1 ELSE 0 END AS diverged,
     t.cells_implicit_dated - CASE primacy_cell.mode WHEN 'implicit' THEN 1 ELSE 0 END AS implicit_after
RETURN kept, ts.slug AS slug, ts.name AS name, ts.definition AS definition, ts.question AS question,
       ts.rank AS rank, tracked, explicit, implicit, conflicts,
       tracked - explicit - implicit - conflicts AS silent, tracked - reviewed AS unreviewed,
       primacy.id AS first_id, primacy.name AS first_name, j.code AS first_jurisdiction, primacy.adopted AS first_date,
       primacy_cell.mode AS first_mode, primacy_cell.pinpoint AS first_pinpoint,
       CASE WHEN primacy IS NOT NULL THEN codified WHEN $timeline THEN 0 END AS codified,
       CASE WHEN primacy IS NOT NULL THEN diverged WHEN $timeline THEN 0 END AS diverged,
       CASE WHEN primacy IS NOT NULL THEN implicit_after WHEN $timeline THEN 0 END AS implicit_after,
       CASE WHEN primacy IS NOT NULL THEN dated - codified - diverged - implicit_after WHEN $timeline THEN 0 END AS silent_after,
       CASE WHEN primacy IS NOT NULL THEN undated WHEN $timeline THEN 0 END AS undated,
       CASE WHEN primacy IS NOT NULL THEN dated + undated WHEN $timeline THEN 0 END AS timeline_total
