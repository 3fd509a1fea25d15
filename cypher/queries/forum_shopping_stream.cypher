// name: forum_shopping_stream
// title: Forum-shopping candidates for a topic, in catalog order
// description: The instruments explicit on the topic or silent on it (reviewed or not), in catalog
//   order (the catalog_rank index, walked in order), after the catalog_rank after, at most limit of
//   them; each with the topic's slug and name, its jurisdiction and all that jurisdiction is part of
//   (up, PART_OF*). kb pairs them in Python as forum_shopping_pairs does, reading only as many as the
//   pairs need.
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) legal time: the law on this date; today when not given
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// param: after (integer, optional) only instruments after this catalog_rank; null = from the first
// param: limit (integer, optional) at most this many rows; null = all of them
// example: {"slug": "open_weight_release", "limit": 5}
// returns: on the shipped corpus, 5 rows: EU-AIA-2024 (explicit), US-EO-14179, UK-WHITEPAPER-2023, G7-HIROSHIMA, OECD-AI-PRIN (silent)
// browser: :param slug => 'open_weight_release'   :param as_of => date()   :param as_recorded => datetime()   :param after => null   :param limit => 5
MATCH (t:Topic {slug: $slug})-[:HAS_STATE]->(ts)
WHERE ts.recorded_from <= $as_recorded < ts.recorded_to
// the topic's catalog's instruments then after $after, in catalog order (the catalog_rank index), explicit or silent then
CALL (t, ts) {
  MATCH (i:InstrumentState)
  USING INDEX i:InstrumentState(catalog_rank)
  WHERE i.catalog_rank > coalesce($after, -9223372036854775808)
    AND i.recorded_from <= $as_recorded < i.recorded_to AND i.catalog = ts.catalog
    AND coalesce(i.adopted, date()) <= $as_of
  MATCH (n:Instrument)-[:HAS_STATE]->(i)
  OPTIONAL MATCH (n)-[r:TREATS]->(t)
  WHERE r.recorded_from <= $as_recorded < r.recorded_to
  WITH n, i, r
  WHERE r IS NULL OR r.mode IN ['explicit', 'silent']
  RETURN n, i, r
  ORDER BY i.catalog_rank
  LIMIT coalesce($limit, 9223372036854775807)
}
OPTIONAL MATCH (n)-[ij:ISSUED_IN]->(j:Jurisdiction)
WHERE ij.recorded_from <= $as_recorded < ij.recorded_to
RETURN ts.slug AS topic,
       ts.name AS topic_name,
       i.catalog_rank AS catalog_rank,
       i.id AS id,
       i.name AS name,
       coalesce(r.mode, 'silent') AS mode,
       r IS NOT NULL AS reviewed,
       j.code AS jurisdiction,
       // up: the jurisdiction and all it is part of then (PART_OF*)
       [(j)-[po:PART_OF*0..]->(a:Jurisdiction)
        WHERE all(e IN po WHERE e.recorded_from <= $as_recorded < e.recorded_to) | a.code] AS up
ORDER BY i.catalog_rank
