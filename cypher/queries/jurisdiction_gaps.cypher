// name: jurisdiction_gaps
// title: Topics a jurisdiction leaves open
// description: For every jurisdiction that issued at least one tracked instrument: the topics none
//   of its own instruments (ISSUED_IN that jurisdiction; a sub-national one such as US-CA counts
//   separately from its parent) addresses, i.e. every cell is silent or unreviewed. Topics in rank
//   order. Most gaps first, ties by code. With at, the topics, instruments and cells as the catalog
//   held them then (jurisdictions and ISSUED_IN are read as they are now). One pass: the
//   non-silent cells are read once (on the current catalog from the TREATS(mode) index, else each
//   tracked instrument's), and a jurisdiction's gaps are the topics none of them addresses.
// param: as_of (date, optional) only instruments adopted by then, as the catalog recorded them at the end of that day
// param: at (datetime, optional) the catalog instant to read; kb derives it from as_of (the end of that day,
//   UTC, or the first recorded load when the day is earlier). null = the current catalog
// example: {}
// returns: on the shipped corpus, 16 rows, one per jurisdiction with instruments
// browser: :param as_of => null   :param at => null
CALL () {
  // the tracked instruments (n) with their properties then (i): in the catalog at $at, as they
  // are when unchanged since (always when $at is null), else the InstrumentVersion current then;
  // adopted by $as_of by the dates recorded then
  MATCH (n:Instrument)
  WHERE ($at IS NULL OR (coalesce(n.first_recorded_at, $at) <= $at AND coalesce(n.recorded_at, $at) <= $at))
    AND ($as_of IS NULL OR n.adopted <= $as_of)
  RETURN n, n AS i
  UNION ALL
  MATCH (i:InstrumentVersion)-[:VERSION_OF]->(n:Instrument)
  WHERE i.recorded_at <= $at < i.recorded_to
    AND ($as_of IS NULL OR i.adopted <= $as_of)
  RETURN n, i
}
MATCH (j:Jurisdiction)<-[:ISSUED_IN]-(n)
CALL (n) {
  // the topics the instrument addresses (unless the whole current catalog is read, below): its
  // cells at $at (a TREATS edge recorded by then, or a TREATED copy current then) that are not silent
  WITH n WHERE $at IS NOT NULL OR $as_of IS NOT NULL
  MATCH (n)-[r:TREATS|TREATED]->(t:Topic)
  WHERE r.mode <> 'silent'
    AND CASE type(r) WHEN 'TREATS' THEN $at IS NULL OR r.recorded_at <= $at
                     ELSE r.recorded_at <= $at < r.recorded_to END
  RETURN collect(t) AS addressed
}
WITH j, count(n) AS instruments, collect(addressed) AS lists
// (the topics and the whole catalog's answer are joined in after this grouping, not carried through it)
WITH collect({j: j, instruments: instruments, lists: lists}) AS per_jurisdiction
CALL () {
  // the topics at $at, in rank order
  MATCH (t:Topic)
  WHERE $at IS NULL OR coalesce(t.first_recorded_at, $at) <= $at
  WITH t ORDER BY t.rank
  RETURN collect(t) AS topics
}
CALL () {
  // the current catalog, whole: per jurisdiction, each of its instruments' addressed topics, from
  // the non-silent cells in the TREATS(mode) index (one row, empty when this does not apply)
  WITH 1 AS needed WHERE $at IS NULL AND $as_of IS NULL
  MATCH (n)-[r:TREATS]->(t)  // every TREATS edge ends at a Topic
  USING INDEX r:TREATS(mode)
  WHERE r.mode IN ['explicit', 'implicit', 'conflicts']
  WITH n, collect(t) AS addressed
  MATCH (n)-[:ISSUED_IN]->(j:Jurisdiction)
  WITH j, collect(addressed) AS lists
  RETURN collect({code: j.code, lists: lists}) AS whole
}
UNWIND per_jurisdiction AS x
WITH topics, whole, x.j AS j, x.j.code AS code, x.instruments AS instruments, x.lists AS lists
WITH topics, j, instruments,
     CASE WHEN $at IS NULL AND $as_of IS NULL
          THEN coalesce([w IN whole WHERE w.code = code | w.lists][0], [])
          ELSE lists
     END AS lists
// a gap: a topic in none of the jurisdiction's instruments' lists
WITH j, instruments, [t IN topics WHERE none(a IN lists WHERE t IN a) | t.slug] AS gaps
RETURN j.code AS code,
       j.name AS name,
       instruments,
       size(gaps) AS gap_count,
       gaps
ORDER BY gap_count DESC, code
