// name: forum_shopping_pairs
// title: Forum-shopping pairs for a topic (topic page)
// description: Pairs of one instrument that governs the topic explicitly and one that is silent on it
//   (reviewed or unreviewed) from a different jurisdiction, where a developer could pick the silent
//   forum. Greedy, as the topic page does it: walk the explicit instruments in catalog order and pair
//   each with the first silent instrument in catalog order that is not paired yet and whose
//   jurisdiction differs: a different code, and neither jurisdiction PART_OF* the other (US-CA and
//   US do not differ). The topic page shows the first three pairs. With at, the instruments and
//   cells as the catalog held them then (old properties from InstrumentVersion nodes, old cells from
//   TREATED edges; jurisdictions are not versioned and are read as they are now). With limit, the
//   walk stops at that many pairs. With candidates, only the first candidates explicit and the first
//   candidates silent instruments in catalog order are read (on the current catalog the silent ones
//   in catalog_rank index order, and the explicit ones too when the cell counts kept on the topic say
//   they are common; else from the topic's cells); complete says whether that was enough to be sure
//   the pairs are the ones the whole catalog gives (kb asks again with more candidates, or all, when
//   it is false).
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) only instruments adopted by then, as the catalog recorded them at the end of that day
// param: at (datetime, optional) the catalog instant to read; kb derives it from as_of (the end of that day,
//   UTC, or the first recorded load when the day is earlier). null = the current catalog
// param: limit (integer, optional) stop after this many pairs; null = every pair the walk finds
// param: candidates (integer, optional) read only this many explicit and this many silent instruments, the first
//   in catalog order; null = all of them (always complete)
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 3 rows: EU-AIA-2024/US-EO-14179, CA-SB-1047/UK-WHITEPAPER-2023, META-FRONTIER-2024/G7-HIROSHIMA
// browser: :param slug => 'open_weight_release'   :param as_of => null   :param at => null   :param limit => null   :param candidates => null
MATCH (t:Topic {slug: $slug})
// the explicit instruments (n) with their properties then (i), in catalog order, the first $candidates
// (on the current catalog, one of two walks, whichever reads less: when the explicit cells are
// common enough that the first $candidates of them lie among the first 256 or so instruments, by the
// counts kb load keeps on the topic, the instruments in catalog_rank index order; else every cell of
// the topic)
WITH t, $at IS NULL AND $candidates IS NOT NULL
        AND $candidates * COUNT { (:Instrument) } <= 256 * coalesce(t.cells_explicit, 0) AS by_rank
CALL (t, by_rank) {
  // the current catalog, explicit cells common: the instruments in catalog order
  WITH t WHERE by_rank
  MATCH (n:Instrument)
  WHERE n.catalog_rank IS NOT NULL
    AND ($as_of IS NULL OR n.adopted <= $as_of)
  WITH t, n
  ORDER BY n.catalog_rank
  WHERE EXISTS { (n)-[r:TREATS]->(t) WHERE r.mode = 'explicit' }
  RETURN n, n AS i
  LIMIT coalesce($candidates, 9223372036854775807)
  UNION ALL
  // the current catalog, else: the topic's explicit cells
  WITH t WHERE $at IS NULL AND NOT by_rank
  MATCH (n)-[r:TREATS]->(t)  // n unlabelled: walked from the topic (TREATS edges start at instruments)
  WHERE r.mode = 'explicit'
    AND ($as_of IS NULL OR n.adopted <= $as_of)
  RETURN n, n AS i
  ORDER BY n.catalog_rank
  LIMIT coalesce($candidates, 9223372036854775807)
  UNION ALL
  // the catalog at $at: the topic's explicit cells then (the TREATS edge if recorded by then, else
  // the TREATED copy current then) of the instruments then, with their properties then (v: the
  // InstrumentVersion current then, if they have changed since)
  WITH t WHERE $at IS NOT NULL
  MATCH (n:Instrument)-[r:TREATS|TREATED]->(t)
  WHERE r.mode = 'explicit'
    AND CASE type(r) WHEN 'TREATS' THEN r.recorded_at <= $at ELSE r.recorded_at <= $at < r.recorded_to END
  OPTIONAL CALL (n) {
    MATCH (v:InstrumentVersion)-[:VERSION_OF]->(n)
    WHERE v.recorded_at <= $at < v.recorded_to
    RETURN v LIMIT 1
  }
  WITH n, v
  WHERE v IS NOT NULL OR (coalesce(n.first_recorded_at, $at) <= $at AND coalesce(n.recorded_at, $at) <= $at)
  WITH n, coalesce(v, n) AS i
  WHERE $as_of IS NULL OR i.adopted <= $as_of
  RETURN n, i
  ORDER BY i.catalog_rank
  LIMIT coalesce($candidates, 9223372036854775807)
}
OPTIONAL MATCH (n)-[:ISSUED_IN]->(j:Jurisdiction)
WITH t, i, j
ORDER BY i.catalog_rank
WITH t, collect({
       id: i.id, name: i.name, jurisdiction: j.code,
       // the jurisdiction itself, what it is part of, and what is part of it
       related: [(j)-[:PART_OF*0..]->(a:Jurisdiction) | a.code] + [(d:Jurisdiction)-[:PART_OF*1..]->(j) | d.code]
     }) AS explicit
