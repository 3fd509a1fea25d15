"""Coverage gaps: silent regimes for a topic, per-topic and per-jurisdiction gaps,
and the overall share of silent cells, with reviewed-silent and unreviewed
counted apart."""

from __future__ import annotations

from typing import Any

from kb.queries import as_of_date, run, run_one
from kb.queries.lookup import resolve
from kb.queries.pages import Bullets, Heading, Page, Table, Text

TOPIC_COLUMNS = ["slug", "name", "silent", "total", "percent", "reviewed_silent", "unreviewed"]
SILENT_COLUMNS = ["id", "name", "jurisdiction", "reviewed", "note"]


def overall_sentence(o: dict[str, Any]) -> str:
    if not o["cells"]:
        return "No instrument x topic cells to count."
    return (f"Of {o['cells']} instrument × topic cells ({o['instruments']} instruments × {o['topics']} topics), "
            f"{o['silent']} ({o['percent']}%) are silent: {o['reviewed_silent']} reviewed and found silent, "
            f"{o['unreviewed']} not reviewed yet. {o['explicit']} are explicit, {o['implicit']} implicit, "
            f"{o['conflicts']} in conflict.")


def silent_regimes(db, slug: str, as_of: Any = None) -> list[dict[str, Any]]:
    slug = resolve(db, "topic", slug)["key"]
    return [{k: r[k] for k in SILENT_COLUMNS} for r in run(db, "silent_regimes", slug=slug, as_of=as_of_date(as_of))]


def gaps_data(db, slug: str | None = None, as_of: Any = None) -> dict[str, Any]:
    day = as_of_date(as_of)
    overall = run_one(db, "silent_share", as_of=day)
    data: dict[str, Any] = {
        "as_of": day,
        "overall": overall,
        "topics": [{k: r[k] for k in TOPIC_COLUMNS} for r in run(db, "topic_gaps", as_of=day)],
        "jurisdictions": run(db, "jurisdiction_gaps", as_of=day),
    }
    if slug is not None:
        key = resolve(db, "topic", slug)["key"]
        data["topic"] = key
        data["silent_regimes"] = silent_regimes(db, key, day)
    return data


def gaps_page(db, slug: str | None = None, as_of: Any = None) -> Page:
    d = gaps_data(db, slug, as_of)
    when = f" (as of {d['as_of'].isoformat()})" if d["as_of"] else ""
    blocks: list[Any] = [Heading("Coverage gaps" + when, 1), Text(overall_sentence(d["overall"]))]
    if slug is not None:
        blocks += [
            Heading(f"Silent regimes on {d['topic']}"),
            Bullets([f"{s['id']} · {s['jurisdiction']}" + ("" if s["reviewed"] else " (unreviewed)")
                     for s in d["silent_regimes"]], empty="(none: every tracked instrument addresses it)"),
        ]
    blocks += [
        Heading("Silent share per topic (largest first)"),
        Table([{**t, "silent/total": f"{t['silent']}/{t['total']}",
                "percent": "" if t["percent"] is None else f"{t['percent']}%"} for t in d["topics"]],
              ["slug", "silent/total", "percent", "reviewed_silent", "unreviewed"],
              headers={"reviewed_silent": "reviewed silent"}),
        Heading("Topics none of a jurisdiction's own instruments addresses"),
        Table([{**j, "gaps": ", ".join(j["gaps"])} for j in d["jurisdictions"]],
              ["code", "instruments", "gap_count", "gaps"], headers={"gap_count": "gaps (n)", "gaps": "topics"}),
    ]
    if slug is not None:
        return Page(d, blocks, d["silent_regimes"], SILENT_COLUMNS)
    return Page(d, blocks, d["topics"], TOPIC_COLUMNS)
