"""How a topic page changed between two pairs of clocks, for `kb diff`.

Each side is a ``Clocks`` (kb.queries.clocks): the law on its ``as_of`` as
the catalog recorded it at its ``as_recorded``. ``kb diff --from D1 --to
D2`` compares two legal dates (both as recorded now): an instrument adopted
between them is new. ``--recorded-from T1 --recorded-to T2`` compares two
record instants (both today's law): an instrument recorded between them is
new. Both pages are rebuilt whole and listed fact by fact: counts, primacy,
each instrument's cell, status and adoption date, the forum-shopping pairs
and the silent regimes.
"""

from __future__ import annotations

from typing import Any

from kb.queries.clocks import Clocks


def describe(clocks: Clocks) -> str:
    """'as of 2024-06-01', 'as recorded 2026-02-01T23:59:59Z', both, or 'today'."""
    parts = []
    if clocks.as_of_given:
        parts.append(f"as of {clocks.as_of.isoformat()}")
    if clocks.as_recorded_given:
        parts.append("as recorded " + clocks.as_recorded.isoformat(timespec="seconds").replace("+00:00", "Z"))
    return ", ".join(parts) or "today"


def _cell(c: dict[str, Any] | None) -> str | None:
    if c is None:
        return None
    text = c["mode"] + ("" if c["reviewed"] else " (unreviewed)")
    if c.get("pinpoint"):
        text += f" — {c['pinpoint']}"
    return text


def _primacy(p: dict[str, Any] | None) -> str | None:
    if not p:
        return None
    return f"{p['instrument']['id']} on {p['date'].isoformat()} ({p['mode']})"


def _pair(p: dict[str, Any]) -> str:
    return f"{p['explicit']['id']} ↔ {p['silent']['id']}"


def diff(db, slug: str, before: Clocks, after: Clocks) -> dict[str, Any]:
    """The topic page at ``before`` and at ``after``, and the rows that differ."""
    from kb.queries.topic import COUNTS, topic_data

    a = topic_data(db, slug, before, limit=None)  # every row: a diff compares whole lists
    b = topic_data(db, slug, after, limit=None)
    rows: list[dict[str, Any]] = []

    def add(what: str, key: str, old: Any, new: Any) -> None:
        if old != new:
            rows.append({"what": what, "key": key, "from": old, "to": new})

    for k in COUNTS:
        add("count", k, a["counts"][k], b["counts"][k])
    add("primacy", "first addressed by", _primacy(a["primacy"]), _primacy(b["primacy"]))

    cells_a = {c["instrument"]["id"]: c for c in a["coverage"]}
    cells_b = {c["instrument"]["id"]: c for c in b["coverage"]}
    order = [c["instrument"]["id"] for c in b["coverage"]]
    order += [i for i in (c["instrument"]["id"] for c in a["coverage"]) if i not in cells_b]
    for iid in order:
        ca, cb = cells_a.get(iid), cells_b.get(iid)
        if ca is None:
            add("instrument", iid, None, f"tracked: {_cell(cb)}")
        elif cb is None:
            add("instrument", iid, f"tracked: {_cell(ca)}", None)
        else:
            add("cell", iid, _cell(ca), _cell(cb))
            add("status", iid, ca.get("status"), cb.get("status"))
            add("adopted", iid, ca.get("adopted"), cb.get("adopted"))

    pairs_a = [_pair(p) for p in a["forum_shopping"]]
    pairs_b = [_pair(p) for p in b["forum_shopping"]]
    for p in pairs_a:
        if p not in pairs_b:
            add("forum-shopping pair", p, "listed", None)
    for p in pairs_b:
        if p not in pairs_a:
            add("forum-shopping pair", p, None, "listed")

    silent_a = {s["id"] for s in a["silent"]}
    silent_b = {s["id"] for s in b["silent"]}
    for s in b["silent"]:
        if s["id"] not in silent_a:
            add("silent regime", s["id"], None, "silent")
    for s in a["silent"]:
        if s["id"] not in silent_b:
            add("silent regime", s["id"], "silent", None)

    return {
        "topic": a["topic"]["slug"],
        "from": describe(before),
        "to": describe(after),
        "summary_from": a["summary"],
        "summary_to": b["summary"],
        "changes": rows,
    }
