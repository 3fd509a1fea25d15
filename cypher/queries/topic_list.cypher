// name: topic_list
// title: The topics, in topic order
// description: Every topic's slug, name and rank (the catalog's topic order), as the catalog held
//   them at at. The columns of kb matrix.
// param: at (datetime, optional) the catalog instant to read; null = the current catalog
// example: {}
// returns: on the shipped corpus, 24 rows, from transparency to elections
// browser: :param at => null
MATCH (t:Topic)
WHERE $at IS NULL OR coalesce(t.first_recorded_at, $at) <= $at
RETURN t.slug AS slug, t.name AS name, t.rank AS rank
ORDER BY t.rank
