// name: instrument_facets
// title: The jurisdictions, kinds and statuses instruments hold
// description: Over the instruments adopted by as_of (one without an adoption date only from today on),
//   as the catalog recorded them at as_recorded: the jurisdictions, kinds and statuses (on as_of) they
//   hold, how many instruments there are, and how many are of the jurisdictions, kinds and statuses
//   given (all when none is given). The matrix page's filters offer these values and page the rows kept.
// param: as_of (date, optional) legal time: the law on this date; today when not given
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// param: catalog (string, optional) the catalog; kb (the curated one) when not given
// param: jurisdictions (strings, optional) count the instruments of these jurisdictions; all when not given
// param: kinds (strings, optional) count the instruments of these kinds; all when not given
// param: statuses (strings, optional) count the instruments with these statuses on as_of; all when not given
// example: {}
// returns: on the shipped corpus, 1 row: 26 instruments, all of them matched, 16 jurisdictions
// browser: :param as_of => date()   :param as_recorded => datetime()   :param catalog => 'kb'   :param jurisdictions => null   :param kinds => null   :param statuses => null
MATCH (i:InstrumentState)
WHERE i.recorded_from <= $as_recorded < i.recorded_to AND i.catalog = $catalog
  AND coalesce(i.adopted, date()) <= $as_of
MATCH (n:Instrument)-[:HAS_STATE]->(i)
OPTIONAL MATCH (n)-[e:ISSUED_IN]->(j:Jurisdiction)
WHERE e.recorded_from <= $as_recorded < e.recorded_to
WITH j.code AS jurisdiction,
     i.kind AS kind,
     coalesce(last([k IN range(0, size(i.status_dates) - 1)
                    WHERE i.status_dates[k] <= $as_of | i.status_values[k]]), i.status) AS status
RETURN collect(DISTINCT jurisdiction) AS jurisdictions,
       collect(DISTINCT kind) AS kinds,
       collect(DISTINCT status) AS statuses,
       count(*) AS instruments,
       count(CASE WHEN ($jurisdictions IS NULL OR jurisdiction IN $jurisdictions)
                   AND ($kinds IS NULL OR kind IN $kinds)
                   AND ($statuses IS NULL OR status IN $statuses) THEN 1 END) AS matched
