"""The change history of the catalog, for `kb changes`.

Rows come from the named query ``changes`` (cypher/queries/changes.cypher);
this module adds a one-line, human-readable ``detail`` to each.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any


def _fmt(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    return str(value)


def detail(row: dict[str, Any]) -> str:
    op, new = row["op"], row.get("new")
    if op == "added":
        new = new or {}
        if row["entity"] == "TREATS":
            pin = f" ({new['pinpoint']})" if new.get("pinpoint") else ""
            return f"{new.get('mode')}{pin}"
        return new.get("name") or new.get("title") or new.get("topic") or ""
    old = json.loads(row["old"]) if row.get("old") else {}
    if op == "removed":
        if row["entity"] == "TREATS":
            pin = f" ({old['pinpoint']})" if old.get("pinpoint") else ""
            return f"was {old.get('mode')}{pin}"
        return "removed"
    new = json.loads(new) if isinstance(new, str) else (new or {})
    return "; ".join(f"{f} {_fmt(old.get(f))} → {_fmt(new.get(f))}" for f in row.get("fields") or [])


def changes(db, topic: str | None = None, since: date | None = None,
            limit: int | None = None) -> list[dict[str, Any]]:
    """Changes newest first: change_set, at, op, entity, key, topic, detail."""
    from kb.queries import run

    if topic is not None:
        from kb.queries.lookup import resolve

        topic = resolve(db, "topic", topic)["key"]
    rows = run(db, "changes", topic=topic, since=since, limit=limit)
    return [{"at": r["at"], "change_set": r["change_set"], "op": r["op"], "entity": r["entity"],
             "key": r["key"], "topic": r["topic"], "detail": detail(r)} for r in rows]
