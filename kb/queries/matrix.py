"""The instrument x topic matrix: rows in catalog order, columns in topic rank.

Legend: ● explicit, ◐ implicit, ⚠ conflicts, · silent. A cell nobody has
reviewed is drawn as a dim · (·? in Markdown) and is ``"unreviewed"`` in JSON
and CSV.
"""

from __future__ import annotations

from typing import Any

from kb.queries import as_of_date, run
from kb.queries.lookup import resolve
from kb.queries.pages import LEGEND, SYMBOLS, Heading, Page, Table, Text, cell_value, mode_cell


def matrix_data(db, as_of: Any = None, topics: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    day = as_of_date(as_of)
    wanted = [resolve(db, "topic", t)["key"] for t in topics]
    cells = run(db, "matrix", as_of=day)
    if wanted:
        cells = [c for c in cells if c["topic"] in wanted]
    cols: dict[str, dict[str, Any]] = {}
    rows: dict[str, dict[str, Any]] = {}
    for c in cells:
        cols.setdefault(c["topic"], {"slug": c["topic"], "name": c["topic_name"], "rank": c["topic_rank"]})
        row = rows.setdefault(c["instrument"], {
            "instrument": {"id": c["instrument"], "name": c["name"], "short_name": c["short_name"],
                           "jurisdiction": c["jurisdiction"]},
            "cells": {}, "_reviewed": {}, "_modes": {}})
        row["cells"][c["topic"]] = cell_value(c["mode"], c["reviewed"])
        row["_reviewed"][c["topic"]] = c["reviewed"]
        row["_modes"][c["topic"]] = c["mode"]
    return {"as_of": day, "legend": {**SYMBOLS, "unreviewed": "· (dim)"},
            "topics": list(cols.values()), "rows": list(rows.values())}


def matrix_page(db, as_of: Any = None, topics: list[str] | tuple[str, ...] = ()) -> Page:
    d = matrix_data(db, as_of, topics)
    slugs = [t["slug"] for t in d["topics"]]
    numbered = {t["slug"]: str(t["rank"]) for t in d["topics"]}
    table_rows = []
    for r in d["rows"]:
        row = {"instrument": r["instrument"]["id"], "jurisdiction": r["instrument"]["jurisdiction"]}
        for s in slugs:
            row[s] = mode_cell(r["_modes"][s], r["_reviewed"][s], words=False)
        table_rows.append(row)
    when = f" (as of {d['as_of'].isoformat()})" if d["as_of"] else ""
    key = "   ".join(f"{t['rank']} {t['slug']}" for t in d["topics"])
    blocks = [
        Heading(f"Instrument × topic matrix{when}", 1),
        Text(LEGEND, dim=True),
        Table(table_rows, ["instrument", "jurisdiction", *slugs],
              headers={"jurisdiction": "jur.", **numbered}, compact=True),
        Text("Topics: " + key, dim=True),
    ]
    csv_rows = [{"id": r["instrument"]["id"], "name": r["instrument"]["name"],
                 "jurisdiction": r["instrument"]["jurisdiction"], **r["cells"]} for r in d["rows"]]
    for r in d["rows"]:  # the JSON shape carries no private keys
        del r["_reviewed"], r["_modes"]
    return Page(d, blocks, csv_rows, ["id", "name", "jurisdiction", *slugs])
