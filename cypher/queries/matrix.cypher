// name: matrix
// title: The instrument x topic matrix
// description: One row per instrument adopted by as_of (catalog order) with its reviewed cells, as four
//   lists of topic slugs, one per mode: explicit, implicit, conflicts, silent (reviewed and found
//   silent); a topic in none of them has not been reviewed for that instrument. All as the catalog
//   recorded them at as_recorded. kb matrix lays the rows out against topic_list.
// param: as_of (date, optional) legal time: the law on this date; today when not given
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// param: catalog (string, optional) the catalog; kb (the curated one) when not given
// param: ids (strings, optional) only the rows of these instruments; every instrument when not given
// example: {}
// returns: on the shipped corpus, 26 rows holding the 313 reviewed cells
// browser: :param as_of => date()   :param as_recorded => datetime()   :param catalog => 'kb'   :param ids => null
MATCH (i:InstrumentState)
WHERE i.recorded_from <= $as_recorded < i.recorded_to AND i.catalog = $catalog
  AND coalesce(i.adopted, date()) <= $as_of AND ($ids IS NULL OR i.id IN $ids)
MATCH (n:Instrument)-[:HAS_STATE]->(i)
OPTIONAL MATCH (n)-[e:ISSUED_IN]->(j:Jurisdiction)
WHERE e.recorded_from <= $as_recorded < e.recorded_to
// the instrument's cells then, as [mode, topic] pairs (its TREATS edges end at topics)
WITH i, j, [(n)-[r:TREATS]->(t) WHERE r.recorded_from <= $as_recorded < r.recorded_to | [r.mode, t.slug]] AS cells
RETURN i.id AS instrument,
       i.name AS name,
       i.short_name AS short_name,
       j.code AS jurisdiction,
       i.catalog_rank AS catalog_rank,
       [c IN cells WHERE c[0] = 'explicit' | c[1]] AS explicit,
       [c IN cells WHERE c[0] = 'implicit' | c[1]] AS implicit,
       [c IN cells WHERE c[0] = 'conflicts' | c[1]] AS conflicts,
       [c IN cells WHERE c[0] = 'silent' | c[1]] AS silent
ORDER BY i.catalog_rank
