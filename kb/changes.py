"""The change history of the catalog, for `kb changes`.

Rows come from the named query ``changes`` (cypher/queries/changes.cypher),
which reads them from the versions each load opened and closed; this module
leaves out the record-time fields (null in the query's ``old`` and ``new``)
and adds a one-line, human-readable ``detail`` to each row, built from
``old``, ``new`` and ``fields`` alone: versions never change, so neither does
a row.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from kb.schema.model import INTERVAL


def _fmt(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def fields_of(version: dict[str, Any] | None) -> dict[str, Any] | None:
    """A version's fields without the record-time ones (None stays None)."""
    if version is None:
        return None
    return {k: v for k, v in version.items() if k not in INTERVAL}


def _cell(values: dict[str, Any]) -> str:
    pin = f" ({values['pinpoint']})" if values.get("pinpoint") else ""
    return f"{values.get('mode')}{pin}"


def detail(row: dict[str, Any]) -> str:
    """'explicit (Art. 5)', 'EU AI Act', 'pinpoint (none) → § 3', 'was implicit', 'removed: EU AI Act'."""
    op, old, new = row["op"], row.get("old") or {}, row.get("new") or {}
    if op == "added":
        if row["entity"] == "TREATS":
            return _cell(new)
        return _fmt(new.get("name") or new.get("title") or new.get("basis") or new.get("note") or "")
    if op == "removed":
        if row["entity"] == "TREATS":
            return f"was {_cell(old)}"
        name = old.get("name") or old.get("title")
        return f"removed: {name}" if name else "removed"
    return "; ".join(f"{f} {_fmt(old.get(f))} → {_fmt(new.get(f))}" for f in row.get("fields") or [])


def changes(db, topic: str | None = None, since: date | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """Changes newest first: at, change_set, op, entity, key, topic, detail,
    and the fields that differ with the old and new version's values (null
    for an addition's old and a removal's new)."""
    from kb.queries import run

    if topic is not None:
        from kb.queries.lookup import NotRecorded, resolve
        from kb.queries.reader import Reader

        try:
            topic = resolve(Reader(db), "topic", topic)["key"]
        except NotRecorded:
            pass  # a topic removed since: its history is still there
    rows = run(db, "changes", topic=topic, since=since, limit=limit)
    out = []
    for r in rows:
        r = {**r, "old": fields_of(r["old"]), "new": fields_of(r["new"])}
        out.append(
            {
                "at": r["at"],
                "change_set": r["change_set"],
                "op": r["op"],
                "entity": r["entity"],
                "key": r["key"],
                "topic": r["topic"],
                "detail": detail(r),
                "fields": r["fields"],
                "old": r["old"],
                "new": r["new"],
            }
        )
    return out
