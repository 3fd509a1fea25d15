"""Compare two instruments topic by topic: converges (same mode), asymmetric
(different modes), both silent (both reviewed and silent) or unreviewed
(either side has no cell: not compared)."""

from __future__ import annotations

from typing import Any

from kb.errors import KbError
from kb.queries.clocks import Clocks
from kb.queries.lookup import resolve
from kb.queries.reader import Reader, one_read

RELATIONS = ("converges", "asymmetric", "both_silent", "unreviewed")


def compare_data(db, a: str, b: str, clocks: Clocks | None = None) -> dict[str, Any]:
    """Read in one read transaction, at ``clocks`` (today, as recorded now, by default)."""
    clocks = clocks or Clocks.resolve()
    return one_read(db, lambda read: _compare_data(read, a, b, clocks))


def _compare_data(read: Reader, a: str, b: str, clocks: Clocks) -> dict[str, Any]:
    day = clocks.as_of
    ra, rb = resolve(read, "instrument", a, clocks), resolve(read, "instrument", b, clocks)
    rows = read.run("compare_instruments", a=ra["key"], b=rb["key"], **clocks.params())
    if not rows:  # one of them was not adopted by then (the query's legal-time predicate)
        for r in (ra, rb):
            if r["adopted"] is None or r["adopted"] > day:
                when = f"adopted {r['adopted'].isoformat()}" if r["adopted"] else "has no adoption date"
                raise KbError(
                    f"{r['key']} was not adopted by {day.isoformat()} ({when}); pick a later --as-of or leave it out"
                )
    first = rows[0] if rows else {}

    def side(p: str) -> dict[str, Any]:
        return {
            "id": first.get(p + "id"),
            "name": first.get(p + "name"),
            "jurisdiction": first.get(p + "jurisdiction"),
            "status": first.get(p + "status"),
        }

    topics = [
        {
            "topic": r["topic"],
            "name": r["topic_name"],
            "relation": r["relation"],
            "a": {"mode": r["a_mode"], "reviewed": r["a_reviewed"], "pinpoint": r["a_pinpoint"]},
            "b": {"mode": r["b_mode"], "reviewed": r["b_reviewed"], "pinpoint": r["b_pinpoint"]},
        }
        for r in rows
    ]
    return {
        "as_of": day if clocks.as_of_given else None,
        "as_recorded": clocks.as_recorded if clocks.as_recorded_given else None,
        "a": side("a_"),
        "b": side("b_"),
        "summary": {k: sum(1 for t in topics if t["relation"] == k) for k in RELATIONS},
        "topics": topics,
    }
