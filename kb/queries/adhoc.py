"""Ad-hoc Cypher (``kb cypher``): a READ transaction unless writing is asked for.

Two guards, both on the server's own reading of the statement: first an
EXPLAIN, whose plan says whether the statement writes data or schema and
whether it reads files (LOAD CSV) or stops other transactions; then the run
itself, in a read transaction, where the server refuses any write. Either
refusal becomes a ``QueryError`` that says to add ``--write``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from kb.errors import QueryError
from kb.queries.clocks import to_date, to_datetime
from kb.queries.reader import quiet_driver
from kb.queries.values import native

READ_ONLY_MESSAGE = (
    "read-only: this statement writes to the graph, and kb cypher runs in a read "
    "transaction; nothing was changed. Add --write to allow changes"
)
# Plan operators refused without --write although the server plans them as reads.
UNSAFE_OPERATORS = {
    "LoadCSV": "LOAD CSV reads files from the server",
    "TerminateTransactions": "TERMINATE TRANSACTIONS stops other users' work",
}


def _operators(plan) -> list[str]:
    if not plan:
        return []
    out = [plan["operatorType"].split("@")[0]]
    for child in plan.get("children", []):
        out += _operators(child)
    return out


def preflight(tx, text: str, params: dict[str, Any]) -> None:
    """Refuse, before running it, a statement that is not a plain read."""
    body = re.sub(r"^\s*(EXPLAIN|PROFILE)\b", "", text, count=1, flags=re.IGNORECASE)
    summary = tx.run("EXPLAIN " + body, params).consume()
    if summary.query_type in ("w", "rw"):
        raise QueryError(READ_ONLY_MESSAGE)
    if summary.query_type == "s":
        raise QueryError(
            "read-only: this statement changes the schema or the server's state, and kb cypher "
            "runs read-only; nothing was changed. Add --write to allow it"
        )
    for op in _operators(summary.plan):
        if op in UNSAFE_OPERATORS:
            raise QueryError(
                f"read-only: {UNSAFE_OPERATORS[op]}, which kb cypher does not do without --write; nothing was run"
            )


def parse_value(text: str) -> Any:
    """A --param value: YYYY-MM-DD is a date; YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM] a
    date and time (UTC when no offset is given), e.g. for $as_recorded; JSON
    (42, true, null, [..], "..") is itself; anything else is a string."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        return to_date(text, "--param")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?", text.strip()):
        return to_datetime(text, "--param")
    try:
        return json.loads(text)
    except ValueError:
        return text


def run_cypher(
    db, text: str, params: dict[str, Any] | None = None, write: bool = False, warn: Callable[[str], None] | None = None
) -> list[dict[str, Any]]:
    """Rows as dicts (nodes and relationships as their properties). The
    server's warnings (an unknown label, a cartesian product) go to ``warn``."""
    from neo4j.exceptions import ClientError

    quiet_driver()
    params = params or {}
    if not text.strip():
        raise QueryError('no Cypher given: pass a statement, e.g. kb cypher "RETURN 1"')

    def work(tx):
        try:
            if not write:
                preflight(tx, text, params)
            result = tx.run(text, params)
            rows = [native(r.data()) for r in result]
            summary = result.consume()
        except ClientError as e:
            code = e.code or ""
            if not write and (
                "AccessMode" in code or "WriteOnReadOnlyAccess" in code or "read access mode" in (e.message or "")
            ):
                raise QueryError(READ_ONLY_MESSAGE) from None
            raise
        if warn:
            for status in summary.gql_status_objects:
                if status.is_notification and str(status.severity).endswith("WARNING"):
                    warn(status.status_description)
        return rows

    return db.write_tx(work) if write else db.read_tx(work)
