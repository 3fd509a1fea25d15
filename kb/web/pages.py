"""What each route answers: the same kb.queries functions and kb.render
layouts the CLI calls, one function per route, each returning an
``Answer`` (the ``Page`` the CLI would write, and the web-only extras).

The JSON of a route is ``Page.data`` written by kb.render.formats.dumps,
as ``kb ... --format json`` writes it; its CSV is the page's rows, as
``--format csv`` writes them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from kb.cite import catalog_name
from kb.errors import BadParameter, NotFound
from kb.queries.clocks import Clocks
from kb.render.blocks import Heading, Linked, Page, Table, Text
from kb.render.formats import columns_of
from kb.words import plural


@dataclass
class Answer:
    page: Page
    title: str
    cite: tuple[str, str] | None = None  # (kind, key) for the cite box
    legislation: dict[str, Any] | None = None  # an instrument's data, for its JSON-LD
    extra: dict[str, Any] = field(default_factory=dict)  # what a page's own template reads
    template: str = "page.html"


def rows_page(
    rows: list[dict[str, Any]], columns: list[str] | None, title: str, links=None, table_columns=None
) -> Page:
    """A list (kb topics, kb instruments, kb changes) as a page: its data is
    the rows, its CSV the rows in ``columns`` (all their keys when None),
    as render_rows writes them."""
    cols = columns_of(rows, columns)
    blocks = [Heading(title, 1), Table(rows, table_columns or cols, links=links or {})]
    return Page(rows, blocks, rows, cols)


def _titled(title: str, clocks: Clocks) -> str:
    when = clocks.describe()
    return f"{title}, {when}" if when else title


# -- the catalog ----------------------------------------------------------------
def catalog(db, clocks: Clocks, name: str | None = None) -> Answer:
    from kb.queries.entities import instrument_rows
    from kb.queries.lookup import keys_of
    from kb.queries.reader import Reader
    from kb.queries.topic import salience

    topics = salience(db, clocks, name)
    instruments = instrument_rows(db, clocks, name)
    held = Counter(i["jurisdiction"] for i in instruments)
    jurisdictions = [
        {"code": j["key"], "name": j["name"], "instruments": held.get(j["key"], 0)}
        for j in sorted(keys_of(Reader(db), "jurisdiction", clocks), key=lambda j: j["key"])
    ]
    data = {"topics": topics, "instruments": instruments, "jurisdictions": jurisdictions}
    blocks = [
        Heading("AI governance: topics, instruments, jurisdictions", 1),
        Text(
            f"{len(topics)} topics, {len(instruments)} instruments and {len(jurisdictions)} jurisdictions. "
            "Topics by salience: the instruments that address each explicitly, plus those that conflict."
        ),
        Heading("Topics by salience"),
        Table(
            [{**t, "name": Linked(t["name"], ("topic", t["slug"], t["name"]))} for t in topics],
            ["position", "name", "salience", "explicit", "conflicts", "implicit", "silent", "unreviewed", "tracked"],
        ),
        Heading("Instruments"),
        Table(
            [{**i, "name": Linked(i["name"], ("instrument", i["id"], i["name"]))} for i in instruments],
            ["id", "name", "jurisdiction", "kind", "binding", "adopted", "status", "topics_addressed"],
            links={"id": "instrument", "jurisdiction": "jurisdiction"},
            headers={"topics_addressed": "topics addressed"},
        ),
        Heading("Jurisdictions"),
        Table(
            [{**j, "name": Linked(j["name"], ("jurisdiction", j["code"], j["name"]))} for j in jurisdictions],
            ["code", "name", "instruments"],
            links={"code": "jurisdiction"},
        ),
    ]
    return Answer(Page(data, blocks, instruments, columns_of(instruments, None)), catalog_name())


def topics(db, clocks: Clocks, catalog: str | None = None) -> Answer:
    from kb.queries.topic import SALIENCE_COLUMNS, salience

    rows = salience(db, clocks, catalog)
    title = _titled("Topics by salience (explicit + conflicts)", clocks)
    return Answer(rows_page(rows, SALIENCE_COLUMNS, title, links={"slug": "topic"}), title)


def instruments(db, clocks: Clocks, catalog: str | None = None) -> Answer:
    from kb.queries.entities import instrument_rows

    rows = instrument_rows(db, clocks, catalog)
    title = _titled("Instruments", clocks)
    return Answer(rows_page(rows, None, title, links={"id": "instrument", "jurisdiction": "jurisdiction"}), title)


# -- the pages of one record --------------------------------------------------------
def topic(db, clocks: Clocks, key: str, limit: int | None) -> Answer:
    from kb.queries.topic import topic_data
    from kb.render.topic_page import topic_page

    page = topic_page(topic_data(db, key, clocks, limit=limit), clocks)
    t = page.data["topic"]
    return Answer(page, t["name"], cite=("topic", t["slug"]))


def instrument(db, clocks: Clocks, key: str) -> Answer:
    from kb.queries.entities import instrument_data
    from kb.render.entity_pages import instrument_page

    page = instrument_page(instrument_data(db, key, clocks), clocks)
    i = page.data["instrument"]
    return Answer(page, i["name"], cite=("instrument", i["id"]), legislation=page.data)


def jurisdiction(db, clocks: Clocks, key: str) -> Answer:
    from kb.queries.entities import jurisdiction_data
    from kb.render.entity_pages import jurisdiction_page

    page = jurisdiction_page(jurisdiction_data(db, key, clocks), clocks)
    j = page.data["jurisdiction"]
    return Answer(page, f"{j['name']} ({j['code']})")


def developer(db, clocks: Clocks, key: str, topic_slug: str | None) -> Answer:
    from kb.queries.entities import developer_data
    from kb.render.entity_pages import developer_page

    page = developer_page(developer_data(db, key, topic_slug, clocks), clocks)
    return Answer(page, page.data["developer"]["name"])


def paper(db, clocks: Clocks, key: str) -> Answer:
    from kb.queries.entities import paper_data
    from kb.render.entity_pages import paper_page

    page = paper_page(paper_data(db, key, clocks), clocks)
    p = page.data["paper"]
    return Answer(page, p["title"], cite=("paper", p["id"]))


def source(db, clocks: Clocks, key: str) -> Answer:
    from kb.queries.sources import source_data
    from kb.render.entity_pages import source_page

    page = source_page(source_data(db, key, clocks), clocks)
    return Answer(page, page.data["source"]["title"])


# -- across records ------------------------------------------------------------------
MATRIX_ROWS = 100  # instruments on one page of the HTML matrix


def matrix(
    db,
    clocks: Clocks,
    topic_slugs: list[str],
    filters: dict[str, list[str]],
    catalog: str | None = None,
    page: int | None = None,
) -> Answer:
    """The matrix; ``filters`` (jurisdiction, kind, status: the values
    kept, none: all) keep the rows of the instruments that match them all;
    ``page`` (from 1) keeps MATRIX_ROWS of those rows, None keeps all."""
    from kb.queries.entities import instrument_facets
    from kb.queries.matrix import FILTERS, SYMBOLS, matrix_data
    from kb.render.matrix_page import matrix_page

    facets = instrument_facets(db, clocks, catalog, filters)
    options = {k: sorted(str(v) for v in facets[p]) for k, p in FILTERS.items() if k in filters}
    for k, kept in filters.items():
        unknown = [v for v in kept if v not in options[k]]
        if unknown:
            from kb.errors import closest

            raise BadParameter(
                k, f"{k}: no instrument here has {unknown[0]!r}; use one of {', '.join(options[k])}",
                closest(unknown[0], options[k]),
            )  # fmt: skip
    matched = facets["matched"]
    window, skip, limit = None, None, None
    if page is not None:
        pages = max(1, -(-matched // MATRIX_ROWS))
        if page > pages:
            raise BadParameter(
                "page", f"page: the matrix has {plural(pages, 'page')} of {MATRIX_ROWS} rows; ask for 1 to {pages}"
            )
        skip, limit = (page - 1) * MATRIX_ROWS, MATRIX_ROWS
    d = matrix_data(db, clocks, topic_slugs, catalog, filters, skip, limit)
    if page is not None:
        window = {"page": page, "pages": pages, "first": skip + 1, "last": skip + len(d["rows"]), "of": matched}
    symbols = {**SYMBOLS, "unreviewed": "·"}
    # a row's cells written here, not cell by cell in the template: a page holds thousands of them
    cell = {
        m: f'<td class="mode m-{m}"><span aria-hidden="true">{sym}{"?" if m == "unreviewed" else ""}</span>'
        f'<span class="sr">{m}</span></td>'
        for m, sym in symbols.items()
    }
    slugs = [t["slug"] for t in d["topics"]]

    def row_cells(r: dict[str, Any]) -> Markup:
        return Markup("".join(cell[r["cells"][s]] for s in slugs))  # modes and symbols only: nothing to escape

    extra = {"symbols": symbols, "options": options, "filters": filters, "window": window, "row_cells": row_cells}
    return Answer(matrix_page(d, clocks), "Instrument × topic matrix", extra=extra, template="matrix.html")


def compare(db, clocks: Clocks, a: str | None, b: str | None) -> Answer:
    from kb.queries.compare import compare_data
    from kb.render.compare_page import compare_page

    if not a or not b:
        raise BadParameter("b" if a else "a", f"{'b' if a else 'a'} is missing: compare takes two instruments, a and b")
    page = compare_page(compare_data(db, a, b, clocks), clocks)
    return Answer(page, f"{page.data['a']['id']} ↔ {page.data['b']['id']}")


def compare_form(db, clocks: Clocks) -> Answer:
    """The compare page before two instruments are chosen: a form."""
    from kb.queries import run

    rows = run(db, "instrument_list", **clocks.params())
    page = Page({}, [Heading("Compare two instruments", 1)], [], [])
    return Answer(page, "Compare two instruments", extra={"instruments": rows}, template="compare.html")


CHANGE_COLUMNS = ["at", "change_set", "op", "entity", "key", "detail"]
ENTITY_KIND = {
    "Instrument": "instrument",
    "Topic": "topic",
    "Jurisdiction": "jurisdiction",
    "Developer": "developer",
    "Paper": "paper",
    "Source": "source",
}


def changes(db, topic_slug: str | None, since, limit: int, change_set: str | None = None) -> Answer:
    """The change rows, newest first; ``change_set``: that one change set's only."""
    from kb.changes import changes as read_changes

    if change_set is None:
        rows = read_changes(db, topic=topic_slug, since=since, limit=limit or None)
    else:
        rows = [r for r in read_changes(db, topic=topic_slug, since=since) if r["change_set"] == change_set]
        if not rows:
            raise NotFound("change set", change_set)
        rows = rows[:limit] if limit else rows
    shown = [
        {
            **r,
            "change_set": Linked(r["change_set"], ("change_set", r["change_set"])),
            "key": Linked(r["key"], (ENTITY_KIND[r["entity"]], r["key"])) if r["entity"] in ENTITY_KIND else r["key"],
        }
        for r in rows
    ]
    title = (
        "Changes" + (f" to {topic_slug}" if topic_slug else "") + (f" in change set {change_set}" if change_set else "")
    )
    page = rows_page(rows, None, title, links={"topic": "topic"}, table_columns=CHANGE_COLUMNS + ["topic"])
    page.blocks[1] = Table(shown, CHANGE_COLUMNS + ["topic"], links={"topic": "topic"}, empty="(no change recorded)")
    if limit and len(rows) == limit:
        page.blocks.append(Text(f"(the newest {limit}; limit=0 shows all)", dim=True))
    return Answer(page, title, extra={"topic": topic_slug})


