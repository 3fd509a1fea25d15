// name: forum_shopping_all
// title: Every forum-shopping pair for a topic, scored
// description: Every pair of an instrument explicit on the topic (strict side) and one from an unrelated
//   jurisdiction (different code, neither PART_OF* the other) silent (reviewed or not) or only implicit on
//   it (lenient side). Score 0-7: +2 lenient side silent; +2 strict side binding; +1 strict side in force
//   (in_force or partially_in_force on as_of); +1 lenient side binding; +1 lenient side in force. By score,
//   then the strict and the lenient side's catalog_rank; with limit, the first limit pairs. Reads the
//   whole topic (kb pairs the best of forum_shopping_sides in Python).
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) legal time: the law on this date; today when not given
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// param: limit (integer, optional) at most this many pairs, the best first; null = every pair
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 55 rows; the first is EU-AIA-2024 -> US-EO-14179 with score 7
// browser: :param slug => 'open_weight_release'   :param as_of => date()   :param as_recorded => datetime()   :param limit => null
MATCH (t:Topic {slug: $slug})-[:HAS_STATE]->(ts)
WHERE ts.recorded_from <= $as_recorded < ts.recorded_to
// the topic's cells then, read from its side: the instruments by mode
CALL (t) {
  MATCH (n:Instrument)-[r:TREATS]->(t)
  WHERE r.recorded_from <= $as_recorded < r.recorded_to
  RETURN collect(CASE r.mode WHEN 'explicit' THEN n END) AS explicit,
         collect(CASE r.mode WHEN 'conflicts' THEN n END) AS conflicts,
         collect(CASE r.mode WHEN 'implicit' THEN n END) AS implicit,
         collect(CASE r.mode WHEN 'silent' THEN n END) AS silent
}
// the instruments then, with their mode then (none: silent, unreviewed) and their status on $as_of
MATCH (i:InstrumentState)
WHERE i.recorded_from <= $as_recorded < i.recorded_to AND i.catalog = ts.catalog
  AND coalesce(i.adopted, date()) <= $as_of
MATCH (n:Instrument)-[:HAS_STATE]->(i)
WITH n, i, silent, CASE WHEN n IN explicit THEN 'explicit' WHEN n IN conflicts THEN 'conflicts'
                        WHEN n IN implicit THEN 'implicit' ELSE 'silent' END AS mode,
     coalesce(last([k IN range(0, size(i.status_dates) - 1)
                    WHERE i.status_dates[k] <= $as_of | i.status_values[k]]), i.status) AS status
WHERE mode <> 'conflicts'
OPTIONAL MATCH (n)-[ij:ISSUED_IN]->(j:Jurisdiction)
WHERE ij.recorded_from <= $as_recorded < ij.recorded_to
WITH collect({id: i.id, name: i.name, rank: i.catalog_rank, binding: i.binding, status: status, mode: mode,
              reviewed: mode <> 'silent' OR n IN silent, jurisdiction: j.code,
              // up: the jurisdiction and all it is part of then (PART_OF*)
              up: [(j)-[po:PART_OF*0..]->(a:Jurisdiction)
                   WHERE all(e IN po WHERE e.recorded_from <= $as_recorded < e.recorded_to) | a.code],
              in_force: status IN ['in_force', 'partially_in_force']}) AS rows
UNWIND [row IN rows WHERE row.mode = 'explicit'] AS strict
UNWIND [row IN rows WHERE row.mode <> 'explicit'] AS lenient
WITH strict, lenient
WHERE NOT (lenient.jurisdiction IN strict.up OR strict.jurisdiction IN lenient.up)
WITH strict, lenient,
     CASE WHEN lenient.mode = 'silent' THEN 2 ELSE 0 END + CASE WHEN strict.binding THEN 2 ELSE 0 END
     + CASE WHEN strict.in_force THEN 1 ELSE 0 END + CASE WHEN lenient.binding THEN 1 ELSE 0 END
     + CASE WHEN lenient.in_force THEN 1 ELSE 0 END AS score
ORDER BY score DESC, strict.rank, lenient.rank
LIMIT coalesce($limit, 9223372036854775807)
RETURN score,
       CASE WHEN lenient.mode = 'silent' THEN 'explicit-silent' ELSE 'explicit-implicit (weaker)' END AS kind,
       strict.id AS strict_id,
       strict.name AS strict_name,
       strict.jurisdiction AS strict_jurisdiction,
       strict.binding AS strict_binding,
       strict.status AS strict_status,
       lenient.id AS lenient_id,
       lenient.name AS lenient_name,
       lenient.jurisdiction AS lenient_jurisdiction,
       lenient.mode AS lenient_mode,
       lenient.reviewed AS lenient_reviewed,
       lenient.binding AS lenient_binding,
       lenient.status AS lenient_status
