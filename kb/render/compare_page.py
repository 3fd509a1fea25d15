"""Two instruments compared topic by topic (``kb compare``)."""

from __future__ import annotations

from typing import Any

from kb.queries.clocks import Clocks
from kb.render.blocks import Heading, Linked, Page, Table, Text, mode_cell
from kb.words import plural

COLUMNS = ["topic", "relation", "a_mode", "a_reviewed", "a_pinpoint", "b_mode", "b_reviewed", "b_pinpoint"]


def compare_page(d: dict[str, Any], clocks: Clocks) -> Page:
    """The page of ``kb.queries.compare.compare_data``'s ``d``, read at ``clocks``."""
    s = d["summary"]
    when = clocks.bracketed()
    A, B = d["a"], d["b"]
    blocks = [
        Heading(f"{A['id']} ↔ {B['id']}{when}", 1),
        *(
            Text(
                Linked(
                    f"{side}: {X['name']} ({X['jurisdiction']}, {X['status']})",
                    ("instrument", X["id"], X["name"]),
                    ("jurisdiction", X["jurisdiction"]),
                )
            )
            for side, X in (("A", A), ("B", B))
        ),
        Text(
            f"On {plural(len(d['topics']), 'topic')}: {s['converges']} converge, {s['asymmetric']} asymmetric, "
            f"{s['both_silent']} both silent"
            + (f", {s['unreviewed']} not compared (a side not reviewed on it)." if s["unreviewed"] else ".")
        ),
        Table(
            [
                {
                    "topic": t["topic"],
                    "A": mode_cell(t["a"]["mode"], t["a"]["reviewed"]),
                    "B": mode_cell(t["b"]["mode"], t["b"]["reviewed"]),
                    "relation": t["relation"],
                }
                for t in d["topics"]
            ],
            ["topic", "A", "B", "relation"],
            links={"topic": "topic"},
        ),
    ]
    rows = [
        {
            "topic": t["topic"],
            "relation": t["relation"],
            "a_mode": t["a"]["mode"],
            "a_reviewed": t["a"]["reviewed"],
            "a_pinpoint": t["a"]["pinpoint"],
            "b_mode": t["b"]["mode"],
            "b_reviewed": t["b"]["reviewed"],
            "b_pinpoint": t["b"]["pinpoint"],
        }
        for t in d["topics"]
    ]
    return Page(d, blocks, rows, COLUMNS)
