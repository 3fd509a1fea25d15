// name: catalog_keys
// title: Every key in the catalog
// description: The key and display name of every instrument (id), topic (slug), jurisdiction (code),
//   developer (id) and paper (id), with the instrument's adoption date. kb uses it to resolve what
//   you typed and to suggest the closest matches for an unknown one.
// example: {}
// returns: on the shipped corpus, 75 rows: 26 instruments, 24 topics, 17 jurisdictions, 6 developers, 2 papers
// browser: (no parameters)
CALL () {
  MATCH (i:Instrument) RETURN 'instrument' AS kind, i.id AS key, i.name AS name, i.adopted AS adopted, i.catalog_rank AS sort
  UNION ALL
  MATCH (t:Topic) RETURN 'topic' AS kind, t.slug AS key, t.name AS name, null AS adopted, t.rank AS sort
  UNION ALL
  MATCH (j:Jurisdiction) RETURN 'jurisdiction' AS kind, j.code AS key, j.name AS name, null AS adopted, 0 AS sort
  UNION ALL
  MATCH (d:Developer) RETURN 'developer' AS kind, d.id AS key, d.name AS name, null AS adopted, 0 AS sort
  UNION ALL
  MATCH (p:Paper) RETURN 'paper' AS kind, p.id AS key, p.title AS name, null AS adopted, 0 AS sort
}
RETURN kind, key, name, adopted
ORDER BY kind, sort, key
