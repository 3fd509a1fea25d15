// name: forum_shopping_pairs
// title: Forum-shopping pairs for a topic (topic page)
// description: Pairs of an instrument that governs the topic explicitly and one silent on it (reviewed
//   or not) from an unrelated jurisdiction (a different code, and neither PART_OF* the other: US-CA and
//   US are related), where a developer could pick the silent forum. Greedy: each explicit instrument in
//   catalog order takes the first silent one in catalog order not taken yet. With limit, the first
//   limit pairs. Reads the whole topic (kb walks forum_shopping_stream in Python, only as far as needed).
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) legal time: the law on this date; today when not given
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// param: limit (integer, optional) at most this many pairs, the first in the walk; null = every pair
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 3 rows: EU-AIA-2024/US-EO-14179, CA-SB-1047/UK-WHITEPAPER-2023, META-FRONTIER-2024/G7-HIROSHIMA
// browser: :param slug => 'open_weight_release'   :param as_of => date()   :param as_recorded => datetime()   :param limit => null
MATCH (t:Topic {slug: $slug})-[:HAS_STATE]->(ts)
WHERE ts.recorded_from <= $as_recorded < ts.recorded_to
// the instruments then, explicit or silent on the topic then, in catalog order
MATCH (i:InstrumentState)
WHERE i.recorded_from <= $as_recorded < i.recorded_to AND i.catalog = ts.catalog
  AND coalesce(i.adopted, date()) <= $as_of
MATCH (n:Instrument)-[:HAS_STATE]->(i)
OPTIONAL MATCH (n)-[r:TREATS]->(t)
WHERE r.recorded_from <= $as_recorded < r.recorded_to
WITH n, i, r
WHERE r IS NULL OR r.mode IN ['explicit', 'silent']
OPTIONAL MATCH (n)-[ij:ISSUED_IN]->(j:Jurisdiction)
WHERE ij.recorded_from <= $as_recorded < ij.recorded_to
WITH i, r, j
ORDER BY i.catalog_rank
// up: the jurisdiction and all it is part of then (PART_OF*)
WITH collect({id: i.id, name: i.name, jurisdiction: j.code, reviewed: r IS NOT NULL,
              explicit: coalesce(r.mode, 'silent') = 'explicit',
              up: [(j)-[po:PART_OF*0..]->(a:Jurisdiction)
                   WHERE all(e IN po WHERE e.recorded_from <= $as_recorded < e.recorded_to) | a.code]}) AS rows
WITH [row IN rows WHERE row.explicit] AS explicit, [row IN rows WHERE NOT row.explicit] AS silent
// the greedy walk: each explicit instrument in turn takes the first silent one not taken yet from an
// unrelated jurisdiction (neither in the other's up)
WITH reduce(walk = {pairs: [], used: []}, strict IN explicit |
       CASE WHEN $limit IS NOT NULL AND size(walk.pairs) >= $limit THEN walk
       ELSE coalesce(head([quiet IN [head([quiet IN silent WHERE NOT quiet.id IN walk.used
                                     AND NOT (quiet.jurisdiction IN strict.up OR strict.jurisdiction IN quiet.up)])]
                           WHERE quiet IS NOT NULL
                           | {pairs: walk.pairs + [{explicit: strict, silent: quiet}], used: walk.used + quiet.id}]),
                      walk)
       END).pairs AS pairs
UNWIND range(0, size(pairs) - 1) AS k
WITH k, pairs[k] AS pair
RETURN k + 1 AS position,
       pair.explicit.id AS explicit_id,
       pair.explicit.name AS explicit_name,
       pair.explicit.jurisdiction AS explicit_jurisdiction,
       pair.silent.id AS silent_id,
       pair.silent.name AS silent_name,
       pair.silent.jurisdiction AS silent_jurisdiction,
       pair.silent.reviewed AS silent_reviewed
ORDER BY position
