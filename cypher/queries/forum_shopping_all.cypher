// name: forum_shopping_all
// title: Every forum-shopping pair for a topic, scored
// description: Every pair of an instrument that governs the topic explicitly (the strict side) and one
//   from a different jurisdiction (different code, neither PART_OF* the other) that is silent on it
//   (reviewed or unreviewed) or treats it only implicitly (a weaker pair), the lenient side. Score,
//   higher = a more real choice of forum: +2 lenient side silent (0 when implicit); +2 strict side
//   legally binding; +1 strict side in force (in_force or partially_in_force on as_of, or now);
//   +1 lenient side binding (a binding regime with a gap is a real forum); +1 lenient side in force.
//   Range 0-7. Sorted by score, then the strict side's and the lenient side's catalog_rank. With at,
//   the instruments and cells as the catalog held them then (old properties from InstrumentVersion
//   nodes, old cells from TREATED edges; jurisdictions are not versioned and are read as they are now).
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) only instruments adopted by then, with the status they had then, as the catalog
//   recorded them at the end of that day
// param: at (datetime, optional) the catalog instant to read; kb derives it from as_of (the end of that day,
//   UTC, or the first recorded load when the day is earlier). null = the current catalog
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 53 rows; the first is EU-AIA-2024 -> US-EO-14179 with score 7
// browser: :param slug => 'open_weight_release'   :param as_of => null   :param at => null
MATCH (t:Topic {slug: $slug})
USING INDEX t:Topic(slug)  // the topic by its key, then its cells (the planner may not start there)
// the strict side: explicit cells at $at (the TREATS edge if recorded by then, else the TREATED copy
// current then) of instruments in the catalog then; en the live node, e its properties then
MATCH (en:Instrument)-[re:TREATS|TREATED]->(t)
WHERE re.mode = 'explicit'
  AND CASE type(re) WHEN 'TREATS' THEN $at IS NULL OR re.recorded_at <= $at
                    ELSE re.recorded_at <= $at < re.recorded_to END
  AND ($at IS NULL OR coalesce(en.first_recorded_at, $at) <= $at)
OPTIONAL CALL (en) {
  WITH en WHERE $at IS NOT NULL
  MATCH (v:InstrumentVersion)-[:VERSION_OF]->(en)
  WHERE v.recorded_at <= $at < v.recorded_to
  RETURN v LIMIT 1
}
WITH t, en, coalesce(v, en) AS e
WHERE $as_of IS NULL OR e.adopted <= $as_of
MATCH (en)-[:ISSUED_IN]->(je:Jurisdiction)
// the lenient side: instruments of another jurisdiction in the catalog at $at (ln), with their
// properties then (l): as they are when unchanged since $at, else the InstrumentVersion current then
CALL () {
  MATCH (ln:Instrument)
  WHERE $at IS NULL OR (coalesce(ln.first_recorded_at, $at) <= $at AND coalesce(ln.recorded_at, $at) <= $at)
  RETURN ln, ln AS l
  UNION ALL
  MATCH (l:InstrumentVersion)-[:VERSION_OF]->(ln:Instrument)
  WHERE l.recorded_at <= $at < l.recorded_to
  RETURN ln, l
}
WITH t, e, je, ln, l
WHERE $as_of IS NULL OR l.adopted <= $as_of
MATCH (ln)-[:ISSUED_IN]->(jl:Jurisdiction)
WHERE jl <> je
  AND NOT EXISTS { (je)-[:PART_OF*]->(jl) }
  AND NOT EXISTS { (jl)-[:PART_OF*]->(je) }
// rl: the lenient side's cell at $at
OPTIONAL MATCH (ln)-[rl:TREATS|TREATED]->(t)
WHERE CASE type(rl) WHEN 'TREATS' THEN $at IS NULL OR rl.recorded_at <= $at
                    ELSE rl.recorded_at <= $at < rl.recorded_to END
WITH e, je, l, jl, rl, coalesce(rl.mode, 'silent') AS lenient_mode
WHERE lenient_mode IN ['silent', 'implicit']
WITH e, je, l, jl, rl, lenient_mode,
     CASE WHEN $as_of IS NULL OR size(coalesce(e.status_dates, [])) = 0 THEN e.status
          ELSE coalesce(last([k IN range(0, size(e.status_dates) - 1)
                              WHERE e.status_dates[k] <= $as_of | e.status_values[k]]), e.status)
     END AS strict_status,
     CASE WHEN $as_of IS NULL OR size(coalesce(l.status_dates, [])) = 0 THEN l.status
          ELSE coalesce(last([k IN range(0, size(l.status_dates) - 1)
                              WHERE l.status_dates[k] <= $as_of | l.status_values[k]]), l.status)
     END AS lenient_status
WITH e, je, l, jl, rl, lenient_mode, strict_status, lenient_status,
     (CASE WHEN lenient_mode = 'silent' THEN 2 ELSE 0 END)
     + (CASE WHEN e.binding THEN 2 ELSE 0 END)
     + (CASE WHEN strict_status IN ['in_force', 'partially_in_force'] THEN 1 ELSE 0 END)
     + (CASE WHEN l.binding THEN 1 ELSE 0 END)
     + (CASE WHEN lenient_status IN ['in_force', 'partially_in_force'] THEN 1 ELSE 0 END) AS score
RETURN score,
       CASE WHEN lenient_mode = 'silent' THEN 'explicit-silent' ELSE 'explicit-implicit (weaker)' END AS kind,
       e.id AS strict_id,
       e.name AS strict_name,
       je.code AS strict_jurisdiction,
       e.binding AS strict_binding,
       strict_status,
       l.id AS lenient_id,
       l.name AS lenient_name,
       jl.code AS lenient_jurisdiction,
       lenient_mode,
       rl IS NOT NULL AS lenient_reviewed,
       l.binding AS lenient_binding,
       lenient_status
ORDER BY score DESC, e.catalog_rank, l.catalog_rank
