"""Forum-shopping between jurisdictions (``kb forum-shopping SLUG --all``),
laid out from kb.queries.forum's data."""

from __future__ import annotations

from typing import Any

from kb.queries.clocks import Clocks
from kb.render.blocks import Heading, Page, Table, Text
from kb.words import plural

# The lenient side's basis (forum_shopping_jurisdictions' lenient_basis), as pages say it.
BASES = {
    "silent": "reviewed: silent",
    "none": "no law that counts",
    "unreviewed": "not reviewed",
}
COLUMNS = [
    "strict_jurisdiction",
    "strict_instruments",
    "lenient_jurisdiction",
    "lenient_basis",
    "lenient_instruments",
]


def counted_text(counted: dict[str, Any], clocks: Clocks) -> str:
    """'Law that counts: binding instruments in force on 2024-06-01.' and the options."""
    kinds = ["binding"] + (["voluntary"] if counted["voluntary"] else [])
    states = ["in force"] + (["proposed or adopted but not in force"] if counted["proposed"] else [])
    when = f"on {clocks.as_of.isoformat()}" if clocks.as_of_given else "today"
    text = f"Law that counts: {' or '.join(kinds)} instruments {' or '.join(states)} {when}"
    if counted["kinds"]:
        text += f", of kind {', '.join(counted['kinds'])}"
    return text + "."


def jurisdiction_pairs_page(d: dict[str, Any], clocks: Clocks, limit: int | None = None) -> Page:
    """The page of ``kb.queries.forum.jurisdiction_pairs``'s ``d``: the
    first ``limit`` pairs (None: all)."""
    pairs = d["pairs"] if limit is None else d["pairs"][:limit]
    table = [
        {
            "strict": f"{p['strict_jurisdiction']} ({', '.join(p['strict_instruments'])})",
            "lenient": f"{p['lenient_jurisdiction']} ({p['lenient_name']})",
            "basis": BASES[p["lenient_basis"]],
            "law": ", ".join(p["lenient_instruments"]) or "-",
        }
        for p in pairs
    ]
    strict = sorted({p["strict_jurisdiction"] for p in d["pairs"]})
    blocks = [
        Heading(f"Forum-shopping between jurisdictions: {d['name']}{clocks.bracketed()}", 1),
        Text(
            "A strict jurisdiction has law of its own that counts and treats the topic explicitly; "
            "its lenient partner is an unrelated jurisdiction (neither part of the other) where no law "
            "that counts and applies there (its own, or of what it is part of) addresses the topic. "
            "Forums (UN, G7, OECD ...) and global declarations are not places a developer can be in."
        ),
        Text(counted_text(d["counted"], clocks), dim=True),
        Text(
            f"{plural(len(d['pairs']), 'pair')} from {plural(len(strict), 'strict jurisdiction')}"
            + (f" ({', '.join(strict)})" if strict else "")
            + (f"; the first {limit} shown (--limit all for every one)." if len(pairs) < len(d["pairs"]) else ".")
        ),
        Table(
            table,
            ["strict", "lenient", "basis", "law"],
            headers={"strict": "strict (its law)", "lenient": "lenient", "basis": "basis", "law": "law there"},
            empty="(none: no jurisdiction's law that counts treats the topic explicitly, or none is lenient)",
        ),
        Text(
            "Widen what counts with --include-voluntary (codes, declarations, company frameworks) and "
            "--include-proposed; --kind KIND keeps only some kinds; --instruments lists scored instrument "
            "pairs instead. The topic page's three pairs are instrument pairs formed mechanically "
            "(docs/queries.md).",
            dim=True,
        ),
    ]
    return Page({**d, "pairs": pairs}, blocks, pairs, COLUMNS)
