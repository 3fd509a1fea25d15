// name: developer_profile
// title: One developer: what it issued and signed, and how those treat a topic
// description: A developer's record and home jurisdiction, the instruments adopted by as_of it issued
//   (ISSUED_BY) and those it signed (SIGNED, with the date, by as_of), each with its status on as_of and
//   its mode on the topic (open-weight release by default; unreviewed counts as silent, reviewed = false)
//   and pinpoint; all as the catalog recorded them at as_recorded. One row; none when the id is unknown then.
// param: id (string, required) developer id, e.g. meta
// param: topic (string, optional) topic slug to read each instrument's cell for; default open_weight_release
// param: as_of (date, optional) legal time: the law on this date; today when not given
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// example: {"id": "meta"}
// returns: on the shipped corpus, 1 row: Meta (open), issued META-FRONTIER-2024 (explicit), signed SEOUL-2024 (implicit) among others
// browser: :param id => 'meta'   :param topic => null   :param as_of => date()   :param as_recorded => datetime()
MATCH (dev:Developer {id: $id})-[:HAS_STATE]->(d)
WHERE d.recorded_from <= $as_recorded < d.recorded_to
OPTIONAL MATCH (dev)-[b:BASED_IN]->(:Jurisdiction)-[:HAS_STATE]->(home)
WHERE b.recorded_from <= $as_recorded < b.recorded_to AND home.recorded_from <= $as_recorded < home.recorded_to
WITH dev, d, home, coalesce($topic, 'open_weight_release') AS slug
CALL (dev, slug) {
  // the instruments it issued (signed: null) or signed (by as_of), adopted by as_of, catalog order
  CALL (dev) {
    MATCH (n:Instrument)-[x:ISSUED_BY]->(dev)
    RETURN n, x, 'issued' AS relation
    UNION ALL
    MATCH (dev)-[x:SIGNED]->(n:Instrument)
    WHERE coalesce(x.date, $as_of) <= $as_of
    RETURN n, x, 'signed' AS relation
  }
  WITH n, x, relation WHERE x.recorded_from <= $as_recorded < x.recorded_to
  MATCH (n)-[:HAS_STATE]->(i)
  WHERE i.recorded_from <= $as_recorded < i.recorded_to
    AND coalesce(i.adopted, date()) <= $as_of
  OPTIONAL MATCH (n)-[r:TREATS]->(:Topic {slug: slug})
  WHERE r.recorded_from <= $as_recorded < r.recorded_to
  OPTIONAL MATCH (n)-[e:ISSUED_IN]->(j:Jurisdiction)
  WHERE e.recorded_from <= $as_recorded < e.recorded_to
  WITH i, {id: i.id, name: i.name, jurisdiction: j.code, binding: i.binding, adopted: i.adopted, signed: x.date, relation: relation,
           status: coalesce(last([k IN range(0, size(i.status_dates) - 1)
                                  WHERE i.status_dates[k] <= $as_of | i.status_values[k]]), i.status),
           mode: coalesce(r.mode, 'silent'), reviewed: r IS NOT NULL, pinpoint: r.pinpoint, note: r.note} AS row
  ORDER BY i.catalog_rank
  RETURN collect(row) AS rows
}
RETURN d {.id, .name, .posture, .note, .source} AS developer,
       home {.code, .name} AS home,
       slug AS topic,
       [x IN rows WHERE x.relation = 'issued' |
         x {.id, .name, .jurisdiction, .binding, .status, .adopted, .mode, .reviewed, .pinpoint, .note}] AS issued,
       [x IN rows WHERE x.relation = 'signed' |
         x {.id, .name, .jurisdiction, .binding, .status, .signed, .mode, .reviewed, .pinpoint, .note}] AS signed
