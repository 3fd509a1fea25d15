// name: crosswalk_topics
// title: Topics the crosswalk names
// description: Of the given topic slugs, those the graph held at as_recorded, with their catalog and
//   name; kb crosswalk keeps a related-topic link (data/crosswalks/topics.yaml) only when both of its
//   topics are here.
// param: slugs (strings, required) topic slugs, e.g. ["compute_reporting"]
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// example: {"slugs": ["compute_reporting", "transparency"]}
// returns: on the shipped corpus, 2 rows: compute_reporting and transparency, both of catalog kb
// browser: :param slugs => ['compute_reporting', 'transparency']   :param as_recorded => datetime()
MATCH (t:TopicState)
WHERE t.slug IN $slugs AND t.recorded_from <= $as_recorded < t.recorded_to
RETURN t.slug AS slug, t.catalog AS catalog, t.name AS name
ORDER BY t.catalog <> 'kb', t.catalog, t.rank, t.slug
