// name: forum_shopping_pairs
// title: Forum-shopping pairs for a topic (topic page)
// description: Pairs of one instrument that governs the topic explicitly and one that is silent on it
//   (reviewed or unreviewed) from a different jurisdiction, where a developer could pick the silent
//   forum. Greedy, as the topic page does it: walk the explicit instruments in catalog order and pair
//   each with the first silent instrument in catalog order that is not paired yet and whose
//   jurisdiction differs: a different code, and neither jurisdiction PART_OF* the other (US-CA and
//   US do not differ). The topic page shows the first three pairs. With at, the instruments and
//   cells as the catalog held them then (jurisdictions are read as they are now).
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) only instruments adopted by then, as the catalog recorded them at the end of that day
// param: at (datetime, optional) the catalog instant to read; kb derives it from as_of (end of that day, UTC,
//   or the first load when earlier). null = the current catalog
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 3 rows: EU-AIA-2024/US-EO-14179, CA-SB-1047/UK-WHITEPAPER-2023, META-FRONTIER-2024/G7-HIROSHIMA
// browser: :param slug => 'open_weight_release'   :param as_of => null   :param at => null
MATCH (t:Topic {slug: $slug})
// n: the live instrument, in the catalog at $at; i: its properties as they stood then
MATCH (n:Instrument)
WHERE $at IS NULL OR coalesce(n.first_recorded_at, $at) <= $at
OPTIONAL CALL (n) {
  WITH n WHERE $at IS NOT NULL
  MATCH (v:InstrumentVersion)-[:VERSION_OF]->(n)
  WHERE v.recorded_at <= $at < v.recorded_to
  RETURN v LIMIT 1
}
WITH t, n, coalesce(v, n) AS i
WHERE $as_of IS NULL OR i.adopted <= $as_of
OPTIONAL MATCH (n)-[:ISSUED_IN]->(j:Jurisdiction)
// r: its cell for the topic at $at (the live TREATS edge, or the TREATED copy current then)
OPTIONAL MATCH (n)-[live:TREATS]->(t)
OPTIONAL CALL (n, t) {
  WITH n, t WHERE $at IS NOT NULL
  MATCH (n)-[old:TREATED]->(t)
  WHERE old.recorded_at <= $at < old.recorded_to
  RETURN old LIMIT 1
}
WITH i, j, CASE WHEN $at IS NULL OR live.recorded_at <= $at THEN live ELSE old END AS r
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
