"""Pages written for a terminal (``--format table``, drawn with rich),
as Markdown (``--format md``), as JSON (the page's data) or as CSV (its
main table's rows): ``render_page`` writes one of them to stdout.

The blocks are ``kb.render.blocks``'; ``kb.render.html`` writes the same
``Page`` as HTML (``kb serve``), and an SVG writer would sit beside them.
"""

from __future__ import annotations

import csv
import io
import sys
from typing import Any, TextIO

from kb.render.blocks import Bullets, Dim, Heading, Page, Table, Text
from kb.render.formats import cell, dumps
from kb.render.formats import console as make_console


def render_page(page: Page, fmt: str, stream: TextIO | None = None) -> None:
    out = stream or sys.stdout
    if fmt == "json":
        out.write(dumps(page.data) + "\n")
    elif fmt == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow(page.columns)
        for r in page.rows:
            w.writerow([cell(r.get(c)) for c in page.columns])
    elif fmt == "md":
        out.write(markdown(page.blocks))
    else:
        draw(page.blocks, out)


# -- Markdown ---------------------------------------------------------------
def _md_cell(value: Any) -> str:
    text = value.md if isinstance(value, Dim) else cell(value)
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(blocks: list[Any]) -> str:
    buf = io.StringIO()
    for b in blocks:
        if isinstance(b, Heading):
            buf.write("#" * b.level + " " + b.text + "\n\n")
        elif isinstance(b, Text):
            buf.write((f"*{b.text}*" if b.dim else b.text) + "\n\n")
        elif isinstance(b, Bullets):
            if not b.items:
                buf.write(b.empty + "\n\n")
            for item in b.items:
                buf.write(f"- {item}\n")
            if b.items:
                buf.write("\n")
        elif isinstance(b, Table):
            if not b.rows:
                buf.write(b.empty + "\n\n")
                continue
            heads = [b.headers.get(c, c) for c in b.columns]
            buf.write("| " + " | ".join(heads) + " |\n")
            buf.write("|" + "|".join("---" for _ in heads) + "|\n")
            for r in b.rows:
                buf.write("| " + " | ".join(_md_cell(r.get(c)) for c in b.columns) + " |\n")
            buf.write("\n")
    return buf.getvalue()


# -- rich -------------------------------------------------------------------
def draw(blocks: list[Any], stream: TextIO) -> None:
    from rich import box
    from rich.table import Table as RichTable
    from rich.text import Text as RichText

    con = make_console(stream)
    plain = con.color_system is None  # no styles: show a dim cell by its Markdown form

    def text_of(v: Any) -> RichText:
        if isinstance(v, Dim):
            return RichText(v.md) if plain else RichText(str(v), style="dim")
        return RichText(cell(v))

    first = True
    for b in blocks:
        if isinstance(b, Heading):
            if not first:
                con.print()
            style = "bold underline" if b.level == 1 else "bold"
            con.print(RichText(b.text, style=style))
        elif isinstance(b, Text):
            con.print(RichText(b.text, style="dim" if b.dim else ""))
        elif isinstance(b, Bullets):
            if not b.items:
                con.print(RichText(b.empty, style="dim"))
            for item in b.items:
                con.print(RichText("• " + item))
        elif isinstance(b, Table):
            if not b.rows:
                con.print(RichText(b.empty, style="dim"))
                continue
            t = RichTable(
                box=box.SIMPLE_HEAD if b.compact else box.SQUARE,
                header_style="bold",
                padding=(0, 1) if not b.compact else (0, 0),
                pad_edge=not b.compact,
                show_edge=not b.compact,
            )
            for c in b.columns:
                t.add_column(
                    b.headers.get(c, c),
                    overflow="fold",
                    justify="center" if b.compact and c not in ("instrument", "id", "jurisdiction") else "left",
                )
            for r in b.rows:
                t.add_row(*(text_of(r.get(c)) for c in b.columns))
            con.print(t)
        first = False
