"""Coverage gaps: silent regimes for a topic, per-topic and per-jurisdiction gaps,
and the overall share of silent cells, with reviewed-silent and unreviewed
counted apart; all at the two clocks (``kb.queries.clocks.Clocks``).

Speed: today's page reads what kb load keeps on the topics and the
jurisdictions (``topic_salience_kept``, ``jurisdiction_gaps_kept``, when
they hold: kb.cell_counts) and walks no cell; at other clocks it walks them
twice, not three times. The overall share
(the named query ``silent_share``) is the sum of the per-topic rows of
``topic_gaps``, which counts each topic's cells by mode; ``overall_of``
adds them up (tests/test_query_cli.py shows it equals ``silent_share`` on
the corpus and on a synthetic catalog, at several clocks).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from kb.queries.clocks import Clocks
from kb.queries.limits import PAGE_LIMIT
from kb.queries.lookup import catalog_named, resolve
from kb.queries.reader import Reader, one_read
from kb.schema.model import CURATED_CATALOG

TOPIC_COLUMNS = ["slug", "name", "silent", "total", "percent", "reviewed_silent", "unreviewed"]
SILENT_COLUMNS = ["id", "name", "jurisdiction", "reviewed", "note"]


def percent(part: int, whole: int) -> float | None:
    """``round(100.0 * part / whole, 1)`` as Cypher rounds it (half up)."""
    if not whole:
        return None
    return float(Decimal(repr(100.0 * part / whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def overall_of(topic_rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """silent_share's row, from topic_gaps' rows at the same clocks (None
    when there is no topic: then the instruments cannot be counted from them)."""
    if not topic_rows:
        return None
    instruments, topics = topic_rows[0]["total"], len(topic_rows)
    sums = {
        k: sum(r[k] for r in topic_rows)
        for k in ("explicit", "implicit", "conflicts", "reviewed_silent", "unreviewed", "silent")
    }
    cells = instruments * topics
    return {
        "instruments": instruments,
        "topics": topics,
        "cells": cells,
        **sums,
        "percent": percent(sums["silent"], cells),
    }


def topics_from_kept(rows: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """topic_gaps's rows from topic_salience_kept's, which hold the same
    counts from what kb load keeps on the topics; None when they do not hold
    (the page then counts the cells: topic_gaps)."""
    if not rows or not all(r["kept"] for r in rows):
        return None
    out = []
    for r in rows:
        total, silent = r["tracked"], r["silent"]
        out.append(
            {
                "slug": r["slug"],
                "name": r["name"],
                "rank": r["topic_rank"],
                "silent": silent,
                "total": total,
                "percent": percent(silent, total),
                "reviewed_silent": silent - r["unreviewed"],
                "unreviewed": r["unreviewed"],
                "explicit": r["explicit"],
                "implicit": r["implicit"],
                "conflicts": r["conflicts"],
            }
        )
    # topic_gaps's order: the largest silent share first, ties by topic rank
    return sorted(out, key=lambda r: (-(r["silent"] / r["total"]) if r["total"] else 0.0, r["rank"]))


def jurisdictions_from_kept(rows: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """jurisdiction_gaps's rows from jurisdiction_gaps_kept's; None when they
    do not hold (the page then walks the cells: jurisdiction_gaps)."""
    if not rows or not all(r["kept"] for r in rows):
        return None
    return [{k: v for k, v in r.items() if k != "kept"} for r in rows]


def gaps_data(
    db,
    slug: str | None = None,
    clocks: Clocks | None = None,
    limit: int | None = PAGE_LIMIT,
    catalog: str | None = None,
) -> dict[str, Any]:
    """Gaps of one catalog (None: the topic's, without a slug the curated
    one), read in one read transaction. With a slug, its silent regimes:
    the first ``limit`` (None: all), and ``silent_total`` how many in all."""
    clocks = clocks or Clocks.resolve()
    return one_read(db, lambda read: _gaps_data(read, slug, clocks, limit, catalog))


def _gaps_data(
    read: Reader, slug: str | None, clocks: Clocks, limit: int | None, catalog: str | None
) -> dict[str, Any]:
    topic = resolve(read, "topic", slug, clocks) if slug is not None else None
    key = topic["key"] if topic is not None else None
    catalog = catalog_named(read, catalog, clocks) if catalog else (topic or {}).get("catalog") or CURATED_CATALOG
    at = {**clocks.params(), "catalog": catalog}
    clock_only = clocks.params()
    # sent at once, read after: the server runs each while kb reads the one before
    kept = read.send("topic_salience_kept", **at) if clocks.today else None
    # kb load keeps each jurisdiction's gaps in the curated catalog only
    kept_jurisdictions = (
        read.send("jurisdiction_gaps_kept", **clock_only) if clocks.today and catalog == CURATED_CATALOG else None
    )
    counts = read.send("topic_counts", slug=key, **clock_only) if key is not None else None
    silent = read.send("silent_regimes", slug=key, limit=limit, **clock_only) if key is not None else None
    topic_rows = topics_from_kept(kept()) if kept is not None else None
    if topic_rows is None:
        topic_rows = read.run("topic_gaps", **at)
    jurisdiction_rows = jurisdictions_from_kept(kept_jurisdictions()) if kept_jurisdictions is not None else None
    if jurisdiction_rows is None:
        jurisdiction_rows = read.run("jurisdiction_gaps", **at)
    data: dict[str, Any] = {
        "as_of": clocks.as_of if clocks.as_of_given else None,
        "as_recorded": clocks.as_recorded if clocks.as_recorded_given else None,
        "overall": overall_of(topic_rows) or read.run("silent_share", **at)[0],
        "topics": [{k: r[k] for k in TOPIC_COLUMNS} for r in topic_rows],
        "jurisdictions": jurisdiction_rows,
    }
    if key is not None:
        data["topic"] = key
        data["limit"] = limit
        data["silent_total"] = counts()[0]["silent"]
        data["silent_regimes"] = [{k: r[k] for k in SILENT_COLUMNS} for r in silent()]
    return data
