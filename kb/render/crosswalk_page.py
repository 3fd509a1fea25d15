"""The crosswalk (``kb crosswalk``), laid out from kb.queries.crosswalk's data:
the SAME_AS links, the unmatched curated instruments with their best
candidate, the related topics and the coverage. CSV: one row per link or
unmatched instrument."""

from __future__ import annotations

from typing import Any

from kb.queries.clocks import Clocks
from kb.render.blocks import Bullets, Heading, Page, Table, Text

COLUMNS = ["instrument", "catalog", "other", "matched_by", "score", "detail"]


def _detail(link: dict[str, Any]) -> str:
    if link["matched_by"] == "identifier":
        return ", ".join(link["identifiers"])
    return f"reviewed by {link['reviewed_by']}" + (f": {link['note']}" if link.get("note") else "")


def crosswalk_rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    """The links, then the unmatched instruments (best score first)."""
    rows = [
        {
            "instrument": x["instrument"],
            "catalog": x["catalog"],
            "other": x["other"],
            "matched_by": x["matched_by"],
            "score": None,
            "detail": _detail(x),
        }
        for x in d["links"]
    ]
    rows += [
        {
            "instrument": u["instrument"],
            "catalog": u["candidate_catalog"],
            "other": u["candidate"],
            "matched_by": "unmatched",
            "score": u["score"],
            "detail": f"closest: {u['candidate_name']}" if u["candidate"] else "no candidate",
        }
        for u in d["unmatched"]
    ]
    return rows


def crosswalk_page(d: dict[str, Any], clocks: Clocks) -> Page:
    c = d["coverage"]
    catalogs = ", ".join(d["catalogs"]) or "none imported"
    blocks: list[Any] = [
        Heading("Crosswalk: kb and " + catalogs + clocks.bracketed(), 1),
        Text(
            f"{c['matched']} of {c['curated']} curated instruments matched "
            f"({c['by_identifier']} by identifier, {c['by_review']} by review); "
            f"{c['with_identifiers']} carry official identifiers.",
            dim=True,
        ),
        Heading("Same as"),
        Table(
            [
                {
                    "instrument": x["instrument"],
                    "catalog": x["catalog"],
                    "other": x["other"],
                    "status there": x["other_status"],
                    "matched by": x["matched_by"],
                    "detail": _detail(x),
                }
                for x in d["links"]
            ],
            ["instrument", "catalog", "other", "status there", "matched by", "detail"],
            links={"instrument": "instrument", "other": "instrument"},
        ),
        Heading("Unmatched"),
        Table(
            [
                {
                    "instrument": u["instrument"],
                    "candidate": u["candidate"] or "",
                    "candidate name": u["candidate_name"] or "",
                    "score": "" if u["score"] is None else f"{u['score']:.2f}",
                }
                for u in d["unmatched"]
            ],
            ["instrument", "candidate", "candidate name", "score"],
            links={"instrument": "instrument", "candidate": "instrument"},
        ),
        Heading("Related topics"),
        Table(
            [
                {"topic": t["topic"], "catalog": t["catalog"], "other": t["other"], "tag": t["other_name"]}
                for t in d["topics"]
            ],
            ["topic", "catalog", "other", "tag"],
            links={"topic": "topic", "other": "topic"},
        ),
    ]
    if d["reviewed_missing"]:
        blocks += [
            Heading("Reviewed entries without their instrument"),
            Bullets(
                [
                    f"{m['instrument']} = {m['other']}: {m['catalog']} holds no {m['other']} (same-as.yaml:{m['line']})"
                    for m in d["reviewed_missing"]
                ]
            ),
        ]
    return Page(d, blocks, crosswalk_rows(d), COLUMNS)
