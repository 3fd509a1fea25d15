"""Topic pages: coverage, primacy and timeline, forum-shopping, silent regimes, references.

Every figure comes from a named query in ``cypher/queries/``, read at the
page's two clocks (``kb.queries.clocks.Clocks``: the law on ``as_of`` as the
catalog recorded it at ``as_recorded``); this module puts the rows together
into a page's data (kb.render.topic_page lays it out). Two speed tricks live here, beside
the plain queries, and tests show they answer as those do:

* today's pages read the topic's cell counts that kb load keeps on the
  Topic node (``topic_counts_kept``, ``topic_salience_kept``) when they hold
  for the clocks, else the topic's cells (``topic_counts``,
  ``topic_salience``);
* the topic page's forum-shopping pairs are the greedy walk of
  ``forum_shopping_pairs``, done here over ``forum_shopping_stream``, which
  yields the candidates in catalog order, a batch at a time, as far as the
  pairs need; ``kb forum-shopping --all`` pairs the best candidates of each
  side (``forum_shopping_sides``) as ``forum_shopping_all`` would.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from kb.errors import KbError
from kb.queries.clocks import Clocks
from kb.queries.limits import ALL_PAIRS_LIMIT, PAGE_LIMIT
from kb.queries.lookup import catalog_named, resolve
from kb.queries.reader import Reader, one_read
from kb.words import plural

COUNTS = ("tracked", "explicit", "implicit", "conflicts", "silent", "unreviewed")  # a topic page's counts
PAGE_PAIRS = 3  # forum-shopping pairs on a topic page
STREAM_MIN = 16  # candidates the page's pairing walk reads at least, in its first batch
STREAM_GROWTH = 4  # each later batch of candidates is this many times the one before
STREAM_FIRST = 64  # candidates the forum-shopping page reads first, before it knows the topic's counts
PAIR_CANDIDATES = 16  # instruments of each side `kb forum-shopping --all` reads at least, at first

SCORE_RULES = [
    ("lenient side silent, not implicit (an explicit-silent pair; explicit-implicit pairs are weaker)", 2),
    ("strict side legally binding", 2),
    ("strict side in force (in_force or partially_in_force, on the as-of date or today)", 1),
    ("lenient side legally binding: a binding regime with a gap is a real forum", 1),
    ("lenient side in force", 1),
]


def _topic(read: Reader, slug: str, clocks: Clocks) -> str:
    return resolve(read, "topic", slug, clocks)["key"]


def _given(clocks: Clocks) -> dict[str, Any]:
    """The page's ``as_of`` and ``as_recorded``: each clock when it was asked
    for, else None (today's law, as the catalog knows it now)."""
    return {
        "as_of": clocks.as_of if clocks.as_of_given else None,
        "as_recorded": clocks.as_recorded if clocks.as_recorded_given else None,
    }


def _counts(read: Reader, slug: str, clocks: Clocks, timeline: bool = False) -> dict[str, Any]:
    """The topic_counts row of the topic ``slug`` names (``timeline``: with
    the primacy instrument and the timeline's tally). The slug as typed is
    tried first (its unique index finds it, so an exact slug costs no
    separate lookup); only when it finds nothing does ``resolve`` accept a
    slug that differs in case, or say what was meant."""
    row = _counts_at(read, slug, clocks, timeline)
    if row is None:
        row = _counts_at(read, _topic(read, slug, clocks), clocks, timeline)
    return row


def _counts_at(read: Reader, slug: str, clocks: Clocks, timeline: bool) -> dict[str, Any] | None:
    """topic_counts's row, at any two clocks, read from the cell counts kb
    load keeps for the topic at each load's instant (topic_counts_kept) when
    the topic has them then (``kept``); else from the topic's cells
    (topic_counts)."""
    row = read.run_one("topic_counts_kept", slug=slug, timeline=timeline, **clocks.params())
    if row is None or row.pop("kept"):
        return row
    return read.run_one("topic_counts", slug=slug, timeline=timeline, **clocks.params())


def _inst(r: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    return {"id": r[prefix + "id"], "name": r[prefix + "name"], "jurisdiction": r[prefix + "jurisdiction"]}


def summary_sentence(counts: dict[str, int], clocks: Clocks | None = None) -> str:
    """'Across 26 tracked AI-governance instruments, 3 address this topic
    explicitly, 7 via general principles, and 16 are silent.' ('As of
    2024-06-01, across ...' when the page is as of a date)."""
    as_of = clocks.as_of if clocks is not None and clocks.as_of_given else None
    n = counts["tracked"]
    if n == 0:
        if as_of:
            return f"No tracked AI-governance instrument had been adopted by {as_of.isoformat()}."
        if clocks is not None and clocks.as_recorded_given:
            return f"The catalog tracked no AI-governance instrument {clocks.describe()}."
        return "No AI-governance instruments are tracked yet."
    e, i, c, s = counts["explicit"], counts["implicit"], counts["conflicts"], counts["silent"]
    parts = [f"{e} {'addresses' if e == 1 else 'address'} this topic explicitly", f"{i} via general principles"]
    if c:
        parts.append(f"{c} {'conflicts' if c == 1 else 'conflict'} with the common approach")
    lead = f"Across {plural(n, 'tracked AI-governance instrument')}"
    if as_of:
        lead = f"As of {as_of.isoformat()}, across {plural(n, 'tracked AI-governance instrument')}"
    text = f"{lead}, {', '.join(parts)}, and {s} {'is' if s == 1 else 'are'} silent."
    if counts["unreviewed"]:
        u = counts["unreviewed"]
        text += f" ({u} of the silent {'one has' if u == 1 else 'ones have'} not been reviewed for this topic.)"
    return text


# -- primacy ------------------------------------------------------------------
PRIMACY_BY = ("adopted", "introduced")  # the dates primacy may go by


def primacy(
    db, slug: str, clocks: Clocks | None = None, limit: int | None = PAGE_LIMIT, by: str = "adopted"
) -> dict[str, Any]:
    """The first instrument to address the topic (by its adoption date, or
    ``by`` its introduction date, the adoption date where it has none), and
    the timeline after it in adoption order (the first ``limit`` entries;
    ``timeline_counts`` tallies all of them)."""
    clocks = clocks or Clocks.resolve()
    return one_read(db, lambda read: _send_primacy(read, slug, clocks, limit, by=by)())


def _send_primacy(
    read: Reader,
    slug: str,
    clocks: Clocks,
    limit: int | None,
    counts: dict[str, Any] | None = None,
    by: str = "adopted",
) -> Callable[[], dict[str, Any]]:
    """``primacy`` in two steps (see ``Reader.send``): its query is sent
    now; the function returned reads it and builds the part. ``counts``: the
    topic_counts row (with ``timeline``) when the caller has read it: it
    holds the primacy instrument and the timeline's tally."""
    if by not in PRIMACY_BY:
        raise KbError(f"primacy goes by one of {', '.join(PRIMACY_BY)}, not {by!r}")
    sent = None
    if counts is None:  # the timeline of the slug as typed goes with the counts: one wait, not two
        sent = read.send("topic_timeline", slug=slug, limit=limit, **clocks.params())
        counts = _counts(read, slug, clocks, timeline=True)
    first = counts if counts["first_id"] is not None else None
    if first is None:
        timeline = list
    elif sent is not None and counts["slug"] == slug:
        timeline = sent
    else:
        timeline = read.send("topic_timeline", slug=counts["slug"], limit=limit, **clocks.params())
    introduced = read.send("topic_primacy", slug=counts["slug"], by=by, **clocks.params()) if by != "adopted" else None
    return lambda: {
        "topic": {"slug": counts["slug"], "name": counts["name"]},
        **_given(clocks),
        "limit": limit,
        **({"by": by} if introduced is not None else {}),
        "primacy": _first_by(introduced()) if introduced is not None else _first(first),
        "timeline": [
            {
                "instrument": _inst(r),
                "date": r["date"],
                "mode": r["mode"],
                "label": r["label"],
                "reviewed": r["reviewed"],
            }
            for r in timeline()
        ],
        "timeline_counts": _tally(counts),
    }


_TALLY_COLUMNS = {
    "codified": "codified",
    "diverged": "diverged",
    "implicit": "implicit_after",
    "silent": "silent_after",
    "undated": "undated",
}


def _first(first: dict[str, Any] | None) -> dict[str, Any] | None:
    """The primacy instrument of the topic_counts row (by adoption date)."""
    if first is None:
        return None
    return {
        "instrument": _inst(first, "first_"),
        "date": first["first_date"],
        "mode": first["first_mode"],
        "pinpoint": first["first_pinpoint"],
    }


def _first_by(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The primacy instrument of topic_primacy's row, with the date it went by."""
    if not rows:
        return None
    r = rows[0]
    return {
        "instrument": _inst(r),
        "date": r["date"],
        "dated_by": r["dated_by"],
        "mode": r["mode"],
        "pinpoint": r["pinpoint"],
    }


def _tally(counts: dict[str, Any]) -> dict[str, int]:
    """The timeline's tally by label, from the topic_counts row."""
    return {**{k: counts[c] for k, c in _TALLY_COLUMNS.items()}, "total": counts["timeline_total"]}


# -- forum-shopping -------------------------------------------------------------
def related(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two candidates' jurisdictions are related (the same, or one
    PART_OF* the other): ``up`` is a jurisdiction and all it is part of. An
    instrument with no jurisdiction pairs with none (as in the queries)."""
    if a["jurisdiction"] is None or b["jurisdiction"] is None:
        return True
    return a["jurisdiction"] in b["up"] or b["jurisdiction"] in a["up"]


class GreedyPairs:
    """forum_shopping_pairs' greedy walk (each explicit instrument in catalog
    order takes the first silent one in catalog order not taken yet from an
    unrelated jurisdiction), fed the candidates of both kinds in catalog
    order, one at a time.

    A new explicit one takes the first free silent one it may; a new silent
    one goes to the first explicit one still waiting that may take it. Both
    sides rank the other by catalog order, so this gives the pairs the walk
    gives (the one stable matching), and pairs made are never undone: the
    first ``limit`` pairs are known (``decided``) as soon as the first
    explicit ones hold ``limit`` pairs with none waiting among them."""

    def __init__(self, limit: int | None):
        self.limit = limit
        self.explicit: list[dict[str, Any]] = []  # {"row", "partner"}, in catalog order
        self.free: list[dict[str, Any]] = []  # silent ones not taken, in catalog order
        self.waiting: list[dict[str, Any]] = []  # explicit ones with no partner yet, in catalog order

    def add(self, row: dict[str, Any]) -> None:
        if row["mode"] == "explicit":
            e = {"row": row, "partner": None}
            self.explicit.append(e)
            k = next((k for k, s in enumerate(self.free) if not related(row, s)), None)
            if k is None:
                self.waiting.append(e)
            else:
                e["partner"] = self.free.pop(k)
        else:
            k = next((k for k, e in enumerate(self.waiting) if not related(e["row"], row)), None)
            if k is None:
                self.free.append(row)
            else:
                self.waiting.pop(k)["partner"] = row

    def decided(self) -> bool:
        if self.limit is None:
            return False
        for found, e in enumerate(self.explicit, 1):
            if e["partner"] is None:
                return False  # it may yet take a silent one that comes later
            if found >= self.limit:
                return True
        return False

    def pairs(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        made = [(e["row"], e["partner"]) for e in self.explicit if e["partner"] is not None]
        return made if self.limit is None else made[: self.limit]


def forum_shopping(
    db, slug: str, clocks: Clocks | None = None, limit: int | None = PAGE_PAIRS, counts: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The topic page's greedy explicit/silent pairs (the first ``limit``;
    None: all), as forum_shopping_pairs gives them. ``counts``: the
    topic_counts row, if read."""
    clocks = clocks or Clocks.resolve()
    return one_read(db, lambda read: _send_forum_shopping(read, slug, clocks, limit, counts)())


def _send_forum_shopping(
    read: Reader, slug: str, clocks: Clocks, limit: int | None, counts: dict[str, Any] | None
) -> Callable[[], list[dict[str, Any]]]:
    """``forum_shopping`` in two steps (see ``Reader.send``): the first
    batch of candidates is asked for now; the function returned walks it and
    asks for more, after the last one read, while the pairs are not known.
    The first batch holds as many candidates as the topic's share of
    explicit ones says ``limit`` pairs need, with a margin; each later one
    STREAM_GROWTH times more. A batch shorter than asked for ends the stream
    (datasette's habit: no count ahead)."""
    if counts is None:
        counts = _counts(read, slug, clocks)
    slug, explicit, quiet = counts["slug"], counts["explicit"], counts["silent"]
    if not explicit or not quiet:
        return list
    batch = _first_batch(limit, explicit, explicit + quiet)
    first = read.send("forum_shopping_stream", slug=slug, after=None, limit=batch, **clocks.params())
    return lambda: _walk(read, slug, clocks, GreedyPairs(limit), first(), batch)


def _walk(
    read: Reader, slug: str, clocks: Clocks, walk: GreedyPairs, rows: list[dict[str, Any]], asked: int | None
) -> list[dict[str, Any]]:
    """Feed ``walk`` the candidates ``rows`` (a batch of ``asked``) and the
    batches after them, each STREAM_GROWTH times larger, until the pairs are
    known or the stream ends; the pairs."""
    while True:
        for r in rows:
            walk.add(r)
        if asked is None or len(rows) < asked or walk.decided():
            break
        asked *= STREAM_GROWTH
        rows = read.run(
            "forum_shopping_stream", slug=slug, after=rows[-1]["catalog_rank"], limit=asked, **clocks.params()
        )
    return [{"explicit": _inst(e), "silent": {**_inst(s), "reviewed": s["reviewed"]}} for e, s in walk.pairs()]


def _page_pairs(read: Reader, slug: str, clocks: Clocks) -> dict[str, Any]:
    """The forum-shopping page's topic and pairs, read with one query where
    it can: the first STREAM_FIRST candidates, which name the topic and
    mostly hold the page's pairs. Only when they do not does it read the
    topic's counts (no explicit or no silent instrument: no pairs) and walk
    on. A slug not found as typed goes the counts' way, which resolves it."""
    rows = read.run("forum_shopping_stream", slug=slug, after=None, limit=STREAM_FIRST, **clocks.params())
    if not rows:
        counts = _counts(read, slug, clocks)
        pairs = _send_forum_shopping(read, counts["slug"], clocks, PAGE_PAIRS, counts)()
        return {"slug": counts["slug"], "name": counts["name"], "pairs": pairs}
    slug = rows[0]["topic"]
    walk = GreedyPairs(PAGE_PAIRS)
    for r in rows:
        walk.add(r)
    if not (walk.decided() or len(rows) < STREAM_FIRST):
        counts = _counts(read, slug, clocks)
        if counts["explicit"] and counts["silent"]:
            asked = STREAM_FIRST * STREAM_GROWTH
            more = read.run(
                "forum_shopping_stream", slug=slug, after=rows[-1]["catalog_rank"], limit=asked, **clocks.params()
            )
            return {"slug": slug, "name": rows[0]["topic_name"], "pairs": _walk(read, slug, clocks, walk, more, asked)}
    return {"slug": slug, "name": rows[0]["topic_name"], "pairs": _walk(read, slug, clocks, walk, [], None)}


def _first_batch(limit: int | None, explicit: int, candidates: int) -> int | None:
    """How many candidates to read first to find ``limit`` pairs: enough to
    hold ``limit`` explicit ones at the topic's share of them, and a margin
    (None: all)."""
    if limit is None:
        return None
    return min(candidates, max(STREAM_MIN, -(-limit * candidates // explicit) * 5 // 4 + 8))


def scored_pairs(
    db, slug: str, clocks: Clocks | None = None, limit: int | None = ALL_PAIRS_LIMIT
) -> list[dict[str, Any]]:
    """forum_shopping_all's rows: the ``limit`` best-scored pairs (None: all)."""
    clocks = clocks or Clocks.resolve()
    return one_read(db, lambda read: _scored_pairs(read, slug, clocks, limit))


def _scored_pairs(read: Reader, slug: str, clocks: Clocks, limit: int | None) -> list[dict[str, Any]]:
    """The score is a strict part plus a lenient part, so the best pairs are
    among the best instruments of each side (forum_shopping_sides): the
    first ``candidates`` of each are paired here, and when that cannot be
    sure to hold the best ``limit`` pairs (``_enough``), asked again with
    more, then with all."""
    candidates = _first_candidates(limit)
    while True:
        rows = read.run("forum_shopping_sides", slug=slug, candidates=candidates, **clocks.params())
        strict = [r for r in rows if r["side"] == "strict"]
        lenient = [r for r in rows if r["side"] == "lenient"]
        if _enough(strict, lenient, limit, candidates) and _enough(lenient, strict, limit, candidates):
            return [_scored_row(score, s, x) for score, s, x in _best_pairs(strict, lenient, limit)]
        candidates = candidates * 4 if candidates < 4096 else None


def _first_candidates(limit: int | None) -> int | None:
    """How many instruments of each side to pair first for the ``limit``
    best pairs (None: all)."""
    return None if limit is None else max(PAIR_CANDIDATES, 2 * limit + 32)


def _enough(side: list[dict[str, Any]], other: list[dict[str, Any]], limit: int | None, candidates: int | None) -> bool:
    """Whether no pair of one of ``side`` with an instrument the ``other``
    side's candidates left out can be among the best ``limit``: the other
    side was not cut short, or each of ``side`` has ``limit`` partners among
    its candidates, every one of which ranks before any left out (a higher
    part, or the same and a lower catalog_rank)."""
    if limit is None or candidates is None or len(other) < candidates:
        return True
    return all(sum(1 for _ in zip(range(limit), (y for y in other if not related(x, y)))) >= limit for x in side)


def _best_pairs(
    strict: list[dict[str, Any]], lenient: list[dict[str, Any]], limit: int | None
) -> list[tuple[int, dict[str, Any], dict[str, Any]]]:
    """The pairs by score, then strict and lenient catalog_rank, the first
    ``limit``: for each score, the strict instruments whose part leaves a
    lenient part that exists, in catalog order, each with the lenient ones of
    that part in catalog order."""
    lenient_by_part: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for x in lenient:
        lenient_by_part[x["part"]].append(x)
    for xs in lenient_by_part.values():
        xs.sort(key=lambda x: x["catalog_rank"])
    ordered = sorted(strict, key=lambda s: s["catalog_rank"])
    out: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
    for score in range(7, -1, -1):
        for s in ordered:
            for x in lenient_by_part.get(score - s["part"], ()):
                if not related(s, x):
                    out.append((score, s, x))
                    if limit is not None and len(out) >= limit:
                        return out
    return out


def _scored_row(score: int, s: dict[str, Any], x: dict[str, Any]) -> dict[str, Any]:
    """One pair as forum_shopping_all returns it."""
    return {
        "score": score,
        "kind": "explicit-silent" if x["mode"] == "silent" else "explicit-implicit (weaker)",
        **{f"strict_{k}": s[k] for k in ("id", "name", "jurisdiction", "binding", "status")},
        **{f"lenient_{k}": x[k] for k in ("id", "name", "jurisdiction", "mode", "reviewed", "binding", "status")},
    }


def conflicts(db, slug: str, clocks: Clocks | None = None) -> list[dict[str, Any]]:
    """The topic's curated conflicts (``slug``: as the catalog has it)."""
    clocks = clocks or Clocks.resolve()
    return one_read(db, lambda read: _read_conflicts(read, slug, clocks))


def _read_conflicts(read: Reader, slug: str, clocks: Clocks) -> list[dict[str, Any]]:
    return _conflicts(read.run("topic_conflicts", slug=slug, **clocks.params()))


def _conflicts(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"a": _inst(r, "a_"), "b": _inst(r, "b_"), "basis": r["basis"], "source": r["source"]} for r in rows]


def references(coverage: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One per non-silent cell with a pinpoint or a note, in catalog order."""
    refs = []
    for r in coverage:
        if r["mode"] == "silent" or not (r["pinpoint"] or r["note"]):
            continue
        text = r["id"] + ": " + " — ".join(x for x in (r["pinpoint"], r["note"]) if x) + f" [{r['source']}]"
        refs.append(
            {
                "instrument": r["id"],
                "pinpoint": r["pinpoint"],
                "note": r["note"],
                "source": r["source"],
                "source_title": r["source_title"],
                "source_url": r["source_url"],
                "checked": r["source_kind"] == "primary",
                "text": text,
            }
        )
    return refs


def cited_sources(coverage: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The sources the listed cells cite, in order of first citation: id,
    title, URL, kind, how many cells cite each, and whether those cells were
    checked in the primary text (the source is one)."""
    found: dict[str, dict[str, Any]] = {}
    for r in coverage:
        if r["source"] is None:
            continue
        entry = found.setdefault(
            r["source"],
            {
                "id": r["source"],
                "title": r["source_title"],
                "url": r["source_url"],
                "kind": r["source_kind"],
                "checked": r["source_kind"] == "primary",
                "cells": 0,
            },
        )
        entry["cells"] += 1
    return list(found.values())


# -- the page -----------------------------------------------------------------
def topic_data(
    db, slug: str, clocks: Clocks | None = None, limit: int | None = PAGE_LIMIT, by: str = "adopted"
) -> dict[str, Any]:
    """The topic page's data at ``clocks``, read in one read transaction.
    Long lists (coverage, timeline, silent) hold their first ``limit`` rows
    (None: all); ``totals`` says how many there are in all. Primacy goes
    ``by`` the adoption or the introduction date (``primacy``)."""
    clocks = clocks or Clocks.resolve()
    return one_read(db, lambda read: _topic_data(read, slug, clocks, limit, by))


SILENT_SPARE = 4  # read up to this many times `limit` coverage rows to find the first silent regimes in them


def _send_coverage_and_silent(
    read: Reader, slug: str, clocks: Clocks, limit: int | None, counts: dict[str, int]
) -> Callable[[], tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """The first ``limit`` coverage rows and the first ``limit`` silent
    regimes, in two steps (see ``Reader.send``). Both lists are tracked
    instruments in catalog order, and the silent regimes are the coverage
    rows whose mode is silent; so the coverage query is asked for enough
    rows to hold them too (as many as the topic's share of silent
    instruments says, and a margin), and silent_regimes is run only when
    those rows did not hold them all."""
    tracked, quiet = counts["tracked"], counts["silent"]
    want = quiet if limit is None else min(limit, quiet)
    wanted = limit
    if limit is not None and want:
        wanted = max(limit, -(-want * tracked // quiet) * 5 // 4 + 8)
        if wanted > SILENT_SPARE * limit:
            wanted = limit
    sent = read.send("topic_coverage", slug=slug, limit=wanted, **clocks.params())

    def parts() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        rows = sent()
        silent = [r for r in rows if r["mode"] == "silent"]
        if len(silent) < want and len(rows) < tracked:
            silent = read.run("silent_regimes", slug=slug, limit=limit, **clocks.params())
        return (rows if limit is None else rows[:limit]), (silent if limit is None else silent[:limit])

    return parts


def _topic_data(read: Reader, slug: str, clocks: Clocks, limit: int | None, by: str = "adopted") -> dict[str, Any]:
    t = _counts(read, slug, clocks, timeline=True)
    slug = t["slug"]
    counts = {k: t[k] for k in COUNTS}
    # the page's other queries, sent at once (pipelined), then read
    coverage_and_silent = _send_coverage_and_silent(read, slug, clocks, limit, counts)
    primacy_part = _send_primacy(read, slug, clocks, limit, counts=t, by=by)
    pairs = _send_forum_shopping(read, slug, clocks, PAGE_PAIRS, t)
    conflict_rows = read.send("topic_conflicts", slug=slug, **clocks.params())
    coverage, silent = coverage_and_silent()
    p = primacy_part()
    return {
        "topic": {
            "slug": slug,
            "name": t["name"],
            "definition": t["definition"],
            "question": t["question"],
            "rank": t["rank"],
        },
        **_given(clocks),
        "limit": limit,
        "counts": counts,
        "totals": {
            "coverage": counts["tracked"],
            "timeline": p["timeline_counts"]["total"],
            "silent": counts["silent"],
        },
        "summary": summary_sentence(counts, clocks),
        "primacy": p["primacy"],
        "timeline": p["timeline"],
        "timeline_counts": p["timeline_counts"],
        "forum_shopping": pairs(),
        "conflicts": _conflicts(conflict_rows()),
        "coverage": [
            {
                "instrument": _inst(r),
                "mode": r["mode"],
                "reviewed": r["reviewed"],
                "pinpoint": r["pinpoint"],
                "confidence": r["confidence"],
                "note": r["note"],
                "source": r["source"],
                "source_title": r["source_title"],
                "source_url": r["source_url"],
                "checked": None if r["source"] is None else r["source_kind"] == "primary",
                "binding": r["binding"],
                "status": r["status"],
                "adopted": r["adopted"],
                "catalog_rank": r["catalog_rank"],
            }
            for r in coverage
        ],
        "silent": [
            {"id": r["id"], "name": r["name"], "jurisdiction": r["jurisdiction"], "reviewed": r["reviewed"]}
            for r in silent
        ],
        "references": references(coverage),
        "sources": cited_sources(coverage),
    }


# -- salience -----------------------------------------------------------------
SALIENCE_COLUMNS = [
    "position",
    "slug",
    "name",
    "salience",
    "explicit",
    "conflicts",
    "implicit",
    "silent",
    "unreviewed",
    "tracked",
]


def salience(db, clocks: Clocks | None = None, catalog: str | None = None) -> list[dict[str, Any]]:
    """The topics of ``catalog`` (None: the curated one) ranked by explicit
    + conflicts, ties by topic rank. Today's
    ranking reads the counts kb load keeps on the topics
    (topic_salience_kept) when they hold; else, and at other clocks, every
    cell (topic_salience)."""
    clocks = clocks or Clocks.resolve()

    def work(read: Reader) -> list[dict[str, Any]]:
        at = {**clocks.params(), "catalog": catalog_named(read, catalog, clocks)}
        return [{k: r[k] for k in SALIENCE_COLUMNS} for r in _salience(read, at, clocks.today)]

    return one_read(db, work)


def _salience(read: Reader, at: dict[str, Any], today: bool) -> list[dict[str, Any]]:
    if today:
        rows = read.run("topic_salience_kept", **at)
        if rows and all(r["kept"] for r in rows):
            return rows
    return read.run("topic_salience", **at)


# -- forum-shopping, the page's data ------------------------------------------
def forum_shopping_data(
    db, slug: str, clocks: Clocks | None = None, all_pairs: bool = False, limit: int | None = ALL_PAIRS_LIMIT
) -> dict[str, Any]:
    """Without ``all_pairs``: the topic page's pairs. With it: the ``limit``
    best-scored pairs (None: every pair), the score's rules and the topic's
    curated conflicts. Read in one read transaction."""
    clocks = clocks or Clocks.resolve()
    return one_read(db, lambda read: _forum_shopping_data(read, slug, clocks, all_pairs, limit))


def _forum_shopping_data(read: Reader, slug: str, clocks: Clocks, all_pairs: bool, limit: int | None) -> dict[str, Any]:
    if not all_pairs:
        page = _page_pairs(read, slug, clocks)
        return {"topic": {"slug": page["slug"], "name": page["name"]}, **_given(clocks), "pairs": page["pairs"]}
    topic = resolve(read, "topic", slug, clocks)  # the scored pairs need only the topic's name
    slug, name = topic["key"], topic["name"]
    scored = _scored_pairs(read, slug, clocks, limit)
    return {
        "topic": {"slug": slug, "name": name},
        **_given(clocks),
        "limit": limit,
        "score": [{"points": pts, "when": what} for what, pts in SCORE_RULES],
        "pairs": [_scored_pair(r) for r in scored],
        "conflicts": _read_conflicts(read, slug, clocks),
    }


def _scored_pair(r: dict[str, Any]) -> dict[str, Any]:
    """One of forum_shopping_all's rows as the page's data holds it."""
    return {
        "score": r["score"],
        "kind": "explicit-silent" if r["lenient_mode"] == "silent" else "explicit-implicit",
        "strict": {
            "id": r["strict_id"],
            "name": r["strict_name"],
            "jurisdiction": r["strict_jurisdiction"],
            "binding": r["strict_binding"],
            "status": r["strict_status"],
        },
        "lenient": {
            "id": r["lenient_id"],
            "name": r["lenient_name"],
            "jurisdiction": r["lenient_jurisdiction"],
            "mode": r["lenient_mode"],
            "reviewed": r["lenient_reviewed"],
            "binding": r["lenient_binding"],
            "status": r["lenient_status"],
        },
    }
