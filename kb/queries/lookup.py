"""Resolve what a user typed to a key in the graph, or say what they may have meant.

``resolve(db, "topic", "open_weight")`` returns the exact key when it exists
(found by its index),
the one key that matches ignoring case (``eu-aia-2024`` -> ``EU-AIA-2024``),
and otherwise raises ``NotFound`` with the closest keys (difflib), which the
CLI prints as "did you mean ...?" with exit code 1.
"""

from __future__ import annotations

import difflib
from typing import Any

from kb.errors import NotFound

KINDS = ("instrument", "topic", "jurisdiction", "developer", "paper")


def closest(key: str, candidates: list[str], n: int = 3) -> list[str]:
    """Up to ``n`` candidates that look like ``key``, best first."""
    by_folded: dict[str, str] = {}
    for c in candidates:
        by_folded.setdefault(c.casefold(), c)
    folded = key.casefold()
    hits = difflib.get_close_matches(folded, list(by_folded), n=n, cutoff=0.5)
    # a key typed in part ("14110", "open_weight") is a match too
    for c in by_folded:
        if len(hits) >= n:
            break
        if len(folded) >= 3 and folded in c and c not in hits:
            hits.append(c)
    return [by_folded[h] for h in hits]


def catalog_keys(db) -> list[dict[str, Any]]:
    from kb.queries import run

    return run(db, "catalog_keys")


def keys_of(db, kind: str) -> list[dict[str, Any]]:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    return [r for r in catalog_keys(db) if r["kind"] == kind]


def resolve(db, kind: str, key: str) -> dict[str, Any]:
    """The catalog_keys row for ``key`` (kind, key, name, adopted).

    The exact key is looked up by its index (catalog_key); only a miss reads
    every key of the catalog, to accept one that differs in case or to
    suggest the closest."""
    from kb.queries import run

    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    exact = run(db, "catalog_key", kind=kind, key=key)
    if exact:
        return exact[0]
    rows = keys_of(db, kind)
    for r in rows:
        if r["key"] == key:
            return r
    same = [r for r in rows if r["key"].casefold() == key.casefold()]
    if len(same) == 1:
        return same[0]
    raise NotFound(kind, key, closest(key, [r["key"] for r in rows]))
