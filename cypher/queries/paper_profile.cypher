// name: paper_profile
// title: One paper: what it cites, what cites it, its topics and similar papers
// description: A paper's record, the instruments and papers it cites, what cites it, the topics it
//   addresses, and the papers listed as similar (SIMILAR_TO read both ways). One row; none when the
//   id is unknown.
// param: id (string, required) paper id, e.g. arXiv:2602.19682
// example: {"id": "arXiv:2602.19682"}
// returns: on the shipped corpus, 1 row: Beyond the Binary (2026), addressing open_weight_release
// browser: :param id => 'arXiv:2602.19682'
MATCH (p:Paper {id: $id})
RETURN p {.id, .title, .authors, .year, .venue, .primary_class, .url, .doi, .source} AS paper,
       COLLECT {
         MATCH (p)-[c:CITES]->(x)
         RETURN {id: x.id, name: coalesce(x.name, x.title), label: labels(x)[0], note: c.note}
         ORDER BY x.id
       } AS cites,
       COLLECT {
         MATCH (x)-[c:CITES]->(p)
         RETURN {id: x.id, name: coalesce(x.name, x.title), label: labels(x)[0], note: c.note}
         ORDER BY x.id
       } AS cited_by,
       COLLECT {
         MATCH (p)-[a:ADDRESSES]->(t:Topic)
         RETURN {topic: t.slug, name: t.name, note: a.note}
         ORDER BY t.rank
       } AS addresses,
       COLLECT {
         MATCH (p)-[s:SIMILAR_TO]-(o:Paper)
         RETURN {id: o.id, title: o.title, year: o.year, note: s.note}
         ORDER BY o.id
       } AS similar
