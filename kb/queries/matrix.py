"""The instrument x topic matrix: rows in catalog order, columns in topic rank.

Each cell is a mode, or ``"unreviewed"`` for a cell nobody has reviewed.
The legend (``SYMBOLS``, in the data too) draws them ● explicit,
◐ implicit, ⚠ conflicts, · silent, and an unreviewed cell a dim ·
(kb.render.matrix_page).
"""

from __future__ import annotations

from typing import Any

from kb.queries.clocks import Clocks
from kb.queries.lookup import catalog_named, resolve
from kb.queries.reader import Reader, one_read
from kb.schema.model import MODES

SYMBOLS = {"explicit": "●", "implicit": "◐", "conflicts": "⚠", "silent": "·"}  # each mode's symbol


FILTERS = {"jurisdiction": "jurisdictions", "kind": "kinds", "status": "statuses"}  # a filter -> its parameter


def matrix_data(
    db,
    clocks: Clocks | None = None,
    topics: list[str] | tuple[str, ...] = (),
    catalog: str | None = None,
    filters: dict[str, list[str]] | None = None,
    skip: int | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """Read in one read transaction, at ``clocks`` (today, as recorded now, by default): the
    instruments and topics of ``catalog`` (None: the curated one). ``filters`` (jurisdiction,
    kind, status: the values kept; none: all) keep the rows of the instruments that match them
    all; ``skip`` and ``limit`` one page of those rows."""
    clocks = clocks or Clocks.resolve()
    kept = {FILTERS[k]: list(v) for k, v in (filters or {}).items() if v}
    return one_read(
        db,
        lambda read: _matrix_data(
            read, clocks, topics, catalog_named(read, catalog, clocks), {**kept, "skip": skip, "limit": limit}
        ),
    )


def _matrix_data(
    read: Reader, clocks: Clocks, topics: list[str] | tuple[str, ...], catalog: str, rows_wanted: dict[str, Any]
) -> dict[str, Any]:
    wanted = {resolve(read, "topic", t, clocks)["key"] for t in topics}
    listed = read.send("topic_list", as_recorded=clocks.as_recorded, catalog=catalog)
    matrix = read.send("matrix", catalog=catalog, **rows_wanted, **clocks.params())
    columns = [
        {"slug": t["slug"], "name": t["name"], "rank": t["rank"]} for t in listed() if not wanted or t["slug"] in wanted
    ]
    blank = dict.fromkeys((t["slug"] for t in columns), "unreviewed")
    rows = []
    for r in matrix():
        cells = blank.copy()
        for mode in MODES:
            for slug in r[mode]:
                if slug in cells:
                    cells[slug] = mode
        rows.append(
            {
                "instrument": {
                    "id": r["instrument"],
                    "name": r["name"],
                    "short_name": r["short_name"],
                    "jurisdiction": r["jurisdiction"],
                },
                "cells": cells,
            }
        )
    return {
        "as_of": clocks.as_of if clocks.as_of_given else None,
        "as_recorded": clocks.as_recorded if clocks.as_recorded_given else None,
        "legend": {**SYMBOLS, "unreviewed": "· (dim)"},
        "topics": columns,
        "rows": rows,
    }
