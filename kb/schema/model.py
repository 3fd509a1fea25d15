"""The graph's schema as neomodel classes: the single source of truth.

Labels, relationship types, properties, their types and allowed values,
required fields, unique constraints and indexes are declared here and
nowhere else. ``kb.schema.statements`` turns them into Cypher DDL (what
``kb db init`` runs and ``cypher/schema.cypher`` holds); ``kb.validate``
checks data files against them; ``kb.load`` writes with them.

Every node and edge that holds a curated fact carries ``source`` (the id of
a Source node), ``first_recorded_at`` (the load that added it) and
``recorded_at`` (the load that last changed it).

History: each load that changes something records a ChangeSet, with a
Change per changed or removed fact (old and new values). The old values of
an Instrument are kept as an InstrumentVersion, those of a coverage cell as
a TREATED edge, each valid from its ``recorded_at`` to its ``recorded_to``,
so that a page can be rebuilt as the catalog stood on any date.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import neo4j.time
from neomodel import (
    ArrayProperty,
    BooleanProperty,
    DateProperty,
    DateTimeNeo4jFormatProperty,
    IntegerProperty,
    One,
    Relationship,
    RelationshipTo,
    StringProperty,
    StructuredNode,
    StructuredRel,
    ZeroOrOne,
)


class NativeDateProperty(DateProperty):
    """A date stored as a Neo4j ``Date`` (neomodel's own stores a string)."""

    def deflate(self, value: Any, obj: Any = None, skip_empty: bool = False) -> Any:
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
    "resolution",
    "technical_standard",
)
STATUSES = ("in_force", "partially_in_force", "adopted_not_in_force", "proposed", "vetoed", "revoked")
MODES = ("explicit", "implicit", "conflicts", "silent")
CONFIDENCES = ("high", "medium", "low")
POSTURES = ("open", "closed", "mixed")
REVOCATION_SCOPES = ("full", "partial")


def _choices(values: tuple[str, ...]) -> dict[str, str]:
    return {v: v for v in values}


# -- relationships ----------------------------------------------------------
class Provenance(StructuredRel):
    """Base for edges that hold a curated fact."""

    # neomodel reserves the attribute name 'source' on relationships; the
    # property in the graph and the field in data files is still 'source'.
    source_ref = StringProperty(required=True, db_property="source")
    recorded_at = DateTimeNeo4jFormatProperty()
    first_recorded_at = DateTimeNeo4jFormatProperty()


class Treats(Provenance):
    """(:Instrument)-[:TREATS]->(:Topic): one coverage cell. A TREATS edge with
    mode 'silent' means reviewed and found silent; no edge means unreviewed."""

    mode = StringProperty(required=True, choices=_choices(MODES), index=True)
    pinpoint = StringProperty()
    confidence = StringProperty(required=True, choices=_choices(CONFIDENCES))
    note = StringProperty()


class Treated(StructuredRel):
    """(:Instrument)-[:TREATED]->(:Topic): a coverage cell as it was from
    recorded_at to recorded_to (same properties as TREATS)."""

    mode = StringProperty(choices=_choices(MODES))
    recorded_at = DateTimeNeo4jFormatProperty()
    recorded_to = DateTimeNeo4jFormatProperty()


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


class Revokes(Provenance):
    date = NativeDateProperty(required=True)
    scope = StringProperty(required=True, choices=_choices(REVOCATION_SCOPES))
    note = StringProperty()


# -- nodes ------------------------------------------------------------------
class Source(StructuredNode):
    """A document facts were taken from."""

    identifier = StringProperty(unique_index=True, required=True, db_property="id")
    title = StringProperty(required=True)
    url = StringProperty()
    publisher = StringProperty()
    kind = StringProperty(required=True, choices=_choices(SOURCE_KINDS))
    accessed = NativeDateProperty()
    note = StringProperty()
    recorded_at = DateTimeNeo4jFormatProperty()
    first_recorded_at = DateTimeNeo4jFormatProperty()


class Jurisdiction(StructuredNode):
    code = StringProperty(unique_index=True, required=True)
    name = StringProperty(required=True)
    kind = StringProperty(required=True, choices=_choices(JURISDICTION_KINDS))
    source = StringProperty(required=True)
    recorded_at = DateTimeNeo4jFormatProperty()
    first_recorded_at = DateTimeNeo4jFormatProperty()

    part_of = RelationshipTo("Jurisdiction", "PART_OF", cardinality=ZeroOrOne)


class Topic(StructuredNode):
    slug = StringProperty(unique_index=True, required=True)
    name = StringProperty(required=True)
    definition = StringProperty(required=True)
    question = StringProperty()
    rank = IntegerProperty(required=True, index=True)
    source = StringProperty(required=True)
    recorded_at = DateTimeNeo4jFormatProperty()
    first_recorded_at = DateTimeNeo4jFormatProperty()
    # The topic's cells in the current catalog, by mode (the _dated ones: of
    # instruments with an adoption date); kept by kb load (kb.cell_counts).
    cells_explicit = IntegerProperty()
    cells_implicit = IntegerProperty()
    cells_conflicts = IntegerProperty()
    cells_explicit_dated = IntegerProperty()
    cells_implicit_dated = IntegerProperty()
    cells_conflicts_dated = IntegerProperty()


# The names of those counts (kb sets them; data files do not have them).
TOPIC_CELL_COUNTS = tuple(name for name in Topic.defined_properties(aliases=False, rels=False)
                          if name.startswith("cells_"))


