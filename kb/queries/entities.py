"""Entity pages' data: one instrument, jurisdiction, developer or paper, at
the two clocks (``kb.queries.clocks.Clocks``): the law on ``as_of`` as the
catalog recorded it at ``as_recorded``. Each is one named query's row
(``instrument_profile`` ...), read in one read transaction, with the clocks
asked for (kb.render.entity_pages lays them out)."""

from __future__ import annotations

from typing import Any

from kb.errors import KbError
from kb.queries.clocks import Clocks
from kb.queries.crosswalk import instrument_crosswalk
from kb.queries.lookup import catalog_named, resolve
from kb.queries.reader import Reader, one_read


def _given(clocks: Clocks) -> tuple[Any, Any]:
    """The page's ``as_of`` and ``as_recorded`` keys: each clock when it was
    asked for, else None (today's law, as recorded now)."""
    return (clocks.as_of if clocks.as_of_given else None, clocks.as_recorded if clocks.as_recorded_given else None)


def _adopted_by(found: dict[str, Any], clocks: Clocks) -> None:
    """Raise the error for an instrument not adopted by ``clocks.as_of``."""
    key, adopted = found["key"], found["adopted"]
    if adopted is None or adopted > clocks.as_of:
        when = f"adopted {adopted.isoformat()}" if adopted else "has no adoption date"
        raise KbError(
            f"{key} was not adopted by {clocks.as_of.isoformat()} ({when}); pick a later --as-of or leave it out"
        )


def instrument_data(db, key: str, clocks: Clocks | None = None) -> dict[str, Any]:
    """instrument_profile's row: the record, status history, cells,
    conflicts, citations, revocations and signatories."""
    clocks = clocks or Clocks.resolve()
    return one_read(db, lambda read: _instrument_data(read, key, clocks))


def _instrument_data(read: Reader, key: str, clocks: Clocks) -> dict[str, Any]:
    found = resolve(read, "instrument", key, clocks)
    d = read.run_one("instrument_profile", id=found["key"], **clocks.params())
    if d is None:
        _adopted_by(found, clocks)
        raise KbError(f"no instrument {found['key']!r} {clocks.describe() or 'now'}")
    d["as_of"], d["as_recorded"] = _given(clocks)
    d["same_as"] = instrument_crosswalk(read, found["key"], clocks)
    d["sources"] = _sources(read, d, clocks)
    for c in d["cells"]:
        c["checked"] = d["sources_by_id"][c["source"]]["checked"] if c["source"] in d["sources_by_id"] else None
    del d["sources_by_id"]
    return d


def _sources(read: Reader, d: dict[str, Any], clocks: Clocks) -> list[dict[str, Any]]:
    """The sources an instrument page cites (its record, its dates, its status
    history, its cells and conflicts), in that order, each with title, URL,
    kind, how many of its cells cite it and whether those were checked in the
    primary text; ``d["sources_by_id"]`` the same by id."""
    i = d["instrument"]
    cited = [i["source"], i.get("date_source"), i.get("identifiers_source")]
    cited += [s["source"] for s in d["status_history"]]
    cited += [c["source"] for c in d["cells"]] + [c["source"] for c in d["conflicts"]]
    ids = list(dict.fromkeys(x for x in cited if x))
    rows = read.run("source_list", ids=ids, as_recorded=clocks.as_recorded) if ids else []
    found = {
        r["id"]: {
            **r,
            "checked": r["kind"] == "primary",
            "cells": sum(1 for c in d["cells"] if c["source"] == r["id"]),
        }
        for r in rows
    }
    d["sources_by_id"] = found
    return [found[x] for x in ids if x in found]


def jurisdiction_data(db, code: str, clocks: Clocks | None = None) -> dict[str, Any]:
    """jurisdiction_profile's row, and ``gaps``: the topics none of its
    instruments addresses, in rank order."""
    clocks = clocks or Clocks.resolve()
    return one_read(db, lambda read: _jurisdiction_data(read, code, clocks))


# The statuses of law in effect: an instrument proposed, vetoed or revoked is listed, but
# does not make a jurisdiction's law address a topic.
IN_EFFECT = ("in_force", "partially_in_force", "adopted_not_in_force")


def _mode(cells: list[dict[str, Any]], instruments: int) -> str:
    """The best mode the cells of instruments in effect give a topic: explicit,
    conflicts, implicit; else silent when one of them was reviewed on it, else
    unreviewed (none was), or none (no instrument in effect of that kind)."""
    live = [c["mode"] for c in cells if c["status"] in IN_EFFECT]
    for mode in ("explicit", "conflicts", "implicit", "silent"):
        if mode in live:
            return mode
    return "unreviewed" if instruments else "none"


