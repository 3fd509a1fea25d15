"""Topic pages: the topic page (``kb topic``), primacy and its timeline
(``kb primacy``), and forum-shopping (``kb forum-shopping``), laid out from
kb.queries.topic's data."""

from __future__ import annotations

from typing import Any

from kb.queries.clocks import Clocks
from kb.render.blocks import LEGEND, Bullets, Figure, Heading, Linked, Page, Table, Text, mode_cell
from kb.render.svg import primacy_svg
from kb.words import plural

TALLY = ("codified", "diverged", "implicit", "silent", "undated")


def primacy_sentence(p: dict[str, Any] | None) -> str:
    if p is None:
        return "No tracked instrument addresses this topic yet, so none has primacy."
    i = p["instrument"]
    text = f"First addressed by {i['name']} on {p['date'].isoformat()} ({p['mode']})."
    if p.get("dated_by"):  # primacy by introduction date
        text += f" By introduction date ({p['dated_by']} on that date); the timeline goes by adoption date."
    return Linked(text, ("instrument", i["id"], i["name"]))


def timeline_tally(counts: dict[str, int]) -> str:
    """'Since then: 3 codified, 0 diverged, 6 implicit, 12 silent, 1 undated.'
    from the whole timeline's tally (``timeline_counts``)."""
    shown = [f"{counts[k]} {k}" for k in TALLY if counts[k] or k in ("codified", "diverged", "silent")]
    return "Since then: " + ", ".join(shown) + "."


def more_text(shown: int, total: int, what: str) -> str | None:
    """'... the first 50 of 8,333 silent regimes, in catalog order (--all lists every one).'"""
    if shown >= total:
        return None
    return f"The first {shown:,} of {total:,} {what} (--all lists every one, --limit N the first N)."


def source_text(x: dict[str, Any]) -> str:
    """'pw:hub: Policy Window, ... <https://...> (catalog; 26 cells, not checked in the primary text)'."""
    if not x["cells"]:
        cells = ""
    else:
        checked = "checked in it" if x["checked"] else "not checked in the primary text"
        cells = f"; {x['cells']} {'cell' if x['cells'] == 1 else 'cells'}, {checked}"
    text = f"{x['id']}: {x['title']}" + (f" <{x['url']}>" if x["url"] else "") + f" ({x['kind']}{cells})"
    return Linked(text, ("source", x["id"]), ("url", x["url"]))


def pair_text(p: dict[str, Any]) -> str:
    e, s = p["explicit"], p["silent"]
    tail = "" if s.get("reviewed", True) else ", unreviewed"
    return Linked(
        f"{e['name']} ({e['jurisdiction']}, explicit) ↔ {s['name']} ({s['jurisdiction']}, silent{tail})",
        ("instrument", e["id"], e["name"]),
        ("jurisdiction", e["jurisdiction"]),
        ("instrument", s["id"], s["name"]),
        ("jurisdiction", s["jurisdiction"]),
    )


def _named(i: dict[str, Any]) -> Linked:
    """An instrument's name, linked to it."""
    return Linked(i["name"], ("instrument", i["id"], i["name"]))


def _more(blocks: list[Any], shown: int, total: int, what: str) -> None:
    text = more_text(shown, total, what)
    if text:
        blocks.append(Text(text, dim=True))


COVERAGE_COLUMNS = [
    "catalog_rank",
    "id",
    "name",
    "jurisdiction",
    "mode",
    "reviewed",
    "pinpoint",
    "confidence",
    "status",
    "binding",
    "adopted",
    "note",
    "source",
]


