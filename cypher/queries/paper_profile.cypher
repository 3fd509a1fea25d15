// name: paper_profile
// title: One paper: what it cites, what cites it, its topics and similar papers
// description: A paper's record, the instruments and papers it cites, what cites it, the topics it
//   addresses, and the papers listed as similar (SIMILAR_TO read both ways), as the catalog recorded them
//   at as_recorded. Papers have no legal time, so only record time applies. One row; none when the id is
//   unknown then.
// param: id (string, required) paper id, e.g. arXiv:2602.19682
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// example: {"id": "arXiv:2602.19682"}
// returns: on the shipped corpus, 1 row: Beyond the Binary (2026), addressing open_weight_release
// browser: :param id => 'arXiv:2602.19682'   :param as_recorded => datetime()
MATCH (n:Paper {id: $id})-[:HAS_STATE]->(p)
WHERE p.recorded_from <= $as_recorded < p.recorded_to
RETURN p {.id, .title, .authors, .year, .venue, .primary_class, .url, .doi, .source} AS paper,
       COLLECT {
         MATCH (n)-[c:CITES]->(x)-[:HAS_STATE]->(s)
         WHERE c.recorded_from <= $as_recorded < c.recorded_to AND s.recorded_from <= $as_recorded < s.recorded_to
         RETURN {id: s.id, name: coalesce(s.name, s.title), label: labels(x)[0], note: c.note} ORDER BY s.id
       } AS cites,
       COLLECT {
         MATCH (n)<-[c:CITES]-(x)-[:HAS_STATE]->(s)
         WHERE c.recorded_from <= $as_recorded < c.recorded_to AND s.recorded_from <= $as_recorded < s.recorded_to
         RETURN {id: s.id, name: coalesce(s.name, s.title), label: labels(x)[0], note: c.note} ORDER BY s.id
       } AS cited_by,
       COLLECT {
         MATCH (n)-[a:ADDRESSES]->(:Topic)-[:HAS_STATE]->(t)
         WHERE a.recorded_from <= $as_recorded < a.recorded_to AND t.recorded_from <= $as_recorded < t.recorded_to
         RETURN {topic: t.slug, name: t.name, note: a.note} ORDER BY t.rank
       } AS addresses,
       COLLECT {
         MATCH (n)-[s:SIMILAR_TO]-(:Paper)-[:HAS_STATE]->(o)
         WHERE s.recorded_from <= $as_recorded < s.recorded_to AND o.recorded_from <= $as_recorded < o.recorded_to
         RETURN {id: o.id, title: o.title, year: o.year, note: s.note} ORDER BY o.id
       } AS similar