class Developer(StructuredNode):
    identifier = StringProperty(unique_index=True, required=True, db_property="id")
    name = StringProperty(required=True)
    posture = StringProperty(required=True, choices=_choices(POSTURES))
    note = StringProperty()
    source = StringProperty(required=True)
    recorded_at = DateTimeNeo4jFormatProperty()
    first_recorded_at = DateTimeNeo4jFormatProperty()

    home = RelationshipTo("Jurisdiction", "BASED_IN", cardinality=One)
    signed = RelationshipTo("Instrument", "SIGNED", model=Signed)


class Instrument(StructuredNode):
    identifier = StringProperty(unique_index=True, required=True, db_property="id")
    name = StringProperty(required=True)
    short_name = StringProperty()
    kind = StringProperty(required=True, choices=_choices(INSTRUMENT_KINDS))
    binding = BooleanProperty(required=True)
    status = StringProperty(required=True, choices=_choices(STATUSES))
    # status_history, flattened into three parallel lists (Neo4j properties
    # cannot hold maps): the i-th status took effect on the i-th date.
    status_dates = ArrayProperty(NativeDateProperty())
    status_values = ArrayProperty(StringProperty(choices=_choices(STATUSES)))
    status_sources = ArrayProperty(StringProperty())
    adopted = NativeDateProperty(index=True)
    effective = NativeDateProperty()
    ended = NativeDateProperty()
    date_source = StringProperty()
    date_note = StringProperty()
    citation = StringProperty()
    url = StringProperty()
    catalog_rank = IntegerProperty(unique_index=True, required=True)
    wikidata = StringProperty()
    notes = StringProperty()
    source = StringProperty(required=True)
    recorded_at = DateTimeNeo4jFormatProperty()
    first_recorded_at = DateTimeNeo4jFormatProperty()

    jurisdiction = RelationshipTo("Jurisdiction", "ISSUED_IN", cardinality=One)
    issued_by = RelationshipTo("Developer", "ISSUED_BY", cardinality=ZeroOrOne)
    treats = RelationshipTo("Topic", "TREATS", model=Treats)
    treated = RelationshipTo("Topic", "TREATED", model=Treated)
    conflicts_with = Relationship("Instrument", "CONFLICTS_WITH", model=ConflictsWith)
    cites_instruments = RelationshipTo("Instrument", "CITES", model=Cites)
    cites_papers = RelationshipTo("Paper", "CITES", model=Cites)
    revokes = RelationshipTo("Instrument", "REVOKES", model=Revokes)


class Paper(StructuredNode):
    identifier = StringProperty(unique_index=True, required=True, db_property="id")
    title = StringProperty(required=True)
    authors = ArrayProperty(StringProperty(), required=True)
    year = IntegerProperty(required=True)
    venue = StringProperty()
    primary_class = StringProperty()
    url = StringProperty()
    doi = StringProperty()
    source = StringProperty(required=True)
    recorded_at = DateTimeNeo4jFormatProperty()
    first_recorded_at = DateTimeNeo4jFormatProperty()

    cites_instruments = RelationshipTo("Instrument", "CITES", model=Cites)
    cites_papers = RelationshipTo("Paper", "CITES", model=Cites)
    addresses = RelationshipTo("Topic", "ADDRESSES", model=Addresses)
    similar_to = RelationshipTo("Paper", "SIMILAR_TO", model=SimilarTo)


# -- history ----------------------------------------------------------------
class ChangeSet(StructuredNode):
    """One load that changed the catalog."""

    identifier = StringProperty(unique_index=True, required=True, db_property="id")
    at = DateTimeNeo4jFormatProperty(unique_index=True, required=True)
    files = ArrayProperty(StringProperty())
    hashes = ArrayProperty(StringProperty())  # sha256 of each file, same order
    records = IntegerProperty()
    created = IntegerProperty()
    updated = IntegerProperty()
    removed = IntegerProperty()
    kb_version = StringProperty()


class Change(StructuredNode):
    """A fact changed or removed by a change set (additions are the facts
    whose first_recorded_at is the change set's time)."""

    at = DateTimeNeo4jFormatProperty(required=True, index=True)
    op = StringProperty(required=True, choices=_choices(("changed", "removed")))
    entity = StringProperty(required=True)  # a label or relationship type
    key = StringProperty(required=True)     # e.g. EU-AIA-2024, or EU-AIA-2024 -> open_weight_release
    topic = StringProperty(index=True)      # for coverage cells
    fields = ArrayProperty(StringProperty())
    old = StringProperty()                  # JSON of the changed fields' old values
    new = StringProperty()                  # JSON of their new values (null when removed)

    change_set = RelationshipTo("ChangeSet", "IN_CHANGE_SET", cardinality=One)


class InstrumentVersion(StructuredNode):
    """An Instrument's properties as they were from recorded_at to recorded_to."""

    identifier = StringProperty(index=True, required=True, db_property="id")
    recorded_at = DateTimeNeo4jFormatProperty()
    recorded_to = DateTimeNeo4jFormatProperty(index=True)

    version_of = RelationshipTo("Instrument", "VERSION_OF", cardinality=One)


NODE_CLASSES: tuple[type[StructuredNode], ...] = (
    Source, Jurisdiction, Topic, Developer, Instrument, Paper,
)
class LoadLock(StructuredNode):
    """A single node every load locks first, so loads commit one at a time
    and their change sets in time order."""

    identifier = StringProperty(unique_index=True, required=True, db_property="id")
    taken_at = DateTimeNeo4jFormatProperty()


HISTORY_CLASSES: tuple[type[StructuredNode], ...] = (ChangeSet, Change, InstrumentVersion, LoadLock)
