"""Entity pages: one instrument (``kb instrument``), jurisdiction, developer
or paper, laid out from kb.queries.entities' data."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from kb.queries.clocks import Clocks
from kb.render.blocks import Bullets, Heading, Linked, Page, Table, Text, mode_cell
from kb.render.topic_page import source_text
from kb.words import plural


def _iso(d: Any) -> str:
    return d.isoformat() if d is not None else ""


def _facts(pairs: list[tuple[str, Any]]) -> Table:
    rows = [
        {"field": k, "value": _iso(v) if hasattr(v, "isoformat") else v} for k, v in pairs if v not in (None, "", [])
    ]
    return Table(rows, ["field", "value"])


def _link(x: dict[str, Any]) -> str:
    note = f" — {x['note']}" if x.get("note") else ""
    kind = x.get("label", "").lower() or "instrument"
    return Linked(f"{x['id']} ({kind}): {x['name']}{note}", (kind, x["id"]))


# -- instrument ---------------------------------------------------------------
CELL_COLUMNS = ["topic", "mode", "pinpoint", "confidence", "note", "source", "checked"]


def instrument_page(d: dict[str, Any], clocks: Clocks) -> Page:
    """The page of ``kb.queries.entities.instrument_data``'s ``d``; CSV: its cells."""
    i, j, dev = d["instrument"], d["jurisdiction"] or {}, d["issued_by"]
    kind = f"{i['kind']} · {'binding' if i['binding'] else 'voluntary'} · {i['status']}"
    blocks: list[Any] = [
        Heading(i["name"] + clocks.bracketed(), 1),
        Text(
            Linked(
                f"{i['id']} · {j.get('name', '?')} ({j.get('code', '?')}) · {kind}",
                ("jurisdiction", j.get("code"), j.get("name")),
            ),
            dim=True,
        ),
        _facts(
            [
                ("short name", i["short_name"]),
                ("adopted", i["adopted"]),
                ("effective", i["effective"]),
                ("ended", i["ended"]),
                ("citation", i["citation"]),
                ("url", Linked(i["url"], ("url", i["url"])) if i["url"] else None),
                ("issued by", Linked(f"{dev['name']} ({dev['id']})", ("developer", dev["id"])) if dev else None),
                ("catalog rank", i["catalog_rank"]),
                ("source", Linked(i["source"], ("source", i["source"])) if i["source"] else None),
                ("date note", i["date_note"]),
            ]
        ),
    ]
    if i["notes"]:
        blocks.append(Text(i["notes"]))
    if d["status_history"]:
        blocks += [
            Heading("Status history"),
            Table(
                [{"from": _iso(s["date"]), "status": s["status"], "source": s["source"]} for s in d["status_history"]],
                ["from", "status", "source"],
                links={"source": "source"},
            ),
        ]
    addressed = sum(1 for c in d["cells"] if c["mode"] != "silent")
    blocks += [
        Heading("Coverage"),
        Text(
            f"Addresses {plural(addressed, 'topic')}; reviewed and silent on "
            f"{sum(1 for c in d['cells'] if c['mode'] == 'silent')}; not reviewed for {d['unreviewed_topics']}."
        ),
        Table(
            [
                {
                    "topic": c["topic"],
                    "mode": mode_cell(c["mode"]),
                    "pinpoint": c["pinpoint"],
                    "confidence": c["confidence"],
                    "source": Linked(c["source"] + ("" if c["checked"] else " (not checked)"), ("source", c["source"])),
                }
                for c in d["cells"]
            ],
            ["topic", "mode", "pinpoint", "confidence", "source"],
            links={"topic": "topic"},
        ),
    ]
    if d["conflicts"]:
        blocks += [
            Heading("Curated conflicts"),
            Bullets(
                [
                    Linked(
                        f"{c['topic']}: ↔ {c['other']} ({c['other_name']}) — {c['basis']}",
                        ("topic", c["topic"]),
                        ("instrument", c["other"]),
                    )
                    for c in d["conflicts"]
                ]
            ),
        ]
    for title, k in (("Cites", "cites"), ("Cited by", "cited_by")):
        if d[k]:
            blocks += [Heading(title), Bullets([_link(x) for x in d[k]])]
    for title, k in (("Revokes", "revokes"), ("Revoked by", "revoked_by")):
        if d[k]:
            blocks += [
                Heading(title),
                Bullets(
                    [
                        Linked(
                            f"{x['id']} on {_iso(x['date'])} ({x['scope']}): {x['name']}"
                            + (f" — {x['note']}" if x["note"] else ""),
                            ("instrument", x["id"]),
                        )
                        for x in d[k]
                    ]
                ),
            ]
    if d["signatories"]:
        blocks += [
            Heading("Signed by"),
            Bullets(
                [
                    Linked(
                        f"{s['name']} ({s['id']}, {s['posture']} weights)"
                        + (f" on {_iso(s['date'])}" if s["date"] else ""),
                        ("developer", s["id"], s["name"]),
                    )
                    for s in d["signatories"]
                ]
            ),
        ]
    blocks += _crosswalk_blocks(i, d.get("same_as") or [])
    blocks += [Heading("Sources"), Bullets([source_text(x) for x in d["sources"]])]
    return Page(d, blocks, d["cells"], CELL_COLUMNS)


