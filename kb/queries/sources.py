"""Sources: what a source is and every fact in the catalog that cites it
(source_profile)."""

from __future__ import annotations

from typing import Any

from kb.queries.clocks import Clocks
from kb.queries.lookup import resolve
from kb.queries.reader import Reader


def source_data(db, source_id: str, clocks: Clocks | None = None) -> dict[str, Any]:
    """The source (title, URL, publisher, kind, accessed, note), the records
    whose state cites it and the facts on edges that cite it, as recorded at
    the clocks' record instant. An unknown id raises with the closest ones."""
    clocks = clocks or Clocks.resolve()
    read = Reader(db)
    key = resolve(read, "source", source_id, clocks)["key"]
    return read.run_one("source_profile", id=key, as_recorded=clocks.as_recorded)
