// name: instrument_list
// title: Tracked instruments
// description: Every tracked instrument in catalog order with its jurisdiction, kind, whether it is
//   legally binding, its adoption date and its status (as of the date, or now), and how many topics
//   it addresses (non-silent cells) and has been reviewed for.
// param: as_of (date, optional) only instruments adopted by then, with the status they had then
// example: {}
// returns: on the shipped corpus, 26 rows, EU-AIA-2024 first
// browser: :param as_of => null
MATCH (i:Instrument)
WHERE $as_of IS NULL OR i.adopted <= $as_of
OPTIONAL MATCH (i)-[:ISSUED_IN]->(j:Jurisdiction)
RETURN i.catalog_rank AS catalog_rank,
       i.id AS id,
       i.name AS name,
       j.code AS jurisdiction,
       i.kind AS kind,
       i.binding AS binding,
       i.adopted AS adopted,
       CASE WHEN $as_of IS NULL OR size(coalesce(i.status_dates, [])) = 0 THEN i.status
            ELSE coalesce(last([k IN range(0, size(i.status_dates) - 1)
                                WHERE i.status_dates[k] <= $as_of | i.status_values[k]]), i.status)
       END AS status,
       COUNT { (i)-[r:TREATS]->(:Topic) WHERE r.mode <> 'silent' } AS topics_addressed,
       COUNT { (i)-[:TREATS]->(:Topic) } AS topics_reviewed
ORDER BY i.catalog_rank