def _crosswalk_blocks(i: dict[str, Any], same_as: list[dict[str, Any]]) -> list[Any]:
    """Its official identifiers and what other catalogs say of it (SAME_AS)."""
    blocks: list[Any] = []
    if i.get("identifiers"):
        src = i.get("identifiers_source")
        blocks += [
            Heading("Identifiers"),
            Bullets([x.replace(":", ": ", 1) for x in i["identifiers"]]),
        ]
        if src:
            blocks.append(Text(Linked(f"source: {src}", ("source", src)), dim=True))
    if same_as:
        blocks += [
            Heading("In other catalogs"),
            Table(
                [
                    {
                        "catalog": x["catalog"],
                        "id": x["id"],
                        "status": x["status"],
                        "matched by": x["matched_by"]
                        + (" (" + ", ".join(x["identifiers"]) + ")" if x["identifiers"] else ""),
                        "tags": "; ".join(x["tags"]),
                    }
                    for x in same_as
                ],
                ["catalog", "id", "status", "matched by", "tags"],
                links={"id": "instrument"},
            ),
        ]
    return blocks


# -- jurisdiction -------------------------------------------------------------
INSTRUMENT_COLUMNS = ["id", "name", "kind", "binding", "adopted", "status"]


def _law_cell(mode: str, ids: list[str], ended: list[str] = ()) -> str:
    """'● explicit: EU-AIA-2024' (instruments no longer or not yet in effect marked)."""
    names = [f"{i} (not in effect)" if i in ended else i for i in ids]
    if mode == "none":
        cell = "- none in effect"
    else:
        cell = mode_cell("silent", False) if mode == "unreviewed" else mode_cell(mode)
    return Linked(cell + (": " + ", ".join(names) if names else ""), *(("instrument", i) for i in ids))


