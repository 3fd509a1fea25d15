// name: developer_exposure
// title: The binding law that reaches a developer, and how it treats a topic
// description: The binding instruments in force on as_of (partly in force included) issued in a jurisdiction
//   where the developer is based (BASED_IN) or operates (OPERATES_IN), or in one those are part of (PART_OF*:
//   the EU's law reaches a developer in France), catalog order; each with via (how it reaches the developer,
//   e.g. "based in FR"), its mode on the topic (open-weight release by default; no cell: silent, reviewed =
//   false) and pinpoint. All as the catalog recorded them at as_recorded; no rows when nothing reaches it.
// param: id (string, required) developer id, e.g. meta
// param: topic (string, optional) topic slug to read each instrument's cell for; default open_weight_release
// param: as_of (date, optional) legal time: the law on this date; today when not given
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// example: {"id": "openai"}
// returns: on the shipped corpus, 2 rows: EU-AIA-2024 (operates in EU, explicit) and US-EO-14179 (based in US, silent)
// browser: :param id => 'openai'   :param topic => 'open_weight_release'   :param as_of => date()   :param as_recorded => datetime()
MATCH (dev:Developer {id: $id})
// the jurisdictions it is in then, and all they are part of then (reached)
CALL (dev) {
  MATCH (dev)-[b:BASED_IN|OPERATES_IN]->(place:Jurisdiction)
  WHERE b.recorded_from <= $as_recorded < b.recorded_to
  MATCH (place)-[po:PART_OF*0..]->(reached:Jurisdiction)
  WHERE all(e IN po WHERE e.recorded_from <= $as_recorded < e.recorded_to)
  RETURN reached, collect(DISTINCT CASE type(b) WHEN 'BASED_IN' THEN 'based in ' ELSE 'operates in ' END + place.code) AS via
}
// their binding instruments adopted by $as_of, with their status then
MATCH (n:Instrument)-[e:ISSUED_IN]->(reached)
WHERE e.recorded_from <= $as_recorded < e.recorded_to
MATCH (n)-[:HAS_STATE]->(i)
WHERE i.recorded_from <= $as_recorded < i.recorded_to
  AND coalesce(i.adopted, date()) <= $as_of AND i.binding
WITH n, i, reached, via, coalesce(last([k IN range(0, size(i.status_dates) - 1)
                                        WHERE i.status_dates[k] <= $as_of | i.status_values[k]]), i.status) AS status
WHERE status IN ['in_force', 'partially_in_force']
OPTIONAL MATCH (n)-[r:TREATS]->(:Topic {slug: coalesce($topic, 'open_weight_release')})
WHERE r.recorded_from <= $as_recorded < r.recorded_to
RETURN i.id AS id,
       i.name AS name,
       reached.code AS jurisdiction,
       via,
       status,
       coalesce(r.mode, 'silent') AS mode,
       r IS NOT NULL AS reviewed,
       r.pinpoint AS pinpoint
ORDER BY i.catalog_rank
