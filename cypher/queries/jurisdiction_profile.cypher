// name: jurisdiction_profile
// title: One jurisdiction: its instruments, developers and gaps
// description: A jurisdiction's record, what it is part of and what is part of it, the instruments issued
//   in it and adopted by as_of (catalog order, with kind, binding, adoption date and status on as_of), the
//   developers based there, and per topic (rank order) the best mode any of those instruments gives it:
//   explicit, then conflicts, then implicit, else silent (a gap). All as the catalog recorded them at
//   as_recorded. One row; none when the code is unknown then.
// param: code (string, required) jurisdiction code, e.g. US
// param: as_of (date, optional) legal time: the law on this date; today when not given
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// example: {"code": "US"}
// returns: on the shipped corpus, 1 row: US with 8 instruments, 3 developers, one part (US-CA); development_rights_framing is its only gap
// browser: :param code => 'US'   :param as_of => date()   :param as_recorded => datetime()
MATCH (j:Jurisdiction {code: $code})-[:HAS_STATE]->(js)
WHERE js.recorded_from <= $as_recorded < js.recorded_to
OPTIONAL MATCH (j)-[p:PART_OF]->(:Jurisdiction)-[:HAS_STATE]->(parent)
WHERE p.recorded_from <= $as_recorded < p.recorded_to
  AND parent.recorded_from <= $as_recorded < parent.recorded_to
WITH j, js, parent, COLLECT {
  // its instruments then: (n, i) pairs, catalog order
  MATCH (n:Instrument)-[e:ISSUED_IN]->(j)
  WHERE e.recorded_from <= $as_recorded < e.recorded_to
  MATCH (n)-[:HAS_STATE]->(i)
  WHERE i.recorded_from <= $as_recorded < i.recorded_to
    AND coalesce(i.adopted, date()) <= $as_of
  RETURN {n: n, i: i} ORDER BY i.catalog_rank
} AS own
RETURN js {.code, .name, .kind} AS jurisdiction,
       parent {.code, .name} AS part_of,
       COLLECT {
         MATCH (j)<-[p:PART_OF]-(:Jurisdiction)-[:HAS_STATE]->(c)
         WHERE p.recorded_from <= $as_recorded < p.recorded_to AND c.recorded_from <= $as_recorded < c.recorded_to
         RETURN c {.code, .name} ORDER BY c.code
       } AS parts,
       [i IN [x IN own | x.i] | i {.id, .name, .kind, .binding, .adopted, .catalog_rank,
         status: coalesce(last([k IN range(0, size(i.status_dates) - 1)
                                WHERE i.status_dates[k] <= $as_of | i.status_values[k]]), i.status)}]
         AS instruments,
       COLLECT {
         MATCH (j)<-[b:BASED_IN]-(:Developer)-[:HAS_STATE]->(d)
         WHERE b.recorded_from <= $as_recorded < b.recorded_to AND d.recorded_from <= $as_recorded < d.recorded_to
         RETURN d {.id, .name, .posture} ORDER BY d.id
       } AS developers,
       COLLECT {
         MATCH (t:Topic)-[:HAS_STATE]->(ts:TopicState)
         WHERE ts.recorded_from <= $as_recorded < ts.recorded_to
         WITH ts, COLLECT {
           UNWIND own AS x
           WITH x.n AS n, x.i AS i
           MATCH (n)-[r:TREATS]->(t)
           WHERE r.recorded_from <= $as_recorded < r.recorded_to AND r.mode <> 'silent'
           RETURN {id: i.id, mode: r.mode} ORDER BY i.catalog_rank
         } AS by
         RETURN {topic: ts.slug, name: ts.name,
                 mode: CASE WHEN any(x IN by WHERE x.mode = 'explicit') THEN 'explicit'
                            WHEN any(x IN by WHERE x.mode = 'conflicts') THEN 'conflicts'
                            WHEN size(by) > 0 THEN 'implicit'
                            ELSE 'silent' END,
                 instruments: [x IN by | x.id]}
         ORDER BY ts.rank
       } AS topics
