"""The routes of ``kb serve``: each page, its JSON twin under ``/api``, the
parameters it takes and the CLI command whose answer it gives. The app
(kb.web.app) serves them and the OpenAPI description (kb.web.openapi) is
written from them: one table for both.
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.web.pages import MATRIX_ROWS
from kb.web.params import CATALOG, CLOCKS, LIMIT, Param, format_param

JSON_CSV = format_param(("json", "csv"))
JSON = format_param(("json",))


@dataclass(frozen=True)
class Route:
    name: str
    path: str  # the HTML page ("" when it has none); {key} is the record's key
    api: str  # the JSON answer
    summary: str
    cli: str  # the command that gives the same answer
    params: tuple[Param, ...] = CLOCKS
    key: str | None = None  # what {key} is: slug, id, code
    csv: bool = True

    def api_params(self) -> tuple[Param, ...]:
        return (*self.params, JSON_CSV if self.csv else JSON)


ROUTES: tuple[Route, ...] = (
    Route(
        "catalog",
        "/",
        "/api/catalog",
        "The catalog: topics by salience, instruments and jurisdictions (CSV: the instruments).",
        "kb topics; kb instruments",
        (*CLOCKS, CATALOG),
    ),
    Route(
        "topics",
        "",
        "/api/topics",
        "Topics ranked by salience (explicit + conflicts).",
        "kb topics [--catalog NAME]",
        (*CLOCKS, CATALOG),
    ),
    Route(
        "instruments",
        "",
        "/api/instruments",
        "Tracked instruments in catalog order, with status.",
        "kb instruments [--catalog NAME]",
        (*CLOCKS, CATALOG),
    ),
    Route(
        "topic",
        "/topics/{key}",
        "/api/topics/{key}",
        "A topic page: counts, primacy and timeline, forum-shopping pairs, coverage, silent regimes, references "
        "(CSV: the coverage rows).",
        "kb topic SLUG",
        (*CLOCKS, LIMIT),
        key="slug",
    ),
    Route(
        "instrument",
        "/instruments/{key}",
        "/api/instruments/{key}",
        "One instrument: record, status history, coverage cells, conflicts, citations (CSV: its cells).",
        "kb instrument ID",
        key="id",
    ),
    Route(
        "jurisdiction",
        "/jurisdictions/{key}",
        "/api/jurisdictions/{key}",
        "One jurisdiction: its instruments, developers, topics addressed and gaps (CSV: its instruments).",
        "kb jurisdiction CODE",
        key="code",
    ),
    Route(
        "developer",
        "/developers/{key}",
        "/api/developers/{key}",
        "One developer: the instruments it issued or signed, and how they treat a topic.",
        "kb developer ID [--topic SLUG]",
        (
            *CLOCKS,
            Param("topic", "string", "The topic to read each instrument's cell for; default open_weight_release."),
        ),
        key="id",
    ),
    Route(
        "paper",
        "/papers/{key}",
        "/api/papers/{key}",
        "One paper: the topics it addresses, what it cites, similar papers.",
        "kb paper ID",
        key="id",
    ),
    Route(
        "source",
        "/sources/{key}",
        "/api/sources/{key}",
        "One source: title, URL, kind, and every record and fact that cites it.",
        "kb source ID",
        key="id",
    ),
    Route(
        "matrix",
        "/matrix",
        "/api/matrix",
        "The instrument x topic matrix (filters: jurisdiction, kind, status; none given: as kb matrix).",
        "kb matrix [--topic SLUG ...] [--catalog NAME]",
        (
            *CLOCKS,
            CATALOG,
            Param("topic", "string", "Only these topics (repeatable).", repeat=True),
            Param("jurisdiction", "string", "Only instruments of these jurisdictions (repeatable).", repeat=True),
            Param("kind", "string", "Only instruments of these kinds (repeatable).", repeat=True),
            Param("status", "string", "Only instruments with these statuses (repeatable).", repeat=True),
            Param(
                "page",
                "count",
                f"Only this page of the rows, {MATRIX_ROWS} instruments a page, from 1; 0: every row (when not given, "
                "the HTML page shows page 1 and the JSON and CSV every row, as kb matrix does).",
            ),
        ),
    ),
    Route(
        "compare",
        "/compare",
        "/api/compare",
        "Two instruments compared topic by topic (the page without a and b: a form to choose them).",
        "kb compare A B",
        (
            *CLOCKS,
            Param("a", "string", "The first instrument's id."),
            Param("b", "string", "The second instrument's id."),
        ),
    ),
    Route(
        "changes",
        "/changes",
        "/api/changes",
        "What loads changed in the catalog, newest first (also as an Atom feed: /changes.atom).",
        "kb changes",
        (
            Param("topic", "string", "Only changes to this topic's coverage cells and conflicts."),
            Param("since", "date", "Only change sets recorded on or after this day (UTC)."),
            Param("limit", "count", "At most this many rows (0: all).", default=200),
            Param("changeSet", "string", "Only the rows of this change set (its id, as the rows give it)."),
        ),
    ),
    Route(
        "diff",
        "/diff/{key}",
        "/api/diff/{key}",
        "How a topic page changed between two dates (from, to) or two record instants (recordedFrom, recordedTo).",
        "kb diff SLUG --from D1 --to D2",
        (
            Param("from", "date", "Legal time: the law on this date ..."),
            Param("to", "date", "... against the law on this one (default: today)."),
            Param("recordedFrom", "instant", "Record time: the catalog as recorded then ..."),
            Param("recordedTo", "instant", "... against the catalog as recorded then (default: now)."),
        ),
        key="slug",
    ),
)
BY_NAME = {r.name: r for r in ROUTES}
KIND_PATHS = {
    "instrument": "/instruments/",
    "topic": "/topics/",
    "jurisdiction": "/jurisdictions/",
    "developer": "/developers/",
    "paper": "/papers/",
    "source": "/sources/",
}
FEED = (Param("topic", "string", "Only change sets that touch this topic."),)
