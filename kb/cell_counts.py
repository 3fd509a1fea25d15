"""Each topic's cell counts, kept on its Topic node by ``kb load``.

A topic page, ``kb topics`` and the gap queries need how many instruments
treat a topic explicitly, implicitly or in conflict, and how many of those
have an adoption date. Counting walks every cell of the topic (a few thousand
TREATS edges at 10k instruments), so ``kb load`` counts them once, when it
writes, and keeps the current catalog's figures on the Topic node:

    cells_explicit, cells_implicit, cells_conflicts
    cells_explicit_dated, cells_implicit_dated, cells_conflicts_dated

(the ``_dated`` ones count only cells of instruments with an adoption date).
The number of cells of any mode is the topic's TREATS degree, which Neo4j
keeps itself.

Queries read the stored counts when the topic has them and the page shows
the current catalog; they walk the cells when it does not (a graph written
by other means, or a load committed in parts that stopped half way) and for
pages as of a date. ``kb db recount`` counts every topic again, for a graph
edited outside ``kb load``.
"""

from __future__ import annotations

from typing import Any, Iterable

from kb.schema.model import TOPIC_CELL_COUNTS as FIELDS

# Recount the topics named in $slugs (null: every topic). A topic with no
# cells gets zeros.
RECOUNT = """
MATCH (t:Topic)
WHERE $slugs IS NULL OR t.slug IN $slugs
CALL (t) {
  OPTIONAL MATCH (n:Instrument)-[r:TREATS]->(t)
  WITH r.mode AS mode, n.adopted IS NOT NULL AS dated
  RETURN count(CASE WHEN mode = 'explicit' THEN 1 END) AS explicit,
         count(CASE WHEN mode = 'implicit' THEN 1 END) AS implicit,
         count(CASE WHEN mode = 'conflicts' THEN 1 END) AS conflicts,
         count(CASE WHEN mode = 'explicit' AND dated THEN 1 END) AS explicit_dated,
         count(CASE WHEN mode = 'implicit' AND dated THEN 1 END) AS implicit_dated,
         count(CASE WHEN mode = 'conflicts' AND dated THEN 1 END) AS conflicts_dated
}
SET """ + ", ".join(f"t.{f} = {f.removeprefix('cells_')}" for f in FIELDS) + """
RETURN count(t) AS topics
"""

# Drop every topic's stored counts (queries then walk the cells).
FORGET = "MATCH (t:Topic) REMOVE " + ", ".join(f"t.{f}" for f in FIELDS)

# The topics an instrument has cells on.
TOPICS_OF = "MATCH (n:Instrument)-[:TREATS]->(t:Topic) WHERE n.id IN $ids RETURN DISTINCT t.slug AS slug"


def recount(tx, slugs: Iterable[str] | None = None) -> int:
    """Count the cells of the topics ``slugs`` names (None: every topic)
    again, in the transaction ``tx``; how many topics were counted."""
    wanted = None if slugs is None else sorted(set(slugs))
    if wanted == []:
        return 0
    return tx.run(RECOUNT, slugs=wanted).single()["topics"]


def forget(tx) -> None:
    tx.run(FORGET).consume()


def touched(tx, new_cells: Iterable[str], changes: Iterable[dict[str, Any]]) -> set[str]:
    """The topics whose counts a load's writes change: those of the cells it
    created (``new_cells``: their topic slugs), changed or removed, and every
    topic with a cell of an instrument whose adoption date it changed (dated
    or not)."""
    topics = set(new_cells)
    redated = []
    for c in changes:
        if c["entity"] == "TREATS":
            topics.add(c["topic"])
        elif c["entity"] == "Instrument" and "adopted" in c["fields"]:
            redated.append(c["key"])
    if redated:
        topics.update(r["slug"] for r in tx.run(TOPICS_OF, ids=redated))
    return topics