def jurisdiction_page(d: dict[str, Any], clocks: Clocks) -> Page:
    """The page of ``kb.queries.entities.jurisdiction_data``'s ``d``; CSV: its instruments."""
    j = d["jurisdiction"]
    law = [i for i in d["instruments"] if not i["framework"]]
    frameworks = [i for i in d["instruments"] if i["framework"]]
    blocks: list[Any] = [
        Heading(f"{j['name']} ({j['code']})" + clocks.bracketed(), 1),
        Text(
            Linked(
                j["kind"]
                + (f" · part of {d['part_of']['name']} ({d['part_of']['code']})" if d["part_of"] else "")
                + (" · parts: " + ", ".join(p["code"] for p in d["parts"]) if d["parts"] else ""),
                ("jurisdiction", (d["part_of"] or {}).get("code"), (d["part_of"] or {}).get("name")),
                *(("jurisdiction", p["code"]) for p in d["parts"]),
            ),
            dim=True,
        ),
        Heading("Instruments"),
        Table(
            [{**i, "adopted": _iso(i["adopted"])} for i in law],
            INSTRUMENT_COLUMNS,
            empty="(no tracked public instrument issued here)",
            links={"id": "instrument"},
        ),
    ]
    if frameworks:
        blocks += [
            Heading("Company frameworks"),
            Text("Issued by developers based here: their own commitments, not public law.", dim=True),
            Table(
                [{**i, "adopted": _iso(i["adopted"])} for i in frameworks],
                INSTRUMENT_COLUMNS,
                links={"id": "instrument"},
            ),
        ]
    if d["developers"]:
        blocks += [
            Heading("Developers based here"),
            Bullets(
                [
                    Linked(f"{x['name']} ({x['id']}, {x['posture']} weights)", ("developer", x["id"], x["name"]))
                    for x in d["developers"]
                ]
            ),
        ]
    if d["instruments"]:
        columns = ["topic", "law"] + (["frameworks"] if frameworks else [])
        blocks += [
            Heading("Topics"),
            Text(
                "Public instruments (laws, orders, policies, standards): the best mode those in effect give "
                "each topic (those proposed, vetoed or revoked are listed, marked not in effect); ·? "
                "unreviewed: none of them was reviewed on it." + (" Company frameworks apart." if frameworks else ""),
                dim=True,
            ),
            Table(
                [
                    {
                        "topic": t["topic"],
                        "law": _law_cell(t["mode"], t["instruments"], t["ended"]),
                        "frameworks": _law_cell(t["frameworks_mode"], t["frameworks"]),
                    }
                    for t in d["topics"]
                ],
                columns,
                headers={"law": "public instruments", "frameworks": "company frameworks"},
                links={"topic": "topic"},
            ),
            Heading("Gaps"),
            Text(
                Linked(
                    f"Reviewed and silent ({len(d['gaps_silent'])}): " + (", ".join(d["gaps_silent"]) or "none"),
                    *(("topic", t) for t in d["gaps_silent"]),
                )
            ),
            Text(
                Linked(
                    f"Not reviewed, or no public instrument in effect ({len(d['gaps_unreviewed'])}): "
                    + (", ".join(d["gaps_unreviewed"]) or "none"),
                    *(("topic", t) for t in d["gaps_unreviewed"]),
                )
            ),
        ]
    return Page(d, blocks, d["instruments"], INSTRUMENT_COLUMNS + ["framework"])


# -- developer ----------------------------------------------------------------
DEV_COLUMNS = ["relation", "id", "name", "jurisdiction", "binding", "status", "date", "mode", "reviewed", "pinpoint"]


def developer_page(d: dict[str, Any], clocks: Clocks) -> Page:
    """The page of ``kb.queries.entities.developer_data``'s ``d``; CSV: its instruments."""
    dev, home = d["developer"], d["home"] or {}
    rows = [{"relation": "issued", **x, "date": x["adopted"]} for x in d["issued"]] + [
        {"relation": "signed", **x, "date": x["signed"]} for x in d["signed"]
    ]
    for r in rows:
        r.pop("adopted", None), r.pop("signed", None)
    blocks: list[Any] = [
        Heading(dev["name"] + clocks.bracketed(), 1),
        Text(
            Linked(
                f"{dev['id']} · {dev['posture']} weights · based in {home.get('name', '?')} ({home.get('code', '?')})",
                ("jurisdiction", home.get("code"), home.get("name")),
            ),
            dim=True,
        ),
    ]
    if dev.get("note"):
        blocks.append(Text(dev["note"]))
    blocks += [
        Heading(f"Instruments it issued or signed, and how they treat {d['topic']}"),
        Table(
            [
                {
                    "relation": r["relation"],
                    "id": r["id"],
                    "jurisdiction": r["jurisdiction"],
                    "date": _iso(r["date"]),
                    "mode": mode_cell(r["mode"], r["reviewed"]),
                    "pinpoint": r["pinpoint"],
                }
                for r in rows
            ],
            ["relation", "id", "jurisdiction", "date", "mode", "pinpoint"],
            empty="(it issued or signed no tracked instrument)",
            links={"id": "instrument", "jurisdiction": "jurisdiction"},
        ),
        Heading(f"Binding law that reaches it, and how it treats {d['topic']}"),
        Text(
            "Binding instruments in force where it is based or operates (or in what those are part of).",
            dim=True,
        ),
        Table(
            [
                {
                    "id": x["id"],
                    "jurisdiction": x["jurisdiction"],
                    "via": ", ".join(x["via"]),
                    "status": x["status"],
                    "mode": mode_cell(x["mode"], x["reviewed"]),
                    "pinpoint": x["pinpoint"],
                }
                for x in d["exposure"]
            ],
            ["id", "jurisdiction", "via", "status", "mode", "pinpoint"],
            empty="(no tracked binding instrument in force where it is based or operates)",
            links={"id": "instrument", "jurisdiction": "jurisdiction"},
        ),
    ]
    rows += [
        {
            "relation": "reaches",
            **{k: x[k] for k in ("id", "name", "jurisdiction", "status", "mode", "reviewed", "pinpoint")},
            "binding": True,
            "date": None,
        }
        for x in d["exposure"]
    ]
    return Page(d, blocks, rows, DEV_COLUMNS)


