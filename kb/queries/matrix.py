"""The instrument x topic matrix: rows in catalog order, columns in topic rank.

Legend: ● explicit, ◐ implicit, ⚠ conflicts, · silent. A cell nobody has
reviewed is drawn as a dim · (·? in Markdown) and is ``"unreviewed"`` in JSON
and CSV.
"""

from __future__ import annotations

from typing import Any

from kb.queries import as_of_date, catalog_instant, run
from kb.queries.lookup import resolve
from kb.queries.pages import LEGEND, SYMBOLS, Heading, Page, Table, Text, cell_value, mode_cell


def matrix_data(db, as_of: Any = None, topics: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    day = as_of_date(as_of)
    wanted = [resolve(db, "topic", t)["key"] for t in topics]
    columns = [{"slug": t["slug"], "name": t["name"], "rank": t["rank"]}
               for t in run(db, "topic_list", at=catalog_instant(db, day))
               if not wanted or t["slug"] in wanted]
    rows = []
    for r in run(db, "matrix", as_of=day):
        reviewed = dict(r["cells"])
        rows.append({
            "instrument": {"id": r["instrument"], "name": r["name"], "short_name": r["short_name"],
                           "jurisdiction": r["jurisdiction"]},
            "cells": {t["slug"]: cell_value(reviewed.get(t["slug"], "silent"), t["slug"] in reviewed)
                      for t in columns},
            "_reviewed": {t["slug"]: t["slug"] in reviewed for t in columns},
            "_modes": {t["slug"]: reviewed.get(t["slug"], "silent") for t in columns},
        })
    return {"as_of": day, "legend": {**SYMBOLS, "unreviewed": "· (dim)"}, "topics": columns, "rows": rows}


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
