"""Coverage gaps: silent regimes for a topic, per-topic and per-jurisdiction gaps,
and the overall share of silent cells, with reviewed-silent and unreviewed
counted apart."""

from __future__ import annotations

from typing import Any

from kb.queries import PAGE_LIMIT, as_of_date, catalog_instant, in_one_read, run, run_one
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


def silent_regimes(db, slug: str, as_of: Any = None, limit: int | None = None) -> list[dict[str, Any]]:
    """The topic's silent regimes in catalog order (the first ``limit``; None: all)."""
    slug = resolve(db, "topic", slug)["key"]
    day = as_of_date(as_of)
    return [{k: r[k] for k in SILENT_COLUMNS}
            for r in run(db, "silent_regimes", slug=slug, as_of=day, at=catalog_instant(db, day), limit=limit)]


def gaps_data(db, slug: str | None = None, as_of: Any = None, limit: int | None = PAGE_LIMIT) -> dict[str, Any]:
    """Gaps, read in one read transaction. With a slug, its silent regimes:
    the first ``limit`` (None: all), and ``silent_total`` how many in all."""
    return in_one_read(db, lambda tx: _gaps_data(tx, slug, as_of, limit))


def _gaps_data(db, slug: str | None, as_of: Any, limit: int | None) -> dict[str, Any]:
    day = as_of_date(as_of)
    at = catalog_instant(db, day)
    key = resolve(db, "topic", slug)["key"] if slug is not None else None
    overall = run_one(db, "silent_share", as_of=day, at=at)
    data: dict[str, Any] = {
        "as_of": day,
        "overall": overall,
        "topics": [{k: r[k] for k in TOPIC_COLUMNS} for r in run(db, "topic_gaps", as_of=day, at=at)],
        "jurisdictions": run(db, "jurisdiction_gaps", as_of=day, at=at),
    }
    if key is not None:
        data["topic"] = key
        data["limit"] = limit
        data["silent_total"] = run_one(db, "topic_counts", slug=key, as_of=day, at=at)["silent"]
        data["silent_regimes"] = silent_regimes(db, key, day, limit)
    return data


def gaps_page(db, slug: str | None = None, as_of: Any = None, limit: int | None = PAGE_LIMIT) -> Page:
    d = gaps_data(db, slug, as_of, limit)
    when = f" (as of {d['as_of'].isoformat()})" if d["as_of"] else ""
    blocks: list[Any] = [Heading("Coverage gaps" + when, 1), Text(overall_sentence(d["overall"]))]
    if slug is not None:
        blocks += [
            Heading(f"Silent regimes on {d['topic']}"),
            Bullets([f"{s['id']} · {s['jurisdiction']}" + ("" if s["reviewed"] else " (unreviewed)")
                     for s in d["silent_regimes"]], empty="(none: every tracked instrument addresses it)"),
        ]
        if len(d["silent_regimes"]) < d["silent_total"]:
            blocks.append(Text(f"The first {len(d['silent_regimes']):,} of {d['silent_total']:,} silent regimes, "
                               "in catalog order (--all lists every one, --limit N the first N).", dim=True))
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
