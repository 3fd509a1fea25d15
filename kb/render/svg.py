"""Pictures as SVG: the instrument x topic matrix as a heatmap, and a
topic's primacy timeline as a chart (``kb matrix --format svg``, ``kb
primacy SLUG --format svg``); ``png`` rasterises either with CairoSVG.

Both are drawn from the data kb.queries returns (``matrix_data``,
``primacy``), never from the graph. Every element is built with
``xml.etree.ElementTree``, which escapes every text and attribute, and
characters XML cannot hold (control characters) are dropped first, so a
name holding ``<script>``, ``&`` or quotes reads as text.

The colours read in grey and for colour-blind readers: each mode has its
own lightness (explicit darkest, then conflicts, implicit, silent; an
unreviewed cell is white and hatched), the hues are from the Okabe-Ito and
cividis sets, and every cell also carries the mode's glyph (● ◐ ⚠ ·).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from typing import Any

from kb.queries.clocks import Clocks
from kb.queries.matrix import SYMBOLS

SVG_NS = "http://www.w3.org/2000/svg"
FONT = "DejaVu Sans, Verdana, Arial, sans-serif"

# fill, glyph colour, the word in the legend; in order of lightness (CIE L*: 13, 45, 65, 83, 100)
STATES: dict[str, tuple[str, str, str]] = {
    "explicit": ("#00204D", "#FFFFFF", "explicit"),
    "conflicts": ("#B8460B", "#FFFFFF", "conflicts"),
    "implicit": ("#7AA0CC", "#00204D", "implicit (general principles)"),
    "silent": ("#CFCFCF", "#2A2A2A", "silent (reviewed)"),
    "unreviewed": ("#FFFFFF", "#8A8A8A", "silent, not reviewed"),
}
GLYPHS = {**SYMBOLS, "unreviewed": SYMBOLS["silent"]}
LABEL_COLOURS = {"first": "#00204D", "codified": "#00204D", "diverged": "#B8460B"}

CELL = 22  # a matrix cell's side, px
FONT_SIZE = 12
CHAR_WIDTH = 0.58  # a character's width in a font size's ems, roughly (DejaVu Sans is wide)
LABEL_CHARS = 56  # an instrument's label is cut to this many characters (its full name in the tooltip)
HEADER_CHARS = 40  # a topic name in a column header likewise

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean(value: Any) -> str:
    """``value`` as text XML can hold: characters XML 1.0 forbids are dropped
    (ElementTree escapes the rest)."""
    return _NOT_XML.sub("", "" if value is None else str(value))


def cut(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def text_width(text: str, size: float = FONT_SIZE) -> float:
    return len(text) * size * CHAR_WIDTH


def _el(parent: ET.Element, tag: str, text: Any = None, **attrs: Any) -> ET.Element:
    """A child element; attribute names with ``_`` are written with ``-``
    (``font_size`` -> ``font-size``); ``class_`` is ``class``."""
    e = ET.SubElement(parent, tag, {k.rstrip("_").replace("_", "-"): clean(v) for k, v in attrs.items()})
    if text is not None:
        e.text = clean(text)
    return e


def _svg(width: float, height: float, title: str, desc: str) -> ET.Element:
    root = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "width": f"{width:.0f}",
            "height": f"{height:.0f}",
            "viewBox": f"0 0 {width:.0f} {height:.0f}",
            "role": "img",
            "font-family": FONT,
            "font-size": str(FONT_SIZE),
        },
    )
    _el(root, "title", title)
    _el(root, "desc", desc)
    _el(root, "rect", x=0, y=0, width=f"{width:.0f}", height=f"{height:.0f}", fill="#FFFFFF")
    return root


def _defs(root: ET.Element) -> None:
    defs = _el(root, "defs")
    pattern = _el(defs, "pattern", id="unreviewed-hatch", width=6, height=6, patternUnits="userSpaceOnUse")
    _el(pattern, "rect", width=6, height=6, fill=STATES["unreviewed"][0])
    _el(pattern, "path", d="M0,6 L6,0", stroke="#C8C8C8", stroke_width=1)


def _swatch(parent: ET.Element, state: str, x: float, y: float, size: float = CELL) -> ET.Element:
    fill, ink, _ = STATES[state]
    _el(
        parent,
        "rect",
        x=f"{x:.1f}",
        y=f"{y:.1f}",
        width=f"{size:.1f}",
        height=f"{size:.1f}",
        fill="url(#unreviewed-hatch)" if state == "unreviewed" else fill,
        stroke="#9A9A9A" if state == "unreviewed" else "#FFFFFF",
        stroke_width=1,
        stroke_dasharray="2,2" if state == "unreviewed" else None,
    )
    return _el(
        parent,
        "text",
        GLYPHS[state],
        x=f"{x + size / 2:.1f}",
        y=f"{y + size / 2 + 4.5:.1f}",
        text_anchor="middle",
        fill=ink,
        font_size=13,
    )


def _drop_empty(root: ET.Element) -> None:
    for e in root.iter():
        for k in [k for k, v in e.attrib.items() if v in ("", "None")]:
            del e.attrib[k]


def _legend(root: ET.Element, x: float, y: float, states: list[str]) -> float:
    """The legend's entries from ``x``, ``y``; returns the y below it."""
    g = _el(root, "g", class_="legend")
    _el(g, "text", "Legend", x=f"{x:.1f}", y=f"{y + 12:.1f}", font_weight="bold")
    y += 20
    for state in states:
        entry = _el(g, "g", class_="legend-entry", data_mode=state)
        _swatch(entry, state, x, y, 18)
        _el(entry, "text", STATES[state][2], x=f"{x + 26:.1f}", y=f"{y + 13:.1f}")
        y += 24
    return y


