// name: forum_shopping_all
// title: Every forum-shopping pair for a topic, scored
// description: Every pair of an instrument that governs the topic explicitly (the strict side) and one
//   from a different jurisdiction (different code, neither PART_OF* the other) that is silent on it
//   (reviewed or unreviewed) or treats it only implicitly (a weaker pair), the lenient side. Score,
//   higher = a more real choice of forum: +2 lenient side silent (0 when implicit); +2 strict side
//   legally binding; +1 strict side in force (in_force or partially_in_force on as_of, or now);
//   +1 lenient side binding (a binding regime with a gap is a real forum); +1 lenient side in force.
//   Range 0-7. Sorted by score, then the strict side's and the lenient side's catalog_rank; with
//   limit, only the first limit pairs in that order. The score is a strict part plus a lenient
//   part, so with candidates only the first candidates strict instruments (by their part, then
//   catalog_rank) and the first candidates lenient ones are paired: the best limit pairs are among
//   them when every strict candidate has limit partners among the lenient ones and every lenient
//   candidate limit partners among the strict ones (or a side was not cut); complete says whether
//   that held (kb asks again with more candidates, or all, when it is false). With at, the
//   instruments and cells as the catalog held them then (old properties from InstrumentVersion
//   nodes, old cells from TREATED edges; jurisdictions are not versioned and are read as they are now).
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) only instruments adopted by then, with the status they had then, as the catalog
//   recorded them at the end of that day
// param: at (datetime, optional) the catalog instant to read; kb derives it from as_of (the end of that day,
//   UTC, or the first recorded load when the day is earlier). null = the current catalog
// param: limit (integer, optional) at most this many pairs, the best first; null = every pair
// param: candidates (integer, optional) pair only this many instruments of each side, the best first; null = all
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 53 rows; the first is EU-AIA-2024 -> US-EO-14179 with score 7
// browser: :param slug => 'open_weight_release'   :param as_of => null   :param at => null   :param limit => null   :param candidates => null
CALL () {
  // Each side is an uncorrelated subquery that finds the topic itself: its rows then hold only
  // what it reads, not the other side's list (which would weigh on the sorts' memory).
  // the strict side: the topic's explicit cells at $at (the TREATS edge if recorded by then, else the
  // TREATED copy current then), read from its side, of the instruments in the catalog then (e their
  // properties then: the InstrumentVersion current then, if they have changed since) adopted by
  // $as_of; by their part of the score (+2 binding, +1 in force), then catalog_rank; the first
  // $candidates
  MATCH (t:Topic {slug: $slug})
  USING INDEX t:Topic(slug)  // the topic by its key, then its cells (the planner may not start there)
  MATCH (en)-[r:TREATS|TREATED]->(t)  // en unlabelled: walked from the topic, not from an index on en
  WHERE r.mode = 'explicit'
    AND CASE type(r) WHEN 'TREATS' THEN $at IS NULL OR r.recorded_at <= $at
                     ELSE r.recorded_at <= $at < r.recorded_to END
  OPTIONAL CALL (en) {
    WITH en WHERE $at IS NOT NULL
    MATCH (v:InstrumentVersion)-[:VERSION_OF]->(en)
    WHERE v.recorded_at <= $at < v.recorded_to
    RETURN v LIMIT 1
  }
  WITH en, v
  WHERE ($at IS NULL OR v IS NOT NULL
         OR (coalesce(en.first_recorded_at, $at) <= $at AND coalesce(en.recorded_at, $at) <= $at))
    AND ($as_of IS NULL OR coalesce(v, en).adopted <= $as_of)
  WITH en, coalesce(v, en) AS e
  MATCH (en)-[:ISSUED_IN]->(je:Jurisdiction)
  WITH e, je,
       CASE WHEN $as_of IS NULL OR size(coalesce(e.status_dates, [])) = 0 THEN e.status
            ELSE coalesce(last([k IN range(0, size(e.status_dates) - 1)
                                WHERE e.status_dates[k] <= $as_of | e.status_values[k]]), e.status)
       END AS status
  WITH e, je, status,
       (CASE WHEN e.binding THEN 2 ELSE 0 END)
       + (CASE WHEN status IN ['in_force', 'partially_in_force'] THEN 1 ELSE 0 END) AS part
  ORDER BY part DESC, e.catalog_rank
  LIMIT coalesce($candidates, 9223372036854775807)
  RETURN collect({id: e.id, name: e.name, binding: e.binding, rank: e.catalog_rank,
                  jurisdiction: je.code, status: status, part: part,
                  // the jurisdiction itself, what it is part of, and what is part of it
                  related: [(je)-[:PART_OF*0..]->(a:Jurisdiction) | a.code]
                           + [(d:Jurisdiction)-[:PART_OF*1..]->(je) | d.code]}) AS stricts,
         count(*) AS strict_count
}
// the lenient side: the other instruments in the catalog at $at (l their properties then), silent
// (reviewed or not) or implicit, by their part of the score (+2 silent, +1 binding, +1 in force),
// then catalog_rank; the first $candidates
CALL () {
  MATCH (t:Topic {slug: $slug})
  USING INDEX t:Topic(slug)
  CALL (t) {
    // the topic's cells at $at, read from its side, as lists of instruments by mode (a cell of an
    // instrument not in the catalog then matches no instrument below)
    MATCH (n)-[r:TREATS|TREATED]->(t)
    WHERE CASE type(r) WHEN 'TREATS' THEN $at IS NULL OR r.recorded_at <= $at
                       ELSE r.recorded_at <= $at < r.recorded_to END
    RETURN collect(CASE WHEN r.mode IN ['explicit', 'conflicts'] THEN n END) AS not_lenient,
           collect(CASE WHEN r.mode = 'implicit' THEN n END) AS implicit,
           collect(CASE WHEN r.mode = 'silent' THEN n END) AS reviewed_silent
  }
  CALL () {
    MATCH (ln:Instrument)
    WHERE ($at IS NULL OR (coalesce(ln.first_recorded_at, $at) <= $at AND coalesce(ln.recorded_at, $at) <= $at))
      AND ($as_of IS NULL OR ln.adopted <= $as_of)
    RETURN ln, ln AS l
    UNION ALL
    MATCH (l:InstrumentVersion)-[:VERSION_OF]->(ln:Instrument)
    WHERE l.recorded_at <= $at < l.recorded_to
      AND ($as_of IS NULL OR l.adopted <= $as_of)
    RETURN ln, l
  }
  WITH ln, l, not_lenient, implicit, reviewed_silent
  WHERE NOT ln IN not_lenient
  WITH ln, l, CASE WHEN ln IN implicit THEN 'implicit' ELSE 'silent' END AS mode,
       ln IN implicit OR ln IN reviewed_silent AS reviewed,
       CASE WHEN $as_of IS NULL OR size(coalesce(l.status_dates, [])) = 0 THEN l.status
            ELSE coalesce(last([k IN range(0, size(l.status_dates) - 1)
                                WHERE l.status_dates[k] <= $as_of | l.status_values[k]]), l.status)
       END AS status
  // (grouped, which starts new rows: the sort then holds these, not the lists above)
  WITH ln, l, mode, reviewed, status,
       (CASE WHEN mode = 'silent' THEN 2 ELSE 0 END)
       + (CASE WHEN l.binding THEN 1 ELSE 0 END)
       + (CASE WHEN status IN ['in_force', 'partially_in_force'] THEN 1 ELSE 0 END) AS part,
       count(*) AS one
  ORDER BY part DESC, l.catalog_rank
  LIMIT coalesce($candidates, 9223372036854775807)
  MATCH (ln)-[:ISSUED_IN]->(jl:Jurisdiction)
  RETURN collect({id: l.id, name: l.name, binding: l.binding, rank: l.catalog_rank,
                  jurisdiction: jl.code, status: status, part: part, mode: mode, reviewed: reviewed}) AS lenients,
         count(*) AS lenient_count
}
// with candidates, a side that reached it may have been cut short: the best pairs are among those
// paired here when each strict candidate has $limit partners here, and each lenient one too
WITH stricts, lenients,
     $candidates IS NOT NULL AND strict_count >= $candidates AS more_strict,
     $candidates IS NOT NULL AND lenient_count >= $candidates AS more_lenient
