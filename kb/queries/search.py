"""Find keys by name: every instrument, topic, jurisdiction, developer,
paper and source whose key or name holds a text, ignoring case, hyphens and underscores (``kb
search``, the MCP server's ``search`` tool)."""

from __future__ import annotations

import re
from typing import Any

from kb.errors import KbError
from kb.queries.clocks import Clocks
from kb.queries.lookup import KINDS, catalog_keys
from kb.queries.reader import one_read

SEARCH_LIMIT = 20  # matches listed unless asked for more
_GAPS = re.compile(r"[\s_\-]+")


def _words(text: str) -> str:
    """'Open-Weight  release' and 'open_weight_release' alike: 'open weight release'."""
    return _GAPS.sub(" ", text).strip().casefold()


def search(
    db, text: str, kind: str | None = None, clocks: Clocks | None = None, limit: int | None = SEARCH_LIMIT
) -> list[dict[str, Any]]:
    """The keys (of ``kind``; None: of every kind) the catalog held at
    ``clocks.as_recorded`` whose key or name holds ``text``, the closest
    first: an equal key or name, then one that starts with the text, then
    the rest; then by kind (instruments, topics, jurisdictions, developers,
    papers, sources) and in the catalog's order."""
    needle = _words(text)
    if not needle:
        raise KbError("search for some text: a word of a name, or part of an id, slug or code")
    if kind is not None and kind not in KINDS:
        raise KbError(f"no kind {kind!r}: give one of {', '.join(KINDS)}")
    clocks = clocks or Clocks.resolve()
    rows = one_read(db, lambda read: catalog_keys(read, clocks, kind))

    def closeness(r: dict[str, Any]) -> int | None:
        key, name = _words(r["key"]), _words(r["name"] or "")
        if needle in (key, name):
            return 0
        if key.startswith(needle) or name.startswith(needle):
            return 1
        if needle in key or needle in name:
            return 2
        return None

    hits = [(c, KINDS.index(r["kind"]), n, r) for n, r in enumerate(rows) if (c := closeness(r)) is not None]
    hits.sort(key=lambda h: h[:3])
    found = [{"kind": r["kind"], "key": r["key"], "name": r["name"], "adopted": r["adopted"]} for *_, r in hits]
    return found if limit is None else found[:limit]
