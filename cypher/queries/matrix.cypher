// name: matrix
// title: The instrument x topic matrix
// description: One row per instrument adopted by as_of (catalog order) with its reviewed cells, as four
//   lists of topic slugs, one per mode: explicit, implicit, conflicts, silent (reviewed and found
//   silent); a topic in none of them has not been reviewed for that instrument. All as the catalog
//   recorded them at as_recorded. Only the instruments of the jurisdictions, kinds and statuses (on
//   as_of) given, when given; skip and limit keep one page of the rows. kb matrix lays the rows out
//   against topic_list.
// param: as_of (date, optional) legal time: the law on this date; today when not given
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// param: catalog (string, optional) the catalog; kb (the curated one) when not given
// param: jurisdictions (strings, optional) only instruments of these jurisdictions; all when not given
// param: kinds (strings, optional) only instruments of these kinds; all when not given
// param: statuses (strings, optional) only instruments with these statuses on as_of; all when not given
// param: skip (integer, optional) leave out this many rows first; none when not given
// param: limit (integer, optional) at most this many rows; all when not given
// example: {}
// returns: on the shipped corpus, 26 rows holding the 313 reviewed cells
// browser: :param as_of => date()   :param as_recorded => datetime()   :param catalog => 'kb'   :param jurisdictions => null
//   :param kinds => null   :param statuses => null   :param skip => null   :param limit => null
MATCH (i:InstrumentState)
WHERE i.recorded_from <= $as_recorded < i.recorded_to AND i.catalog = $catalog
  AND coalesce(i.adopted, date()) <= $as_of AND ($kinds IS NULL OR i.kind IN $kinds)
MATCH (n:Instrument)-[:HAS_STATE]->(i)
OPTIONAL MATCH (n)-[e:ISSUED_IN]->(j:Jurisdiction)
WHERE e.recorded_from <= $as_recorded < e.recorded_to
WITH n, i, j, coalesce(last([k IN range(0, size(i.status_dates) - 1)
                             WHERE i.status_dates[k] <= $as_of | i.status_values[k]]), i.status) AS status
WHERE ($jurisdictions IS NULL OR j.code IN $jurisdictions) AND ($statuses IS NULL OR status IN $statuses)
WITH n, i, j ORDER BY i.catalog_rank SKIP coalesce($skip, 0) LIMIT coalesce($limit, 1000000000)
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
