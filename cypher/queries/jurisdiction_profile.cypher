// name: jurisdiction_profile
// title: One jurisdiction: its instruments, developers and gaps
// description: A jurisdiction's record, what it is part of and what is part of it, the instruments
//   issued in it (catalog order, with kind, binding, adoption date and status), the developers based
//   there, and per topic (rank order) the best mode any of its own instruments gives it: explicit,
//   then conflicts, then implicit, else silent (a gap). One row; none when the code is unknown.
// param: code (string, required) jurisdiction code, e.g. US
// example: {"code": "US"}
// returns: on the shipped corpus, 1 row: US with 9 instruments, 3 developers, one part (US-CA); development_rights_framing is its only gap
// browser: :param code => 'US'
MATCH (j:Jurisdiction {code: $code})
OPTIONAL MATCH (j)-[:PART_OF]->(parent:Jurisdiction)
RETURN j {.code, .name, .kind} AS jurisdiction,
       parent {.code, .name} AS part_of,
       COLLECT { MATCH (c:Jurisdiction)-[:PART_OF]->(j) RETURN c {.code, .name} ORDER BY c.code } AS parts,
       COLLECT {
         MATCH (i:Instrument)-[:ISSUED_IN]->(j)
         RETURN i {.id, .name, .kind, .binding, .adopted, .status, .catalog_rank}
         ORDER BY i.catalog_rank
       } AS instruments,
       COLLECT {
         MATCH (d:Developer)-[:BASED_IN]->(j)
         RETURN d {.id, .name, .posture} ORDER BY d.id
       } AS developers,
       COLLECT {
         MATCH (t:Topic)
         WITH t, COLLECT {
           MATCH (i:Instrument)-[:ISSUED_IN]->(j)
           MATCH (i)-[r:TREATS]->(t)
           WHERE r.mode <> 'silent'
           RETURN {id: i.id, mode: r.mode} ORDER BY i.catalog_rank
         } AS by
         RETURN {topic: t.slug, name: t.name,
                 mode: CASE WHEN any(x IN by WHERE x.mode = 'explicit') THEN 'explicit'
                            WHEN any(x IN by WHERE x.mode = 'conflicts') THEN 'conflicts'
                            WHEN size(by) > 0 THEN 'implicit'
                            ELSE 'silent' END,
                 instruments: [x IN by | x.id]}
         ORDER BY t.rank
       } AS topics