// the silent instruments (no cell for the topic, or a silent one) in catalog order, the first $candidates
// (collected apart, so that the rows are not sorted with the explicit list on each of them)
CALL (t) {
  CALL (t) {
    // the current catalog: walked in catalog_rank index order
    WITH t WHERE $at IS NULL
    MATCH (n:Instrument)
    WHERE n.catalog_rank IS NOT NULL
      AND ($as_of IS NULL OR n.adopted <= $as_of)
    OPTIONAL MATCH (n)-[r:TREATS]->(t)
    WITH n, r
    WHERE r IS NULL OR r.mode = 'silent'
    RETURN n, n AS i, r IS NOT NULL AS reviewed
    ORDER BY n.catalog_rank
    LIMIT coalesce($candidates, 9223372036854775807)
    UNION ALL
    // the catalog at $at: the instruments then (n) with their properties then (i): as they are when
    // unchanged since, else the InstrumentVersion current then; adopted by $as_of by the dates
    // recorded then; r their cell then
    WITH t WHERE $at IS NOT NULL
    CALL () {
      MATCH (n:Instrument)
      WHERE (coalesce(n.first_recorded_at, $at) <= $at AND coalesce(n.recorded_at, $at) <= $at)
        AND ($as_of IS NULL OR n.adopted <= $as_of)
      RETURN n, n AS i
      UNION ALL
      MATCH (i:InstrumentVersion)-[:VERSION_OF]->(n:Instrument)
      WHERE i.recorded_at <= $at < i.recorded_to
        AND ($as_of IS NULL OR i.adopted <= $as_of)
      RETURN n, i
    }
    OPTIONAL MATCH (n)-[r:TREATS|TREATED]->(t)
    WHERE CASE type(r) WHEN 'TREATS' THEN r.recorded_at <= $at
                       ELSE r.recorded_at <= $at < r.recorded_to END
    WITH n, i, r
    WHERE r IS NULL OR r.mode = 'silent'
    RETURN n, i, r IS NOT NULL AS reviewed
    ORDER BY i.catalog_rank
    LIMIT coalesce($candidates, 9223372036854775807)
  }
  OPTIONAL MATCH (n)-[:ISSUED_IN]->(j:Jurisdiction)
  WITH i, j, reviewed
  ORDER BY i.catalog_rank
  RETURN collect({id: i.id, name: i.name, jurisdiction: j.code, reviewed: reviewed}) AS silent
}
// with candidates, a list that reached it may have been cut short
WITH explicit, silent,
     $candidates IS NOT NULL AND size(explicit) >= $candidates AS more_explicit,
     $candidates IS NOT NULL AND size(silent) >= $candidates AS more_silent
// the greedy walk: each explicit instrument in turn takes the first silent one not taken yet from a
// jurisdiction it is not related to. If the silent list was cut short and holds none for it, the
// whole list might have: the answer is then not complete
WITH more_explicit, more_silent,
     reduce(acc = {pairs: [], used: [], complete: true}, e IN explicit |
       CASE WHEN $limit IS NOT NULL AND size(acc.pairs) >= $limit THEN acc
            WHEN size([s IN silent WHERE NOT s.jurisdiction IN e.related AND NOT s.id IN acc.used]) = 0
              THEN {pairs: acc.pairs, used: acc.used, complete: acc.complete AND NOT more_silent}
            ELSE {pairs: acc.pairs + [{explicit: e,
                                       silent: [s IN silent WHERE NOT s.jurisdiction IN e.related
                                                              AND NOT s.id IN acc.used][0]}],
                  used: acc.used + [s IN silent WHERE NOT s.jurisdiction IN e.related
                                                  AND NOT s.id IN acc.used][0].id,
                  complete: acc.complete}
       END) AS acc
// fewer pairs than asked for while the explicit list was cut short: more may follow
WITH acc.pairs AS pairs,
     acc.complete AND NOT (more_explicit AND ($limit IS NULL OR size(acc.pairs) < $limit)) AS complete
UNWIND range(0, size(pairs) - 1) AS k
WITH k, pairs[k] AS p, complete
RETURN k + 1 AS position,
       p.explicit.id AS explicit_id,
       p.explicit.name AS explicit_name,
       p.explicit.jurisdiction AS explicit_jurisdiction,
       p.silent.id AS silent_id,
       p.silent.name AS silent_name,
       p.silent.jurisdiction AS silent_jurisdiction,
       p.silent.reviewed AS silent_reviewed,
       complete
ORDER BY position
