// name: catalog_key
// title: One key in the catalog
// description: One key of one kind (instrument id, topic slug, jurisdiction code, developer id, paper id, source id),
//   found by its unique index, with its name and adoption date from the version recorded at as_recorded
//   (recorded = true); when none was, the version that ended last by then (the record was removed at its
//   recorded_to), else the first one after (recorded_from: not in the catalog yet). No row when the key was
//   never recorded; kb then reads catalog_keys to accept another case and to suggest the closest keys.
// param: kind (string, required) instrument, topic, jurisdiction, developer, paper or source
// param: key (string, required) the exact key, e.g. open_weight_release
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// example: {"kind": "topic", "key": "open_weight_release"}
// returns: on the shipped corpus, 1 row: topic open_weight_release, Open-Weight Frontier Release, recorded
// browser: :param kind => 'topic'   :param key => 'open_weight_release'   :param as_recorded => datetime()
CALL () {
  MATCH (:Instrument {id: $key})-[:HAS_STATE]->(s) WHERE $kind = 'instrument' RETURN s, s.name AS name
  UNION ALL
  MATCH (:Topic {slug: $key})-[:HAS_STATE]->(s) WHERE $kind = 'topic' RETURN s, s.name AS name
  UNION ALL
  MATCH (:Jurisdiction {code: $key})-[:HAS_STATE]->(s) WHERE $kind = 'jurisdiction' RETURN s, s.name AS name
  UNION ALL
  MATCH (:Developer {id: $key})-[:HAS_STATE]->(s) WHERE $kind = 'developer' RETURN s, s.name AS name
  UNION ALL
  MATCH (:Paper {id: $key})-[:HAS_STATE]->(s) WHERE $kind = 'paper' RETURN s, s.title AS name
  UNION ALL
  MATCH (:Source {id: $key})-[:HAS_STATE]->(s) WHERE $kind = 'source' RETURN s, s.title AS name
}
WITH s, name, s.recorded_from <= $as_recorded < s.recorded_to AS recorded, s.recorded_to <= $as_recorded AS ended
RETURN $kind AS kind, $key AS key, name, s.adopted AS adopted, s.catalog AS catalog, recorded, s.recorded_from AS recorded_from,
       s.recorded_to AS recorded_to
ORDER BY recorded DESC, ended DESC, CASE WHEN ended THEN s.recorded_to END DESC, s.recorded_from
LIMIT 1
