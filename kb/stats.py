"""Counts per label and relationship type."""

from __future__ import annotations

from typing import Any


def stats(db) -> list[dict[str, Any]]:
    labels = db.read(
        "CALL db.labels() YIELD label "
        "CALL (label) { MATCH (n) WHERE label IN labels(n) RETURN count(n) AS count } "
        "RETURN 'node' AS kind, label AS name, count ORDER BY name"
    )
    types = db.read(
        "CALL db.relationshipTypes() YIELD relationshipType AS type "
        "CALL (type) { MATCH ()-[r]->() WHERE type(r) = type RETURN count(r) AS count } "
        "RETURN 'relationship' AS kind, type AS name, count ORDER BY name"
    )
    return [r for r in labels + types if r["count"] > 0]
