"""The instrument x topic matrix: rows in catalog order, columns in topic rank.

Legend: ● explicit, ◐ implicit, ⚠ conflicts, · silent. A cell nobody has
reviewed is drawn as a dim · (·? in Markdown) and is ``"unreviewed"`` in JSON
and CSV.
"""

from __future__ import annotations

from typing import Any

from kb.queries import in_one_read, send
from kb.queries.clocks import Clocks
from kb.queries.lookup import resolve
from kb.queries.pages import LEGEND, SYMBOLS, Heading, LazyRows, Page, Table, Text, mode_cell

MODES = ("explicit", "implicit", "conflicts", "silent")


def matrix_data(db, clocks: Clocks | None = None, topics: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    """Read in one read transaction, at ``clocks`` (today, as recorded now, by default)."""
    clocks = clocks or Clocks.resolve()
    return in_one_read(db, lambda tx: _matrix_data(tx, clocks, topics))


def _matrix_data(db, clocks: Clocks, topics: list[str] | tuple[str, ...]) -> dict[str, Any]:
    wanted = {resolve(db, "topic", t, clocks)["key"] for t in topics}
    listed = send(db, "topic_list", as_recorded=clocks.as_recorded)
    matrix = send(db, "matrix", **clocks.params())
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


def matrix_page(db, clocks: Clocks | None = None, topics: list[str] | tuple[str, ...] = ()) -> Page:
    clocks = clocks or Clocks.resolve()
    d = matrix_data(db, clocks, topics)
    slugs = [t["slug"] for t in d["topics"]]
    numbered = {t["slug"]: str(t["rank"]) for t in d["topics"]}
    symbol = {m: mode_cell(m, True, words=False) for m in MODES}
    symbol["unreviewed"] = mode_cell("silent", False, words=False)

    def table_rows() -> list[dict[str, Any]]:
        return [
            {
                "instrument": r["instrument"]["id"],
                "jurisdiction": r["instrument"]["jurisdiction"],
                **{s: symbol[v] for s, v in r["cells"].items()},
            }
            for r in d["rows"]
        ]

    def csv_rows() -> list[dict[str, Any]]:
        return [
            {
                "id": r["instrument"]["id"],
                "name": r["instrument"]["name"],
                "jurisdiction": r["instrument"]["jurisdiction"],
                **r["cells"],
            }
            for r in d["rows"]
        ]

    when = clocks.bracketed()
    key = "   ".join(f"{t['rank']} {t['slug']}" for t in d["topics"])
    # the table and the csv rows are built only by the format that shows them
    blocks = [
        Heading(f"Instrument × topic matrix{when}", 1),
        Text(LEGEND, dim=True),
        Table(
            LazyRows(len(d["rows"]), table_rows),
            ["instrument", "jurisdiction", *slugs],
            headers={"jurisdiction": "jur.", **numbered},
            compact=True,
        ),
        Text("Topics: " + key, dim=True),
    ]
    return Page(d, blocks, LazyRows(len(d["rows"]), csv_rows), ["id", "name", "jurisdiction", *slugs])
