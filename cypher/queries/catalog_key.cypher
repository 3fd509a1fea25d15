// name: catalog_key
// title: One key in the catalog
// description: The catalog_keys row (kind, key, name, adopted) of one key of one kind, found by its
//   unique index: an instrument (id), topic (slug), jurisdiction (code), developer (id) or paper
//   (id). No row when there is no such key; kb then reads catalog_keys to accept a key that differs
//   only in case and to suggest the closest ones.
// param: kind (string, required) instrument, topic, jurisdiction, developer or paper
// param: key (string, required) the exact key, e.g. open_weight_release
// example: {"kind": "topic", "key": "open_weight_release"}
// returns: on the shipped corpus, 1 row: topic open_weight_release, Open-Weight Frontier Release
// browser: :param kind => 'topic'   :param key => 'open_weight_release'
CALL () {
  MATCH (i:Instrument {id: $key}) WHERE $kind = 'instrument'
  RETURN 'instrument' AS kind, i.id AS key, i.name AS name, i.adopted AS adopted
  UNION ALL
  MATCH (t:Topic {slug: $key}) WHERE $kind = 'topic'
  RETURN 'topic' AS kind, t.slug AS key, t.name AS name, null AS adopted
  UNION ALL
  MATCH (j:Jurisdiction {code: $key}) WHERE $kind = 'jurisdiction'
  RETURN 'jurisdiction' AS kind, j.code AS key, j.name AS name, null AS adopted
  UNION ALL
  MATCH (d:Developer {id: $key}) WHERE $kind = 'developer'
  RETURN 'developer' AS kind, d.id AS key, d.name AS name, null AS adopted
  UNION ALL
  MATCH (p:Paper {id: $key}) WHERE $kind = 'paper'
  RETURN 'paper' AS kind, p.id AS key, p.title AS name, null AS adopted
}
RETURN kind, key, name, adopted