def tostring(root: ET.Element, declaration: bool = True) -> str:
    """The picture as text: an SVG file (``declaration``) or an ``<svg>``
    element to write into an HTML page."""
    _drop_empty(root)
    ET.indent(root, space=" ")
    head = '<?xml version="1.0" encoding="UTF-8"?>\n' if declaration else ""
    return head + ET.tostring(root, encoding="unicode") + "\n"


# -- the matrix --------------------------------------------------------------------
def _instrument_label(i: dict[str, Any]) -> str:
    """'EU AI Act (EU)': the name cut to LABEL_CHARS, the jurisdiction whole."""
    name = cut(clean(i.get("short_name") or i.get("name") or i["id"]), LABEL_CHARS)
    return f"{name} ({clean(i['jurisdiction'])})" if i.get("jurisdiction") else name


def matrix_svg(d: dict[str, Any], clocks: Clocks) -> str:
    """The heatmap of ``kb.queries.matrix.matrix_data``'s ``d``: a row per
    instrument (its name and jurisdiction), a column per topic (its name,
    slanted), a cell per pair with the mode's colour and glyph, and a legend."""
    topics, rows = d["topics"], d["rows"]
    labels = [_instrument_label(r["instrument"]) for r in rows]
    heads = [cut(clean(t["name"] or t["slug"]), HEADER_CHARS) for t in topics]
    title = f"Instrument × topic matrix{clocks.bracketed()}"
    left = 16 + max([text_width(x) for x in labels] + [120])
    # column heads slant up at 45°: they need their length times sin 45° above the grid, and stick out right
    rise = max([text_width(h) * 0.71 for h in heads] + [40])
    top = 48 + rise + 8
    grid_w, grid_h = CELL * len(topics), CELL * len(rows)
    reach = max([left + j * CELL + CELL / 2 + text_width(h) * 0.71 for j, h in enumerate(heads)] + [left + grid_w])
    legend_x = max(left + grid_w, reach) + 24
    width = max(legend_x + 230, text_width(title, 16) + 32)
    height = max(top + grid_h + 40, top + 20 + 24 * len(STATES) + 40)
    root = _svg(
        width,
        height,
        title,
        f"{len(rows)} instruments (rows, in catalog order) × {len(topics)} topics (columns, in topic order); "
        "each cell: ● explicit, ◐ implicit, ⚠ conflicts, · silent; a hatched · is silent because not reviewed.",
    )
    root.set("class", "kb-matrix")
    _defs(root)
    _el(root, "text", title, x=16, y=28, font_size=16, font_weight="bold", class_="chart-title")

    cols = _el(root, "g", class_="topics")
    for j, (t, head) in enumerate(zip(topics, heads)):
        x, y = left + j * CELL + CELL / 2, top - 6
        h = _el(
            cols,
            "text",
            head,
            x=f"{x:.1f}",
            y=f"{y:.1f}",
            transform=f"rotate(-45 {x:.1f} {y:.1f})",
            class_="topic",
            data_slug=t["slug"],
        )
        _el(h, "title", f"{t['name']} ({t['slug']})")

    body = _el(root, "g", class_="rows")
    for i, (r, label) in enumerate(zip(rows, labels)):
        inst = r["instrument"]
        y = top + i * CELL
        row = _el(body, "g", class_="row", data_instrument=inst["id"])
        name = _el(row, "text", label, x=f"{left - 8:.1f}", y=f"{y + CELL / 2 + 4:.1f}", text_anchor="end")
        where = f" ({inst['jurisdiction']})" if inst["jurisdiction"] else ""
        _el(name, "title", f"{inst['id']}: {inst['name']}{where}")
        for j, t in enumerate(topics):
            state = r["cells"].get(t["slug"], "unreviewed")
            cell = _el(row, "g", class_="cell", data_mode=state, data_topic=t["slug"])
            _swatch(cell, state, left + j * CELL, y)
            _el(cell, "title", f"{inst['id']} × {t['name']}: {STATES[state][2]}")

    _legend(root, legend_x, top, list(STATES))
    return tostring(root)


