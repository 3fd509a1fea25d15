// name: changes
// title: Changes to the catalog, newest first
// description: What each load changed: facts added (nodes and edges first recorded by a change set),
//   changed (old and new values of the changed fields, as JSON) and removed (the old values).
//   With topic, only that topic's coverage cells. A report over the whole history: it reads
//   every fact added since the given day, so it is not index-backed.
// param: topic (string, optional) only changes to this topic's coverage cells, e.g. open_weight_release
// param: since (date, optional) only change sets recorded on or after this day (UTC)
// param: limit (integer, optional) at most this many rows
// example: {"topic": "open_weight_release", "limit": 5}
// returns: on the shipped corpus loaded once, the 26 open_weight_release cells as added (5 with the limit)
// browser: :param topic => 'open_weight_release'   :param since => null   :param limit => 5
CALL () {
  MATCH (c:Change)-[:IN_CHANGE_SET]->(s:ChangeSet)
  WHERE ($since IS NULL OR s.at >= datetime({date: $since, timezone: 'UTC'}))
    AND ($topic IS NULL OR c.topic = $topic)
  RETURN s.id AS change_set, s.at AS at, c.op AS op, c.entity AS entity, c.key AS key,
         c.topic AS topic, c.fields AS fields, c.old AS old, c.new AS new
  UNION ALL
  MATCH (s:ChangeSet)
  WHERE $topic IS NULL AND ($since IS NULL OR s.at >= datetime({date: $since, timezone: 'UTC'}))
  MATCH (x) WHERE x.first_recorded_at = s.at
  RETURN s.id AS change_set, s.at AS at, 'added' AS op, labels(x)[0] AS entity,
         coalesce(x.id, x.code, x.slug) AS key, null AS topic, [] AS fields, null AS old,
         x {.name, .title} AS new
  UNION ALL
  MATCH (s:ChangeSet)
  WHERE $since IS NULL OR s.at >= datetime({date: $since, timezone: 'UTC'})
  MATCH (a)-[r]->(b) WHERE r.first_recorded_at = s.at
    AND ($topic IS NULL OR (type(r) = 'TREATS' AND b.slug = $topic))
  RETURN s.id AS change_set, s.at AS at, 'added' AS op, type(r) AS entity,
         coalesce(a.id, a.code, a.slug) + ' -> ' + coalesce(b.id, b.code, b.slug) AS key,
         CASE type(r) WHEN 'TREATS' THEN b.slug END AS topic, [] AS fields, null AS old,
         r {.mode, .pinpoint, .topic} AS new
}
RETURN change_set, at, op, entity, key, topic, fields, old, new
ORDER BY at DESC, CASE op WHEN 'removed' THEN 0 WHEN 'changed' THEN 1 ELSE 2 END, entity, key
LIMIT coalesce($limit, 1000000000)
