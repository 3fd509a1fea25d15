// name: forum_shopping_sides
// title: The two sides of a topic's forum-shopping pairs, best first
// description: forum_shopping_all's two sides apart: the strict side (instruments explicit on the topic)
//   and the lenient side (silent, reviewed or not, or implicit), each by its part of the score (strict:
//   +2 binding, +1 in force; lenient: +2 silent, +1 binding, +1 in force), then catalog_rank; the
//   first candidates of each (strict first). A pair's score is the sum of the two parts, so kb pairs
//   the best of each side in Python, and asks for more when those cannot hold the best pairs.
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) legal time: the law on this date; today when not given
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// param: candidates (integer, optional) at most this many instruments of each side; null = all of them
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 26 rows: 3 strict (EU-AIA-2024 first, part 3) and 23 lenient (US-EO-14179 first, part 4)
// browser: :param slug => 'open_weight_release'   :param as_of => date()   :param as_recorded => datetime()   :param candidates => null
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
WITH n, i, mode, status, mode <> 'silent' OR n IN silent AS reviewed,
     CASE WHEN mode = 'explicit' THEN 'strict' ELSE 'lenient' END AS side,
     CASE WHEN mode = 'explicit' THEN CASE WHEN i.binding THEN 2 ELSE 0 END
          ELSE CASE WHEN mode = 'silent' THEN 2 ELSE 0 END + CASE WHEN i.binding THEN 1 ELSE 0 END
     END + CASE WHEN status IN ['in_force', 'partially_in_force'] THEN 1 ELSE 0 END AS part
ORDER BY part DESC, i.catalog_rank
// each side's first $candidates (collected as values: their states would weigh on memory)
WITH side, collect({instrument: n, id: i.id, name: i.name, rank: i.catalog_rank, binding: i.binding, status: status,
                    mode: mode, reviewed: reviewed, part: part}) AS best
ORDER BY side DESC
UNWIND best[..coalesce($candidates, 2147483647)] AS candidate
WITH side, candidate, candidate.instrument AS n
OPTIONAL MATCH (n)-[ij:ISSUED_IN]->(j:Jurisdiction)
WHERE ij.recorded_from <= $as_recorded < ij.recorded_to
RETURN side,
       candidate.part AS part,
       candidate.rank AS catalog_rank,
       candidate.id AS id,
       candidate.name AS name,
       j.code AS jurisdiction,
       // up: the jurisdiction and all it is part of then (PART_OF*)
       [(j)-[po:PART_OF*0..]->(a:Jurisdiction)
        WHERE all(e IN po WHERE e.recorded_from <= $as_recorded < e.recorded_to) | a.code] AS up,
       candidate.binding AS binding,
       candidate.status AS status,
       candidate.mode AS mode,
       candidate.reviewed AS reviewed
