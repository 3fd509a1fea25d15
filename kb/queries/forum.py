"""Forum-shopping between jurisdictions: where a developer could move from a
jurisdiction whose law treats a topic explicitly to one where no law that
counts addresses it (forum_shopping_jurisdictions; docs/queries.md).

What counts as law is the caller's choice: binding instruments in force on
the page's date by default; voluntary ones (codes, declarations, company
frameworks) with ``include_voluntary``; proposed and adopted-not-in-force
ones with ``include_proposed``; only some kinds with ``kinds``. Forums
(the UN, the G7, the OECD ...) and "global" are never a place a developer
can be in, so they are never on either side.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kb.errors import KbError
from kb.queries.clocks import Clocks
from kb.queries.lookup import resolve
from kb.queries.reader import Reader
from kb.schema.model import INSTRUMENT_KINDS


def check_kinds(kinds: Iterable[str] | None) -> list[str] | None:
    """The instrument kinds asked for, checked (None: every kind)."""
    if not kinds:
        return None
    wanted = list(dict.fromkeys(kinds))
    unknown = [k for k in wanted if k not in INSTRUMENT_KINDS]
    if unknown:
        raise KbError(
            f"unknown instrument kind {', '.join(repr(k) for k in unknown)}; use one of: {', '.join(INSTRUMENT_KINDS)}"
        )
    return wanted


def jurisdiction_pairs(
    db,
    slug: str,
    clocks: Clocks | None = None,
    include_voluntary: bool = False,
    include_proposed: bool = False,
    kinds: Iterable[str] | None = None,
) -> dict[str, Any]:
    """The topic (slug, name) and its strict/lenient jurisdiction pairs,
    each with the instruments behind it."""
    clocks = clocks or Clocks.resolve()
    wanted = check_kinds(kinds)
    return Reader(db).one_read(
        lambda read: _jurisdiction_pairs(read, slug, clocks, include_voluntary, include_proposed, wanted)
    )


def _jurisdiction_pairs(
    read: Reader, slug: str, clocks: Clocks, include_voluntary: bool, include_proposed: bool, wanted: list[str] | None
) -> dict[str, Any]:
    topic = resolve(read, "topic", slug, clocks)
    rows = read.run(
        "forum_shopping_jurisdictions",
        slug=topic["key"],
        include_voluntary=include_voluntary or None,
        include_proposed=include_proposed or None,
        kinds=wanted,
        **clocks.params(),
    )
    return {
        "slug": topic["key"],
        "name": topic["name"],
        "counted": {
            "binding": True,
            "voluntary": include_voluntary,
            "in_force": True,
            "proposed": include_proposed,
            "kinds": wanted,
        },
        "pairs": rows,
    }
