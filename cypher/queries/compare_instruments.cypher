// name: compare_instruments
// title: Compare two instruments topic by topic
// description: For every topic (rank order), how instrument a and instrument b treat it, and the
//   relation: both_silent (neither addresses it; unreviewed counts as silent), converges (same mode)
//   or asymmetric (different modes). Each row also carries both instruments' names, jurisdictions
//   and status (as of the date). No rows when an id is unknown, or (with as_of) when either was not
//   adopted by then.
// param: a (string, required) instrument id, e.g. EU-AIA-2024
// param: b (string, required) instrument id, e.g. US-EO-14110
// param: as_of (date, optional) the date the statuses are read at; both must be adopted by then
// example: {"a": "EU-AIA-2024", "b": "US-EO-14110"}
// returns: on the shipped corpus, 24 rows, one per topic
// browser: :param a => 'EU-AIA-2024'   :param b => 'US-EO-14110'   :param as_of => null
MATCH (a:Instrument {id: $a}), (b:Instrument {id: $b})
WHERE $as_of IS NULL OR (a.adopted <= $as_of AND b.adopted <= $as_of)
OPTIONAL MATCH (a)-[:ISSUED_IN]->(ja:Jurisdiction)
OPTIONAL MATCH (b)-[:ISSUED_IN]->(jb:Jurisdiction)
WITH a, b, ja, jb,
     CASE WHEN $as_of IS NULL OR size(coalesce(a.status_dates, [])) = 0 THEN a.status
          ELSE coalesce(last([k IN range(0, size(a.status_dates) - 1)
                              WHERE a.status_dates[k] <= $as_of | a.status_values[k]]), a.status)
     END AS a_status,
     CASE WHEN $as_of IS NULL OR size(coalesce(b.status_dates, [])) = 0 THEN b.status
          ELSE coalesce(last([k IN range(0, size(b.status_dates) - 1)
                              WHERE b.status_dates[k] <= $as_of | b.status_values[k]]), b.status)
     END AS b_status
MATCH (t:Topic)
OPTIONAL MATCH (a)-[ra:TREATS]->(t)
OPTIONAL MATCH (b)-[rb:TREATS]->(t)
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
