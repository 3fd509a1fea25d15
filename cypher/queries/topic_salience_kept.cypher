// name: topic_salience_kept
// title: Topics ranked by salience, from the cell counts kb load keeps (today's kb topics)
// description: topic_salience's rows from the counts kb load keeps on each Topic node (cells_explicit ...,
//   cells_silent: the current catalog's) and the instruments counted from the count store. kept (on every
//   row) says whether that answers for these clocks: every topic has the counts, as_of is today or later, no change set is recorded
//   after as_recorded, and no instrument then is adopted after as_of. kb reads it for today's kb topics
//   only, and topic_salience when kept is false.
// param: as_of (date, optional) legal time: the law on this date; today when not given
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// param: catalog (string, optional) the catalog; kb (the curated one) when not given
// example: {}
// returns: on the shipped corpus, 24 rows, one per topic: topic_salience's (foundation_models first, salience 18), kept when the topics have cells_silent
// browser: :param as_of => date()   :param as_recorded => datetime()   :param catalog => 'kb'
CALL () {
  // whether the catalog then is the current one (no change set since; a load closes an instrument's
  // cells with it) and every instrument then is one of the law on $as_of
  // (an undated instrument counts as adopted today: so $as_of is today or later)
  RETURN $as_of >= date()
         AND NOT EXISTS { MATCH (c:ChangeSet) WHERE c.at > $as_recorded }
         AND NOT EXISTS { MATCH (i:InstrumentState) USING INDEX i:InstrumentState(adopted)
                          WHERE i.adopted > $as_of
                            AND i.recorded_from <= $as_recorded < i.recorded_to } AS holds
}
// the instruments then: every state (the count store) less the closed ones and the other catalogs'
CALL () {
  CALL () { MATCH (i:InstrumentState) RETURN count(i) AS states }
  CALL () { MATCH (i:InstrumentState) WHERE i.recorded_to <= $as_recorded RETURN count(i) AS closed }
  CALL () {  // the other catalogs' states not closed (both sides of this one in the catalog index)
    CALL () { MATCH (i:InstrumentState) WHERE i.catalog < $catalog RETURN i
              UNION ALL MATCH (i:InstrumentState) WHERE i.catalog > $catalog RETURN i }
    RETURN count(CASE WHEN i.recorded_to > $as_recorded THEN 1 END) AS others
  }
  RETURN states - closed - others AS tracked
}
MATCH (t:Topic)-[:HAS_STATE]->(ts:TopicState)
WHERE ts.recorded_from <= $as_recorded < ts.recorded_to AND ts.catalog = $catalog
WITH holds, tracked, ts, t.cells_explicit AS explicit, t.cells_implicit AS implicit, t.cells_conflicts AS conflicts,
     t.cells_explicit + t.cells_implicit + t.cells_conflicts + t.cells_silent AS reviewed
ORDER BY explicit + conflicts DESC, ts.rank
WITH holds, collect({slug: ts.slug, name: ts.name, rank: ts.rank, explicit: explicit, conflicts: conflicts,
                     implicit: implicit, reviewed: reviewed, tracked: tracked}) AS rows
UNWIND range(0, size(rows) - 1) AS k
WITH holds, k, rows[k] AS x
RETURN holds AND x.reviewed IS NOT NULL AS kept,
       k + 1 AS position,
       x.slug AS slug,
       x.name AS name,
       x.explicit + x.conflicts AS salience,
       x.explicit AS explicit,
       x.conflicts AS conflicts,
       x.implicit AS implicit,
       x.tracked - x.explicit - x.implicit - x.conflicts AS silent,
       x.tracked - x.reviewed AS unreviewed,
       x.tracked AS tracked,
       x.rank AS topic_rank
ORDER BY position
