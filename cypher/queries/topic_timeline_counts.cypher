// name: topic_timeline_counts
// title: How many came after the first instrument on a topic, by label
// description: The tally of topic_timeline's rows without listing them: how many tracked instruments
//   adopted on or after the primacy date (the primacy instrument apart) codified the topic
//   (explicit), diverged (conflicts), treat it implicitly or are silent on it (unreviewed ones
//   included), how many are undated, and the total. One row; no row when nothing addresses the
//   topic. The cells are read from the topic's side. With at, the instruments, dates and cells as
//   the catalog held them then (old properties from InstrumentVersion nodes, old cells from TREATED
//   edges).
// param: slug (string, required) topic slug, e.g. open_weight_release
// param: as_of (date, optional) only instruments adopted by then (undated ones drop out), as the catalog
//   recorded them at the end of that day
// param: at (datetime, optional) the catalog instant to read; kb derives it from as_of (the end of that day,
//   UTC, or the first recorded load when the day is earlier). null = the current catalog
// example: {"slug": "open_weight_release"}
// returns: on the shipped corpus, 1 row: 3 codified, 0 diverged, 6 implicit, 12 silent, 1 undated, 22 in all
// browser: :param slug => 'open_weight_release'   :param as_of => null   :param at => null
MATCH (t:Topic {slug: $slug})
// the primacy instrument, as topic_primacy finds it: pn the live node, p its properties at $at
CALL (t) {
  WITH t WHERE $at IS NULL
  MATCH (n)-[r:TREATS]->(t)  // n unlabelled: walked from the topic, not from an index on n
  WHERE r.mode <> 'silent'
    AND n.adopted IS NOT NULL
    AND ($as_of IS NULL OR n.adopted <= $as_of)
  RETURN n AS pn, n AS p
  ORDER BY n.adopted, n.catalog_rank
  LIMIT 1
  UNION ALL
  WITH t WHERE $at IS NOT NULL
  MATCH (n)-[r:TREATS|TREATED]->(t)
  WHERE r.mode <> 'silent'
    AND CASE type(r) WHEN 'TREATS' THEN r.recorded_at <= $at ELSE r.recorded_at <= $at < r.recorded_to END
    AND coalesce(n.first_recorded_at, $at) <= $at
  OPTIONAL CALL (n) {
    MATCH (v:InstrumentVersion)-[:VERSION_OF]->(n)
    WHERE v.recorded_at <= $at < v.recorded_to
    RETURN v LIMIT 1
  }
  WITH n, coalesce(v, n) AS i
  WHERE i.adopted IS NOT NULL
    AND ($as_of IS NULL OR i.adopted <= $as_of)
  RETURN n AS pn, i AS p
  ORDER BY i.adopted, i.catalog_rank
  LIMIT 1
}
CALL (pn, p) {
  // the tracked instruments, the primacy one apart, from its date on (dated) or without a date
  // (undated). The current catalog: by the adoption-date index, and the count store
  // (as of a date: those adopted from the primacy date to then; else every dated one but those
  // adopted before the primacy date, usually few, and the primacy instrument itself)
  WITH pn, p WHERE $at IS NULL
  CALL () {
    MATCH (n:Instrument)
    RETURN count(n) AS everything
  }
  CALL () {
    MATCH (n:Instrument)
    WHERE n.adopted IS NOT NULL
    RETURN count(n) AS with_date
  }
  CALL (p) {
    MATCH (n:Instrument)
    WHERE n.adopted < p.adopted
    RETURN count(n) AS before
  }
  CALL (pn, p) {
    WITH pn, p WHERE $as_of IS NOT NULL
    MATCH (n:Instrument)
    WHERE p.adopted <= n.adopted <= $as_of AND n <> pn
    RETURN count(n) AS until_then
  }
  RETURN CASE WHEN $as_of IS NULL THEN with_date - before - 1 ELSE until_then END AS dated,
         CASE WHEN $as_of IS NULL THEN everything - with_date ELSE 0 END AS undated
  UNION ALL
  // the catalog at $at: the instruments then (n) with their properties then (i), as they are when
  // unchanged since, else the InstrumentVersion current then; adopted by $as_of by the dates
  // recorded then
  WITH pn, p WHERE $at IS NOT NULL
  CALL () {
    MATCH (n:Instrument)
    WHERE (coalesce(n.first_recorded_at, $at) <= $at AND coalesce(n.recorded_at, $at) <= $at)
      AND ($as_of IS NULL OR n.adopted <= $as_of)
    RETURN n, n AS i
    UNION ALL
    MATCH (i:InstrumentVersion)-[:VERSION_OF]->(n:Instrument)
    WHERE i.recorded_at <= $at < i.recorded_to
      AND ($as_of IS NULL OR i.adopted <= $as_of)
    RETURN n, i
  }
  WITH pn, p, n, i
  WHERE n <> pn AND (i.adopted IS NULL OR i.adopted >= p.adopted)
  // grouped by pn, so that no row comes out of this branch when it does not apply
  WITH pn, count(i.adopted) AS dated, count(*) - count(i.adopted) AS undated
  RETURN dated, undated
}
CALL (t, pn, p) {
  // the labels of the dated ones: the topic's cells, read from its side
  CALL (t, pn, p) {
    // the current catalog: its TREATS edges
    WITH t, pn, p WHERE $at IS NULL
    MATCH (n)-[r:TREATS]->(t)  // n unlabelled: walked from the topic, not from an index on n
    WHERE r.mode IN ['explicit', 'conflicts', 'implicit'] AND n <> pn
      AND n.adopted >= p.adopted
      AND ($as_of IS NULL OR n.adopted <= $as_of)
    RETURN r.mode AS mode
    UNION ALL
    // the catalog at $at: the cells then (the TREATS edge if recorded by then, else the TREATED
    // copy current then) of the instruments tracked by the same rule (v: the InstrumentVersion
    // current then)
    WITH t, pn, p WHERE $at IS NOT NULL
    MATCH (n)-[r:TREATS|TREATED]->(t)
    WHERE r.mode IN ['explicit', 'conflicts', 'implicit'] AND n <> pn
      AND CASE type(r) WHEN 'TREATS' THEN r.recorded_at <= $at ELSE r.recorded_at <= $at < r.recorded_to END
    OPTIONAL CALL (n) {
      MATCH (v:InstrumentVersion)-[:VERSION_OF]->(n)
      WHERE v.recorded_at <= $at < v.recorded_to
      RETURN v LIMIT 1
    }
    WITH r, n, v, coalesce(v, n).adopted AS adopted
    WHERE (v IS NOT NULL OR (coalesce(n.first_recorded_at, $at) <= $at AND coalesce(n.recorded_at, $at) <= $at))
      AND adopted >= p.adopted
      AND ($as_of IS NULL OR adopted <= $as_of)
    RETURN r.mode AS mode
  }
  RETURN count(CASE WHEN mode = 'explicit' THEN 1 END) AS codified,
         count(CASE WHEN mode = 'conflicts' THEN 1 END) AS diverged,
         count(CASE WHEN mode = 'implicit' THEN 1 END) AS implicit
}
RETURN codified, diverged, implicit, dated - codified - diverged - implicit AS silent, undated,
       dated + undated AS total
