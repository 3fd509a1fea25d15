"""Pictures: `kb matrix --format svg|png` (a heatmap) and `kb primacy SLUG
--format svg|png` (a timeline chart), read back as XML and checked against
the page's JSON and the seed's figures; hostile names stay text."""

from __future__ import annotations

import json
import struct
import xml.etree.ElementTree as ET
from datetime import date
from itertools import combinations

import pytest

from kb.queries.clocks import Clocks
from kb.render.svg import STATES, matrix_svg, primacy_svg

NS = {"s": "http://www.w3.org/2000/svg"}
HOSTILE = "<script>alert('x')</script> & \"Quoted\" \u200fעברית\u200f \x01end"


def parse(text: str) -> ET.Element:
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(text.encode("utf-8"))  # raises on anything that is not well-formed XML


def find(root: ET.Element, cls: str) -> list[ET.Element]:
    return [e for e in root.iter() if cls in (e.get("class") or "").split()]


def text_of(e: ET.Element) -> str:
    return e.text or ""


def lightness(hex_colour: str) -> float:
    """CIE L* of an sRGB colour."""
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return 116 * y ** (1 / 3) - 16 if y > 0.008856 else 903.3 * y


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", data[:16]
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_matrix_svg_is_the_matrix_of_the_corpus(cli, corpus_db):
    page = json.loads(cli("matrix", "-f", "json").stdout)
    result = cli("matrix", "-f", "svg")
    assert result.exit_code == 0, result.output
    root = parse(result.stdout)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.find("s:title", NS).text == "Instrument × topic matrix"

    rows, topics = page["rows"], page["topics"]
    assert (len(rows), len(topics)) == (26, 24)  # the corpus's instruments and topics
    cells = find(root, "cell")
    assert len(cells) == len(rows) * len(topics) == 624
    # the column heads are the topic NAMES, slanted, in topic order
    heads = find(root, "topic")
    assert [h.get("data-slug") for h in heads] == [t["slug"] for t in topics]
    for h, t in zip(heads, topics):  # a long name is cut, and whole in its tooltip
        assert text_of(h) == t["name"] or (text_of(h).endswith("…") and t["name"].startswith(text_of(h)[:-1]))
        assert h.find("s:title", NS).text == f"{t['name']} ({t['slug']})"
    assert sum(text_of(h) == t["name"] for h, t in zip(heads, topics)) >= 20
    assert all(h.get("transform", "").startswith("rotate(-45") for h in heads)
    # a row per instrument, labelled with its name and jurisdiction; each cell its mode and glyph
    drawn = find(root, "row")
    assert [r.get("data-instrument") for r in drawn] == [r["instrument"]["id"] for r in rows]
    glyph = {"explicit": "●", "implicit": "◐", "conflicts": "⚠", "silent": "·", "unreviewed": "·"}
    for row, data in zip(drawn, rows):
        label = text_of(row.find("s:text", NS))
        assert label.endswith(f"({data['instrument']['jurisdiction']})"), label
        row_cells = find(row, "cell")
        assert [c.get("data-topic") for c in row_cells] == [t["slug"] for t in topics]
        for c in row_cells:
            mode = data["cells"][c.get("data-topic")]
            assert c.get("data-mode") == mode
            assert text_of(c.find("s:text", NS)) == glyph[mode]
            assert c.find("s:rect", NS).get("fill") == (
                "url(#unreviewed-hatch)" if mode == "unreviewed" else STATES[mode][0]
            )
    # the seed topic's column: 3 explicit, 7 implicit, 16 silent (reviewed or not)
    column = [c.get("data-mode") for c in cells if c.get("data-topic") == "open_weight_release"]
    assert (column.count("explicit"), column.count("implicit")) == (3, 7)
    assert column.count("silent") + column.count("unreviewed") == 16

    legend = find(root, "legend-entry")
    assert [e.get("data-mode") for e in legend] == ["explicit", "conflicts", "implicit", "silent", "unreviewed"]
    assert [text_of(e.findall("s:text", NS)[0]) for e in legend] == ["●", "⚠", "◐", "·", "·"]
    words = [text_of(e.findall("s:text", NS)[1]) for e in legend]
    assert words[0] == "explicit" and "not reviewed" in words[-1]


def test_matrix_svg_takes_the_clocks_and_topics(cli, corpus_db):
    result = cli("matrix", "-f", "svg", "--as-of", "2023-01-01", "--topic", "open_weight_release")
    assert result.exit_code == 0, result.output
    root = parse(result.stdout)
    assert root.find("s:title", NS).text == "Instrument × topic matrix (as of 2023-01-01)"
    page = json.loads(cli("matrix", "-f", "json", "--as-of", "2023-01-01", "--topic", "open_weight_release").stdout)
    assert 0 < len(page["rows"]) < 26
    assert len(find(root, "cell")) == len(page["rows"])


def test_each_mode_has_its_own_lightness():
    """Read in grey, the modes stay apart: their fills differ in L* by 15 or more."""
    values = {state: lightness(fill) for state, (fill, _, _) in STATES.items()}
    for a, b in combinations(values, 2):
        assert abs(values[a] - values[b]) >= 15, (a, b, values)
    # and each glyph reads on its fill
    for state, (fill, ink, _) in STATES.items():
        assert abs(lightness(fill) - lightness(ink)) >= 40, state


