// name: forum_shopping_jurisdictions
// title: Where a developer could forum-shop on a topic: strict and lenient jurisdictions
// description: Pairs of jurisdictions a developer can be in (national, sub-national, supranational; never a
//   forum or "global"): strict, one with an instrument of its own that counts and treats the topic explicitly;
//   lenient, an unrelated one (neither PART_OF* the other) where no instrument that counts and applies there
//   (its own, or of what it is part of) addresses the topic. An instrument counts when binding and in force on
//   as_of (voluntary ones too with include_voluntary; proposed and adopted-not-in-force too with
//   include_proposed; only the listed kinds with kinds). The lenient side's basis: silent (reviewed), none (no
//   instrument that counts applies there), unreviewed (some not reviewed on the topic, none addressing it).
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) legal time: the law on this date; today when not given
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// param: include_voluntary (boolean, optional) voluntary instruments count too; null = binding ones only
// param: include_proposed (boolean, optional) proposed and adopted-not-in-force instruments count too; null = in force only
// param: kinds (strings, optional) the instrument kinds that count, e.g. binding_regulation; null = every kind
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 7 rows: EU (EU-AIA-2024) strict, lenient BR, IN, JP, SG, UK, US, US-CA
// browser: :param slug => 'open_weight_release'   :param as_of => date()   :param as_recorded => datetime()   :param include_voluntary => null   :param include_proposed => null   :param kinds => null
MATCH (t:Topic {slug: $slug})-[:HAS_STATE]->(ts)
WHERE ts.recorded_from <= $as_recorded < ts.recorded_to
// the places then, each with all it is part of then (up, PART_OF*)
MATCH (place:JurisdictionState)
WHERE place.recorded_from <= $as_recorded < place.recorded_to
  AND place.kind IN ['national', 'sub_national', 'supranational']
MATCH (j:Jurisdiction)-[:HAS_STATE]->(place)
// not a place only other catalogs' instruments are issued in (one only an imported catalog names)
WITH t, ts, j, place, COLLECT {
  MATCH (j)<-[e:ISSUED_IN]-(:Instrument)-[:HAS_STATE]->(o)
  WHERE e.recorded_from <= $as_recorded < e.recorded_to AND o.recorded_from <= $as_recorded < o.recorded_to
  RETURN DISTINCT o.catalog } AS catalogs
WHERE size(catalogs) = 0 OR ts.catalog IN catalogs
WITH t, ts, j, place, [(j)-[po:PART_OF*0..]->(a:Jurisdiction)
                   WHERE all(e IN po WHERE e.recorded_from <= $as_recorded < e.recorded_to) | a.code] AS up
// the instruments then that apply there (issued in it or in what it is part of), their status on $as_of
// and mode on the topic (unreviewed: no cell); applying: those that count
CALL (t, ts, up) {
  MATCH (a:Jurisdiction)<-[e:ISSUED_IN]-(n:Instrument)-[:HAS_STATE]->(i)
  WHERE a.code IN up AND e.recorded_from <= $as_recorded < e.recorded_to
    AND i.recorded_from <= $as_recorded < i.recorded_to AND coalesce(i.adopted, date()) <= $as_of
    AND i.catalog = ts.catalog
  OPTIONAL MATCH (n)-[r:TREATS]->(t)
  WHERE r.recorded_from <= $as_recorded < r.recorded_to
  WITH a, i, coalesce(r.mode, 'unreviewed') AS mode,
       coalesce(last([k IN range(0, size(i.status_dates) - 1)
                      WHERE i.status_dates[k] <= $as_of | i.status_values[k]]), i.status) AS status
  ORDER BY i.catalog_rank
  RETURN count(i) AS tracked,
         collect(CASE WHEN (i.binding OR $include_voluntary) AND ($kinds IS NULL OR i.kind IN $kinds)
                       AND (status IN ['in_force', 'partially_in_force']
                            OR ($include_proposed AND status IN ['proposed', 'adopted_not_in_force']))
                      THEN {id: i.id, jurisdiction: a.code, mode: mode} END) AS applying
}
WITH j, place, up, tracked, applying,
     [x IN applying WHERE x.jurisdiction = j.code AND x.mode = 'explicit' | x.id] AS strict_by,
     [x IN applying WHERE x.mode IN ['explicit', 'implicit', 'conflicts']] AS addressing
WITH collect({code: j.code, name: place.name, up: up, strict_by: strict_by, applying: applying,
              lenient: tracked > 0 AND size(addressing) = 0,
              basis: CASE WHEN size(applying) = 0 THEN 'none'
                          WHEN all(x IN applying WHERE x.mode = 'silent') THEN 'silent' ELSE 'unreviewed' END}) AS places
UNWIND [p IN places WHERE size(p.strict_by) > 0] AS s
UNWIND [p IN places WHERE p.lenient AND NOT p.code IN s.up AND NOT s.code IN p.up] AS l
RETURN s.code AS strict_jurisdiction,
       s.name AS strict_name,
       s.strict_by AS strict_instruments,
       l.code AS lenient_jurisdiction,
       l.name AS lenient_name,
       l.basis AS lenient_basis,
       [x IN l.applying | x.id + ' (' + x.mode + ')'] AS lenient_instruments
ORDER BY s.code, CASE l.basis WHEN 'silent' THEN 0 WHEN 'none' THEN 1 ELSE 2 END, l.code
