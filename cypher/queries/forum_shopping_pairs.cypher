// name: forum_shopping_pairs
// title: Forum-shopping pairs for a topic (topic page)
// description: Pairs of one instrument that governs the topic explicitly and one that is silent on it
//   (reviewed or unreviewed) from a different jurisdiction, where a developer could pick the silent
//   forum. Greedy, as the topic page does it: walk the explicit instruments in catalog order and pair
//   each with the first silent instrument in catalog order that is not paired yet and whose
//   jurisdiction differs: a different code, and neither jurisdiction PART_OF* the other (US-CA and
//   US do not differ). The topic page shows the first three pairs.
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) only instruments adopted by then
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 3 rows: EU-AIA-2024/US-EO-14179, CA-SB-1047/UK-WHITEPAPER-2023, META-FRONTIER-2024/G7-HIROSHIMA
// browser: :param slug => 'open_weight_release'   :param as_of => null
MATCH (t:Topic {slug: $slug})
MATCH (i:Instrument)
WHERE $as_of IS NULL OR i.adopted <= $as_of
OPTIONAL MATCH (i)-[:ISSUED_IN]->(j:Jurisdiction)
OPTIONAL MATCH (i)-[r:TREATS]->(t)
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
UNWIND range(0, size(acc.pairs) - 1) AS n
WITH n, acc.pairs[n] AS p
RETURN n + 1 AS position,
       p.explicit.id AS explicit_id,
       p.explicit.name AS explicit_name,
       p.explicit.jurisdiction AS explicit_jurisdiction,
       p.silent.id AS silent_id,
       p.silent.name AS silent_name,
       p.silent.jurisdiction AS silent_jurisdiction,
       p.silent.reviewed AS silent_reviewed
ORDER BY position
