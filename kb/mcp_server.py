"""kb's questions as tools of a Model Context Protocol server (``kb mcp``),
for AI agents: the official Python SDK's ``MCPServer`` over stdio.

Each tool is one question kb answers, with typed parameters (the SDK
writes each tool's JSON schema from them) and the two clocks (``as_of``,
``as_recorded``) where the question has them. A tool returns the JSON the
CLI's ``--format json`` writes for the same question (the same
kb.queries data, through the same page layout), or, for ``cite``, the
citation's text. Every tool only reads: kb.queries runs named queries in
READ transactions, and no tool takes Cypher.

A ``KbError`` (an unknown key with its "did you mean", a bad date) becomes
a tool error carrying kb's message; anything else a tool error that names
the failure. Neither sends a traceback, nor the password.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import Field

from kb.cite import FORMATS as CITE_FORMATS
from kb.config import redact
from kb.errors import KbError
from kb.queries import PAGE_LIMIT
from kb.queries.clocks import Clocks
from kb.queries.lookup import KINDS
from kb.queries.search import SEARCH_LIMIT
from kb.render.formats import dumps

INSTRUCTIONS = """kb answers questions about AI governance from a Neo4j knowledge graph: which laws and
frameworks (instruments) address a topic, explicitly, implicitly (via general principles), in conflict, or
not at all (silent); which did first (primacy); where a developer could forum-shop between a strict and a
lenient jurisdiction; and which regimes are silent (gaps). Find keys with `search` (topic slugs such as
open_weight_release, instrument ids such as EU-AIA-2024, jurisdiction codes such as US-CA). Every question
takes as_of (YYYY-MM-DD: the law on that date) and as_recorded (a date or datetime: the catalog as it was
recorded then); both default to now. Answers are JSON, the same as `kb ... --format json`."""

READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)

AsOf = Annotated[
    str | None,
    Field(description="The law on this date (YYYY-MM-DD): instruments adopted by then, with their status then."),
]
AsRecorded = Annotated[
    str | None,
    Field(description="The catalog as recorded then (YYYY-MM-DD: the end of that day, UTC, or an ISO datetime)."),
]
Slug = Annotated[str, Field(description="A topic's slug, e.g. open_weight_release (find one with `search`).")]
Limit = Annotated[
    int | None,
    Field(ge=1, description=f"List the first N rows of each long list (default {PAGE_LIMIT}); null lists all."),
]
InstrumentId = Annotated[str, Field(description="An instrument's id, e.g. EU-AIA-2024 (find one with `search`).")]
Kind = Literal[KINDS]


def build_server(db, password: str | None = None) -> MCPServer:
    """The server, answering from ``db`` (a kb.db.Database); ``password`` is
    kept out of every message."""

    def answer(fn: Callable[[Clocks], Any], as_of: str | None = None, as_recorded: str | None = None) -> str:
        """``fn`` asked at the clocks given, its answer as JSON (a text as it is)."""
        try:
            value = fn(Clocks.resolve(as_of, as_recorded))
            return value if isinstance(value, str) else dumps(value)
        except KbError as e:
            raise ToolError(redact(str(e), password)) from None
        except Exception as e:  # a bug or a lost server: its name and message, never its traceback
            raise ToolError(redact(f"unexpected failure: {type(e).__name__}: {e}", password)) from None

    server = MCPServer(name="kb", instructions=INSTRUCTIONS, log_level="WARNING")
    tool = server.tool

    @tool(annotations=READ_ONLY, structured_output=False)
    def topic_page(slug: Slug, limit: Limit = PAGE_LIMIT, as_of: AsOf = None, as_recorded: AsRecorded = None) -> str:
        """A topic page: counts (tracked, explicit, implicit, conflicts, silent, unreviewed), the summary
        sentence, primacy and timeline, forum-shopping pairs, coverage, silent regimes and references
        (`kb topic SLUG -f json`)."""
        from kb.queries.topic import topic_data
        from kb.render.topic_page import topic_page as layout

        return answer(lambda clocks: layout(topic_data(db, slug, clocks, limit=limit), clocks).data, as_of, as_recorded)

    @tool(annotations=READ_ONLY, structured_output=False)
    def primacy(slug: Slug, limit: Limit = PAGE_LIMIT, as_of: AsOf = None, as_recorded: AsRecorded = None) -> str:
        """Which instrument addressed a topic first (its date and mode), and the timeline after it,
        each labelled codified, diverged, implicit or silent (`kb primacy SLUG -f json`)."""
        from kb.queries.topic import primacy as primacy_data
        from kb.render.topic_page import primacy_page

        return answer(
            lambda clocks: primacy_page(primacy_data(db, slug, clocks, limit=limit), clocks).data, as_of, as_recorded
        )

    @tool(annotations=READ_ONLY, structured_output=False)
    def forum_shopping(
        slug: Slug,
        all_pairs: Annotated[
            bool,
            Field(
                description="False: the topic page's pairs (at most three). True: every pair of a strict "
                "and a lenient jurisdiction, with the instruments behind each side."
            ),
        ] = False,
        instruments: Annotated[
            bool, Field(description="With all_pairs: scored pairs of instruments instead of jurisdictions.")
        ] = False,
        include_voluntary: Annotated[
            bool, Field(description="With all_pairs: voluntary instruments count as law too.")
        ] = False,
        include_proposed: Annotated[
            bool, Field(description="With all_pairs: proposed and adopted-not-in-force instruments count too.")
        ] = False,
        kinds: Annotated[list[str], Field(description="With all_pairs: only instruments of these kinds count.")] = [],  # noqa: B006  (a schema default; never changed)
        limit: Annotated[
            int | None,
            Field(ge=1, description="With all_pairs: the first N pairs (instrument pairs: default the 100 best)."),
        ] = None,
        as_of: AsOf = None,
        as_recorded: AsRecorded = None,
    ) -> str:
        """Where a developer could pick a lenient jurisdiction over a strict one on a topic
        (`kb forum-shopping SLUG [--all [--instruments]] -f json`)."""
        from kb.queries import ALL_PAIRS_LIMIT

        def run(clocks: Clocks) -> Any:
            widened = instruments or include_voluntary or include_proposed or kinds or limit is not None
            if widened and not all_pairs:
                raise KbError("instruments, include_voluntary, include_proposed, kinds and limit go with all_pairs")
            if instruments and (include_voluntary or include_proposed or kinds):
                raise KbError("include_voluntary, include_proposed and kinds go with jurisdiction pairs")
            if all_pairs and not instruments:
                from kb.queries.forum import jurisdiction_pairs
                from kb.render.forum_page import jurisdiction_pairs_page

                d = jurisdiction_pairs(db, slug, clocks, include_voluntary, include_proposed, tuple(kinds))
                return jurisdiction_pairs_page(d, clocks, limit).data
            from kb.queries.topic import forum_shopping_data
            from kb.render.topic_page import forum_shopping_page, scored_pairs_page

            d = forum_shopping_data(db, slug, clocks, all_pairs=all_pairs, limit=limit or ALL_PAIRS_LIMIT)
            return (scored_pairs_page if all_pairs else forum_shopping_page)(d, clocks).data

        return answer(run, as_of, as_recorded)

    @tool(annotations=READ_ONLY, structured_output=False)
    def gaps(
        slug: Annotated[str | None, Field(description="A topic's slug: also its silent regimes.")] = None,
        limit: Limit = PAGE_LIMIT,
        as_of: AsOf = None,
        as_recorded: AsRecorded = None,
    ) -> str:
        """Coverage gaps: the silent share overall and per topic, per jurisdiction the topics none of its
        instruments addresses, and with slug that topic's silent regimes (`kb gaps [SLUG] -f json`)."""
        from kb.queries.gaps import gaps_data
        from kb.render.gaps_page import gaps_page

        return answer(
            lambda clocks: gaps_page(gaps_data(db, slug, clocks, limit=limit), clocks).data, as_of, as_recorded
        )

    @tool(annotations=READ_ONLY, structured_output=False)
    def matrix(
        topics: Annotated[list[str], Field(description="Only these topics' slugs (empty: every topic).")] = [],  # noqa: B006
        as_of: AsOf = None,
        as_recorded: AsRecorded = None,
    ) -> str:
        """The instrument x topic matrix: each instrument's mode for each topic (explicit, implicit,
        conflicts, silent, or unreviewed), rows in catalog order (`kb matrix -f json`)."""
        from kb.queries.matrix import matrix_data
        from kb.render.matrix_page import matrix_page

        return answer(
            lambda clocks: matrix_page(matrix_data(db, clocks, tuple(topics)), clocks).data, as_of, as_recorded
        )

    @tool(annotations=READ_ONLY, structured_output=False)
    def compare(a: InstrumentId, b: InstrumentId, as_of: AsOf = None, as_recorded: AsRecorded = None) -> str:
        """Two instruments topic by topic: where they converge (same mode), differ, or are both silent
        (`kb compare A B -f json`)."""
        from kb.queries.compare import compare_data
        from kb.render.compare_page import compare_page

        return answer(lambda clocks: compare_page(compare_data(db, a, b, clocks), clocks).data, as_of, as_recorded)

    @tool(annotations=READ_ONLY, structured_output=False)
    def instrument(id: InstrumentId, as_of: AsOf = None, as_recorded: AsRecorded = None) -> str:
        """One instrument: its record, status history, coverage cells, conflicts, citations, revocations
        and signatories (`kb instrument ID -f json`)."""
        from kb.queries.entities import instrument_data
        from kb.render.entity_pages import instrument_page

        return answer(lambda clocks: instrument_page(instrument_data(db, id, clocks), clocks).data, as_of, as_recorded)

    @tool(annotations=READ_ONLY, structured_output=False)
    def jurisdiction(
        code: Annotated[str, Field(description="A jurisdiction's code, e.g. US, US-CA, EU.")],
        as_of: AsOf = None,
        as_recorded: AsRecorded = None,
    ) -> str:
        """One jurisdiction: its instruments, developers, the topics it addresses and its gaps
        (`kb jurisdiction CODE -f json`)."""
        from kb.queries.entities import jurisdiction_data
        from kb.render.entity_pages import jurisdiction_page

        return answer(
            lambda clocks: jurisdiction_page(jurisdiction_data(db, code, clocks), clocks).data, as_of, as_recorded
        )

    @tool(annotations=READ_ONLY, structured_output=False)
    def developer(
        id: Annotated[str, Field(description="A developer's id, e.g. meta, anthropic.")],
        topic: Annotated[
            str | None, Field(description="The topic to read each instrument's cell for (default open_weight_release).")
        ] = None,
        as_of: AsOf = None,
        as_recorded: AsRecorded = None,
    ) -> str:
        """One developer: the instruments it issued or signed, and how they treat a topic
        (`kb developer ID -f json`)."""
        from kb.queries.entities import developer_data
        from kb.render.entity_pages import developer_page

        return answer(
            lambda clocks: developer_page(developer_data(db, id, topic, clocks), clocks).data, as_of, as_recorded
        )

    @tool(annotations=READ_ONLY, structured_output=False)
    def search(
        text: Annotated[str, Field(description="Part of a name, id, slug or code, in any case, e.g. 'open weight'.")],
        kind: Annotated[Kind | None, Field(description="Only keys of this kind.")] = None,
        limit: Annotated[int | None, Field(ge=1, description="At most N matches; null: all.")] = SEARCH_LIMIT,
        as_recorded: AsRecorded = None,
    ) -> str:
        """Find keys by name: instruments, topics, jurisdictions, developers, papers and sources whose key or
        name holds the text, the closest first (`kb search TEXT -f json`)."""
        from kb.queries.search import search as find

        return answer(lambda clocks: find(db, text, kind, clocks, limit), None, as_recorded)

    @tool(annotations=READ_ONLY, structured_output=False)
    def cite(
        kind: Annotated[Literal["topic", "instrument", "paper"], Field(description="What to cite.")],
        key: Annotated[str, Field(description="Its slug (topic) or id (instrument, paper).")],
        format: Annotated[Literal[CITE_FORMATS], Field(description="The citation format.")] = "apa",
        as_of: Annotated[str | None, Field(description="For a topic: the date the page is cited as of.")] = None,
    ) -> str:
        """A citation of a topic page, an instrument or a paper, as text (`kb cite KIND KEY --format F`)."""
        from kb.cite import cite as citation
        from kb.queries import to_date

        return answer(lambda _: citation(db, kind, key, format, to_date(as_of, "as_of") if as_of else None))

    return server


TOOLS = (
    "topic_page",
    "primacy",
    "forum_shopping",
    "gaps",
    "matrix",
    "compare",
    "instrument",
    "jurisdiction",
    "developer",
    "search",
    "cite",
)


def serve(db, password: str | None = None) -> None:
    """Answer MCP requests on stdin/stdout until the client closes them."""
    build_server(db, password).run("stdio")
