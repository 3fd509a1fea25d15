// name: topic_list
// title: The topics, in topic order
// description: Every topic's slug, name and rank (the catalog's topic order), as the catalog
//   recorded them at as_recorded. The columns of kb matrix. Topics have no legal time, so only
//   record time applies.
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// param: catalog (string, optional) the catalog; kb (the curated one) when not given
// example: {}
// returns: on the shipped corpus, 24 rows, from transparency to elections
// browser: :param as_recorded => datetime()   :param catalog => 'kb'
MATCH (t:TopicState)
WHERE t.recorded_from <= $as_recorded < t.recorded_to AND t.catalog = $catalog
RETURN t.slug AS slug, t.name AS name, t.rank AS rank
ORDER BY t.rank
