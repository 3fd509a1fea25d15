// name: source_profile
// title: One source: what it is and every fact that cites it
// description: A source's record (title, URL, publisher, kind, when accessed) and what cites it as the
//   catalog recorded it at as_recorded: the records whose state names it (instruments, topics,
//   jurisdictions, developers, papers, sources), and the facts on edges that name it, by type, each
//   with its two ends (a coverage cell: instrument and topic). Sources have no legal time, so only
//   record time applies. One row; none when the id is unknown then.
// param: id (string, required) source id, e.g. eurlex:32024R1689
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// example: {"id": "eurlex:32024R1689"}
// returns: on the shipped corpus, 1 row: Regulation (EU) 2024/1689 (the AI Act) on EUR-Lex, cited by 16 of the EU AI Act's cells
// browser: :param id => 'eurlex:32024R1689'   :param as_recorded => datetime()
MATCH (n:Source {id: $id})-[:HAS_STATE]->(s)
WHERE s.recorded_from <= $as_recorded < s.recorded_to
RETURN s {.id, .title, .url, .publisher, .kind, .accessed, .note} AS source,
       COLLECT {
         // the states then that name the source, label by label (each found by its recorded_to index)
         CALL () {
           MATCH (state:JurisdictionState) WHERE state.recorded_to > $as_recorded AND state.source = $id RETURN state
           UNION ALL MATCH (state:TopicState) WHERE state.recorded_to > $as_recorded AND state.source = $id RETURN state
           UNION ALL MATCH (state:DeveloperState) WHERE state.recorded_to > $as_recorded AND state.source = $id RETURN state
           UNION ALL MATCH (state:InstrumentState) WHERE state.recorded_to > $as_recorded AND state.source = $id RETURN state
           UNION ALL MATCH (state:PaperState) WHERE state.recorded_to > $as_recorded AND state.source = $id RETURN state
         }
         WITH state WHERE state.recorded_from <= $as_recorded
         MATCH (record)-[:HAS_STATE]->(state)
         RETURN {label: labels(record)[0], key: coalesce(state.id, state.code, state.slug),
                 name: coalesce(state.name, state.title)} AS cited
         ORDER BY cited.label, cited.key
       } AS records,
       COLLECT {
         MATCH (a)-[fact]->(b)
         WHERE fact.source = $id AND fact.recorded_from <= $as_recorded < fact.recorded_to
         RETURN {type: type(fact), from: coalesce(a.id, a.code, a.slug), to: coalesce(b.id, b.code, b.slug),
                 mode: fact.mode, pinpoint: fact.pinpoint} AS cited
         ORDER BY cited.type, cited.from, cited.to
       } AS facts
