// name: developer_profile
// title: One developer: what it issued and signed, and how those treat a topic
// description: A developer's record and home jurisdiction, the instruments it issued (ISSUED_BY) and
//   those it signed (SIGNED, with the date), each with its mode on the topic (open-weight release
//   by default; unreviewed counts as silent, reviewed = false) and pinpoint. One row; none when the
//   id is unknown.
// param: id (string, required) developer id, e.g. meta
// param: topic (string, optional) topic slug to read each instrument's cell for; default open_weight_release
// example: {"id": "meta"}
// returns: on the shipped corpus, 1 row: Meta (open), issued META-FRONTIER-2024 (explicit), signed SEOUL-2024 (implicit) among others
// browser: :param id => 'meta'   :param topic => null
MATCH (d:Developer {id: $id})
OPTIONAL MATCH (d)-[:BASED_IN]->(home:Jurisdiction)
WITH d, home, coalesce($topic, 'open_weight_release') AS slug
RETURN d {.id, .name, .posture, .note, .source} AS developer,
       home {.code, .name} AS home,
       slug AS topic,
       COLLECT {
         MATCH (i:Instrument)-[:ISSUED_BY]->(d)
         OPTIONAL MATCH (i)-[r:TREATS]->(:Topic {slug: slug})
         OPTIONAL MATCH (i)-[:ISSUED_IN]->(j:Jurisdiction)
         RETURN {id: i.id, name: i.name, jurisdiction: j.code, binding: i.binding, status: i.status,
                 adopted: i.adopted, mode: coalesce(r.mode, 'silent'), reviewed: r IS NOT NULL,
                 pinpoint: r.pinpoint, note: r.note}
         ORDER BY i.catalog_rank
       } AS issued,
       COLLECT {
         MATCH (d)-[s:SIGNED]->(i:Instrument)
         OPTIONAL MATCH (i)-[r:TREATS]->(:Topic {slug: slug})
         OPTIONAL MATCH (i)-[:ISSUED_IN]->(j:Jurisdiction)
         RETURN {id: i.id, name: i.name, jurisdiction: j.code, binding: i.binding, status: i.status,
                 signed: s.date, mode: coalesce(r.mode, 'silent'), reviewed: r IS NOT NULL,
                 pinpoint: r.pinpoint, note: r.note}
         ORDER BY i.catalog_rank
       } AS signed