# -- the primacy timeline ---------------------------------------------------------------
def _ticks(first: date, last: date) -> list[date]:
    """1 January of each year from ``first``'s to the one after ``last``'s
    (every second or fifth year over long spans)."""
    years = list(range(first.year, last.year + 2))
    step = 1 if len(years) <= 12 else 2 if len(years) <= 24 else 5
    return [date(y, 1, 1) for y in years if (y - years[0]) % step == 0]


def primacy_svg(d: dict[str, Any], clocks: Clocks, declaration: bool = True) -> str:
    """The chart of ``kb.queries.topic.primacy``'s ``d``: a date axis, a mark
    per instrument at its adoption date (a row each, in the timeline's
    order), the first one emphasised; undated ones listed below the axis."""
    entries: list[dict[str, Any]] = []
    if d["primacy"]:
        p = d["primacy"]
        entries.append({"instrument": p["instrument"], "date": p["date"], "mode": p["mode"], "label": "first"})
    entries += d["timeline"]
    dated = [e for e in entries if e["date"] is not None]
    undated = [e for e in entries if e["date"] is None]
    title = f"Historical primacy: {d['topic']['name']}{clocks.bracketed()}"
    labels = [
        cut(clean(f"{e['instrument']['id']}: {e['instrument']['name']}"), LABEL_CHARS)
        + (f" ({e['instrument']['jurisdiction']})" if e["instrument"]["jurisdiction"] else "")
        for e in entries
    ]
    plot_x, plot_w, row_h = 24, 520, 24
    top = 70
    axis_y = top + row_h * len(dated) + 12
    texts = [
        f"{e['date'].isoformat() if e['date'] is not None else 'undated'}  "
        f"{GLYPHS[e['mode'] if e.get('reviewed', True) else 'unreviewed']} {label}  [{e['label']}]"
        for e, label in zip(entries, labels)
    ]
    label_room = max([text_width(x) for x in texts] + [200]) + 40
    width = max(plot_x + plot_w + label_room, text_width(title, 16) + 48)
    height = axis_y + 60
    first = d["primacy"]
    desc = (
        f"{d['topic']['name']}: first addressed by {first['instrument']['id']} on {first['date']}; "
        f"{len(entries) - 1} more instruments in date order"
        if first
        else f"{d['topic']['name']}: no dated instrument addresses this topic"
    )
    root = _svg(width, height, title, desc)
    root.set("class", "kb-primacy")
    _defs(root)
    _el(root, "text", title, x=16, y=28, font_size=16, font_weight="bold", class_="chart-title")
    if not first:
        _el(root, "text", "No dated instrument addresses this topic yet.", x=16, y=56, class_="empty")
    else:
        _el(
            root,
            "text",
            f"First: {first['instrument']['id']}, "
            + (f"{first['dated_by']} {first['date']}" if first.get("dated_by") else f"adopted {first['date']}"),
            x=16,
            y=50,
            class_="subtitle",
        )

    if dated:
        lo = min(e["date"] for e in dated)
        hi = max(e["date"] for e in dated)
        ticks = _ticks(lo, hi)
        start, end = ticks[0], max(ticks[-1], date(hi.year + 1, 1, 1))
        span = max((end - start).days, 1)

        def x_of(day: date) -> float:
            return plot_x + plot_w * (day - start).days / span

        axis = _el(root, "g", class_="axis")
        _el(axis, "line", x1=plot_x, y1=axis_y, x2=plot_x + plot_w, y2=axis_y, stroke="#333333")
        for t in ticks:
            x = x_of(t)
            _el(axis, "line", x1=f"{x:.1f}", y1=top - 6, x2=f"{x:.1f}", y2=axis_y + 5, stroke="#DDDDDD")
            _el(axis, "text", t.year, x=f"{x:.1f}", y=axis_y + 20, text_anchor="middle", class_="tick")
        _el(axis, "text", "adopted", x=plot_x + plot_w, y=axis_y + 36, text_anchor="end", fill="#555555")

    marks = _el(root, "g", class_="marks")
    undated_y = axis_y + 64
    for n, (e, text) in enumerate(zip(entries, texts)):
        state = e["mode"] if e.get("reviewed", True) else "unreviewed"
        is_first = e["label"] == "first"
        g = _el(marks, "g", class_="entry first" if is_first else "entry", data_label=e["label"], data_mode=state)
        if e["date"] is not None:
            y = top + row_h * n
            x = x_of(e["date"])
            _el(g, "line", x1=f"{x:.1f}", y1=f"{y:.1f}", x2=f"{x:.1f}", y2=axis_y, stroke="#BBBBBB", stroke_width=1)
            r = 9 if is_first else 6
            _el(
                g,
                "circle",
                cx=f"{x:.1f}",
                cy=f"{y:.1f}",
                r=r,
                fill="url(#unreviewed-hatch)" if state == "unreviewed" else STATES[state][0],
                stroke="#000000" if is_first else "#6A6A6A",
                stroke_width=3 if is_first else 1,
            )
            tx = plot_x + plot_w + 16
        else:
            y = undated_y
            undated_y += row_h
            tx = plot_x + 16
            _swatch(g, state, plot_x - 10, y - 9, 18)
        label = _el(
            g,
            "text",
            text,
            x=f"{tx:.1f}",
            y=f"{y + 4:.1f}",
            font_weight="bold" if is_first else None,
            fill=LABEL_COLOURS.get(e["label"], "#333333"),
            class_="label",
        )
        _el(label, "title", f"{e['instrument']['id']}: {e['instrument']['name']} ({e['label']}, {STATES[state][2]})")
    if undated:
        _el(root, "text", "Undated (never first):", x=plot_x - 10, y=axis_y + 46, font_weight="bold")

    used = [s for s in STATES if any((e["mode"] if e.get("reviewed", True) else "unreviewed") == s for e in entries)]
    bottom = _legend(root, plot_x - 10, (undated_y if undated else axis_y + 44) + 8, used or ["silent"])
    _resize(root, width, bottom + 12)
    return tostring(root, declaration)


def _resize(root: ET.Element, width: float, height: float) -> None:
    """Set the picture's size (and its white background's) once its content is laid out."""
    root.set("width", f"{width:.0f}")
    root.set("height", f"{height:.0f}")
    root.set("viewBox", f"0 0 {width:.0f} {height:.0f}")
    background = root.find("rect")
    background.set("width", f"{width:.0f}")
    background.set("height", f"{height:.0f}")


# -- PNG ---------------------------------------------------------------------------------
def png(svg: str, scale: float = 2.0) -> bytes:
    """The SVG rasterised by CairoSVG (with the system's libcairo2 and its
    fonts), at ``scale`` times its size."""
    from kb.errors import KbError

    try:
        import cairosvg
    except (ImportError, OSError) as e:  # OSError: the cairo library itself is missing
        raise KbError(
            f"PNG needs CairoSVG and the cairo library ({e}): install libcairo2 "
            "(apt-get install libcairo2), or write --format svg"
        ) from None
    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scale)