DIFF_COLUMNS = ["what", "key", "from", "to"]


def _diff_key(r: dict[str, Any]) -> str:
    """A diff row's key, its instruments linked."""
    key = r["key"]
    if r["what"] in ("instrument", "cell", "status", "adopted", "silent regime"):
        return Linked(key, ("instrument", key))
    if r["what"] == "forum-shopping pair":
        return Linked(key, *(("instrument", k.strip()) for k in key.split("↔")))
    return key


def diff(db, slug: str, frm, to, recorded_from, recorded_to) -> Answer:
    from kb.diff import diff as read_diff

    if frm is None and recorded_from is None:
        raise BadParameter("from", "give from (legal time), recordedFrom (record time), or both")
    if to is not None and frm is None:
        raise BadParameter("to", "to goes with from")
    if recorded_to is not None and recorded_from is None:
        raise BadParameter("recordedTo", "recordedTo goes with recordedFrom")
    before = Clocks.resolve(frm, recorded_from)
    after = Clocks.resolve(to if frm is not None else None, recorded_to if recorded_from is not None else None)
    result = read_diff(db, slug, before, after)
    title = f"{result['topic']}: {result['from']} → {result['to']}"
    blocks = [
        Heading(title, 1),
        Text(Linked(f"Topic: {result['topic']}", ("topic", result["topic"]))),
        Text(f"Then: {result['summary_from']}"),
        Text(f"Now: {result['summary_to']}"),
        Heading("Differences"),
        Table([{**r, "key": _diff_key(r)} for r in result["changes"]], DIFF_COLUMNS, empty="No differences."),
    ]
    return Answer(Page(result, blocks, result["changes"], DIFF_COLUMNS), title)