def test_primacy_svg_is_the_timeline(cli, corpus_db):
    page = json.loads(cli("primacy", "open_weight_release", "-f", "json").stdout)
    result = cli("primacy", "open_weight_release", "-f", "svg")
    assert result.exit_code == 0, result.output
    root = parse(result.stdout)
    assert root.find("s:title", NS).text == f"Historical primacy: {page['topic']['name']}"
    entries = find(root, "entry")
    assert len(entries) == 1 + len(page["timeline"])
    first = find(root, "first")
    assert len(first) == 1 and first[0] is entries[0]
    label = text_of(find(first[0], "label")[0])
    assert "CN-GENAI-2023" in label and page["primacy"]["date"] in label and "[first]" in label
    assert first[0].find("s:text", NS).get("font-weight") == "bold"
    marks = [e.find("s:circle", NS) for e in entries]
    dated = [m for m in marks if m is not None]
    assert float(first[0].find("s:circle", NS).get("r")) > max(float(m.get("r")) for m in dated[1:])
    # marks left to right in date order, on an axis of years
    xs = [float(m.get("cx")) for m in dated]
    days = [e["date"] for e in [page["primacy"], *page["timeline"]] if e["date"]]
    assert days == sorted(days) and xs == sorted(xs)
    years = [int(text_of(t)) for t in find(root, "tick")]
    assert years == sorted(years) and years[0] <= int(days[0][:4]) and years[-1] > int(days[-1][:4])
    assert find(root, "legend-entry")


@pytest.mark.slow
def test_pictures_as_png_and_to_a_file(cli, corpus_db, tmp_path):
    svg_file, png_file = tmp_path / "m.svg", tmp_path / "m.png"
    assert cli("matrix", "-o", str(svg_file)).exit_code == 0  # the format from the file's extension
    root = parse(svg_file.read_text(encoding="utf-8"))
    width, height = float(root.get("width")), float(root.get("height"))
    assert cli("matrix", "-o", str(png_file)).exit_code == 0
    w, h = png_size(png_file.read_bytes())
    assert (w, h) == (round(width * 2), round(height * 2))  # drawn at twice the size
    assert 800 < w < 4000 and 800 < h < 4000

    result = cli("primacy", "open_weight_release", "-f", "png")
    assert result.exit_code == 0
    w, h = png_size(result.stdout_bytes)
    assert w > 600 and h > 400

    csv_file = tmp_path / "m.csv"
    assert cli("matrix", "-o", str(csv_file)).exit_code == 0
    assert csv_file.read_text(encoding="utf-8").startswith("id,name,jurisdiction,")


def test_a_bad_topic_draws_nothing(cli, corpus_db, tmp_path):
    out = tmp_path / "m.svg"
    result = cli("matrix", "--topic", "open_weight", "-o", str(out))
    assert result.exit_code == 1
    assert "did you mean" in result.output
    assert not out.exists()


def _hostile_matrix() -> dict:
    inst = {"id": "X-<1>", "name": HOSTILE, "short_name": None, "jurisdiction": 'J"&<'}
    return {
        "as_of": None,
        "as_recorded": None,
        "legend": {},
        "topics": [{"slug": "t&1", "name": HOSTILE, "rank": 1}, {"slug": "t2", "name": "Plain", "rank": 2}],
        "rows": [{"instrument": inst, "cells": {"t&1": "explicit", "t2": "unreviewed"}}],
    }


def test_hostile_names_stay_text():
    clocks = Clocks.resolve()
    clean = HOSTILE.replace("\x01", "")
    text = matrix_svg(_hostile_matrix(), clocks)
    root = parse(text)
    assert "<script" not in text and not [e for e in root.iter() if e.tag.endswith("script")]
    heads = find(root, "topic")
    assert [h.find("s:title", NS).text for h in heads] == [f"{clean} (t&1)", "Plain (t2)"]
    assert clean.startswith(text_of(heads[0])[:-1]) and text_of(heads[1]) == "Plain"
    label = text_of(find(root, "row")[0].find("s:text", NS))
    assert label == f'{clean} (J"&<)'
    assert len(find(root, "cell")) == 2

    inst = {"id": "X-<1>", "name": HOSTILE, "jurisdiction": "J&"}
    d = {
        "topic": {"slug": "t", "name": HOSTILE},
        "primacy": {"instrument": inst, "date": date(2023, 8, 15), "mode": "explicit", "pinpoint": None},
        "timeline": [
            {"instrument": {**inst, "id": "Y'"}, "date": None, "mode": "silent", "label": "silent", "reviewed": False}
        ],
        "timeline_counts": {},
    }
    text = primacy_svg(d, clocks)
    root = parse(text)
    assert "<script" not in text
    assert root.find("s:title", NS).text == f"Historical primacy: {clean}"
    labels = find(root, "label")
    assert text_of(labels[0]).startswith("2023-08-15  ● X-<1>: <script>") and text_of(labels[0]).endswith("[first]")
    assert labels[0].find("s:title", NS).text == f"X-<1>: {clean} (first, explicit)"
    assert text_of(labels[1]).startswith("undated  · Y'") and "(J&)" in text_of(labels[1])
    assert [e.get("data-mode") for e in find(root, "entry")] == ["explicit", "unreviewed"]
