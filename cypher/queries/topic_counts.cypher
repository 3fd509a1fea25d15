// name: topic_counts
// title: A topic, its mode counts, its primacy and the timeline's tally
// description: One topic's name, definition, question and rank; how many tracked instruments treat it
//   explicitly, implicitly, in conflict, or not at all (silent includes the unreviewed, with no cell;
//   unreviewed counts those alone). With timeline: also the primacy instrument (first_id ...
//   first_pinpoint, as topic_primacy) and the tally of topic_timeline's rows (codified ...
//   timeline_total), else null. One row; none when the slug is unknown then.
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) legal time: the law on this date; today when not given
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// param: timeline (boolean, optional) also the primacy instrument and the timeline's tally; null = the counts alone
// example: {"slug": "open_weight_release", "timeline": true}
// returns: on the shipped corpus, 1 row: Open-Weight Frontier Release, tracked 26, explicit 3, implicit 7, conflicts 0, silent 16, unreviewed 0; first CN-GENAI-2023 2023-07-10 implicit; since then 3 codified, 0 diverged, 6 implicit, 12 silent, 1 undated, 22 in all
// browser: :param slug => 'open_weight_release'   :param as_of => date()   :param as_recorded => datetime()   :param timeline => true
MATCH (t:Topic {slug: $slug})-[:HAS_STATE]->(ts)
WHERE ts.recorded_from <= $as_recorded < ts.recorded_to
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
// the topic's cells then, of the instruments then, by mode (_dated: of dated instruments; the tally's modes)
CALL (t) {
  MATCH (n:Instrument)-[r:TREATS]->(t)
  WHERE r.recorded_from <= $as_recorded < r.recorded_to
  MATCH (n)-[:HAS_STATE]->(i:InstrumentState)
  WHERE i.recorded_from <= $as_recorded < i.recorded_to AND coalesce(i.adopted, date()) <= $as_of
  RETURN count(r) AS reviewed, count(CASE r.mode WHEN 'explicit' THEN 1 END) AS explicit,
         count(CASE r.mode WHEN 'implicit' THEN 1 END) AS implicit,
         count(CASE r.mode WHEN 'conflicts' THEN 1 END) AS conflicts,
         count(CASE WHEN r.mode = 'explicit' AND i.adopted IS NOT NULL THEN 1 END) AS explicit_dated,
         count(CASE WHEN r.mode = 'implicit' AND i.adopted IS NOT NULL THEN 1 END) AS implicit_dated,
         count(CASE WHEN r.mode = 'conflicts' AND i.adopted IS NOT NULL THEN 1 END) AS conflicts_dated
}
// the topic's catalog's instruments then (from the primacy date on; undated), from the count store and indexes:
// every state less those not current then (closed, or recorded later), of other catalogs, and those adopted
// after $as_of or before the first
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
WITH ts, primacy, primacy_cell, j, tracked, reviewed, explicit, implicit, conflicts, from_first - 1 AS dated,
     CASE WHEN primacy IS NULL THEN 0 ELSE undated END AS undated,
     explicit_dated - CASE primacy_cell.mode WHEN 'explicit' THEN 1 ELSE 0 END AS codified,
     conflicts_dated - CASE primacy_cell.mode WHEN 'conflicts' THEN 1 ELSE 0 END AS diverged,
     implicit_dated - CASE primacy_cell.mode WHEN 'implicit' THEN 1 ELSE 0 END AS implicit_after
RETURN ts.slug AS slug, ts.name AS name, ts.definition AS definition, ts.question AS question, ts.rank AS rank,
       tracked, explicit, implicit, conflicts, tracked - explicit - implicit - conflicts AS silent, tracked - reviewed AS unreviewed,
       primacy.id AS first_id, primacy.name AS first_name, j.code AS first_jurisdiction, primacy.adopted AS first_date,
       primacy_cell.mode AS first_mode, primacy_cell.pinpoint AS first_pinpoint,
       CASE WHEN primacy IS NOT NULL THEN codified WHEN $timeline THEN 0 END AS codified, CASE WHEN primacy IS NOT NULL THEN diverged WHEN $timeline THEN 0 END AS diverged,
       CASE WHEN primacy IS NOT NULL THEN implicit_after WHEN $timeline THEN 0 END AS implicit_after,
       CASE WHEN primacy IS NOT NULL THEN dated - codified - diverged - implicit_after WHEN $timeline THEN 0 END AS silent_after,
       CASE WHEN primacy IS NOT NULL THEN undated WHEN $timeline THEN 0 END AS undated,
       CASE WHEN primacy IS NOT NULL THEN dated + undated WHEN $timeline THEN 0 END AS timeline_total
