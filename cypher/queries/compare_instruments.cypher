// name: compare_instruments
// title: Compare two instruments topic by topic
// description: For every topic (rank order), how instrument a and instrument b treat it, and the
//   relation: converges (same mode), asymmetric (different modes), both_silent (both reviewed and
//   silent) or unreviewed (either has no cell on it: nothing to compare, never silent in disguise). Each row also carries both instruments' names, jurisdictions and
//   status on as_of. All as the catalog recorded them at as_recorded. No rows when an id is unknown
//   then, or when either was not adopted by as_of.
// param: a (string, required) instrument id, e.g. EU-AIA-2024
// param: b (string, required) instrument id, e.g. US-EO-14110
// param: as_of (date, optional) legal time: the law on this date; today when not given
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// example: {"a": "EU-AIA-2024", "b": "US-EO-14110"}
// returns: on the shipped corpus, 24 rows, one per topic
// browser: :param a => 'EU-AIA-2024'   :param b => 'US-EO-14110'   :param as_of => date()   :param as_recorded => datetime()
MATCH (an:Instrument {id: $a})-[:HAS_STATE]->(a)
WHERE a.recorded_from <= $as_recorded < a.recorded_to
  AND coalesce(a.adopted, date()) <= $as_of
MATCH (bn:Instrument {id: $b})-[:HAS_STATE]->(b)
WHERE b.recorded_from <= $as_recorded < b.recorded_to
  AND coalesce(b.adopted, date()) <= $as_of
OPTIONAL MATCH (an)-[ea:ISSUED_IN]->(ja:Jurisdiction)
WHERE ea.recorded_from <= $as_recorded < ea.recorded_to
OPTIONAL MATCH (bn)-[eb:ISSUED_IN]->(jb:Jurisdiction)
WHERE eb.recorded_from <= $as_recorded < eb.recorded_to
// the topics of a's catalog
MATCH (t:Topic)-[:HAS_STATE]->(ts:TopicState)
WHERE ts.recorded_from <= $as_recorded < ts.recorded_to AND ts.catalog = a.catalog
OPTIONAL MATCH (an)-[ra:TREATS]->(t)
WHERE ra.recorded_from <= $as_recorded < ra.recorded_to
OPTIONAL MATCH (bn)-[rb:TREATS]->(t)
WHERE rb.recorded_from <= $as_recorded < rb.recorded_to
WITH a, b, ja, jb, ts, ra, rb, coalesce(ra.mode, 'silent') AS a_mode, coalesce(rb.mode, 'silent') AS b_mode
RETURN ts.slug AS topic,
       ts.name AS topic_name,
       a_mode,
       b_mode,
       CASE WHEN ra IS NULL OR rb IS NULL THEN 'unreviewed'
            WHEN a_mode = 'silent' AND b_mode = 'silent' THEN 'both_silent'
            WHEN a_mode = b_mode THEN 'converges'
            ELSE 'asymmetric'
       END AS relation,
       ra IS NOT NULL AS a_reviewed,
       rb IS NOT NULL AS b_reviewed,
       ra.pinpoint AS a_pinpoint,
       rb.pinpoint AS b_pinpoint,
       a.id AS a_id, a.name AS a_name, ja.code AS a_jurisdiction,
       coalesce(last([k IN range(0, size(a.status_dates) - 1)
                      WHERE a.status_dates[k] <= $as_of | a.status_values[k]]), a.status) AS a_status,
       b.id AS b_id, b.name AS b_name, jb.code AS b_jurisdiction,
       coalesce(last([k IN range(0, size(b.status_dates) - 1)
                      WHERE b.status_dates[k] <= $as_of | b.status_values[k]]), b.status) AS b_status
ORDER BY ts.rank
