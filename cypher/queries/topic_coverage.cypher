// name: topic_coverage
// title: Coverage of a topic
// description: Every tracked instrument, in catalog order, with how it treats one topic: its mode
//   (explicit, implicit, conflicts, silent), pinpoint, note and confidence. An instrument with no
//   TREATS edge to the topic has not been reviewed for it: it counts as silent and has
//   reviewed = false. status is the status the instrument had on as_of (its current status without it).
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) only instruments adopted by then (undated ones drop out), with the status they had then
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 26 rows: 3 explicit, 7 implicit, 16 silent
// browser: :param slug => 'open_weight_release'   :param as_of => null   (or date('2024-06-01'))
MATCH (t:Topic {slug: $slug})
MATCH (i:Instrument)
WHERE $as_of IS NULL OR i.adopted <= $as_of
OPTIONAL MATCH (i)-[:ISSUED_IN]->(j:Jurisdiction)
OPTIONAL MATCH (i)-[r:TREATS]->(t)
RETURN i.id AS id,
       i.name AS name,
       i.short_name AS short_name,
       j.code AS jurisdiction,
       i.catalog_rank AS catalog_rank,
       i.adopted AS adopted,
       i.binding AS binding,
       CASE WHEN $as_of IS NULL OR size(coalesce(i.status_dates, [])) = 0 THEN i.status
            ELSE coalesce(last([k IN range(0, size(i.status_dates) - 1)
                                WHERE i.status_dates[k] <= $as_of | i.status_values[k]]), i.status)
       END AS status,
       coalesce(r.mode, 'silent') AS mode,
       r IS NOT NULL AS reviewed,
       r.pinpoint AS pinpoint,
       r.note AS note,
       r.confidence AS confidence,
       r.source AS source
ORDER BY i.catalog_rank
