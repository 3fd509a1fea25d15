"""The crosswalk: which instruments of two catalogs are one (SAME_AS), which
curated ones are left unmatched, and which topics are related.

SAME_AS is worked out when asked, never stored: two instruments of different
catalogs are the same when they share an official identifier (a curated
instrument's ``identifiers``; an imported one's read from its URL), or when
the reviewed list (data/crosswalks/same-as.yaml) pairs them. It reads the
graph at the two clocks like any page, so it follows every load and import
and loses no history. A curated instrument with no link gets the other
catalog's closest instrument as a candidate, with a similarity score;
related topics come from data/crosswalks/topics.yaml and hold while both
topics are in the graph (docs/catalogs.md, "Crosswalk").
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from kb.errors import KbError, Problem, ValidationFailed, closest
from kb.loaders.crosswalk import ReviewedLink, TopicLink, read_same_as, read_topic_links
from kb.queries.clocks import Clocks
from kb.queries.lookup import catalog_named
from kb.queries.reader import Reader, one_read
from kb.schema.model import CURATED_CATALOG, IDENTIFIER_SEPARATOR

SAME_AS_FILE = "same-as.yaml"
TOPICS_FILE = "topics.yaml"
# the weights of the similarity score: names, jurisdiction, date
WEIGHTS = (0.6, 0.25, 0.15)


def shipped(name: str) -> Path:
    from kb.config import crosswalks_dir

    return crosswalks_dir() / name


def crosswalk_data(
    db,
    catalog: str | None = None,
    clocks: Clocks | None = None,
    same_as: Path | None = None,
    topics: Path | None = None,
) -> dict[str, Any]:
    """The links between the curated catalog and ``catalog`` (every other
    catalog the graph holds when None): ``links``, ``unmatched`` (with each
    one's best ``candidate`` and its ``score``), ``reviewed_missing`` (reviewed
    entries whose instrument the other catalog lacks), ``topics`` and
    ``coverage``."""
    clocks = clocks or Clocks.resolve()
    reviewed = read_same_as(same_as or shipped(SAME_AS_FILE))
    topic_links = read_topic_links(topics or shipped(TOPICS_FILE))
    return one_read(db, lambda read: _crosswalk(read, catalog, clocks, reviewed, topic_links))


def _others(read: Reader, catalog: str | None, clocks: Clocks) -> list[str]:
    if catalog is not None:
        name = catalog_named(read, catalog, clocks)
        if name == CURATED_CATALOG:
            raise KbError("kb is the curated catalog: name an imported one (kb catalogs lists them), e.g. agora")
        return [name]
    rows = read.run("catalog_list", as_recorded=clocks.as_recorded)
    return [r["catalog"] for r in rows if r["catalog"] != CURATED_CATALOG]


def _crosswalk(
    read: Reader, catalog: str | None, clocks: Clocks, reviewed: list[ReviewedLink], topic_links: list[TopicLink]
) -> dict[str, Any]:
    others = _others(read, catalog, clocks)
    params = clocks.params()
    curated = read.run("crosswalk_instruments", catalog=CURATED_CATALOG, **params)
    other_rows = {c: read.run("crosswalk_instruments", catalog=c, **params) for c in others}
    links, missing = _links(curated, other_rows, reviewed)
    linked = {link["instrument"] for link in links}
    unmatched = []
    for row in curated:
        if row["id"] in linked:
            continue
        best = _best(row, [o for c in others for o in other_rows[c]])
        unmatched.append(
            {
                "instrument": row["id"],
                "name": row["name"],
                "identifiers": row["identifiers"],
                "candidate": best[1]["id"] if best else None,
                "candidate_catalog": best[1]["catalog"] if best else None,
                "candidate_name": best[1]["name"] if best else None,
                "score": best[0] if best else None,
            }
        )
    unmatched.sort(key=lambda u: -(u["score"] or 0))
    return {
        "catalogs": others,
        "links": links,
        "unmatched": unmatched,
        "reviewed_missing": missing,
        "topics": _topics(read, clocks, topic_links, others),
        "coverage": {
            "curated": len(curated),
            "with_identifiers": sum(1 for r in curated if r["identifiers"]),
            "matched": len(linked),
            "by_identifier": len({x["instrument"] for x in links if x["matched_by"] == "identifier"}),
            "by_review": len({x["instrument"] for x in links if x["matched_by"] == "reviewed"}),
        },
    }


def _links(
    curated: list[dict[str, Any]], other_rows: dict[str, list[dict[str, Any]]], reviewed: list[ReviewedLink]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """SAME_AS: by a shared identifier, then by the reviewed list (an unknown
    curated instrument in it is a problem, with its file and line)."""
    by_identifier: dict[str, list[dict[str, Any]]] = {}
    by_id: dict[tuple[str, str], dict[str, Any]] = {}
    for rows in other_rows.values():
        for o in rows:
            by_id[(o["catalog"], o["id"])] = o
            for ident in o["identifiers"]:
                by_identifier.setdefault(ident, []).append(o)
    curated_by_id = {r["id"]: r for r in curated}
    links: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    for row in curated:
        shared: dict[tuple[str, str], list[str]] = {}
        for ident in row["identifiers"]:
            for o in by_identifier.get(ident, ()):
                shared.setdefault((o["catalog"], o["id"]), []).append(ident)
        for (cat, oid), idents in shared.items():
            seen.add((row["id"], cat, oid))
            links.append(_link(row, by_id[(cat, oid)], "identifier", identifiers=idents))
    problems, missing = [], []
    for r in reviewed:
        if r.instrument not in curated_by_id:
            problems.append(
                Problem(
                    r.file,
                    r.line,
                    "same_as.instrument",
                    f"unknown instrument {r.instrument!r}",
                    f"use a curated instrument id{_maybe(r.instrument, curated_by_id)}",
                )
            )
            continue
        if r.catalog not in other_rows or (r.instrument, r.catalog, r.other) in seen:
            continue
        other = by_id.get((r.catalog, r.other))
        if other is None:
            missing.append({"instrument": r.instrument, "catalog": r.catalog, "other": r.other, "line": r.line})
            continue
        seen.add((r.instrument, r.catalog, r.other))
        links.append(
            _link(curated_by_id[r.instrument], other, "reviewed", reviewed_by=r.reviewed_by, note=r.note or None)
        )
    if problems:
        raise ValidationFailed(problems)
    order = {r["id"]: n for n, r in enumerate(curated)}
    links.sort(key=lambda x: (order[x["instrument"]], x["catalog"], x["other"]))
    return links, missing


def _maybe(name: str, known: dict[str, Any]) -> str:
    near = closest(name, list(known))
    return f" (did you mean {near[0]!r}?)" if near else ""


def _link(row: dict[str, Any], other: dict[str, Any], by: str, **extra: Any) -> dict[str, Any]:
    return {
        "instrument": row["id"],
        "name": row["name"],
        "catalog": other["catalog"],
        "other": other["id"],
        "other_name": other["name"],
        "other_status": other["status"],
        "matched_by": by,
        "identifiers": extra.get("identifiers", []),
        "reviewed_by": extra.get("reviewed_by"),
        "note": extra.get("note"),
    }


def _words(text: str | None) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", (text or "").lower()))


def similarity(a: dict[str, Any], b: dict[str, Any]) -> float:
    """How alike two instruments look, 0..1: their names (the best of name and
    short name against name and short name, difflib's ratio), the same
    jurisdiction, and how close their dates are (adoption, else introduction)."""
    names = [_words(x) for x in (a["name"], a.get("short_name")) if x]
    others = [_words(x) for x in (b["name"], b.get("short_name")) if x]
    name = max((difflib.SequenceMatcher(None, x, y).ratio() for x in names for y in others), default=0.0)
    place = 1.0 if a.get("jurisdiction") and a.get("jurisdiction") == b.get("jurisdiction") else 0.0
    da, db_ = a.get("adopted") or a.get("introduced"), b.get("adopted") or b.get("introduced")
    when = 0.0
    if da is not None and db_ is not None:
        days = abs((da - db_).days)
        when = 1.0 if days <= 31 else 0.5 if days <= 366 else 0.0
    w_name, w_place, w_when = WEIGHTS
    return round(w_name * name + w_place * place + w_when * when, 3)


def _best(row: dict[str, Any], candidates: list[dict[str, Any]]) -> tuple[float, dict[str, Any]] | None:
    scored = [(similarity(row, c), c) for c in candidates]
    return max(scored, key=lambda s: s[0]) if scored else None


def _topics(read: Reader, clocks: Clocks, topic_links: list[TopicLink], others: list[str]) -> list[dict[str, Any]]:
    wanted = [t for t in topic_links if t.catalog in others]
    if not wanted:
        return []
    slugs = sorted({t.topic for t in wanted} | {t.slug for t in wanted})
    held = {r["slug"]: r for r in read.run("crosswalk_topics", slugs=slugs, as_recorded=clocks.as_recorded)}
    out = []
    for t in wanted:
        mine, theirs = held.get(t.topic), held.get(t.slug)
        if mine is None or theirs is None or mine["catalog"] != CURATED_CATALOG or theirs["catalog"] != t.catalog:
            continue
        out.append(
            {
                "topic": t.topic,
                "name": mine["name"],
                "catalog": t.catalog,
                "other": t.slug,
                "other_name": t.tag,
                "note": t.note or None,
            }
        )
    return out


def instrument_crosswalk(read: Reader, key: str, clocks: Clocks) -> list[dict[str, Any]]:
    """For one instrument's page: the instruments of other catalogs that are
    the same (SAME_AS), each with its status on as_of and its tags. Empty
    when the graph holds one catalog only."""
    catalogs = [r["catalog"] for r in read.run("catalog_list", as_recorded=clocks.as_recorded)]
    if len(catalogs) < 2:
        return []
    reviewed = read_same_as(shipped(SAME_AS_FILE))
    params = clocks.params()
    rows = {c: read.run("crosswalk_instruments", catalog=c, **params) for c in catalogs}
    curated = rows.pop(CURATED_CATALOG, [])
    links, _ = _links(curated, rows, reviewed)
    by_id = {(o["catalog"], o["id"]): o for rs in rows.values() for o in rs}
    mine = {r["id"]: r for r in curated}
    out = []
    for link in links:
        if link["instrument"] == key:
            other = by_id[(link["catalog"], link["other"])]
        elif link["other"] == key:
            other = mine[link["instrument"]]
        else:
            continue
        out.append(
            {
                "catalog": other["catalog"],
                "id": other["id"],
                "name": other["name"],
                "status": other["status"],
                "matched_by": link["matched_by"],
                "identifiers": link["identifiers"],
                "tags": [t["name"] for t in other["tags"]],
                "tag_topics": [t["topic"] for t in other["tags"]],
            }
        )
    return out


def split_identifier(text: str) -> dict[str, str]:
    scheme, _, value = text.partition(IDENTIFIER_SEPARATOR)
    return {"scheme": scheme, "value": value}
