"""A commented YAML skeleton of a new instrument record (``kb new instrument``).

The skeleton is in the format of ``data/corpus``: an ``instruments`` record
whose required fields are left empty (``kb load --dry-run`` lists each one
still missing, all in one run) and optional fields commented out, then a
``treats`` section listing every current topic as a commented-out cell: a
topic left commented stays unreviewed.
"""

from __future__ import annotations

import json
from typing import Any

from kb.errors import KbError
from kb.schema.model import CONFIDENCES, CURRENT, INSTRUMENT_KINDS, MODES, STATUSES
from kb.validate import KEY_PATTERNS

TOPICS = (
    f"MATCH (t:Topic)-[:HAS_STATE]->(x:TopicState) WHERE {CURRENT} "
    "RETURN x.slug AS slug, x.name AS name ORDER BY x.rank, x.slug"
)
STORED = f"MATCH (:Instrument {{id: $id}})-[:HAS_STATE]->(x:InstrumentState) WHERE {CURRENT} RETURN count(x) AS n"
LAST_RANK = f"MATCH (x:InstrumentState) WHERE {CURRENT} RETURN max(x.catalog_rank) AS rank"


def _q(text: str) -> str:
    """``text`` as a double-quoted YAML scalar."""
    return json.dumps(text, ensure_ascii=False)


def instrument_skeleton(instrument_id: str, topics: list[dict[str, Any]], last_rank: int | None) -> str:
    """The skeleton of instrument ``instrument_id``, with a commented cell for
    each of ``topics`` ({slug, name}, in catalog order); ``last_rank`` is the
    catalog's last rank (None: no instrument yet)."""
    pattern, rule = KEY_PATTERNS["id"]
    if not pattern.fullmatch(instrument_id):
        raise KbError(f"bad instrument id {instrument_id!r}: use {rule}, e.g. EU-AIA-2024")
    next_rank = (last_rank or 0) + 1
    ident = _q(instrument_id)
    lines = [
        f"# A new instrument, {instrument_id}. Fill in the fields marked required (kb load --dry-run FILE",
        "# lists the ones still empty), uncomment the optional ones you know, then: kb load FILE",
        "# Field meanings: docs/data-format.md. Dates are YYYY-MM-DD. Every fact needs a source: the id",
        "# of a record in `sources`, in the catalog or in a `sources:` section of this file.",
        "instruments:",
        f"  - id: {ident}",
        "    name:                 # required: the full name",
        '    # short_name: ""      # a short display name',
        f"    kind:                 # required: {', '.join(INSTRUMENT_KINDS)}",
        "    binding:              # required: true (legally binding in kind) or false (voluntary)",
        f"    status:               # required: {', '.join(STATUSES)}",
        "    # status_history:     # each status it took and from when, oldest first; the last is status",
        '    #   - {date: YYYY-MM-DD, status: "", source: ""}',
        "    # introduced: YYYY-MM-DD  # introduced or first proposed",
        "    # adopted: YYYY-MM-DD     # adopted, signed or issued; none while it is proposed",
        "    # effective: YYYY-MM-DD   # took effect; not before adopted",
        "    # ended: YYYY-MM-DD       # revoked, vetoed or expired; not before effective",
        "    jurisdiction:         # required: a jurisdiction code, e.g. EU, US, US-CA",
        '    # issued_by: ""       # developer id, for a framework a company issued',
        '    # citation: ""',
        '    # url: ""',
        f"    # catalog_rank: {next_rank}     # position in the catalog; left out, it comes after the last "
        f"({next_rank} now)",
        '    # wikidata: ""',
        '    # notes: ""           # own words',
        "    source:               # required: id of the source the record comes from",
        "",
        "# Coverage: one cell per topic the instrument was reviewed for. A topic with no cell stays",
        "# unreviewed (counted as silent, marked unreviewed). To record a review, uncomment its cell",
        f"# and fill in mode ({', '.join(MODES)}), confidence ({', '.join(CONFIDENCES)}) and source;",
        "# pinpoint (the article or section) and note (own words) may be added to the cell.",
        "treats:",
    ]
    for t in topics:
        lines.append(f"  # {t['slug']}: {t['name']} (unreviewed)")
        lines.append(f"  # - {{instrument: {ident}, topic: {_q(t['slug'])}, mode: , confidence: , source: }}")
    return "\n".join(lines) + "\n"


def new_instrument(db, instrument_id: str) -> str:
    """The skeleton of a new instrument, listing the graph's current topics;
    an id already in the catalog is refused."""
    if db.read(STORED, id=instrument_id)[0]["n"]:
        raise KbError(
            f"instrument {instrument_id!r} is already in the catalog: edit its record (kb export DIR writes "
            "it out), or choose another id"
        )
    return instrument_skeleton(instrument_id, db.read(TOPICS), db.read(LAST_RANK)[0]["rank"])
