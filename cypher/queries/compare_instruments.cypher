// name: compare_instruments
// title: Compare two instruments topic by topic
// description: For every topic (rank order), how instrument a and instrument b treat it, and the
//   relation: both_silent (neither addresses it; unreviewed counts as silent), converges (same mode)
//   or asymmetric (different modes). Each row also carries both instruments' names, jurisdictions
//   and status (as of the date). No rows when an id is unknown, or (with as_of) when either was not
//   adopted by then. With at, the topics, both instruments and their cells as the catalog held them
//   then (no rows when either was not in the catalog yet).
// param: a (string, required) instrument id, e.g. EU-AIA-2024
// param: b (string, required) instrument id, e.g. US-EO-14110
// param: as_of (date, optional) the date the statuses are read at; both must be adopted by then, as the catalog
//   recorded them at the end of that day
// param: at (datetime, optional) the catalog instant to read; kb derives it from as_of (the end of that day,
//   UTC, or the first recorded load when the day is earlier). null = the current catalog
// example: {"a": "EU-AIA-2024", "b": "US-EO-14110"}
// returns: on the shipped corpus, 24 rows, one per topic
// browser: :param a => 'EU-AIA-2024'   :param b => 'US-EO-14110'   :param as_of => null   :param at => null
MATCH (an:Instrument {id: $a}), (bn:Instrument {id: $b})
WHERE $at IS NULL OR (coalesce(an.first_recorded_at, $at) <= $at AND coalesce(bn.first_recorded_at, $at) <= $at)
// an, bn: the live instruments; a, b: their properties as they stood at $at
OPTIONAL CALL (an) {
  WITH an WHERE $at IS NOT NULL
  MATCH (v:InstrumentVersion)-[:VERSION_OF]->(an)
  WHERE v.recorded_at <= $at < v.recorded_to
  RETURN v AS av LIMIT 1
}
OPTIONAL CALL (bn) {
  WITH bn WHERE $at IS NOT NULL
  MATCH (v:InstrumentVersion)-[:VERSION_OF]->(bn)
  WHERE v.recorded_at <= $at < v.recorded_to
  RETURN v AS bv LIMIT 1
}
WITH an, bn, coalesce(av, an) AS a, coalesce(bv, bn) AS b
WHERE $as_of IS NULL OR (a.adopted <= $as_of AND b.adopted <= $as_of)
OPTIONAL MATCH (an)-[:ISSUED_IN]->(ja:Jurisdiction)
OPTIONAL MATCH (bn)-[:ISSUED_IN]->(jb:Jurisdiction)
WITH an, bn, a, b, ja, jb,
     CASE WHEN $as_of IS NULL OR size(coalesce(a.status_dates, [])) = 0 THEN a.status
          ELSE coalesce(last([k IN range(0, size(a.status_dates) - 1)
                              WHERE a.status_dates[k] <= $as_of | a.status_values[k]]), a.status)
     END AS a_status,
     CASE WHEN $as_of IS NULL OR size(coalesce(b.status_dates, [])) = 0 THEN b.status
          ELSE coalesce(last([k IN range(0, size(b.status_dates) - 1)
                              WHERE b.status_dates[k] <= $as_of | b.status_values[k]]), b.status)
     END AS b_status
MATCH (t:Topic)
WHERE $at IS NULL OR coalesce(t.first_recorded_at, $at) <= $at
// ra, rb: the two cells at $at: the TREATS edge if recorded by then, else the TREATED copy current then
OPTIONAL MATCH (an)-[ra:TREATS|TREATED]->(t)
WHERE CASE type(ra) WHEN 'TREATS' THEN $at IS NULL OR ra.recorded_at <= $at
                    ELSE ra.recorded_at <= $at < ra.recorded_to END
OPTIONAL MATCH (bn)-[rb:TREATS|TREATED]->(t)
WHERE CASE type(rb) WHEN 'TREATS' THEN $at IS NULL OR rb.recorded_at <= $at
                    ELSE rb.recorded_at <= $at < rb.recorded_to END
WITH a, b, ja, jb, a_status, b_status, t, ra, rb,
     coalesce(ra.mode, 'silent') AS a_mode, coalesce(rb.mode, 'silent') AS b_mode
RETURN t.slug AS topic,
       t.name AS topic_name,
       a_mode,
       b_mode,
       CASE WHEN a_mode = 'silent' AND b_mode = 'silent' THEN 'both_silent'
            WHEN a_mode = b_mode THEN 'converges'
            ELSE 'asymmetric'
       END AS relation,
       ra IS NOT NULL AS a_reviewed,
       rb IS NOT NULL AS b_reviewed,
       ra.pinpoint AS a_pinpoint,
       rb.pinpoint AS b_pinpoint,
       a.id AS a_id, a.name AS a_name, ja.code AS a_jurisdiction, a_status,
       b.id AS b_id, b.name AS b_name, jb.code AS b_jurisdiction, b_status
ORDER BY t.rank
