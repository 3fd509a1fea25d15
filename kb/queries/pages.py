"""Pages: what the page-like commands (kb topic, kb gaps, kb instrument ...) return.

A ``Page`` holds the same answer three ways: ``data`` (one JSON object),
``blocks`` (headings, paragraphs, bullet lists and tables, drawn with rich for
``--format table`` or written as Markdown for ``--format md``) and ``rows``
(the page's main table, for ``--format csv``). ``render_page`` writes one of
them to stdout.
"""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass, field
from typing import Any, TextIO

from kb.output import cell, dumps

SYMBOLS = {"explicit": "●", "implicit": "◐", "conflicts": "⚠", "silent": "·"}
LEGEND = "● explicit   ◐ implicit   ⚠ conflicts   · silent   (a dim · or ·? = silent because not reviewed)"
MODE_WORDS = {"explicit": "explicit", "implicit": "implicit", "conflicts": "conflicts", "silent": "silent"}


class Dim(str):
    """A table cell drawn dim; ``md`` is what Markdown shows instead."""

    md: str

    def __new__(cls, value: str, md: str | None = None) -> Dim:
        obj = super().__new__(cls, value)
        obj.md = value if md is None else md
        return obj


def mode_cell(mode: str, reviewed: bool = True, words: bool = True) -> str:
    """``● explicit``; an unreviewed silent cell is dim: ``· unreviewed``."""
    sym = SYMBOLS.get(mode, "?")
    if not reviewed:
        return Dim(f"{sym} unreviewed" if words else sym, f"{sym}? unreviewed" if words else f"{sym}?")
    return f"{sym} {MODE_WORDS.get(mode, mode)}" if words else sym


def cell_value(mode: str, reviewed: bool) -> str:
    """The matrix cell as JSON and CSV show it: the mode, or ``unreviewed``."""
    return mode if reviewed else "unreviewed"


class LazyRows:
    """Rows built on first use: a page holds its table and its csv rows, but
    one output format needs only one of them (json neither)."""

    def __init__(self, count: int, build):
        self._count, self._build, self._rows = count, build, None

    def _get(self) -> list[dict[str, Any]]:
        if self._rows is None:
            self._rows = self._build()
        return self._rows

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def __iter__(self):
        return iter(self._get())

    def __getitem__(self, k):
        return self._get()[k]


# -- blocks -----------------------------------------------------------------
@dataclass
class Heading:
    text: str
    level: int = 2


@dataclass
class Text:
    text: str
    dim: bool = False


@dataclass
class Bullets:
    items: list[str]
    empty: str = "(none)"


@dataclass
class Table:
    rows: list[dict[str, Any]]
    columns: list[str]
    headers: dict[str, str] = field(default_factory=dict)
    compact: bool = False
    empty: str = "(none)"


@dataclass
class Page:
    data: Any
    blocks: list[Any]
    rows: list[dict[str, Any]]
    columns: list[str]


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

    from kb.output import console as make_console

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


# -- helpers for page builders ---------------------------------------------
def ref(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{id, name, jurisdiction}`` from a row's ``<prefix>id`` etc."""
    return {
        "id": row.get(prefix + "id"),
        "name": row.get(prefix + "name"),
        "jurisdiction": row.get(prefix + "jurisdiction"),
    }


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"
