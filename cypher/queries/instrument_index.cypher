// name: instrument_index
// title: Instruments, the short list
// description: Every instrument adopted by as_of (one without an adoption date only from today on), in
//   catalog order, with its jurisdiction, kind and status on as_of; all as the catalog recorded them at
//   as_recorded. instrument_list without the cell counts, so it stays quick on a large catalog: the
//   matrix page filters and pages its rows by it.
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
RETURN i.id AS id,
       j.code AS jurisdiction,
       i.kind AS kind,
       coalesce(last([k IN range(0, size(i.status_dates) - 1)
                      WHERE i.status_dates[k] <= $as_of | i.status_values[k]]), i.status) AS status
ORDER BY i.catalog_rank
