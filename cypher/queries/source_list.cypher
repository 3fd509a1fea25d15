// name: source_list
// title: Sources by id: title, URL and kind
// description: The sources whose ids are given (a page's citations), as the catalog recorded them at
//   as_recorded, in the order given; kind primary means a fact citing it was checked in the primary
//   text. Ids unknown then are left out.
// param: ids (strings, required) source ids, e.g. eurlex:32024R1689,pw:hub
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// example: {"ids": ["eurlex:32024R1689", "pw:hub"]}
// returns: on the shipped corpus, 2 rows: the AI Act on EUR-Lex (primary) and the catalog's hub page (catalog)
// browser: :param ids => ['eurlex:32024R1689', 'pw:hub']   :param as_recorded => datetime()
UNWIND range(0, size($ids) - 1) AS position
MATCH (:Source {id: $ids[position]})-[:HAS_STATE]->(s)
WHERE s.recorded_from <= $as_recorded < s.recorded_to
RETURN s.id AS id, s.title AS title, s.url AS url, s.kind AS kind, s.publisher AS publisher
ORDER BY position
