"""Each topic's cell counts, kept on its Topic node by ``kb load``.

A topic page, ``kb topics`` and the gap queries need how many instruments
treat a topic explicitly, implicitly or in conflict, and how many of those
have an adoption date. Counting walks every cell of the topic (a few thousand
TREATS edges at 10k instruments), so ``kb load`` counts them once, when it
writes, and keeps the current catalog's figures on the Topic node:

    cells_explicit, cells_implicit, cells_conflicts
    cells_explicit_dated, cells_implicit_dated, cells_conflicts_dated

(the ``_dated`` ones count only cells of instruments with an adoption date).
The recount also counts the cells reviewed and found silent (``silent``),
kept as ``cells_silent`` when the Topic class declares it: with it, the
topic's reviewed cells are the sum of the four, without walking its TREATS
edges (which, closed versions included, are no longer its degree).

Today's pages read the stored counts (topic_counts_kept,
topic_salience_kept) when the topic has them, no change set is recorded
after the page's instant and no instrument is adopted after its date; they
walk the cells otherwise (a graph written by other means, a load committed
in parts that stopped half way) and for pages at other clocks. ``kb db
recount`` counts every topic again, for a graph edited outside ``kb load``.

The same goes for each jurisdiction: its own instruments in the current
catalog and the current topics none of them addresses (``own_instruments``,
``own_gaps`` on the Jurisdiction node), which today's gaps page reads
(jurisdiction_gaps_kept). A load that changes anything drops them in its
transaction and keeps them again for every jurisdiction in a transaction of
its own just after (one walk of the current cells that are not silent; run
inside the load's transaction, reading what it had just written, that walk
grew with the square of a jurisdiction's instruments).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from kb.schema.model import CURATED_CATALOG, JURISDICTION_KEPT, MODES
from kb.schema.model import FOREVER_CYPHER as END  # recorded_to of a current fact
from kb.schema.model import TOPIC_CELL_COUNTS as FIELDS

# Recount the topics named in $slugs (null: every topic), from the current
# catalog: the current cells of the instruments whose state is current. A
# topic with no cells gets zeros. The figures go on the Topic node (today's
# pages) and, when they differ from the topic's current CellCounts, into new
# CellCounts from $now (the load's instant; null: the server's clock), the
# old ones closed then.
_COUNTED = ", ".join(f"{m}: count(CASE mode WHEN '{m}' THEN 1 END)" for m in MODES)
_DATES = ", ".join(f"{m}_adopted: collect(CASE mode WHEN '{m}' THEN adopted END)" for m in MODES)
_ON_TOPIC = ", ".join(  # cells_explicit = counts.explicit, cells_explicit_dated = size(counts.explicit_adopted)
    f"t.{f} = size(counts.{f[6:-6]}_adopted)" if f.endswith("_dated") else f"t.{f} = counts.{f[6:]}" for f in FIELDS
)
_KEPT = ", ".join(f".{m}, .{m}_adopted" for m in MODES)
RECOUNT = f"""
MATCH (t:Topic)
WHERE $slugs IS NULL OR t.slug IN $slugs
CALL (t) {{
  // walked from the topic, and from each instrument to its own states (a plan made on a
  // graph with few states would otherwise look every state up in the recorded_to index)
  OPTIONAL MATCH (n)-[r:TREATS]->(t) WHERE r.recorded_to = {END}
  WITH r.mode AS mode, [(n)-[:HAS_STATE]->(i) WHERE i.recorded_to = {END} | i.adopted][0] AS adopted
  ORDER BY adopted
  RETURN {{{_COUNTED},
          {_DATES}}} AS counts
}}
SET {_ON_TOPIC}
WITH t, counts, coalesce($now, datetime()) AS now
CALL (t, counts, now) {{
  OPTIONAL MATCH (t)-[:HAS_COUNTS]->(old:CellCounts) WHERE old.recorded_to = {END}
  WITH old WHERE old IS NULL OR old {{{_KEPT}}} <> counts
  FOREACH (o IN CASE WHEN old IS NULL THEN [] ELSE [old] END | SET o.recorded_to = now)
  CREATE (t)-[:HAS_COUNTS]->(c:CellCounts)
  SET c = counts, c.recorded_from = now, c.recorded_to = {END}
}}
RETURN count(t) AS topics
"""

# Drop every topic's stored counts and close its current CellCounts at $now
# (queries then walk the cells).
FORGET = (
    "MATCH (t:Topic) REMOVE "
    + ", ".join(f"t.{f}" for f in FIELDS)
    + f" WITH t MATCH (t)-[:HAS_COUNTS]->(c:CellCounts) WHERE c.recorded_to = {END} SET c.recorded_to = $now"
)

# Every jurisdiction's own instruments in the current curated catalog
# ($catalog: ISSUED_IN it, whatever their adoption date) and that catalog's
# current topics, in rank order, none of them addresses (no current cell of
# theirs that is not silent). Other catalogs' gaps are walked (jurisdiction_gaps).
RECOUNT_JURISDICTIONS = f"""
CALL () {{
  MATCH (ts:TopicState)
  WHERE ts.recorded_to = {END} AND ts.catalog = $catalog
  WITH ts ORDER BY ts.rank
  RETURN collect(ts.slug) AS topics
}}
CALL (topics) {{
  // the jurisdictions with instruments: one walk of the current ISSUED_IN edges (a current edge is a
  // current instrument's) of the catalog's instruments and of their current cells that are not silent
  MATCH (n)-[e:ISSUED_IN]->(j:Jurisdiction)
  WHERE e.recorded_to = {END}
    AND EXISTS {{ (n)-[:HAS_STATE]->(i:InstrumentState) WHERE i.recorded_to = {END} AND i.catalog = $catalog }}
  OPTIONAL MATCH (n)-[r:TREATS]->(t)
  WHERE r.recorded_to = {END}
  WITH topics, j, count(DISTINCT n) AS instruments, collect(DISTINCT t.slug) AS reviewed,
       collect(DISTINCT CASE WHEN r.mode <> 'silent' THEN t.slug END) AS addressed
  WITH j, instruments, reviewed, [s IN topics WHERE NOT s IN addressed] AS gaps
  SET j.own_instruments = instruments, j.own_gaps = gaps, j.own_unreviewed = [s IN gaps WHERE NOT s IN reviewed]
  RETURN collect(j) AS counted
}}
CALL (topics, counted) {{
  // the others: none of their own, every topic a gap
  MATCH (j:Jurisdiction)
  WHERE NOT j IN counted
  SET j.own_instruments = 0, j.own_gaps = topics, j.own_unreviewed = topics
  RETURN count(j) AS without
}}
RETURN size(counted) + without AS jurisdictions
"""
# Whether a jurisdiction lacks what is kept on it.
JURISDICTIONS_UNKEPT = (
    "RETURN EXISTS { MATCH (j:Jurisdiction) WHERE j.own_instruments IS NULL OR j.own_gaps IS NULL "
    "OR j.own_unreviewed IS NULL } AS unkept"
)
FORGET_JURISDICTIONS = "MATCH (j:Jurisdiction) REMOVE " + ", ".join(f"j.{f}" for f in JURISDICTION_KEPT)

# The topics an instrument has current cells on.
TOPICS_OF = f"""MATCH (n:Instrument)-[r:TREATS]->(t:Topic) WHERE n.id IN $ids AND r.recorded_to = {END}
RETURN DISTINCT t.slug AS slug"""


def recount(tx, slugs: Iterable[str] | None = None, now: datetime | None = None) -> int:
    """Count the cells of the topics ``slugs`` names (None: every topic)
    again, in the transaction ``tx``; counts that changed are recorded from
    ``now`` (a load's instant; None: the server's clock). How many topics
    were counted."""
    wanted = None if slugs is None else sorted(set(slugs))
    if wanted == []:
        return 0
    return tx.run(RECOUNT, slugs=wanted, now=now).single()["topics"]


def recount_jurisdictions(tx) -> int:
    """Keep every jurisdiction's own instruments and the topics they address
    again, in the transaction ``tx``; how many jurisdictions."""
    return tx.run(RECOUNT_JURISDICTIONS, catalog=CURATED_CATALOG).single()["jurisdictions"]


def forget(tx, now: datetime) -> None:
    tx.run(FORGET, now=now).consume()
    forget_jurisdictions(tx)


def forget_jurisdictions(tx) -> None:
    tx.run(FORGET_JURISDICTIONS).consume()


def touched(tx, topics: Iterable[str], instruments: Iterable[str]) -> set[str]:
    """The topics whose counts a load's writes change: those of the cells it
    wrote or closed (``topics``), and every topic with a cell of an
    instrument whose state it changed (its adoption date may have)."""
    found = set(topics)
    ids = sorted(set(instruments))
    if ids:
        found.update(r["slug"] for r in tx.run(TOPICS_OF, ids=ids))
    return found
