"""How data-file sections map onto the schema.

A data file (docs/data-format.md) holds sections: lists of records. A node
section's record becomes one node of a neomodel class, plus the edges its
reference fields name (an instrument's ``jurisdiction`` becomes ISSUED_IN).
An edge section's record becomes one relationship. Fields, types, required
flags and allowed values all come from the classes in ``kb.schema.model``;
this module only adds what a class cannot say: the key, the references and
the write order.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from neomodel import StructuredNode, StructuredRel
from neomodel.properties import Property

from kb.schema import model


@dataclass(frozen=True)
class Ref:
    """A data field naming another record."""

    field: str
    targets: tuple[str, ...]  # sections the key may belong to
    required: bool = True
    rel_type: str | None = None  # for node sections: the edge this field becomes


@dataclass(frozen=True, eq=False)  # one of each: compared and hashed by identity (cheap)
class NodeSection:
    name: str
    identity: type[StructuredNode]  # the record's identity node: its key only
    cls: type[StructuredNode]  # its state nodes: the properties a record sets
    key: str
    refs: tuple[Ref, ...] = ()
    # property fields holding keys of other records (checked, stored as text)
    prop_refs: tuple[Ref, ...] = ()
    extra_fields: tuple[str, ...] = ()  # data fields that are not properties

    @property
    def label(self) -> str:
        return self.identity.__label__

    @property
    def state_label(self) -> str:
        return self.cls.__label__

    @property
    def singular(self) -> str:
        return self.identity.__name__.lower()

    def properties(self) -> dict[str, Property]:
        return graph_properties(self.cls)


@dataclass(frozen=True, eq=False)  # one of each: compared and hashed by identity (cheap)
class EdgeSection:
    name: str
    cls: type[StructuredRel]
    rel_type: str
    start: Ref
    end: Ref
    key_props: tuple[str, ...] = ()  # properties that tell parallel edges apart
    prop_refs: tuple[Ref, ...] = ()
    undirected: bool = False  # read both ways: (a, b) and (b, a) are one fact

    @property
    def singular(self) -> str:
        return self.name.rstrip("s") if self.name != "similar" else "similar"

    def properties(self) -> dict[str, Property]:
        return graph_properties(self.cls)


@functools.cache
def graph_properties(cls: type) -> dict[str, Property]:
    """A class's properties by their name in the graph (and in data files).
    Cached: neomodel's defined_properties() walks the class every call, and
    the validator asks once per record."""
    props = cls.defined_properties(aliases=False, rels=False)
    named = {(p.db_property or k): p for k, p in props.items()}
    return {k: v for k, v in named.items() if k not in HIDDEN_PROPERTIES}


# Fields kb writes on export (when a fact was recorded) and ignores on
# load: the load that reads them records its own time.
INFORMATIONAL_FIELDS = ("recorded_from", "recorded_at")

# Properties kb sets itself (the record-time interval), or derives from other
# data fields (the status history's lists).
HIDDEN_PROPERTIES = {*model.INTERVAL, "status_dates", "status_values", "status_sources"}

SOURCE_REF = Ref("source", ("sources",))
CLAIMED_BY_REF = Ref(model.CLAIMED_BY, ("sources",), required=False)  # the source of a record's claimed_* values

SEP = "\u001f"  # joins the parts of a composite key; the validator rejects control characters in data

NODE_SECTIONS: tuple[NodeSection, ...] = (
    NodeSection("sources", model.Source, model.SourceState, "id"),
    NodeSection(
        "jurisdictions",
        model.Jurisdiction,
        model.JurisdictionState,
        "code",
        refs=(Ref("part_of", ("jurisdictions",), required=False, rel_type="PART_OF"),),
        prop_refs=(SOURCE_REF,),
    ),
    NodeSection("topics", model.Topic, model.TopicState, "slug", prop_refs=(SOURCE_REF,)),
    NodeSection(
        "developers",
        model.Developer,
        model.DeveloperState,
        "id",
        refs=(Ref("home", ("jurisdictions",), rel_type="BASED_IN"),),
        prop_refs=(SOURCE_REF,),
    ),
    NodeSection(
        "authorities",
        model.Authority,
        model.AuthorityState,
        "id",
        refs=(
            Ref("jurisdiction", ("jurisdictions",), rel_type="BASED_IN"),
            Ref("parent", ("authorities",), required=False, rel_type="PART_OF"),
        ),
        prop_refs=(SOURCE_REF,),
    ),
    NodeSection("collections", model.Collection, model.CollectionState, "id", prop_refs=(SOURCE_REF,)),
    NodeSection(
        "instruments",
        model.Instrument,
        model.InstrumentState,
        "id",
        refs=(
            Ref("jurisdiction", ("jurisdictions",), rel_type="ISSUED_IN"),
            Ref("issued_by", ("developers",), required=False, rel_type="ISSUED_BY"),
            Ref("authority", ("authorities",), required=False, rel_type="ISSUED_BY"),
        ),
        prop_refs=(
            SOURCE_REF,
            Ref("date_source", ("sources",), required=False),
            Ref("identifiers_source", ("sources",), required=False),
            CLAIMED_BY_REF,
            Ref("claimed_jurisdiction", ("jurisdictions",), required=False),
        ),
        extra_fields=("status_history",),
    ),
    NodeSection("papers", model.Paper, model.PaperState, "id", prop_refs=(SOURCE_REF,)),
)

EDGE_SECTIONS: tuple[EdgeSection, ...] = (
    EdgeSection(
        "treats",
        model.Treats,
        "TREATS",
        Ref("instrument", ("instruments",)),
        Ref("topic", ("topics",)),
        prop_refs=(SOURCE_REF, CLAIMED_BY_REF),
    ),
    EdgeSection(
        "conflicts",
        model.ConflictsWith,
        "CONFLICTS_WITH",
        Ref("instrument", ("instruments",)),
        Ref("other", ("instruments",)),
        key_props=("topic",),
        prop_refs=(SOURCE_REF, Ref("topic", ("topics",))),
        undirected=True,
    ),
    EdgeSection(
        "cites",
        model.Cites,
        "CITES",
        Ref("from", ("papers", "instruments")),
        Ref("to", ("instruments", "papers")),
        prop_refs=(SOURCE_REF,),
    ),
    EdgeSection(
        "addresses",
        model.Addresses,
        "ADDRESSES",
        Ref("paper", ("papers",)),
        Ref("topic", ("topics",)),
        prop_refs=(SOURCE_REF,),
    ),
    EdgeSection(
        "similar",
        model.SimilarTo,
        "SIMILAR_TO",
        Ref("paper", ("papers",)),
        Ref("other", ("papers",)),
        prop_refs=(SOURCE_REF,),
    ),
    EdgeSection(
        "signed",
        model.Signed,
        "SIGNED",
        Ref("developer", ("developers",)),
        Ref("instrument", ("instruments",)),
        prop_refs=(SOURCE_REF,),
    ),
    EdgeSection(
        "operates",
        model.OperatesIn,
        "OPERATES_IN",
        Ref("developer", ("developers",)),
        Ref("jurisdiction", ("jurisdictions",)),
        prop_refs=(SOURCE_REF,),
    ),
    EdgeSection(
        "broader",
        model.Broader,
        "BROADER",
        Ref("topic", ("topics",)),
        Ref("broader", ("topics",)),
        prop_refs=(SOURCE_REF,),
    ),
    EdgeSection(
        "in_collection",
        model.InCollection,
        "IN_COLLECTION",
        Ref("instrument", ("instruments",)),
        Ref("collection", ("collections",)),
        prop_refs=(SOURCE_REF,),
    ),
    EdgeSection(
        "revokes",
        model.Revokes,
        "REVOKES",
        Ref("instrument", ("instruments",)),
        Ref("revoked", ("instruments",)),
        prop_refs=(SOURCE_REF,),
    ),
)

SECTIONS: dict[str, NodeSection | EdgeSection] = {s.name: s for s in (*NODE_SECTIONS, *EDGE_SECTIONS)}
NODE_SECTION_BY_NAME: dict[str, NodeSection] = {s.name: s for s in NODE_SECTIONS}
NODE_SECTION_BY_LABEL: dict[str, NodeSection] = {s.label: s for s in NODE_SECTIONS}


@functools.cache
def data_fields(section: NodeSection | EdgeSection) -> tuple[str, ...]:
    """Every field a record of this section may have, in a stable order."""
    if isinstance(section, NodeSection):
        return (*section.properties(), *(r.field for r in section.refs), *section.extra_fields)
    return (section.start.field, section.end.field, *section.properties())


@functools.cache
def required_fields(section: NodeSection | EdgeSection) -> tuple[str, ...]:
    req = [k for k, p in section.properties().items() if p.required or getattr(p, "unique_index", False)]
    if isinstance(section, NodeSection):
        req += [r.field for r in section.refs if r.required]
    else:
        req = [section.start.field, section.end.field, *req]
    return tuple(req)
