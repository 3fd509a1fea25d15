"""Topic pages: coverage, primacy and timeline, forum-shopping, silent regimes, references.

Every figure comes from a named query in ``cypher/queries/``; this module only
puts the rows together into a page (see ``kb.queries.pages``).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Callable

from kb.queries import ALL_PAIRS_LIMIT, PAGE_LIMIT, as_of_date, catalog_instant, in_one_read, run, run_one, send
from kb.queries.lookup import resolve
from kb.queries.pages import (
    LEGEND,
    Bullets,
    Heading,
    Page,
    Table,
    Text,
    mode_cell,
    plural,
)

PAGE_PAIRS = 3  # forum-shopping pairs on a topic page
PAIR_CANDIDATES = 16  # explicit and silent instruments read at first to find the page's pairs

SCORE_RULES = [
    ("lenient side silent, not implicit (an explicit-silent pair; explicit-implicit pairs are weaker)", 2),
    ("strict side legally binding", 2),
    ("strict side in force (in_force or partially_in_force, on the as-of date or now)", 1),
    ("lenient side legally binding: a binding regime with a gap is a real forum", 1),
    ("lenient side in force", 1),
]


def _topic(db, slug: str) -> str:
    return resolve(db, "topic", slug)["key"]


def _counts(db, slug: str, day: date | None, at: Any, timeline: bool = False) -> dict[str, Any]:
    """The topic_counts row of the topic ``slug`` names (``timeline``: with
    the primacy instrument and the timeline's tally). The slug as typed is
    tried first (its unique index finds it, so an exact slug costs no
    separate lookup); only when it finds nothing does ``resolve`` accept a
    slug that differs in case or say what was meant."""
    row = run_one(db, "topic_counts", slug=slug, as_of=day, at=at, timeline=timeline)
    if row is None:
        row = run_one(db, "topic_counts", slug=_topic(db, slug), as_of=day, at=at, timeline=timeline)
    return row


def _inst(r: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    return {"id": r[prefix + "id"], "name": r[prefix + "name"], "jurisdiction": r[prefix + "jurisdiction"]}


def summary_sentence(counts: dict[str, int], as_of: date | None = None) -> str:
    """'Across 26 tracked AI-governance instruments, 3 address this topic
    explicitly, 7 via general principles, and 16 are silent.'"""
    n = counts["tracked"]
    if n == 0:
        return (f"No tracked AI-governance instrument had been adopted by {as_of.isoformat()}."
                if as_of else "No AI-governance instruments are tracked yet.")
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


# -- parts --------------------------------------------------------------------
def primacy(db, slug: str, as_of: Any = None, limit: int | None = PAGE_LIMIT) -> dict[str, Any]:
    """The first instrument to address the topic, and the timeline after it
    (the first ``limit`` entries; ``timeline_counts`` tallies all of them)."""
    return in_one_read(db, lambda tx: _send_primacy(tx, slug, as_of, limit)())


def _send_primacy(db, slug: str, as_of: Any, limit: int | None,
                  counts: dict[str, Any] | None = None) -> Callable[[], dict[str, Any]]:
    """``primacy`` in two steps (see ``kb.queries.send``): its query is sent
    now; the function returned reads it and builds the part. ``counts``: the
    topic_counts row (with ``timeline``) when the caller has read it: it
    holds the primacy instrument and the timeline's tally."""
    day = as_of_date(as_of)
    at = catalog_instant(db, day)
    if counts is None:
        counts = _counts(db, slug, day, at, timeline=True)
    slug = counts["slug"]
    first = counts if counts["first_id"] is not None else None
    timeline = (lambda: []) if first is None else send(db, "topic_timeline", slug=slug, as_of=day, at=at,
                                                         limit=limit)
    return lambda: {
        "topic": {"slug": counts["slug"], "name": counts["name"]},
        "as_of": day,
        "limit": limit,
        "primacy": None if first is None else {
            "instrument": _inst(first, "first_"), "date": first["first_date"], "mode": first["first_mode"],
            "pinpoint": first["first_pinpoint"],
        },
        "timeline": [
            {"instrument": _inst(r), "date": r["date"], "mode": r["mode"], "label": r["label"],
             "reviewed": r["reviewed"]}
            for r in timeline()
        ],
        "timeline_counts": _tally(counts),
    }


TALLY = ("codified", "diverged", "implicit", "silent", "undated")
_TALLY_COLUMNS = {"codified": "codified", "diverged": "diverged", "implicit": "implicit_after",
                  "silent": "silent_after", "undated": "undated"}


def _tally(counts: dict[str, Any]) -> dict[str, int]:
    """The timeline's tally by label, from the topic_counts row."""
    return {**{k: counts[c] for k, c in _TALLY_COLUMNS.items()}, "total": counts["timeline_total"]}


def primacy_sentence(p: dict[str, Any] | None) -> str:
    if p is None:
        return "No tracked instrument addresses this topic yet, so none has primacy."
    return (f"First addressed by {p['instrument']['name']} on {p['date'].isoformat()} "
            f"({p['mode']}).")


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


def forum_shopping(db, slug: str, as_of: Any = None, limit: int | None = PAGE_PAIRS,
                   counts: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The topic page's greedy explicit/silent pairs (the first ``limit``).

    The walk reads the first PAIR_CANDIDATES explicit and silent instruments
    in catalog order; when that was not enough to be sure (the query's
    ``complete`` is false, or it found no pair while a list was cut short), it
    asks again with more, then with all of them, so the pairs are always the
    ones the whole catalog gives. ``counts``: the topic_counts row, if read."""
    return _send_forum_shopping(db, slug, as_of, limit, counts)()


def _send_forum_shopping(db, slug: str, as_of: Any, limit: int | None,
                         counts: dict[str, Any] | None) -> Callable[[], list[dict[str, Any]]]:
    """``forum_shopping`` in two steps (see ``kb.queries.send``): the first
    query is sent now; the function returned reads it (and asks again if
    need be)."""
    day = as_of_date(as_of)
    at = catalog_instant(db, day)
    if counts is None:
        counts = run_one(db, "topic_counts", slug=slug, as_of=day, at=at)
    if not counts or not counts["explicit"] or not counts["silent"]:
        return lambda: []
    candidates = None if limit is None else max(PAIR_CANDIDATES, limit)
    first = send(db, "forum_shopping_pairs", slug=slug, as_of=day, at=at, limit=limit, candidates=candidates)

    def pairs() -> list[dict[str, Any]]:
        asked, rows = candidates, first()
        while not (asked is None or (rows[0]["complete"] if rows else
                                     max(counts["explicit"], counts["silent"]) < asked)):
            asked = asked * 16 if asked < 4096 else None
            rows = run(db, "forum_shopping_pairs", slug=slug, as_of=day, at=at, limit=limit, candidates=asked)
        return [
            {"explicit": _inst(r, "explicit_"),
             "silent": {**_inst(r, "silent_"), "reviewed": r["silent_reviewed"]}}
            for r in rows
        ]

    return pairs


def conflicts(db, slug: str, as_of: Any = None) -> list[dict[str, Any]]:
    day = as_of_date(as_of)
    return [
        {"a": _inst(r, "a_"), "b": _inst(r, "b_"), "basis": r["basis"], "source": r["source"]}
        for r in run(db, "topic_conflicts", slug=slug, as_of=day, at=catalog_instant(db, day))
    ]


def references(coverage: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One per non-silent cell with a pinpoint or a note, in catalog order."""
    refs = []
    for r in coverage:
        if r["mode"] == "silent" or not (r["pinpoint"] or r["note"]):
            continue
        text = r["id"] + ": " + " — ".join(x for x in (r["pinpoint"], r["note"]) if x)
        refs.append({"instrument": r["id"], "pinpoint": r["pinpoint"], "note": r["note"],
                     "source": r["source"], "text": text})
    return refs


def pair_text(p: dict[str, Any]) -> str:
    e, s = p["explicit"], p["silent"]
    tail = "" if s.get("reviewed", True) else ", unreviewed"
    return f"{e['name']} ({e['jurisdiction']}, explicit) ↔ {s['name']} ({s['jurisdiction']}, silent{tail})"


# -- the page -----------------------------------------------------------------
def topic_data(db, slug: str, as_of: Any = None, limit: int | None = PAGE_LIMIT) -> dict[str, Any]:
    """The topic page's data, read in one read transaction. Long lists
    (coverage, timeline, silent) hold their first ``limit`` rows (None: all);
    ``totals`` says how many there are in all."""
    return in_one_read(db, lambda tx: _topic_data(tx, slug, as_of, limit))


SILENT_SPARE = 4  # read up to this many times `limit` coverage rows to find the first silent regimes in them


def _send_coverage_and_silent(db, slug: str, day: date | None, at: Any, limit: int | None,
                              counts: dict[str, int]) -> Callable[[], tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """The first ``limit`` coverage rows and the first ``limit`` silent
    regimes, in two steps (see ``kb.queries.send``). Both lists are tracked
    instruments in catalog order, and the silent regimes are the coverage
    rows whose mode is silent; so the
    coverage query is asked for enough rows to hold them too (as many as the
    topic's share of silent instruments says, and a margin), and
    silent_regimes is run only when those rows did not hold them all."""
    tracked, quiet = counts["tracked"], counts["silent"]
    want = quiet if limit is None else min(limit, quiet)
    read = limit
    if limit is not None and want:
        read = max(limit, -(-want * tracked // quiet) * 5 // 4 + 8)
        if read > SILENT_SPARE * limit:
            read = limit
    sent = send(db, "topic_coverage", slug=slug, as_of=day, at=at, limit=read)

    def parts() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        rows = sent()
        silent = [r for r in rows if r["mode"] == "silent"]
        if len(silent) < want and len(rows) < tracked:
            silent = run(db, "silent_regimes", slug=slug, as_of=day, at=at, limit=limit)
        return (rows if limit is None else rows[:limit]), (silent if limit is None else silent[:limit])

    return parts


def _topic_data(db, slug: str, as_of: Any, limit: int | None) -> dict[str, Any]:
    day = as_of_date(as_of)
    at = catalog_instant(db, day)
    t = _counts(db, slug, day, at, timeline=True)
    slug = t["slug"]
    counts = {k: t[k] for k in ("tracked", "explicit", "implicit", "conflicts", "silent", "unreviewed")}
    # the page's other queries, sent at once (pipelined), then read
    coverage_and_silent = _send_coverage_and_silent(db, slug, day, at, limit, counts)
    primacy_part = _send_primacy(db, slug, day, limit, counts=t)
    pairs = _send_forum_shopping(db, slug, day, PAGE_PAIRS, counts)
    conflict_rows = send(db, "topic_conflicts", slug=slug, as_of=day, at=at)
    coverage, silent = coverage_and_silent()
    p = primacy_part()
    return {
        "topic": {"slug": slug, "name": t["name"], "definition": t["definition"],
                  "question": t["question"], "rank": t["rank"]},
        "as_of": day,
        "limit": limit,
        "counts": counts,
        "totals": {"coverage": counts["tracked"], "timeline": p["timeline_counts"]["total"],
                   "silent": counts["silent"]},
        "summary": summary_sentence(counts, day),
        "primacy": p["primacy"],
        "timeline": p["timeline"],
        "timeline_counts": p["timeline_counts"],
        "forum_shopping": pairs(),
        "conflicts": [
            {"a": _inst(r, "a_"), "b": _inst(r, "b_"), "basis": r["basis"], "source": r["source"]}
            for r in conflict_rows()
        ],
        "coverage": [
            {"instrument": _inst(r), "mode": r["mode"], "reviewed": r["reviewed"], "pinpoint": r["pinpoint"],
             "confidence": r["confidence"], "note": r["note"], "source": r["source"],
             "binding": r["binding"], "status": r["status"], "adopted": r["adopted"],
             "catalog_rank": r["catalog_rank"]}
            for r in coverage
        ],
        "silent": [{"id": r["id"], "name": r["name"], "jurisdiction": r["jurisdiction"],
                    "reviewed": r["reviewed"]} for r in silent],
        "references": references(coverage),
    }


COVERAGE_COLUMNS = ["catalog_rank", "id", "name", "jurisdiction", "mode", "reviewed", "pinpoint",
                    "confidence", "status", "binding", "adopted", "note", "source"]


def topic_page(db, slug: str, as_of: Any = None, limit: int | None = PAGE_LIMIT) -> Page:
    d = topic_data(db, slug, as_of, limit)
    t = d["topic"]
    subtitle = f"{t['slug']} · AI-governance topic" + (f" · as of {d['as_of'].isoformat()}" if d["as_of"] else "")
    blocks: list[Any] = [Heading(t["name"], 1), Text(subtitle, dim=True), Text(d["summary"]),
                         Heading("Definition and scope"), Text(t["definition"])]
    if t["question"]:
        blocks.append(Text("Contested: " + t["question"]))

    blocks.append(Heading("Historical primacy & cross-jurisdiction tension"))
    blocks.append(Text(primacy_sentence(d["primacy"])))
    if d["primacy"]:
        blocks.append(Text(timeline_tally(d["timeline_counts"])))
        blocks.append(Table(
            rows=[{"date": x["date"].isoformat() if x["date"] else "", "instrument": x["instrument"]["name"],
                   "jurisdiction": x["instrument"]["jurisdiction"], "label": x["label"]} for x in d["timeline"]],
            columns=["date", "instrument", "jurisdiction", "label"]))
        _more(blocks, len(d["timeline"]), d["totals"]["timeline"], "timeline entries")
    blocks.append(Text("Forum-shopping pairs (explicit here, silent there):"))
    blocks.append(Bullets([pair_text(p) for p in d["forum_shopping"]],
                          empty="(no cross-jurisdiction explicit/silent pair)"))
    if d["conflicts"]:
        blocks.append(Text("Curated conflicts:"))
        blocks.append(Bullets([f"{c['a']['name']} ↔ {c['b']['name']}: {c['basis']}" for c in d["conflicts"]]))

    blocks.append(Heading("Cross-jurisdiction coverage"))
    blocks.append(Table(
        rows=[{"id": c["instrument"]["id"], "instrument": c["instrument"]["name"],
               "jurisdiction": c["instrument"]["jurisdiction"], "mode": mode_cell(c["mode"], c["reviewed"]),
               "pinpoint": c["pinpoint"]} for c in d["coverage"]],
        columns=["id", "instrument", "jurisdiction", "mode", "pinpoint"]))
    _more(blocks, len(d["coverage"]), d["totals"]["coverage"], "tracked instruments, in catalog order")
    blocks.append(Text(LEGEND, dim=True))

    blocks.append(Heading("Silent regimes — gap signal"))
    blocks.append(Text(f"Instruments that do not address {t['name']} — candidates for future policy work."))
    blocks.append(Bullets([f"{s['name']} · {s['jurisdiction']}" + ("" if s["reviewed"] else " (unreviewed)")
                           for s in d["silent"]]))
    _more(blocks, len(d["silent"]), d["totals"]["silent"], "silent regimes, in catalog order")

    blocks.append(Heading("References"))
    blocks.append(Bullets([r["text"] for r in d["references"]]))

    if len(d["coverage"]) < d["totals"]["coverage"]:
        blocks.append(Text("(the references of the instruments listed above)", dim=True))

    rows = [{"catalog_rank": c["catalog_rank"], "id": c["instrument"]["id"], "name": c["instrument"]["name"],
             "jurisdiction": c["instrument"]["jurisdiction"],
             **{k: c[k] for k in COVERAGE_COLUMNS[4:]}} for c in d["coverage"]]
    return Page(d, blocks, rows, COVERAGE_COLUMNS)


def _more(blocks: list[Any], shown: int, total: int, what: str) -> None:
    text = more_text(shown, total, what)
    if text:
        blocks.append(Text(text, dim=True))


def primacy_page(db, slug: str, as_of: Any = None, limit: int | None = PAGE_LIMIT) -> Page:
    d = primacy(db, slug, as_of, limit)
    rows = []
    if d["primacy"]:
        p = d["primacy"]
        rows.append({"date": p["date"], **p["instrument"], "mode": p["mode"], "label": "first"})
    rows += [{"date": x["date"], **x["instrument"], "mode": x["mode"], "label": x["label"]} for x in d["timeline"]]
    columns = ["date", "id", "name", "jurisdiction", "mode", "label"]
    title = d["topic"]["name"] + (f" (as of {d['as_of'].isoformat()})" if d["as_of"] else "")
    blocks: list[Any] = [Heading(f"Historical primacy: {title}", 1), Text(primacy_sentence(d["primacy"]))]
    if d["primacy"]:
        blocks += [Text(timeline_tally(d["timeline_counts"])), Table(rows, columns)]
        _more(blocks, len(d["timeline"]), d["timeline_counts"]["total"], "timeline entries")
    return Page(d, blocks, rows, columns)


def forum_shopping_page(db, slug: str, as_of: Any = None, all_pairs: bool = False,
                        limit: int | None = ALL_PAIRS_LIMIT) -> Page:
    """Without ``all_pairs``: the topic page's pairs. With it: the ``limit``
    best-scored pairs (None: every pair)."""
    return in_one_read(db, lambda tx: _forum_shopping_page(tx, slug, as_of, all_pairs, limit))


def _scored_pairs(db, slug: str, day: date | None, at: Any, limit: int | None) -> list[dict[str, Any]]:
    """The ``limit`` best scored pairs (None: all). The score is a strict
    part plus a lenient part, so the query pairs only the best candidates of
    each side; when it says that may have missed a pair (``complete``
    false), ask again with more candidates, then with all."""
    candidates = None if limit is None else max(PAIR_CANDIDATES, 2 * limit + 32)
    while True:
        rows = run(db, "forum_shopping_all", slug=slug, as_of=day, at=at, limit=limit, candidates=candidates)
        if candidates is None or (rows and rows[0]["complete"]):
            return rows
        candidates = candidates * 4 if candidates < 4096 else None


def _forum_shopping_page(db, slug: str, as_of: Any, all_pairs: bool, limit: int | None) -> Page:
    day = as_of_date(as_of)
    at = catalog_instant(db, day)
    counts = _counts(db, slug, day, at)
    slug, name = counts["slug"], counts["name"]
    title = name + (f" (as of {day.isoformat()})" if day else "")
    if not all_pairs:
        pairs = forum_shopping(db, slug, day, counts=counts)
        rows = [{"explicit_id": p["explicit"]["id"], "explicit": p["explicit"]["name"],
                 "explicit_jurisdiction": p["explicit"]["jurisdiction"], "silent_id": p["silent"]["id"],
                 "silent": p["silent"]["name"], "silent_jurisdiction": p["silent"]["jurisdiction"],
                 "silent_reviewed": p["silent"]["reviewed"]} for p in pairs]
        blocks = [Heading(f"Forum-shopping: {title}", 1),
                  Text("Explicit instruments in catalog order, each paired with the first silent instrument "
                       "of another jurisdiction not paired yet (at most three; --all for every pair)."),
                  Bullets([pair_text(p) for p in pairs], empty="(no cross-jurisdiction explicit/silent pair)")]
        data = {"topic": {"slug": slug, "name": name}, "as_of": day, "pairs": pairs}
        return Page(data, blocks, rows, list(rows[0]) if rows else
                    ["explicit_id", "explicit", "explicit_jurisdiction", "silent_id", "silent",
                     "silent_jurisdiction", "silent_reviewed"])

    scored = _scored_pairs(db, slug, day, at, limit)
    cons = conflicts(db, slug, day)
    pairs = [
        {"score": r["score"], "kind": "explicit-silent" if r["lenient_mode"] == "silent" else "explicit-implicit",
         "strict": {"id": r["strict_id"], "name": r["strict_name"], "jurisdiction": r["strict_jurisdiction"],
                    "binding": r["strict_binding"], "status": r["strict_status"]},
         "lenient": {"id": r["lenient_id"], "name": r["lenient_name"], "jurisdiction": r["lenient_jurisdiction"],
                     "mode": r["lenient_mode"], "reviewed": r["lenient_reviewed"],
                     "binding": r["lenient_binding"], "status": r["lenient_status"]}}
        for r in scored
    ]
    columns = ["score", "kind", "strict_id", "strict_jurisdiction", "strict_binding", "strict_status",
               "lenient_id", "lenient_jurisdiction", "lenient_mode", "lenient_reviewed", "lenient_binding",
               "lenient_status"]
    rows = [{k: r[k] if k != "kind" else p["kind"] for k in columns} for r, p in zip(scored, pairs)]
    table_rows = [{"score": p["score"], "kind": p["kind"].replace("explicit-", "vs "),
                   "strict": f"{p['strict']['id']} ({p['strict']['jurisdiction']})",
                   "lenient": f"{p['lenient']['id']} ({p['lenient']['jurisdiction']})"
                              + ("" if p["lenient"]["reviewed"] else " unreviewed")}
                  for p in pairs]
    n_strong = sum(1 for p in pairs if p["kind"] == "explicit-silent")
    capped = limit is not None and len(pairs) >= limit
    blocks = [
        Heading(f"Forum-shopping, {'the best pairs' if capped else 'every pair'}: {title}", 1),
        Text(f"{plural(n_strong, 'explicit-silent pair')} and "
             f"{plural(len(pairs) - n_strong, 'weaker explicit-implicit pair')} across jurisdictions"
             + (f": the {limit} best-scored (--limit N for more, --limit all for every pair)." if capped else ".")),
        Text("Score (0-7): " + "; ".join(f"+{pts} {what}" for what, pts in SCORE_RULES) + ".", dim=True),
        Table(table_rows, ["score", "kind", "strict", "lenient"],
              headers={"strict": "explicit (strict)", "lenient": "silent or implicit (lenient)"}),
        Heading("Curated conflicts"),
        Bullets([f"{c['a']['id']} ↔ {c['b']['id']}: {c['basis']}" for c in cons]),
    ]
    data = {"topic": {"slug": slug, "name": name}, "as_of": day, "limit": limit,
            "score": [{"points": pts, "when": what} for what, pts in SCORE_RULES],
            "pairs": pairs, "conflicts": cons}
    return Page(data, blocks, rows, columns)


# -- salience -----------------------------------------------------------------
SALIENCE_COLUMNS = ["position", "slug", "name", "salience", "explicit", "conflicts", "implicit", "silent",
                    "unreviewed", "tracked"]


def salience(db, as_of: Any = None) -> list[dict[str, Any]]:
    """Topics ranked by explicit + conflicts, ties by topic rank."""
    return [{k: r[k] for k in SALIENCE_COLUMNS}
            for r in run(db, "topic_salience", as_of=as_of_date(as_of))]
