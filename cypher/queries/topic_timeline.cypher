// name: topic_timeline
// title: What came after the first instrument on a topic
// description: Every tracked instrument adopted on or after the primacy date (see topic_primacy),
//   except the primacy instrument itself, in date order (ties by catalog_rank), labelled codified
//   (explicit), diverged (conflicts), implicit or silent; instruments without an adoption date come
//   last, labelled undated. No rows when nothing addresses the topic. With at, the instruments,
//   dates and cells as the catalog held them then (old properties from InstrumentVersion nodes, old
//   cells from TREATED edges). With limit, only the first limit rows (dated ones walked in
//   adoption-date index order on the current catalog); topic_counts tallies all of them.
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) only instruments adopted by then (undated ones drop out), as the catalog
//   recorded them at the end of that day
// param: at (datetime, optional) the catalog instant to read; kb derives it from as_of (the end of that day,
//   UTC, or the first recorded load when the day is earlier). null = the current catalog
// param: limit (integer, optional) at most this many rows, the first in timeline order; null = all of them
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 22 rows: 21 dated, from WH-VOLUNTARY-2023 (2023-07-21, silent) to META-FRONTIER-2024 (2025-02-03, codified), then BR-AIBILL-2024 (undated)
// browser: :param slug => 'open_weight_release'   :param as_of => null   :param at => null   :param limit => null
MATCH (t:Topic {slug: $slug})
// the primacy instrument, as topic_primacy finds it: pn the live node, p its properties at $at
CALL (t) {
  WITH t WHERE $at IS NULL
  MATCH (n:Instrument)-[r:TREATS]->(t)
  WHERE r.mode <> 'silent'
    AND n.adopted IS NOT NULL
    AND ($as_of IS NULL OR n.adopted <= $as_of)
  RETURN n AS pn, n AS p
  ORDER BY n.adopted, n.catalog_rank
  LIMIT 1
  UNION ALL
  WITH t WHERE $at IS NOT NULL
  MATCH (n:Instrument)-[r:TREATS|TREATED]->(t)
  WHERE r.mode <> 'silent'
    AND CASE type(r) WHEN 'TREATS' THEN r.recorded_at <= $at ELSE r.recorded_at <= $at < r.recorded_to END
    AND coalesce(n.first_recorded_at, $at) <= $at
  OPTIONAL CALL (n) {
    MATCH (v:InstrumentVersion)-[:VERSION_OF]->(n)
    WHERE v.recorded_at <= $at < v.recorded_to
    RETURN v LIMIT 1
  }
  WITH n, coalesce(v, n) AS i
  WHERE i.adopted IS NOT NULL
    AND ($as_of IS NULL OR i.adopted <= $as_of)
  RETURN n AS pn, i AS p
  ORDER BY i.adopted, i.catalog_rank
  LIMIT 1
}
CALL (pn, p) {
  // the current catalog: the dated instruments from the primacy date on (the adoption-date index),
  // then the undated ones in catalog order; the first $limit
  WITH pn, p WHERE $at IS NULL
  MATCH (n:Instrument)
  WHERE n.adopted >= p.adopted AND n <> pn
    AND ($as_of IS NULL OR n.adopted <= $as_of)
  RETURN n, n AS i
  ORDER BY n.adopted, n.catalog_rank
  LIMIT coalesce($limit, 9223372036854775807)
  UNION ALL
  // (the undated ones come after every dated one: looked for only when fewer than $limit are dated)
  WITH pn, p WHERE $at IS NULL AND $as_of IS NULL
  CALL (pn, p) {
    CALL (pn, p) {
      MATCH (n:Instrument)
      WHERE n.adopted >= p.adopted AND n <> pn
      RETURN n
      LIMIT coalesce($limit, 0)
    }
    RETURN count(n) AS dated
  }
  CALL (dated) {
    // (an UNWIND of no rows, so the index is not read at all when enough are dated)
    UNWIND CASE WHEN $limit IS NULL OR dated < $limit THEN [true] ELSE [] END AS wanted
    MATCH (n:Instrument)
    WHERE n.catalog_rank IS NOT NULL AND n.adopted IS NULL
    RETURN n
    ORDER BY n.catalog_rank
    LIMIT coalesce($limit, 9223372036854775807)
  }
  RETURN n, n AS i
  UNION ALL
  // the catalog at $at: the instruments then (n) with their properties then (i): as they are when
  // unchanged since, else the InstrumentVersion current then; adopted by $as_of by the dates
  // recorded then
  WITH pn, p WHERE $at IS NOT NULL
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
  WITH pn, p, n, i
  WHERE n <> pn AND (i.adopted IS NULL OR i.adopted >= p.adopted)
  RETURN n, i
  ORDER BY i.adopted IS NULL, i.adopted, i.catalog_rank
  LIMIT coalesce($limit, 9223372036854775807)
}
WITH t, n, i
ORDER BY i.adopted IS NULL, i.adopted, i.catalog_rank
LIMIT coalesce($limit, 9223372036854775807)
OPTIONAL MATCH (n)-[:ISSUED_IN]->(j:Jurisdiction)
// r: the cell at $at: the TREATS edge if recorded by then, else the TREATED copy current then
OPTIONAL MATCH (n)-[r:TREATS|TREATED]->(t)
WHERE CASE type(r) WHEN 'TREATS' THEN $at IS NULL OR r.recorded_at <= $at
                   ELSE r.recorded_at <= $at < r.recorded_to END
WITH i, j, r, coalesce(r.mode, 'silent') AS mode
RETURN i.id AS id,
       i.name AS name,
       j.code AS jurisdiction,
       i.adopted AS date,
       mode,
       r IS NOT NULL AS reviewed,
       CASE WHEN i.adopted IS NULL THEN 'undated'
            WHEN mode = 'explicit' THEN 'codified'
            WHEN mode = 'conflicts' THEN 'diverged'
            ELSE mode
       END AS label,
       i.catalog_rank AS catalog_rank
ORDER BY i.adopted IS NULL, i.adopted, i.catalog_rank