WITH stricts, lenients,
     (NOT more_lenient OR $limit IS NULL
      OR all(s IN stricts WHERE size([x IN lenients WHERE NOT x.jurisdiction IN s.related]) >= $limit))
     AND (NOT more_strict OR $limit IS NULL
      OR all(x IN lenients WHERE size([s IN stricts WHERE NOT x.jurisdiction IN s.related]) >= $limit))
     AS complete
// the pairs of another jurisdiction, by score
UNWIND stricts AS s
WITH s, lenients, complete
UNWIND lenients AS x
WITH s, x, complete
WHERE NOT x.jurisdiction IN s.related
// (grouped, which starts new rows: the sort then holds these small rows, not the lists above)
WITH s, x, complete, s.part + x.part AS score, count(*) AS one
ORDER BY score DESC, s.rank, x.rank
LIMIT coalesce($limit, 9223372036854775807)
RETURN score,
       CASE WHEN x.mode = 'silent' THEN 'explicit-silent' ELSE 'explicit-implicit (weaker)' END AS kind,
       s.id AS strict_id,
       s.name AS strict_name,
       s.jurisdiction AS strict_jurisdiction,
       s.binding AS strict_binding,
       s.status AS strict_status,
       x.id AS lenient_id,
       x.name AS lenient_name,
       x.jurisdiction AS lenient_jurisdiction,
       x.mode AS lenient_mode,
       x.reviewed AS lenient_reviewed,
       x.binding AS lenient_binding,
       x.status AS lenient_status,
       complete
