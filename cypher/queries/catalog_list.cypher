// name: catalog_list
// title: The catalogs
// description: Every catalog the graph held at as_recorded: kb (the curated one) first, then each
//   imported one (kb import), with how many topics and instruments it held then.
// param: as_recorded (datetime, optional) record time: the catalog as recorded then; now when not given
// example: {}
// returns: on the shipped corpus, 1 row: kb, 24 topics, 26 instruments
// browser: :param as_recorded => datetime()
CALL () {
  MATCH (topic:TopicState)
  WHERE topic.recorded_from <= $as_recorded < topic.recorded_to
  RETURN topic.catalog AS catalog, count(*) AS topics, 0 AS instruments
  UNION ALL
  MATCH (instrument:InstrumentState)
  WHERE instrument.recorded_from <= $as_recorded < instrument.recorded_to
  RETURN instrument.catalog AS catalog, 0 AS topics, count(*) AS instruments
}
RETURN catalog, sum(topics) AS topics, sum(instruments) AS instruments
ORDER BY catalog <> 'kb', catalog
