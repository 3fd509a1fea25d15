// name: topic_coverage
// title: Coverage of a topic
// description: Every tracked instrument, in catalog order, with how it treats one topic: its mode
//   (explicit, implicit, conflicts, silent), pinpoint, note and confidence, the source the cell cites
//   (id, title, URL, kind: primary = checked in the primary text), and its status on as_of.
//   An instrument with no TREATS edge to the topic has not been reviewed for it: it counts as silent
//   and has reviewed = false. With limit, only the first limit instruments (the catalog_rank index,
//   walked in order).
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) legal time: the law on this date; today when not given
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// param: limit (integer, optional) at most this many rows, the first in catalog order; null = every instrument
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 26 rows: 3 explicit, 7 implicit, 16 silent
// browser: :param slug => 'open_weight_release'   :param as_of => date()   :param as_recorded => datetime()   :param limit => null
MATCH (t:Topic {slug: $slug})-[:HAS_STATE]->(ts)
WHERE ts.recorded_from <= $as_recorded < ts.recorded_to
// the topic's catalog's instruments then, in catalog order (the catalog_rank index), the first $limit
CALL (ts) {
  MATCH (i:InstrumentState)
  USING INDEX i:InstrumentState(catalog_rank)
  WHERE i.catalog_rank IS NOT NULL
    AND i.recorded_from <= $as_recorded < i.recorded_to AND i.catalog = ts.catalog
    AND coalesce(i.adopted, date()) <= $as_of
  RETURN i
  ORDER BY i.catalog_rank
  LIMIT coalesce($limit, 9223372036854775807)
}
MATCH (n:Instrument)-[:HAS_STATE]->(i)
OPTIONAL MATCH (n)-[ij:ISSUED_IN]->(j:Jurisdiction)
WHERE ij.recorded_from <= $as_recorded < ij.recorded_to
OPTIONAL MATCH (n)-[r:TREATS]->(t)
WHERE r.recorded_from <= $as_recorded < r.recorded_to
// the source the cell cites, as recorded then
OPTIONAL MATCH (:Source {id: r.source})-[:HAS_STATE]->(src)
WHERE src.recorded_from <= $as_recorded < src.recorded_to
RETURN i.id AS id,
       i.name AS name,
       i.short_name AS short_name,
       j.code AS jurisdiction,
       i.catalog_rank AS catalog_rank,
       i.adopted AS adopted,
       i.binding AS binding,
       coalesce(last([k IN range(0, size(i.status_dates) - 1)
                      WHERE i.status_dates[k] <= $as_of | i.status_values[k]]), i.status) AS status,
       coalesce(r.mode, 'silent') AS mode,
       r IS NOT NULL AS reviewed,
       r.pinpoint AS pinpoint,
       r.note AS note,
       r.confidence AS confidence,
       r.source AS source,
       src.title AS source_title,
       src.url AS source_url,
       src.kind AS source_kind
ORDER BY i.catalog_rank
