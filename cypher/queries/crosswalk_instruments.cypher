// name: crosswalk_instruments
// title: A catalog's instruments for the crosswalk
// description: Every instrument of one catalog as recorded at as_recorded, in catalog order, with what
//   the crosswalk compares (name, short name, jurisdiction, dates, official identifiers), its status on
//   as_of, and its tags: the topics of its catalog it addresses (explicit, implicit or conflicting
//   cells), in topic order. kb crosswalk matches these rows across catalogs (docs/catalogs.md).
// param: catalog (string, optional) the catalog; kb (the curated one) when not given
// param: as_of (date, optional) legal time: the status on this date; today when not given
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// example: {}
// returns: on the shipped corpus, 26 rows, EU-AIA-2024 first with identifiers celex:32024R1689 and its ELI
// browser: :param catalog => 'kb'   :param as_of => date()   :param as_recorded => datetime()
MATCH (i:InstrumentState)
WHERE i.recorded_from <= $as_recorded < i.recorded_to AND i.catalog = $catalog
MATCH (n:Instrument)-[:HAS_STATE]->(i)
OPTIONAL MATCH (n)-[e:ISSUED_IN]->(j:Jurisdiction)
WHERE e.recorded_from <= $as_recorded < e.recorded_to
RETURN i.id AS id,
       i.catalog AS catalog,
       i.name AS name,
       i.short_name AS short_name,
       j.code AS jurisdiction,
       i.introduced AS introduced,
       i.adopted AS adopted,
       coalesce(last([k IN range(0, size(i.status_dates) - 1)
                      WHERE i.status_dates[k] <= $as_of | i.status_values[k]]), i.status) AS status,
       coalesce(i.identifiers, []) AS identifiers,
       i.identifiers_source AS identifiers_source,
       i.url AS url,
       COLLECT {
         MATCH (n)-[r:TREATS]->(:Topic)-[:HAS_STATE]->(t)
         WHERE r.recorded_from <= $as_recorded < r.recorded_to AND t.recorded_from <= $as_recorded < t.recorded_to
           AND r.mode <> 'silent'
         RETURN {topic: t.slug, name: t.name, mode: r.mode} ORDER BY t.rank, t.slug
       } AS tags
ORDER BY i.catalog_rank, i.id
