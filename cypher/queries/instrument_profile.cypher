// name: instrument_profile
// title: One instrument, with its cells and relations
// description: An instrument's record (dates, status and status history, jurisdiction, issuer), its
//   coverage cells in topic order (topics it was not reviewed for are absent), the curated conflicts
//   it takes part in (read both ways), what it cites and what cites it, what it revokes or was
//   revoked by, and the developers that signed it. One row; none when the id is unknown.
// param: id (string, required) instrument id, e.g. US-EO-14110
// example: {"id": "US-EO-14110"}
// returns: on the shipped corpus, 1 row: EO 14110, in_force from 2023-10-30, partially_in_force from 2025-01-23, revoked in part by US-EO-14179
// browser: :param id => 'US-EO-14110'
MATCH (i:Instrument {id: $id})
OPTIONAL MATCH (i)-[:ISSUED_IN]->(j:Jurisdiction)
OPTIONAL MATCH (i)-[:ISSUED_BY]->(d:Developer)
RETURN i {.id, .name, .short_name, .kind, .binding, .status, .adopted, .effective, .ended, .citation,
          .url, .catalog_rank, .notes, .source, .date_note, .wikidata} AS instrument,
       j {.code, .name, .kind} AS jurisdiction,
       d {.id, .name, .posture} AS issued_by,
       [k IN range(0, size(coalesce(i.status_dates, [])) - 1) |
         {date: i.status_dates[k], status: i.status_values[k], source: i.status_sources[k]}] AS status_history,
       COLLECT {
         MATCH (i)-[r:TREATS]->(t:Topic)
         RETURN {topic: t.slug, name: t.name, mode: r.mode, pinpoint: r.pinpoint,
                 confidence: r.confidence, note: r.note, source: r.source}
         ORDER BY t.rank
       } AS cells,
       COUNT { MATCH (t:Topic) WHERE NOT EXISTS { (i)-[:TREATS]->(t) } } AS unreviewed_topics,
       COLLECT {
         MATCH (i)-[c:CONFLICTS_WITH]-(o:Instrument)
         RETURN {topic: c.topic, other: o.id, other_name: o.name, basis: c.basis, source: c.source}
         ORDER BY c.topic, o.catalog_rank
       } AS conflicts,
       COLLECT {
         MATCH (i)-[c:CITES]->(x)
         RETURN {id: x.id, name: coalesce(x.name, x.title), label: labels(x)[0], note: c.note}
         ORDER BY x.id
       } AS cites,
       COLLECT {
         MATCH (x)-[c:CITES]->(i)
         RETURN {id: x.id, name: coalesce(x.name, x.title), label: labels(x)[0], note: c.note}
         ORDER BY x.id
       } AS cited_by,
       COLLECT {
         MATCH (i)-[v:REVOKES]->(o:Instrument)
         RETURN {id: o.id, name: o.name, date: v.date, scope: v.scope, note: v.note}
         ORDER BY v.date
       } AS revokes,
       COLLECT {
         MATCH (o:Instrument)-[v:REVOKES]->(i)
         RETURN {id: o.id, name: o.name, date: v.date, scope: v.scope, note: v.note}
         ORDER BY v.date
       } AS revoked_by,
       COLLECT {
         MATCH (dev:Developer)-[s:SIGNED]->(i)
         RETURN {id: dev.id, name: dev.name, posture: dev.posture, date: s.date}
         ORDER BY dev.id
       } AS signatories