def topic_page(d: dict[str, Any], clocks: Clocks) -> Page:
    """The page of ``kb.queries.topic.topic_data``'s ``d``, read at
    ``clocks``; CSV: the coverage rows."""
    t = d["topic"]
    subtitle = f"{t['slug']} · AI-governance topic" + (f" · {clocks.describe()}" if clocks.describe() else "")
    blocks: list[Any] = [
        Heading(t["name"], 1),
        Text(subtitle, dim=True),
        Text(d["summary"]),
        Heading("Definition and scope"),
        Text(t["definition"]),
    ]
    if t["question"]:
        blocks.append(Text("Contested: " + t["question"]))

    blocks.append(Heading("Historical primacy & cross-jurisdiction tension"))
    blocks.append(Text(primacy_sentence(d["primacy"])))
    if d["primacy"]:
        blocks.append(Text(timeline_tally(d["timeline_counts"])))
        blocks.append(
            Figure(
                lambda: primacy_svg(d, clocks, declaration=False),
                "The timeline by adoption date; the table below lists the same instruments.",
            )
        )
        blocks.append(
            Table(
                rows=[
                    {
                        "date": x["date"].isoformat() if x["date"] else "",
                        "instrument": _named(x["instrument"]),
                        "jurisdiction": x["instrument"]["jurisdiction"],
                        "label": x["label"],
                    }
                    for x in d["timeline"]
                ],
                columns=["date", "instrument", "jurisdiction", "label"],
                links={"jurisdiction": "jurisdiction"},
            )
        )
        _more(blocks, len(d["timeline"]), d["totals"]["timeline"], "timeline entries")
    blocks.append(Text("Forum-shopping pairs (explicit here, silent there):"))
    blocks.append(
        Bullets([pair_text(p) for p in d["forum_shopping"]], empty="(no cross-jurisdiction explicit/silent pair)")
    )
    if d["conflicts"]:
        blocks.append(Text("Curated conflicts:"))
        blocks.append(
            Bullets(
                [
                    Linked(
                        f"{c['a']['name']} ↔ {c['b']['name']}: {c['basis']}",
                        ("instrument", c["a"]["id"], c["a"]["name"]),
                        ("instrument", c["b"]["id"], c["b"]["name"]),
                    )
                    for c in d["conflicts"]
                ]
            )
        )

    blocks.append(Heading("Cross-jurisdiction coverage"))
    blocks.append(
        Table(
            rows=[
                {
                    "id": c["instrument"]["id"],
                    "instrument": _named(c["instrument"]),
                    "jurisdiction": c["instrument"]["jurisdiction"],
                    "mode": mode_cell(c["mode"], c["reviewed"]),
                    "pinpoint": c["pinpoint"],
                }
                for c in d["coverage"]
            ],
            columns=["id", "instrument", "jurisdiction", "mode", "pinpoint"],
            links={"id": "instrument", "jurisdiction": "jurisdiction"},
        )
    )
    _more(blocks, len(d["coverage"]), d["totals"]["coverage"], "tracked instruments, in catalog order")
    blocks.append(Text(LEGEND, dim=True))

    blocks.append(Heading("Silent regimes — gap signal"))
    blocks.append(Text(f"Instruments that do not address {t['name']} — candidates for future policy work."))
    blocks.append(
        Bullets(
            [
                Linked(
                    f"{s['name']} · {s['jurisdiction']}" + ("" if s["reviewed"] else " (unreviewed)"),
                    ("instrument", s["id"], s["name"]),
                    ("jurisdiction", s["jurisdiction"]),
                )
                for s in d["silent"]
            ]
        )
    )
    _more(blocks, len(d["silent"]), d["totals"]["silent"], "silent regimes, in catalog order")

    blocks.append(Heading("References"))
    blocks.append(
        Bullets(
            [
                Linked(r["text"], ("instrument", r["instrument"]), ("source", r["source"], f"[{r['source']}]"))
                for r in d["references"]
            ]
        )
    )
    blocks.append(Heading("Sources"))
    blocks.append(Bullets([source_text(x) for x in d["sources"]]))

    if len(d["coverage"]) < d["totals"]["coverage"]:
        blocks.append(Text("(the references of the instruments listed above)", dim=True))

    rows = [
        {
            "catalog_rank": c["catalog_rank"],
            "id": c["instrument"]["id"],
            "name": c["instrument"]["name"],
            "jurisdiction": c["instrument"]["jurisdiction"],
            **{k: c[k] for k in COVERAGE_COLUMNS[4:]},
        }
        for c in d["coverage"]
    ]
    return Page(d, blocks, rows, COVERAGE_COLUMNS)


def primacy_page(d: dict[str, Any], clocks: Clocks) -> Page:
    """The page of ``kb.queries.topic.primacy``'s ``d``, read at ``clocks``."""
    rows = []
    if d["primacy"]:
        p = d["primacy"]
        rows.append({"date": p["date"], **p["instrument"], "mode": p["mode"], "label": "first"})
    rows += [{"date": x["date"], **x["instrument"], "mode": x["mode"], "label": x["label"]} for x in d["timeline"]]
    columns = ["date", "id", "name", "jurisdiction", "mode", "label"]
    blocks: list[Any] = [
        Heading(f"Historical primacy: {d['topic']['name']}{clocks.bracketed()}", 1),
        Text(primacy_sentence(d["primacy"])),
    ]
    if d["primacy"]:
        blocks += [Text(timeline_tally(d["timeline_counts"])), Table(rows, columns)]
        _more(blocks, len(d["timeline"]), d["timeline_counts"]["total"], "timeline entries")
    return Page(d, blocks, rows, columns)