# -- paper --------------------------------------------------------------------
PAPER_COLUMNS = ["relation", "id", "name", "note"]


def paper_page(d: dict[str, Any], clocks: Clocks) -> Page:
    """The page of ``kb.queries.entities.paper_data``'s ``d``: the catalog as
    recorded then (a paper has no legal time); CSV: its links."""
    p = d["paper"]
    blocks: list[Any] = [
        Heading(p["title"] + replace(clocks, as_of_given=False).bracketed(), 1),
        Text(
            f"{p['id']} · {', '.join(p['authors'])} · {p['year']}" + (f" · {p['venue']}" if p["venue"] else ""),
            dim=True,
        ),
        _facts(
            [
                ("doi", p["doi"]),
                ("url", Linked(p["url"], ("url", p["url"])) if p["url"] else None),
                ("class", p["primary_class"]),
                ("source", Linked(p["source"], ("source", p["source"])) if p["source"] else None),
            ]
        ),
        Heading("Topics it addresses"),
        Bullets(
            [
                Linked(f"{a['topic']}: {a['name']}" + (f" — {a['note']}" if a["note"] else ""), ("topic", a["topic"]))
                for a in d["addresses"]
            ]
        ),
        Heading("Cites"),
        Bullets([_link(x) for x in d["cites"]]),
    ]
    if d["cited_by"]:
        blocks += [Heading("Cited by"), Bullets([_link(x) for x in d["cited_by"]])]
    if d["similar"]:
        blocks += [
            Heading("Similar papers"),
            Bullets([Linked(f"{s['id']}: {s['title']} ({s['year']})", ("paper", s["id"])) for s in d["similar"]]),
        ]
    rows = (
        [{"relation": "cites", "id": x["id"], "name": x["name"], "note": x["note"]} for x in d["cites"]]
        + [{"relation": "cited_by", "id": x["id"], "name": x["name"], "note": x["note"]} for x in d["cited_by"]]
        + [{"relation": "addresses", "id": a["topic"], "name": a["name"], "note": a["note"]} for a in d["addresses"]]
        + [{"relation": "similar", "id": s["id"], "name": s["title"], "note": s["note"]} for s in d["similar"]]
    )
    return Page(d, blocks, rows, PAPER_COLUMNS)


SOURCE_COLUMNS = ["cited_by", "type", "from", "to", "mode", "pinpoint"]


def source_page(d: dict[str, Any], clocks: Clocks) -> Page:
    """The page of ``kb.queries.sources.source_data``'s ``d``: the catalog as
    recorded then (a source has no legal time); CSV: what cites it."""
    s = d["source"]
    checked = "checked in it" if s["kind"] == "primary" else "taken from it, not checked in the primary text"
    blocks: list[Any] = [
        Heading(s["title"] + replace(clocks, as_of_given=False).bracketed(), 1),
        Text(f"{s['id']} · {s['kind']} source" + (f" · {s['publisher']}" if s["publisher"] else ""), dim=True),
        _facts(
            [
                ("url", Linked(s["url"], ("url", s["url"])) if s["url"] else None),
                ("accessed", s["accessed"]),
                ("note", s["note"]),
            ]
        ),
        Heading("Records that cite it"),
        Bullets(
            [Linked(f"{r['label']} {r['key']}: {r['name']}", (r["label"].lower(), r["key"])) for r in d["records"]]
        ),
        Heading("Facts that cite it"),
        Text(f"Cells citing it: mode and pinpoint {checked}.", dim=True),
        Table(
            [{**f, "pinpoint": f["pinpoint"] or ""} for f in d["facts"]],
            ["type", "from", "to", "mode", "pinpoint"],
        ),
    ]
    rows = [
        {"cited_by": "record", "type": r["label"], "from": r["key"], "to": None, "mode": None, "pinpoint": None}
        for r in d["records"]
    ] + [{"cited_by": "fact", **f} for f in d["facts"]]
    return Page(d, blocks, rows, SOURCE_COLUMNS)
