"""The coverage gaps page (``kb gaps``): the silent share overall and per
topic, each jurisdiction's gaps, and a topic's silent regimes."""

from __future__ import annotations

from typing import Any

from kb.queries.clocks import Clocks
from kb.queries.gaps import SILENT_COLUMNS, TOPIC_COLUMNS
from kb.render.blocks import Bullets, Heading, Page, Table, Text


def overall_sentence(o: dict[str, Any]) -> str:
    if not o["cells"]:
        return "No instrument x topic cells to count."
    return (
        f"Of {o['cells']} instrument × topic cells ({o['instruments']} instruments × {o['topics']} topics), "
        f"{o['silent']} ({o['percent']}%) are silent: {o['reviewed_silent']} reviewed and found silent, "
        f"{o['unreviewed']} not reviewed yet. {o['explicit']} are explicit, {o['implicit']} implicit, "
        f"{o['conflicts']} in conflict."
    )


def gaps_page(d: dict[str, Any], clocks: Clocks) -> Page:
    """The page of ``kb.queries.gaps.gaps_data``'s ``d``, read at ``clocks``:
    with a topic's silent regimes when ``d`` has them (its CSV rows then)."""
    slug = d.get("topic")
    when = clocks.bracketed()
    blocks: list[Any] = [Heading("Coverage gaps" + when, 1), Text(overall_sentence(d["overall"]))]
    if slug is not None:
        blocks += [
            Heading(f"Silent regimes on {d['topic']}"),
            Bullets(
                [
                    f"{s['id']} · {s['jurisdiction']}" + ("" if s["reviewed"] else " (unreviewed)")
                    for s in d["silent_regimes"]
                ],
                empty="(none: every tracked instrument addresses it)",
            ),
        ]
        if len(d["silent_regimes"]) < d["silent_total"]:
            blocks.append(
                Text(
                    f"The first {len(d['silent_regimes']):,} of {d['silent_total']:,} silent regimes, "
                    "in catalog order (--all lists every one, --limit N the first N).",
                    dim=True,
                )
            )
    blocks += [
        Heading("Silent share per topic (largest first)"),
        Table(
            [
                {
                    **t,
                    "silent/total": f"{t['silent']}/{t['total']}",
                    "percent": "" if t["percent"] is None else f"{t['percent']}%",
                }
                for t in d["topics"]
            ],
            ["slug", "silent/total", "percent", "reviewed_silent", "unreviewed"],
            headers={"reviewed_silent": "reviewed silent"},
        ),
        Heading("Topics none of a jurisdiction's own instruments addresses"),
        Text(
            "?: none of its instruments was reviewed on the topic; the others were reviewed and found silent.", dim=True
        ),
        Table(
            [
                {
                    **j,
                    "silent": j["gap_count"] - len(j["unreviewed"]),
                    "unreviewed_count": len(j["unreviewed"]),
                    "gaps": ", ".join(g + ("?" if g in j["unreviewed"] else "") for g in j["gaps"]),
                }
                for j in d["jurisdictions"]
            ],
            ["code", "instruments", "gap_count", "silent", "unreviewed_count", "gaps"],
            headers={
                "gap_count": "gaps (n)",
                "silent": "reviewed silent",
                "unreviewed_count": "unreviewed",
                "gaps": "topics",
            },
        ),
    ]
    if slug is not None:
        return Page(d, blocks, d["silent_regimes"], SILENT_COLUMNS)
    return Page(d, blocks, d["topics"], TOPIC_COLUMNS)
