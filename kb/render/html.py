"""A ``Page``'s blocks as HTML: what ``kb serve`` shows of the pages the CLI
draws as tables (kb.render.pages), from the same layouts.

Every value is escaped; only the markup written here is not. Text that
names records of the catalog (``blocks.Linked``) and the cells of a table's
linked columns (``Table.links``) become links through ``href(kind, key)``,
which the caller gives (kb.render knows no URLs): it returns the address of
the record's page, or None to leave the words as text. An address (kind
``url``) is linked only when it is an http or https one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from typing import Any

from kb.queries.matrix import SYMBOLS
from kb.render.blocks import Bullets, Dim, Figure, Heading, Linked, Table, Text
from kb.render.formats import cell

Href = Callable[[str, str], "str | None"]
MODE_OF = {sym: mode for mode, sym in SYMBOLS.items()}
_WEB = re.compile(r"^https?://[^\s]+$", re.IGNORECASE)


def web_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) address (never javascript: and the like)."""
    return url if url and _WEB.match(url) else None


def anchor(text: str) -> str:
    """'Silent regimes — gap signal' -> 'silent-regimes-gap-signal'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def link(href: str | None, text: str, external: bool = False) -> str:
    if not href:
        return escape(text)
    rel = ' rel="noopener noreferrer external"' if external else ""
    return f'<a href="{escape(href)}"{rel}>{escape(text)}</a>'


def linked_text(text: Any, href: Href) -> str:
    """``text`` escaped, with the words its refs name linked (each found
    after the one before it, so a name that repeats a code links the right
    one)."""
    text = text if isinstance(text, str) else cell(text)
    refs = getattr(text, "refs", ())
    if not refs:
        return escape(text)
    out, at = [], 0
    for kind, key, shown in refs:
        found = _find(text, shown, at)
        if found < 0:
            continue
        target = web_url(key) if kind == "url" else href(kind, key)
        out.append(escape(text[at:found]))
        out.append(link(target, shown, external=kind == "url"))
        at = found + len(shown)
    out.append(escape(text[at:]))
    return "".join(out)


def _find(text: str, words: str, start: int) -> int:
    """Where ``words`` stand in ``text`` from ``start`` as whole words (not
    inside a longer key), or -1."""
    pattern = r"(?<![\w-])" + re.escape(words) + r"(?![\w-])"
    m = re.compile(pattern).search(text, start)
    return m.start() if m else -1


def _cell_html(value: Any, kind: str | None, href: Href) -> tuple[str, str]:
    """The cell's HTML and its class."""
    text = value if isinstance(value, str) else cell(value)
    classes = []
    if isinstance(value, Dim):
        classes.append("dim")
    mode = MODE_OF.get(text[:1]) if text[1:2] in (" ", "", "?") else None
    if mode:
        classes.append("mode m-" + ("unreviewed" if isinstance(value, Dim) else mode))
    if kind and text and not isinstance(value, Linked):
        return link(href(kind, text), text), " ".join(classes)
    return linked_text(value, href), " ".join(classes)


def table_html(t: Table, href: Href, caption: str | None = None) -> str:
    if not t.rows:
        return f'<p class="dim">{escape(t.empty)}</p>\n'
    parts = ['<div class="scroll"><table>']
    if caption:
        parts.append(f"<caption>{escape(caption)}</caption>")
    parts.append("<thead><tr>")
    parts += [f'<th scope="col">{escape(t.headers.get(c, c))}</th>' for c in t.columns]
    parts.append("</tr></thead><tbody>")
    for r in t.rows:
        parts.append("<tr>")
        for c in t.columns:
            html, cls = _cell_html(r.get(c), t.links.get(c), href)
            parts.append(f'<td class="{cls}">{html}</td>' if cls else f"<td>{html}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table></div>\n")
    return "".join(parts)


def blocks_html(blocks: list[Any], href: Href, skip_title: bool = False) -> str:
    """The blocks as HTML; ``skip_title``: leave out the first level-1
    heading (the caller writes its own)."""
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            if skip_title and b.level == 1:
                skip_title = False
                continue
            level = min(max(b.level, 1), 6)
            out.append(f'<h{level} id="{anchor(b.text)}">{linked_text(b.text, href)}</h{level}>\n')
        elif isinstance(b, Text):
            cls = ' class="dim"' if b.dim else ""
            out.append(f"<p{cls}>{linked_text(b.text, href)}</p>\n")
        elif isinstance(b, Bullets):
            if not b.items:
                out.append(f'<p class="dim">{escape(b.empty)}</p>\n')
                continue
            out.append("<ul>" + "".join(f"<li>{linked_text(i, href)}</li>" for i in b.items) + "</ul>\n")
        elif isinstance(b, Table):
            out.append(table_html(b, href))
        elif isinstance(b, Figure):
            # kb.render.svg writes the picture with ElementTree, which escapes every text and value
            caption = f"<figcaption>{escape(b.caption)}</figcaption>" if b.caption else ""
            # tabindex: a wide chart scrolls, and the keyboard must reach it
            out.append(f'<figure class="chart" tabindex="0">{b.svg()}{caption}</figure>\n')
    return "".join(out)