def _jurisdiction_data(read: Reader, code: str, clocks: Clocks) -> dict[str, Any]:
    """Per topic: ``mode`` and ``instruments`` of its public law (the cells
    of instruments in effect decide the mode; every instrument addressing it
    is listed), ``frameworks_mode`` and ``frameworks`` of the company
    frameworks issued here, apart; ``gaps``: the topics its public law in
    effect does not address, ``gaps_silent`` (reviewed and silent) and
    ``gaps_unreviewed`` (not reviewed, or no public law in effect) apart."""
    code = resolve(read, "jurisdiction", code, clocks)["key"]
    d = read.run_one("jurisdiction_profile", code=code, **clocks.params())
    d["as_of"], d["as_recorded"] = _given(clocks)
    law = sum(1 for i in d["instruments"] if not i["framework"] and i["status"] in IN_EFFECT)
    frameworks = sum(1 for i in d["instruments"] if i["framework"] and i["status"] in IN_EFFECT)
    d["topics"] = [
        {
            "topic": t["topic"],
            "name": t["name"],
            "mode": _mode(t["law"], law),
            "instruments": [c["id"] for c in t["law"] if c["mode"] != "silent"],
            "ended": [c["id"] for c in t["law"] if c["mode"] != "silent" and c["status"] not in IN_EFFECT],
            "frameworks_mode": _mode(t["frameworks"], frameworks),
            "frameworks": [c["id"] for c in t["frameworks"] if c["mode"] != "silent"],
        }
        for t in d["topics"]
    ]
    d["gaps_silent"] = [t["topic"] for t in d["topics"] if t["mode"] == "silent"]
    d["gaps_unreviewed"] = [t["topic"] for t in d["topics"] if t["mode"] in ("unreviewed", "none")]
    d["gaps"] = [t["topic"] for t in d["topics"] if t["mode"] in ("silent", "unreviewed", "none")]
    return d


def developer_data(db, key: str, topic: str | None = None, clocks: Clocks | None = None) -> dict[str, Any]:
    """developer_profile's row: the instruments it issued or signed, and how
    they treat ``topic`` (default: open_weight_release); ``exposure``: the
    binding law in force where it is based or operates (developer_exposure)."""
    clocks = clocks or Clocks.resolve()
    return one_read(db, lambda read: _developer_data(read, key, topic, clocks))


def _developer_data(read: Reader, key: str, topic: str | None, clocks: Clocks) -> dict[str, Any]:
    key = resolve(read, "developer", key, clocks)["key"]
    slug = resolve(read, "topic", topic, clocks)["key"] if topic else None
    d = read.run_one("developer_profile", id=key, topic=slug, **clocks.params())
    d["as_of"], d["as_recorded"] = _given(clocks)
    d["exposure"] = read.run("developer_exposure", id=key, topic=slug, **clocks.params())
    return d


def paper_data(db, key: str, clocks: Clocks | None = None) -> dict[str, Any]:
    """paper_profile's row. A paper has no legal time: it is the catalog as
    recorded at ``clocks.as_recorded`` (``as_of`` does not change it)."""
    clocks = clocks or Clocks.resolve()
    return one_read(db, lambda read: _paper_data(read, key, clocks))


def _paper_data(read: Reader, key: str, clocks: Clocks) -> dict[str, Any]:
    key = resolve(read, "paper", key, clocks)["key"]
    d = read.run_one("paper_profile", id=key, as_recorded=clocks.as_recorded)
    d["as_recorded"] = _given(clocks)[1]
    return d


def instrument_facets(
    db, clocks: Clocks | None = None, catalog: str | None = None, filters: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    """The jurisdictions, kinds and statuses (on the legal date) the
    instruments of ``catalog`` (None: the curated one) hold, how many there
    are, and how many ``filters`` keep (kb.queries.matrix.FILTERS;
    instrument_facets)."""
    from kb.queries.matrix import FILTERS

    clocks = clocks or Clocks.resolve()
    kept = {FILTERS[k]: list(v) for k, v in (filters or {}).items() if v}
    (row,) = one_read(
        db,
        lambda read: read.run(
            "instrument_facets", catalog=catalog_named(read, catalog, clocks), **kept, **clocks.params()
        ),
    )
    return row


def instrument_rows(db, clocks: Clocks | None = None, catalog: str | None = None) -> list[dict[str, Any]]:
    """The instruments of ``catalog`` (None: the curated one) in catalog
    order, with their status on the legal date (instrument_list)."""
    clocks = clocks or Clocks.resolve()
    return one_read(
        db, lambda read: read.run("instrument_list", catalog=catalog_named(read, catalog, clocks), **clocks.params())
    )
