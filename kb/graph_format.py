"""Which format a graph is in: 1 (written by an older kb, before the
record-time model: ``kb db migrate`` upgrades it), 2 (this kb's) or None
(empty). ``kb db init`` marks a graph with a GraphFormat node; ``kb load``
refuses a graph of format 1, so that no graph ever holds both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kb.errors import KbError
from kb.schema import model
from kb.schema.model import FORMAT_VERSION
from kb.schema.sections import NODE_SECTIONS

FORMAT_ID = "kb"
FORMAT_LABEL = model.GraphFormat.__label__
OLD_FORMAT = 1


def _old_marks() -> str:
    marks = [
        "EXISTS { MATCH (:InstrumentVersion) }",
        "EXISTS { MATCH (:Change) }",
        "EXISTS { MATCH ()-[:TREATED]->() }",
    ]
    marks += [f"EXISTS {{ MATCH (n:{s.label}) WHERE n.recorded_at IS NOT NULL }}" for s in NODE_SECTIONS]
    return " OR ".join(marks)


FORMAT_QUERY = (
    f"OPTIONAL MATCH (g:{FORMAT_LABEL} {{id: '{FORMAT_ID}'}}) "
    f"RETURN g.version AS version, {_old_marks()} AS old, "
    "EXISTS { MATCH ()-[:HAS_STATE]->() } AS states, "
    "EXISTS { MATCH (n) WHERE NOT n:LoadLock AND NOT n:" + FORMAT_LABEL + " } AS data"
)


def graph_format_of(run: Callable[..., Any]) -> tuple[int | None, bool]:
    """(format, marked): 1 or 2, None for an empty graph; whether the
    GraphFormat node says so."""
    row = run(FORMAT_QUERY)[0]
    if row["version"] is not None:
        version = int(row["version"])
        if version > FORMAT_VERSION:
            raise KbError(
                f"this graph is in format {version}, written by a newer kb than this one (which "
                f"writes format {FORMAT_VERSION}): upgrade kb (pip install -U kb) to use it"
            )
        return version, True
    if row["old"]:
        if row["states"]:
            raise KbError(
                "this graph holds records of both formats: it was written by an older kb and then "
                "loaded by this one before `kb db migrate` ran, so it cannot be migrated safely. "
                "Restore it from a backup and run `kb db migrate` first, or clear it "
                "(`kb db clear --yes`) and load the catalog again"
            )
        return OLD_FORMAT, False
    return (FORMAT_VERSION if row["data"] else None), False


def graph_format(db) -> int | None:
    """The format of the graph ``db`` holds: 1 (written by an older kb: run
    ``kb db migrate``), 2 (this kb's) or None (empty)."""
    return graph_format_of(lambda q: db.read(q))[0]


MARK = f"MERGE (g:{FORMAT_LABEL} {{id: '{FORMAT_ID}'}}) SET g.version = $version"


def check_writable(run: Callable[..., Any]) -> None:
    """Refuse to write into a graph of the older format (``run(query)``
    returns rows), which would then hold both."""
    if graph_format_of(run)[0] == OLD_FORMAT:
        raise KbError(
            "this graph was written by an older kb: run `kb db migrate` to upgrade it (its history "
            "is kept), then load again"
        )
