// name: catalog_history_start
// title: When the catalog's recorded history starts
// description: The time of the first change set, or null when no load has been recorded. A page
//   asked for as of a day before it shows the catalog as that first load left it.
// example: {}
// returns: on the shipped corpus loaded once, one row: the time of that load
// browser: (no parameters)
MATCH (s:ChangeSet)
RETURN min(s.at) AS first
