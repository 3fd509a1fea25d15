// name: forum_shopping_pairs
// title: Forum-shopping pairs for a topic (topic page)
// description: Pairs of one instrument that governs the topic explicitly and one that is silent on it
//   (reviewed or unreviewed) from a different jurisdiction, where a developer could pick the silent
//   forum. Greedy, as the topic page does it: walk the explicit instruments in catalog order and pair
//   each with the first silent instrument in catalog order that is not paired yet and whose
//   jurisdiction differs: a different code, and neither jurisdiction PART_OF* the other (US-CA and
//   US do not differ). The topic page shows the first three pairs. With at, the instruments and
//   cells as the catalog held them then (old properties from InstrumentVersion nodes, old cells from
//   TREATED edges; jurisdictions are not versioned and are read as they are now).
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) only instruments adopted by then, as the catalog recorded them at the end of that day
// param: at (datetime, optional) the catalog instant to read; kb derives it from as_of (the end of that day,
//   UTC, or the first recorded load when the day is earlier). null = the current catalog
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 3 rows: EU-AIA-2024/US-EO-14179, CA-SB-1047/UK-WHITEPAPER-2023, META-FRONTIER-2024/G7-HIROSHIMA
// browser: :param slug => 'open_weight_release'   :param as_of => null   :param at => null
MATCH (t:Topic {slug: $slug})
CALL () {
  // the instruments in the catalog at $at (n), with their properties then (i): as they are when
  // unchanged since $at (all of them when $at is null), else the InstrumentVersion current then
  MATCH (n:Instrument)
  WHERE $at IS NULL OR (coalesce(n.first_recorded_at, $at) <= $at AND coalesce(n.recorded_at, $at) <= $at)
  RETURN n, n AS i
  UNION ALL
  MATCH (i:InstrumentVersion)-[:VERSION_OF]->(n:Instrument)
  WHERE i.recorded_at <= $at < i.recorded_to
  RETURN n, i
}
WITH t, n, i
WHERE $as_of IS NULL OR i.adopted <= $as_of
OPTIONAL MATCH (n)-[:ISSUED_IN]->(j:Jurisdiction)
// r: the cell at $at: the TREATS edge if recorded by then, else the TREATED copy current then
OPTIONAL MATCH (n)-[r:TREATS|TREATED]->(t)
WHERE CASE type(r) WHEN 'TREATS' THEN $at IS NULL OR r.recorded_at <= $at
                   ELSE r.recorded_at <= $at < r.recorded_to END
WITH i, j, coalesce(r.mode, 'silent') AS mode, r IS NOT NULL AS reviewed
ORDER BY i.catalog_rank
WITH i, mode, {
       id: i.id, name: i.name, jurisdiction: j.code, catalog_rank: i.catalog_rank, reviewed: reviewed,
       // the jurisdiction itself, what it is part of, and what is part of it
       related: [(j)-[:PART_OF*0..]->(a:Jurisdiction) | a.code] + [(d:Jurisdiction)-[:PART_OF*1..]->(j) | d.code]
     } AS item
WITH collect(CASE WHEN mode = 'explicit' THEN item END) AS explicit,
     collect(CASE WHEN mode = 'silent' THEN item END) AS silent
WITH [e IN explicit | {e: e, candidates: [s IN silent WHERE NOT s.jurisdiction IN e.related]}] AS options
WITH reduce(acc = {pairs: [], used: []}, o IN options |
       CASE WHEN size([s IN o.candidates WHERE NOT s.id IN acc.used]) = 0 THEN acc
            ELSE {pairs: acc.pairs + [{explicit: o.e, silent: [s IN o.candidates WHERE NOT s.id IN acc.used][0]}],
                  used: acc.used + [s IN o.candidates WHERE NOT s.id IN acc.used][0].id}
       END) AS acc
UNWIND range(0, size(acc.pairs) - 1) AS k
WITH k, acc.pairs[k] AS p
RETURN k + 1 AS position,
       p.explicit.id AS explicit_id,
       p.explicit.name AS explicit_name,
       p.explicit.jurisdiction AS explicit_jurisdiction,
       p.silent.id AS silent_id,
       p.silent.name AS silent_name,
       p.silent.jurisdiction AS silent_jurisdiction,
       p.silent.reviewed AS silent_reviewed
ORDER BY position
