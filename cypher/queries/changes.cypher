// name: changes
// title: Changes to the catalog, newest first
// description: What each load (ChangeSet) changed, read from the versions it opened and closed at its
//   instant `at`: added (opened, none closed), changed (closed and reopened: fields that differ) and
//   removed (closed, not reopened). old and new are the versions' fields (record-time fields null; old
//   null when added, new when removed); versions never change, so neither do the rows. With topic, only
//   that topic's coverage cells and conflicts. A report over the whole history: it reads every edge.
// param: topic (string, optional) only changes to this topic's coverage cells and conflicts, e.g. open_weight_release
// param: since (date, optional) only change sets recorded on or after this day (UTC)
// param: limit (integer, optional) at most this many rows
// example: {"topic": "open_weight_release", "limit": 5}
// returns: on the shipped corpus loaded once, the 26 open_weight_release cells as added (5 with the limit)
// browser: :param topic => 'open_weight_release'   :param since => null   :param limit => 5
MATCH (s:ChangeSet)
WHERE $since IS NULL OR s.at >= datetime({date: $since, timezone: '+00:00'})  // an offset: Neo4j does not order a named zone against one
WITH collect(s) AS sets
// every fact's versions: a state (on the HAS_STATE edge's end) or a curated edge
MATCH (a)-[e]->(b)
WHERE $topic IS NULL OR (type(e) = 'TREATS' AND b.slug = $topic) OR (type(e) = 'CONFLICTS_WITH' AND e.topic = $topic)
WITH sets, a, e, b, CASE type(e) WHEN 'HAS_STATE' THEN b ELSE e END AS v
UNWIND [s IN sets WHERE s.at = v.recorded_from OR s.at = v.recorded_to] AS s
WITH s, v.recorded_from = s.at AS opened,
     CASE type(e) WHEN 'HAS_STATE' THEN labels(a)[0] ELSE type(e) END AS entity,
     coalesce(a.id, a.code, a.slug)
       + CASE type(e) WHEN 'HAS_STATE' THEN '' ELSE ' -> ' + coalesce(b.id, b.code, b.slug) END AS key,
     CASE type(e) WHEN 'TREATS' THEN b.slug WHEN 'CONFLICTS_WITH' THEN e.topic END AS topic,
     v {.*, recorded_from: null, recorded_to: null, first_recorded_at: null} AS fields
// one row per fact and change set: the version it closed (old) and the one it opened (new)
WITH s, entity, key, topic,
     head(collect(CASE WHEN NOT opened THEN fields END)) AS old,
     head(collect(CASE WHEN opened THEN fields END)) AS new
RETURN s.id AS change_set,
       s.at AS at,
       CASE WHEN old IS NULL THEN 'added' WHEN new IS NULL THEN 'removed' ELSE 'changed' END AS op,
       entity,
       key,
       topic,
       CASE WHEN old IS NULL OR new IS NULL THEN [] ELSE COLLECT {
         UNWIND keys(old) + [k IN keys(new) WHERE NOT k IN keys(old)] AS k
         WITH k WHERE NOT k IN ['recorded_from', 'recorded_to', 'first_recorded_at']
           AND NOT coalesce(old[k] = new[k], old[k] IS NULL AND new[k] IS NULL)
         RETURN k ORDER BY k } END AS fields,
       old,
       new
ORDER BY at DESC, CASE op WHEN 'removed' THEN 0 WHEN 'changed' THEN 1 ELSE 2 END, entity, key
LIMIT coalesce($limit, 1000000000)
