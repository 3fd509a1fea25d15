// name: instrument_profile
// title: One instrument, with its cells and relations
// description: An instrument adopted by as_of: its record (dates, status on as_of and the status history
//   up to then, jurisdiction, issuer), its coverage cells in topic order (topics it was not reviewed for
//   are absent), its curated conflicts (read both ways), what it cites and what cites it, what it revoked
//   or was revoked by up to as_of, and the developers that signed it; all as the catalog recorded them at
//   as_recorded. One row; none when the id is unknown then or the instrument was not adopted by as_of.
// param: id (string, required) instrument id, e.g. US-EO-14110
// param: as_of (date, optional) legal time: the law on this date; today when not given
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// example: {"id": "US-EO-14110"}
// returns: on the shipped corpus, 1 row: EO 14110, in_force from 2023-10-30, revoked from 2025-01-20, revoked in part by US-EO-14179
// browser: :param id => 'US-EO-14110'   :param as_of => date()   :param as_recorded => datetime()
MATCH (n:Instrument {id: $id})-[:HAS_STATE]->(i)
WHERE i.recorded_from <= $as_recorded < i.recorded_to
  AND coalesce(i.adopted, date()) <= $as_of
OPTIONAL MATCH (n)-[e:ISSUED_IN]->(:Jurisdiction)-[:HAS_STATE]->(j)
WHERE e.recorded_from <= $as_recorded < e.recorded_to AND j.recorded_from <= $as_recorded < j.recorded_to
OPTIONAL MATCH (n)-[f:ISSUED_BY]->(:Developer)-[:HAS_STATE]->(d)
WHERE f.recorded_from <= $as_recorded < f.recorded_to AND d.recorded_from <= $as_recorded < d.recorded_to
WITH n, i, j, d, COLLECT {
  MATCH (n)-[r:TREATS]->(:Topic)-[:HAS_STATE]->(t)
  WHERE r.recorded_from <= $as_recorded < r.recorded_to AND t.recorded_from <= $as_recorded < t.recorded_to
  RETURN {topic: t.slug, name: t.name, mode: r.mode, pinpoint: r.pinpoint, confidence: r.confidence,
          note: r.note, source: r.source} ORDER BY t.rank
} AS cells
RETURN i {.id, .name, .short_name, .kind, .binding, .adopted, .effective, .ended, .citation, .url, .catalog_rank,
          .notes, .source, .date_note, .wikidata, .identifiers_source,
          identifiers: coalesce(i.identifiers, []),
          status: coalesce(last([k IN range(0, size(i.status_dates) - 1)
                                 WHERE i.status_dates[k] <= $as_of | i.status_values[k]]), i.status)} AS instrument,
       j {.code, .name, .kind} AS jurisdiction,
       d {.id, .name, .posture} AS issued_by,
       [k IN range(0, size(i.status_dates) - 1) WHERE i.status_dates[k] <= $as_of |
         {date: i.status_dates[k], status: i.status_values[k], source: i.status_sources[k]}] AS status_history,
       cells,
       COUNT { MATCH (t:TopicState) WHERE t.recorded_from <= $as_recorded < t.recorded_to } - size(cells)
         AS unreviewed_topics,
       COLLECT {
         MATCH (n)-[c:CONFLICTS_WITH]-(:Instrument)-[:HAS_STATE]->(o)
         WHERE c.recorded_from <= $as_recorded < c.recorded_to AND o.recorded_from <= $as_recorded < o.recorded_to
           AND coalesce(o.adopted, date()) <= $as_of
         RETURN {topic: c.topic, other: o.id, other_name: o.name, basis: c.basis, source: c.source}
         ORDER BY c.topic, o.catalog_rank
       } AS conflicts,
       COLLECT {
         MATCH (n)-[c:CITES]->(x)-[:HAS_STATE]->(s)
         WHERE c.recorded_from <= $as_recorded < c.recorded_to AND s.recorded_from <= $as_recorded < s.recorded_to
         RETURN {id: s.id, name: coalesce(s.name, s.title), label: labels(x)[0], note: c.note} ORDER BY s.id
       } AS cites,
       COLLECT {
         MATCH (n)<-[c:CITES]-(x)-[:HAS_STATE]->(s)
         WHERE c.recorded_from <= $as_recorded < c.recorded_to AND s.recorded_from <= $as_recorded < s.recorded_to
         RETURN {id: s.id, name: coalesce(s.name, s.title), label: labels(x)[0], note: c.note} ORDER BY s.id
       } AS cited_by,
       COLLECT {
         MATCH (n)-[v:REVOKES]->(:Instrument)-[:HAS_STATE]->(o)
         WHERE v.recorded_from <= $as_recorded < v.recorded_to AND o.recorded_from <= $as_recorded < o.recorded_to
           AND v.date <= $as_of
         RETURN {id: o.id, name: o.name, date: v.date, scope: v.scope, note: v.note} ORDER BY v.date
       } AS revokes,
       COLLECT {
         MATCH (n)<-[v:REVOKES]-(:Instrument)-[:HAS_STATE]->(o)
         WHERE v.recorded_from <= $as_recorded < v.recorded_to AND o.recorded_from <= $as_recorded < o.recorded_to
           AND v.date <= $as_of
         RETURN {id: o.id, name: o.name, date: v.date, scope: v.scope, note: v.note} ORDER BY v.date
       } AS revoked_by,
       COLLECT {
         MATCH (n)<-[s:SIGNED]-(:Developer)-[:HAS_STATE]->(dev)
         WHERE s.recorded_from <= $as_recorded < s.recorded_to AND dev.recorded_from <= $as_recorded < dev.recorded_to
           AND coalesce(s.date, $as_of) <= $as_of
         RETURN {id: dev.id, name: dev.name, posture: dev.posture, date: s.date} ORDER BY dev.id
       } AS signatories
