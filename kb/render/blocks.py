"""A page as blocks: what the page commands (kb topic, kb gaps, kb instrument
...) show, in no particular output format.

A ``Page`` holds the same answer three ways: ``data`` (the query's plain
data, one JSON object), ``blocks`` (headings, paragraphs, bullet lists and
tables) and ``rows`` with their ``columns`` (the page's main table, for
CSV). The page layouts (``kb.render.topic_page`` ...) build pages from the
data kb.queries returns; ``kb.render.pages`` writes them for a terminal or
as Markdown, and another writer (HTML, SVG) can take the same blocks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kb.queries.matrix import SYMBOLS

LEGEND = "● explicit   ◐ implicit   ⚠ conflicts   · silent   (a dim · or ·? = silent because not reviewed)"


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
    return f"{sym} {mode}" if words else sym


class Linked(str):
    """Text that names records of the catalog. Each ref is ``(kind, key)`` or
    ``(kind, key, shown)``: kind is instrument, topic, jurisdiction,
    developer, paper, source, or ``url`` (key: an address); ``shown`` the
    words of the text that name it (default: the key). It reads as plain
    text everywhere; the HTML writer (kb.render.html) links those words."""

    refs: tuple[tuple[str, str, str], ...]

    def __new__(cls, text: str, *refs: tuple) -> Linked:
        obj = super().__new__(cls, text)
        obj.refs = tuple((r[0], r[1], r[2] if len(r) > 2 and r[2] else r[1]) for r in refs if r[1])
        return obj


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
    links: dict[str, str] = field(default_factory=dict)  # column -> the kind of key its cells hold (kb.render.html)


@dataclass
class Figure:
    """A picture, for the layouts that show one (HTML pages); the text
    layouts leave it out (the CLI writes pictures with ``--format svg``).
    ``svg`` builds the picture only when a layout asks for it."""

    svg: Callable[[], str]
    caption: str = ""


@dataclass
class Page:
    data: Any
    blocks: list[Any]
    rows: list[dict[str, Any]]
    columns: list[str]
