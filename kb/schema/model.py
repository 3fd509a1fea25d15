"""The graph's schema as neomodel classes: the single source of truth.

Labels, relationship types, properties, their types and allowed values,
required fields, unique constraints and indexes are declared here and
nowhere else. ``kb.schema.statements`` turns them into Cypher DDL (what
``kb db init`` runs and ``cypher/schema.cypher`` holds); ``kb.validate``
checks data files against them; ``kb.load`` writes with them.

Time (docs/history.md). Two clocks, kept apart:

* legal time: when an instrument was introduced, adopted, took effect,
  changed status or ended, as dated properties (``introduced``,
  ``adopted``, ``effective``, ``ended``, the status history) and dated
  edges (``REVOKES``);
* record time: when the catalog recorded a fact. Nothing is deleted. Each
  record is an identity node that holds only its key (``Instrument {id}``)
  and ``HAS_STATE`` state nodes (``InstrumentState``) that hold its
  properties, each valid over ``[recorded_from, recorded_to)``; every
  curated edge carries the same two properties. A load that changes a fact
  closes its interval (``recorded_to = now``) and opens a new one; a fact
  the files no longer have is closed only. The one predicate
  ``x.recorded_from <= $as_recorded < x.recorded_to`` reads any instant;
  facts still current end at ``FOREVER``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import neo4j.time
from neomodel import (
    ArrayProperty,
    BooleanProperty,
    DateProperty,
    DateTimeNeo4jFormatProperty,
    IntegerProperty,
    Relationship,
    RelationshipTo,
    StringProperty,
    StructuredNode,
    StructuredRel,
)


class NativeDateProperty(DateProperty):
    """A date stored as a Neo4j ``Date`` (neomodel's own stores a string)."""

    def deflate(self, value: Any, obj: Any = None, skip_empty: bool = False, **_: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, neo4j.time.Date):
            return value
        if not isinstance(value, date):
            raise ValueError(f"datetime.date expected, got {value!r}")
        return value


# -- allowed values ---------------------------------------------------------
SOURCE_KINDS = ("catalog", "primary", "secondary", "paper")
JURISDICTION_KINDS = ("national", "supranational", "sub_national", "international_forum", "global")
INSTRUMENT_KINDS = (
    "binding_regulation",
    "executive_order",
    "policy_statement",
    "voluntary_code",
    "international_treaty",
    "memorandum_of_understanding",
    "resolution",
    "technical_standard",
)
STATUSES = ("in_force", "partially_in_force", "adopted_not_in_force", "proposed", "vetoed", "revoked")
MODES = ("explicit", "implicit", "conflicts", "silent")
CONFIDENCES = ("high", "medium", "low")
# The confidence rule (docs/data-format.md, "treats"): a cell at
# CHECKED_CONFIDENCE says its mode and pinpoint were read in the primary text,
# so its source must be a source of kind PRIMARY_SOURCE_KIND.
CHECKED_CONFIDENCE = "high"
PRIMARY_SOURCE_KIND = "primary"
POSTURES = ("open", "closed", "mixed")
REVOCATION_SCOPES = ("full", "partial")
AUTHORITY_KINDS = ("government", "legislature", "agency", "court", "city", "company", "multinational", "other")

# Catalogs (docs/catalogs.md): every instrument and topic belongs to one, named
# by its state's ``catalog``; the curated corpus is CURATED_CATALOG, and a
# data file's record without a catalog belongs to it. A topic's pages count
# the instruments of its own catalog only; an instrument treats the topics
# of its own catalog only.
CURATED_CATALOG = "kb"
CATALOG_PATTERN = r"[a-z][a-z0-9_]{0,31}"

# Official identifiers (docs/catalogs.md, "Identifiers"): an instrument's
# ``identifiers`` are "scheme:value" texts, each scheme one of these, its value
# matching the pattern (the example shows the form). Two instruments of
# different catalogs sharing one are the same instrument (SAME_AS). Wikidata
# ids are not among them: they could not be checked against an official record.
IDENTIFIER_SCHEMES: dict[str, tuple[str, str]] = {
    "celex": (r"[0-9E][0-9]{4}[A-Z]{1,2}[0-9]{4}(\([0-9]+\))?", "32024R1689"),
    "eli": (
        r"https?://data\.europa\.eu/eli/[a-z_]+/[0-9]{4}/[0-9]+(/[a-z0-9_]+)*",
        "http://data.europa.eu/eli/reg/2024/1689/oj",
    ),
    "executive_order": (r"[1-9][0-9]{4}", "14110"),
    "federal_register_doc": (r"[0-9]{4}-[0-9]{5}", "2023-24283"),
    "fr_citation": (r"[1-9][0-9]* FR [1-9][0-9]*", "88 FR 75191"),
    "public_law": (r"[1-9][0-9]*-[1-9][0-9]*", "117-167 (Public Law 117-167)"),
    "doi": (r"10\.[0-9]{4,9}/\S+", "10.6028/NIST.AI.100-1"),
    "oecd_legal": (r"OECD/LEGAL/[0-9]{4}", "OECD/LEGAL/0449"),
    "un_symbol": (r"A/RES/[0-9]{1,3}/[0-9]{1,4}", "A/RES/78/265"),
    "cets": (r"[1-9][0-9]{0,3}", "225"),
    "ca_bill": (r"[0-9]{8}[0-9]?(SB|AB|ACR|SCR|SR|AR)[0-9]{1,4}", "202320240SB1047"),
    "br_bill": (r"PL [0-9]{1,5}/[0-9]{4}", "PL 2338/2023"),
    "in_act": (r"Act No\. [0-9]{1,3} of [0-9]{4}", "Act No. 22 of 2023"),
}
IDENTIFIER_SEPARATOR = ":"  # between scheme and value; the value may hold more


# Departures from a source (docs/data-format.md, "Departures"): a record's
# field ``claimed_<field>`` holds the value the source ``claimed_by`` gives
# for ``<field>`` where the record itself holds another, checked against the
# primary text. The claimed fields are declared on the classes below like any
# other property; kb.validate checks them by these names.
CLAIM_PREFIX = "claimed_"
CLAIMED_BY = "claimed_by"

# The end of a record-time interval that is still open: a fact recorded and
# not closed since is valid from its recorded_from up to FOREVER.
FOREVER = datetime(9999, 12, 31, tzinfo=UTC)
FOREVER_CYPHER = "datetime('9999-12-31T00:00:00Z')"  # the same, in Cypher
CURRENT = f"x.recorded_to = {FOREVER_CYPHER}"  # Cypher: the fact (or state) named x is current

# Properties kb keeps on every versioned record (states and curated edges).
INTERVAL = ("recorded_from", "recorded_to", "first_recorded_at")


def _choices(values: tuple[str, ...]) -> dict[str, str]:
    return {v: v for v in values}


# -- relationships ----------------------------------------------------------
class Provenance(StructuredRel):
    """Base for edges that hold a curated fact: its source and its
    record-time interval [recorded_from, recorded_to); first_recorded_at is
    when the fact was first recorded (kept from version to version)."""

    # neomodel reserves the attribute name 'source' on relationships; the
    # property in the graph and the field in data files is still 'source'.
    source_ref = StringProperty(required=True, db_property="source")
    recorded_from = DateTimeNeo4jFormatProperty()
    recorded_to = DateTimeNeo4jFormatProperty()
    first_recorded_at = DateTimeNeo4jFormatProperty()


class Reference(Provenance):
    """A single-valued reference written from a node record's field:
    ISSUED_IN, ISSUED_BY, PART_OF, BASED_IN."""


class Treats(Provenance):
    """(:Instrument)-[:TREATS]->(:Topic): one coverage cell. A TREATS edge with
    mode 'silent' means reviewed and found silent; no edge means unreviewed."""

    mode = StringProperty(required=True, choices=_choices(MODES), index=True)
    pinpoint = StringProperty()
    confidence = StringProperty(required=True, choices=_choices(CONFIDENCES))
    note = StringProperty()
    # what another source (claimed_by) gives where this cell departs from it
    claimed_mode = StringProperty(choices=_choices(MODES))
    claimed_pinpoint = StringProperty()
    claimed_by = StringProperty()


class ConflictsWith(Provenance):
    """(:Instrument)-[:CONFLICTS_WITH]->(:Instrument), per topic; read both ways.
    Indexed on topic: a topic page finds its conflicts by it (topic_conflicts)."""

    topic = StringProperty(required=True, index=True)
    basis = StringProperty(required=True)


class Cites(Provenance):
    note = StringProperty()


class Addresses(Provenance):
    note = StringProperty()


class SimilarTo(Provenance):
    note = StringProperty()


class Signed(Provenance):
    date = NativeDateProperty()
    note = StringProperty()


class OperatesIn(Provenance):
    """(:Developer)-[:OPERATES_IN]->(:Jurisdiction): the developer offers its
    models or services there (beside where it is based, BASED_IN), so the
    binding law in force there reaches it."""

    note = StringProperty()


class Revokes(Provenance):
    """A dated revocation, in legal time: the instrument revoked the other on
    ``date``, fully or in part."""

    date = NativeDateProperty(required=True)
    scope = StringProperty(required=True, choices=_choices(REVOCATION_SCOPES))
    note = StringProperty()


class Broader(Provenance):
    """(:Topic)-[:BROADER]->(:Topic): the topic is a part of the broader one
    (an imported catalog's tag under its parent tag or group)."""


class InCollection(Provenance):
    """(:Instrument)-[:IN_COLLECTION]->(:Collection): an imported catalog's
    grouping of its documents."""


class HasState(StructuredRel):
    """(identity)-[:HAS_STATE]->(state): the state's interval is on the state."""


# -- states: a record's properties over a record-time interval ---------------
class State(StructuredNode):
    """Base of the state classes: what a record said from recorded_from to
    recorded_to (FOREVER while current). Each state also holds its record's
    key, so a state read from an index names its record."""

    __abstract_node__ = True

    recorded_from = DateTimeNeo4jFormatProperty()
    recorded_to = DateTimeNeo4jFormatProperty(index=True)
    first_recorded_at = DateTimeNeo4jFormatProperty()


class SourceState(State):
    """A document facts were taken from."""

    identifier = StringProperty(index=True, required=True, db_property="id")
    title = StringProperty(required=True)
    url = StringProperty()
    publisher = StringProperty()
    kind = StringProperty(required=True, choices=_choices(SOURCE_KINDS))
    accessed = NativeDateProperty()
    note = StringProperty()


class JurisdictionState(State):
    code = StringProperty(index=True, required=True)
    name = StringProperty(required=True)
    kind = StringProperty(required=True, choices=_choices(JURISDICTION_KINDS))
    source = StringProperty(required=True)


class TopicState(State):
    slug = StringProperty(index=True, required=True)
    catalog = StringProperty(index=True, default=CURATED_CATALOG)
    name = StringProperty(required=True)
    definition = StringProperty(required=True)
    question = StringProperty()
    rank = IntegerProperty(required=True, index=True)
    source = StringProperty(required=True)


class DeveloperState(State):
    identifier = StringProperty(index=True, required=True, db_property="id")
    name = StringProperty(required=True)
    posture = StringProperty(required=True, choices=_choices(POSTURES))
    note = StringProperty()
    source = StringProperty(required=True)


class InstrumentState(State):
    # indexed here too: pages count the instruments at an instant from the
    # indexes (those recorded after it are one range seek)
    recorded_from = DateTimeNeo4jFormatProperty(index=True)
    identifier = StringProperty(index=True, required=True, db_property="id")
    catalog = StringProperty(index=True, default=CURATED_CATALOG)
    name = StringProperty(required=True)
    short_name = StringProperty()
    kind = StringProperty(required=True, choices=_choices(INSTRUMENT_KINDS))
    binding = BooleanProperty(required=True)
    status = StringProperty(required=True, choices=_choices(STATUSES))
    # status_history, flattened into three parallel lists (Neo4j properties
    # cannot hold maps): the i-th status took effect on the i-th date. Always
    # lists (empty without a history), so "the status on $as_of" reads them
    # without a null check.
    status_dates = ArrayProperty(NativeDateProperty())
    status_values = ArrayProperty(StringProperty(choices=_choices(STATUSES)))
    status_sources = ArrayProperty(StringProperty())
    introduced = NativeDateProperty()
    adopted = NativeDateProperty(index=True)
    effective = NativeDateProperty()
    ended = NativeDateProperty()
    date_source = StringProperty()
    date_note = StringProperty()
    citation = StringProperty()
    url = StringProperty()
    locator = StringProperty()  # where in its source the record was read (an import: file and id)
    # The order of the catalog; unique among the current instruments (kb
    # load checks it: states of one instrument repeat it, so no constraint).
    # Optional in a data file: kb load gives a new instrument without one the
    # rank after the last, and keeps a stored instrument's (every state has one).
    catalog_rank = IntegerProperty(index=True)
    wikidata = StringProperty()
    # official identifiers as "scheme:value" (IDENTIFIER_SCHEMES), sorted; a
    # data file may write them as a mapping {scheme: value}
    identifiers = ArrayProperty(StringProperty())
    identifiers_source = StringProperty()  # the official record that gives them
    notes = StringProperty()
    source = StringProperty(required=True)
    # what another source (claimed_by) gives where this record departs from
    # it; claimed_jurisdiction is a jurisdiction code, kept as text (the
    # record's own jurisdiction is its ISSUED_IN edge)
    claimed_kind = StringProperty(choices=_choices(INSTRUMENT_KINDS))
    claimed_status = StringProperty(choices=_choices(STATUSES))
    claimed_adopted = NativeDateProperty()
    claimed_effective = NativeDateProperty()
    claimed_jurisdiction = StringProperty()
    claimed_by = StringProperty()


class AuthorityState(State):
    """A body that issues instruments (an imported catalog's authority): a
    legislature, an agency, a city, a company, a multinational body."""

    identifier = StringProperty(index=True, required=True, db_property="id")
    name = StringProperty(required=True)
    kind = StringProperty(required=True, choices=_choices(AUTHORITY_KINDS))
    note = StringProperty()
    source = StringProperty(required=True)


class CollectionState(State):
    """A named group of an imported catalog's instruments."""

    identifier = StringProperty(index=True, required=True, db_property="id")
    catalog = StringProperty(index=True, default=CURATED_CATALOG)
    name = StringProperty(required=True)
    description = StringProperty()
    source = StringProperty(required=True)


class PaperState(State):
    identifier = StringProperty(index=True, required=True, db_property="id")
    title = StringProperty(required=True)
    authors = ArrayProperty(StringProperty(), required=True)
    year = IntegerProperty(required=True)
    venue = StringProperty()
    primary_class = StringProperty()
    url = StringProperty()
    doi = StringProperty()
    source = StringProperty(required=True)


# -- identities: a record's key, its states and its edges ---------------------
class Source(StructuredNode):
    identifier = StringProperty(unique_index=True, required=True, db_property="id")

    states = RelationshipTo("SourceState", "HAS_STATE", model=HasState)


class Jurisdiction(StructuredNode):
    code = StringProperty(unique_index=True, required=True)
    # Its own instruments in the current catalog (ISSUED_IN it) and the
    # current topics, in rank order, none of them addresses (every cell
    # silent or unreviewed); kept by kb load (kb.cell_counts), read only for
    # today's gaps.
    own_instruments = IntegerProperty()
    own_gaps = ArrayProperty(StringProperty())
    own_unreviewed = ArrayProperty(StringProperty())  # of own_gaps, those none of them was reviewed on

    states = RelationshipTo("JurisdictionState", "HAS_STATE", model=HasState)
    part_of = RelationshipTo("Jurisdiction", "PART_OF", model=Reference)


class Topic(StructuredNode):
    slug = StringProperty(unique_index=True, required=True)
    # The topic's cells in the current catalog, by mode (the _dated ones: of
    # instruments with an adoption date); kept by kb load (kb.cell_counts),
    # read only for today's pages, which they answer exactly as the cells do.
    cells_explicit = IntegerProperty()
    cells_implicit = IntegerProperty()
    cells_conflicts = IntegerProperty()
    cells_explicit_dated = IntegerProperty()
    cells_implicit_dated = IntegerProperty()
    cells_conflicts_dated = IntegerProperty()
    cells_silent = IntegerProperty()  # reviewed and found silent

    states = RelationshipTo("TopicState", "HAS_STATE", model=HasState)
    counts = RelationshipTo("CellCounts", "HAS_COUNTS", model=HasState)
    broader = RelationshipTo("Topic", "BROADER", model=Broader)


class CellCounts(StructuredNode):
    """A topic's cells in the catalog as recorded over [recorded_from,
    recorded_to), kept by kb load (kb.cell_counts) beside the facts: how
    many current cells of each mode, and the sorted adoption dates of the
    instruments behind them (undated ones are the count less the dates).
    A load that changes them closes the topic's counts and opens new ones at
    its instant, so the counts at any two clocks are read, not walked:
    ``size([d IN c.explicit_adopted WHERE d <= $as_of])``."""

    recorded_from = DateTimeNeo4jFormatProperty()
    recorded_to = DateTimeNeo4jFormatProperty()
    explicit = IntegerProperty()
    implicit = IntegerProperty()
    conflicts = IntegerProperty()
    silent = IntegerProperty()
    explicit_adopted = ArrayProperty(NativeDateProperty())
    implicit_adopted = ArrayProperty(NativeDateProperty())
    conflicts_adopted = ArrayProperty(NativeDateProperty())
    silent_adopted = ArrayProperty(NativeDateProperty())


# The names of those counts (kb sets them; data files do not have them).
TOPIC_CELL_COUNTS = tuple(
    name for name in Topic.defined_properties(aliases=False, rels=False) if name.startswith("cells_")
)
JURISDICTION_KEPT = tuple(
    name for name in Jurisdiction.defined_properties(aliases=False, rels=False) if name.startswith("own_")
)


class Developer(StructuredNode):
    identifier = StringProperty(unique_index=True, required=True, db_property="id")

    states = RelationshipTo("DeveloperState", "HAS_STATE", model=HasState)
    home = RelationshipTo("Jurisdiction", "BASED_IN", model=Reference)
    signed = RelationshipTo("Instrument", "SIGNED", model=Signed)
    operates = RelationshipTo("Jurisdiction", "OPERATES_IN", model=OperatesIn)


class Authority(StructuredNode):
    identifier = StringProperty(unique_index=True, required=True, db_property="id")

    states = RelationshipTo("AuthorityState", "HAS_STATE", model=HasState)
    jurisdiction = RelationshipTo("Jurisdiction", "BASED_IN", model=Reference)
    part_of = RelationshipTo("Authority", "PART_OF", model=Reference)


class Collection(StructuredNode):
    identifier = StringProperty(unique_index=True, required=True, db_property="id")

    states = RelationshipTo("CollectionState", "HAS_STATE", model=HasState)


class Instrument(StructuredNode):
    identifier = StringProperty(unique_index=True, required=True, db_property="id")

    states = RelationshipTo("InstrumentState", "HAS_STATE", model=HasState)
    jurisdiction = RelationshipTo("Jurisdiction", "ISSUED_IN", model=Reference)
    issued_by = RelationshipTo("Developer", "ISSUED_BY", model=Reference)
    authority = RelationshipTo("Authority", "ISSUED_BY", model=Reference)
    collections = RelationshipTo("Collection", "IN_COLLECTION", model=InCollection)
    treats = RelationshipTo("Topic", "TREATS", model=Treats)
    conflicts_with = Relationship("Instrument", "CONFLICTS_WITH", model=ConflictsWith)
    cites_instruments = RelationshipTo("Instrument", "CITES", model=Cites)
    cites_papers = RelationshipTo("Paper", "CITES", model=Cites)
    revokes = RelationshipTo("Instrument", "REVOKES", model=Revokes)


class Paper(StructuredNode):
    identifier = StringProperty(unique_index=True, required=True, db_property="id")

    states = RelationshipTo("PaperState", "HAS_STATE", model=HasState)
    cites_instruments = RelationshipTo("Instrument", "CITES", model=Cites)
    cites_papers = RelationshipTo("Paper", "CITES", model=Cites)
    addresses = RelationshipTo("Topic", "ADDRESSES", model=Addresses)
    similar_to = RelationshipTo("Paper", "SIMILAR_TO", model=SimilarTo)


# -- history ----------------------------------------------------------------
class ChangeSet(StructuredNode):
    """One load that changed the catalog: when (``at``, the instant its
    states and edges were opened and closed at), from which files, and how
    many facts it added, changed and removed. The facts themselves are the
    versions it opened and closed; kb changes reads them."""

    identifier = StringProperty(unique_index=True, required=True, db_property="id")
    at = DateTimeNeo4jFormatProperty(unique_index=True, required=True)
    files = ArrayProperty(StringProperty())
    hashes = ArrayProperty(StringProperty())  # sha256 of each file, same order
    records = IntegerProperty()
    created = IntegerProperty()
    updated = IntegerProperty()
    removed = IntegerProperty()
    kb_version = StringProperty()


class LoadLock(StructuredNode):
    """A single node every load locks first, so loads commit one at a time
    and their change sets in time order."""

    identifier = StringProperty(unique_index=True, required=True, db_property="id")
    taken_at = DateTimeNeo4jFormatProperty()
    # the instant of a load in parts whose first parts committed versions
    # before its change set: later loads are recorded after it
    written = DateTimeNeo4jFormatProperty()


class GraphFormat(StructuredNode):
    """The graph's format version, set by kb db init and kb db migrate."""

    identifier = StringProperty(unique_index=True, required=True, db_property="id")
    version = IntegerProperty(required=True)


NODE_CLASSES: tuple[type[StructuredNode], ...] = (
    Source,
    Jurisdiction,
    Topic,
    Developer,
    Authority,
    Collection,
    Instrument,
    Paper,
)
STATE_CLASSES: tuple[type[StructuredNode], ...] = (
    SourceState,
    JurisdictionState,
    TopicState,
    DeveloperState,
    AuthorityState,
    CollectionState,
    InstrumentState,
    PaperState,
)
HISTORY_CLASSES: tuple[type[StructuredNode], ...] = (ChangeSet, LoadLock, GraphFormat)
KEPT_CLASSES: tuple[type[StructuredNode], ...] = (CellCounts,)  # what kb load keeps beside the facts
FORMAT_VERSION = 2  # 1: properties on the records, InstrumentVersion and TREATED copies of old values
