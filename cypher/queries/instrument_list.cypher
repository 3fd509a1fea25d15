// name: instrument_list
// title: Tracked instruments
// description: Every instrument adopted by as_of (one without an adoption date only from today on), in
//   catalog order, with its jurisdiction, kind, whether it is legally binding, its adoption date, its
//   status on as_of, and how many topics it addresses (non-silent cells) and has been reviewed for; all
//   as the catalog recorded them at as_recorded.
// param: as_of (date, optional) legal time: the law on this date; today when not given
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// param: catalog (string, optional) the catalog; kb (the curated one) when not given
// example: {}
// returns: on the shipped corpus, 26 rows, EU-AIA-2024 first
// browser: :param as_of => date()   :param as_recorded => datetime()   :param catalog => 'kb'
MATCH (i:InstrumentState)
WHERE i.recorded_from <= $as_recorded < i.recorded_to AND i.catalog = $catalog
  AND coalesce(i.adopted, date()) <= $as_of
MATCH (n:Instrument)-[:HAS_STATE]->(i)
OPTIONAL MATCH (n)-[e:ISSUED_IN]->(j:Jurisdiction)
WHERE e.recorded_from <= $as_recorded < e.recorded_to
WITH n, i, j, [(n)-[r:TREATS]->(:Topic) WHERE r.recorded_from <= $as_recorded < r.recorded_to | r.mode] AS modes
RETURN i.catalog_rank AS catalog_rank,
       i.id AS id,
       i.name AS name,
       j.code AS jurisdiction,
       i.kind AS kind,
       i.binding AS binding,
       i.adopted AS adopted,
       coalesce(last([k IN range(0, size(i.status_dates) - 1)
                      WHERE i.status_dates[k] <= $as_of | i.status_values[k]]), i.status) AS status,
       size([m IN modes WHERE m <> 'silent']) AS topics_addressed,
       size(modes) AS topics_reviewed
ORDER BY i.catalog_rank
