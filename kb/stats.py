"""Counts per label and relationship type, current and closed (docs/history.md).

* ``node``: identity nodes (``Instrument`` ...), each with how many have a
  current state (in the catalog now) and how many none (removed);
* ``state``: state nodes (``InstrumentState`` ...): current versions and
  closed ones (history);
* ``relationship``: curated edges, current and closed; ``HAS_STATE`` links
  identities to their states, ``HAS_COUNTS`` topics to their cell counts,
  and both are counted whole;
* ``kept``: what kb load keeps beside the facts (each topic's
  ``CellCounts`` at each load's instant), current and closed;
* ``history``: change sets and the load's own nodes; any other label or
  type (written by hand) is counted whole.
"""

from __future__ import annotations

from typing import Any

from kb.schema.model import CURRENT, FOREVER_CYPHER, HISTORY_CLASSES, KEPT_CLASSES, NODE_CLASSES, STATE_CLASSES

CLOSED = f"x.recorded_to < {FOREVER_CYPHER}"


def _name(name: str) -> str:
    """A label or type from the server's own lists, quoted for Cypher."""
    return "`" + name.replace("`", "``") + "`"


def _count(db, pattern: str, where: str = "true") -> int:
    return db.read(f"MATCH {pattern} WHERE {where} RETURN count(x) AS n")[0]["n"]


def stats(db) -> list[dict[str, Any]]:
    """Rows of kind, name, count, current, closed (None where it does not apply)."""
    labels = [r["label"] for r in db.read("CALL db.labels() YIELD label RETURN label ORDER BY label")]
    types = [
        r["type"]
        for r in db.read("CALL db.relationshipTypes() YIELD relationshipType AS type RETURN type ORDER BY type")
    ]
    state_of = {i.__label__: s.__label__ for i, s in zip(NODE_CLASSES, STATE_CLASSES)}
    states = set(state_of.values())
    history = {c.__label__ for c in HISTORY_CLASSES}
    kept = {c.__label__ for c in KEPT_CLASSES}
    rows: list[dict[str, Any]] = []
    for label in labels:
        count = _count(db, f"(x:{_name(label)})")
        if not count:
            continue
        kind, current, closed = ("history" if label in history else "node"), None, None
        if label in states or label in state_of:
            kind = "state" if label in states else "node"
            state = _name(label if label in states else state_of[label])
            current = _count(db, f"(x:{state})", CURRENT)
            closed = count - current
        elif label in kept:  # kept by kb load beside the facts, over intervals of their own
            kind, current = "kept", _count(db, f"(x:{_name(label)})", CURRENT)
            closed = count - current
        rows.append({"kind": kind, "name": label, "count": count, "current": current, "closed": closed})
    for rel_type in types:
        pattern = f"()-[x:{_name(rel_type)}]->()"
        count = _count(db, pattern)
        if not count:
            continue
        current = closed = None
        # curated edges carry their interval (hand-written ones may not)
        if rel_type not in ("HAS_STATE", "HAS_COUNTS"):
            current, closed = _count(db, pattern, CURRENT), _count(db, pattern, CLOSED)
        rows.append({"kind": "relationship", "name": rel_type, "count": count, "current": current, "closed": closed})
    return rows