PAIR_COLUMNS = [
    "explicit_id",
    "explicit",
    "explicit_jurisdiction",
    "silent_id",
    "silent",
    "silent_jurisdiction",
    "silent_reviewed",
]


def forum_shopping_page(d: dict[str, Any], clocks: Clocks) -> Page:
    """The page of ``kb.queries.topic.forum_shopping_data``'s ``d`` (the
    topic page's pairs), read at ``clocks``."""
    pairs = d["pairs"]
    rows = [
        {
            "explicit_id": p["explicit"]["id"],
            "explicit": p["explicit"]["name"],
            "explicit_jurisdiction": p["explicit"]["jurisdiction"],
            "silent_id": p["silent"]["id"],
            "silent": p["silent"]["name"],
            "silent_jurisdiction": p["silent"]["jurisdiction"],
            "silent_reviewed": p["silent"]["reviewed"],
        }
        for p in pairs
    ]
    blocks = [
        Heading(f"Forum-shopping: {d['topic']['name']}{clocks.bracketed()}", 1),
        Text(
            "Explicit instruments in catalog order, each paired with the first silent instrument "
            "of another jurisdiction not paired yet (at most three; --all for every pair)."
        ),
        Bullets([pair_text(p) for p in pairs], empty="(no cross-jurisdiction explicit/silent pair)"),
    ]
    return Page(d, blocks, rows, PAIR_COLUMNS)


SCORED_COLUMNS = [
    "score",
    "kind",
    "strict_id",
    "strict_jurisdiction",
    "strict_binding",
    "strict_status",
    "lenient_id",
    "lenient_jurisdiction",
    "lenient_mode",
    "lenient_reviewed",
    "lenient_binding",
    "lenient_status",
]


def scored_pairs_page(d: dict[str, Any], clocks: Clocks) -> Page:
    """The page of ``kb.queries.topic.forum_shopping_data``'s ``d`` with
    every pair (``all_pairs``), read at ``clocks``: the best-scored pairs and
    the curated conflicts."""
    pairs, limit = d["pairs"], d["limit"]
    rows = [
        {
            "score": p["score"],
            "kind": p["kind"],
            **{f"strict_{k}": p["strict"][k] for k in ("id", "jurisdiction", "binding", "status")},
            **{
                f"lenient_{k}": p["lenient"][k] for k in ("id", "jurisdiction", "mode", "reviewed", "binding", "status")
            },
        }
        for p in pairs
    ]
    table_rows = [
        {
            "score": p["score"],
            "kind": p["kind"].replace("explicit-", "vs "),
            "strict": f"{p['strict']['id']} ({p['strict']['jurisdiction']})",
            "lenient": f"{p['lenient']['id']} ({p['lenient']['jurisdiction']})"
            + ("" if p["lenient"]["reviewed"] else " unreviewed"),
        }
        for p in pairs
    ]
    n_strong = sum(1 for p in pairs if p["kind"] == "explicit-silent")
    capped = limit is not None and len(pairs) >= limit
    blocks = [
        Heading(
            f"Forum-shopping, {'the best pairs' if capped else 'every pair'}: {d['topic']['name']}{clocks.bracketed()}",
            1,
        ),
        Text(
            f"{plural(n_strong, 'explicit-silent pair')} and "
            f"{plural(len(pairs) - n_strong, 'weaker explicit-implicit pair')} across jurisdictions"
            + (f": the {limit} best-scored (--limit N for more, --limit all for every pair)." if capped else ".")
        ),
        Text("Score (0-7): " + "; ".join(f"+{s['points']} {s['when']}" for s in d["score"]) + ".", dim=True),
        Table(
            table_rows,
            ["score", "kind", "strict", "lenient"],
            headers={"strict": "explicit (strict)", "lenient": "silent or implicit (lenient)"},
        ),
        Heading("Curated conflicts"),
        Bullets([f"{c['a']['id']} ↔ {c['b']['id']}: {c['basis']}" for c in d["conflicts"]]),
    ]
    return Page(d, blocks, rows, SCORED_COLUMNS)
