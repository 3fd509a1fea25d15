// name: jurisdiction_gaps_kept
// title: Topics a jurisdiction leaves open, from what kb load keeps (today's kb gaps)
// description: jurisdiction_gaps's rows from what kb load keeps on each Jurisdiction node: its own
//   instruments in the current catalog (own_instruments) and the current topics, in rank order, none of
//   them addresses (own_gaps), of which none of them was reviewed on (own_unreviewed). kept (on every row) says whether that answers for these clocks: every
//   jurisdiction has them, as_of is today or later, no change set is recorded after as_recorded, and no instrument then is adopted
//   after as_of. kb reads it for today's kb gaps only, and jurisdiction_gaps when kept is false.
// param: as_of (date, optional) legal time: the law on this date; today when not given
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// example: {}
// returns: on the shipped corpus, 16 rows, kept, as jurisdiction_gaps gives them
// browser: :param as_of => date()   :param as_recorded => datetime()
CALL () {
  // whether the catalog then is the current one (no change set since) and every instrument
  // then is one of the law on $as_of
  // (an undated instrument counts as adopted today: so $as_of is today or later)
  RETURN $as_of >= date()
         AND NOT EXISTS { MATCH (c:ChangeSet) WHERE c.at > $as_recorded }
         AND NOT EXISTS { MATCH (i:InstrumentState) USING INDEX i:InstrumentState(adopted)
                          WHERE i.adopted > $as_of
                            AND i.recorded_from <= $as_recorded < i.recorded_to } AS holds
}
// the jurisdictions with instruments (or without the kept figures: then kept is false)
MATCH (js:JurisdictionState)
WHERE js.recorded_from <= $as_recorded < js.recorded_to
MATCH (j:Jurisdiction)-[:HAS_STATE]->(js)
WHERE coalesce(j.own_instruments, 1) > 0
RETURN holds AND j.own_instruments IS NOT NULL AND j.own_unreviewed IS NOT NULL AS kept,
       j.code AS code,
       js.name AS name,
       j.own_instruments AS instruments,
       size(j.own_gaps) AS gap_count,
       j.own_gaps AS gaps,
       j.own_unreviewed AS unreviewed
ORDER BY gap_count DESC, code
