"""The instrument x topic matrix page (``kb matrix``): a compact table of
mode symbols, topics numbered in rank order with a key below; CSV has each
cell's mode or ``unreviewed``."""

from __future__ import annotations

from typing import Any

from kb.queries.clocks import Clocks
from kb.render.blocks import LEGEND, Heading, LazyRows, Page, Table, Text, mode_cell
from kb.schema.model import MODES


def matrix_page(d: dict[str, Any], clocks: Clocks) -> Page:
    """The page of ``kb.queries.matrix.matrix_data``'s ``d``, read at ``clocks``."""
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
