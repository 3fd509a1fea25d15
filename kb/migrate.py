"""Upgrade a graph written by an older kb (``kb db migrate``).

Format 1 (kb before the identity/state model) kept each record's properties
on the record's node with ``recorded_at`` (when they were last written) and
``first_recorded_at``; the old values of an Instrument as
``(:InstrumentVersion)-[:VERSION_OF]->(:Instrument)`` nodes and those of a
coverage cell as ``TREATED`` edges, each valid over ``[recorded_at,
recorded_to)``; and one ``(:Change)-[:IN_CHANGE_SET]->(:ChangeSet)`` node per
fact a load changed or removed, with the changed fields' old and new values
as JSON text. ``--prune`` deleted the records the files no longer had.

Format 2 (``kb.schema.model``, docs/history.md) keeps everything as
versions: identity nodes holding only their key, ``HAS_STATE`` state nodes
and curated edges, each valid over ``[recorded_from, recorded_to)``.
``migrate`` turns format 1 into format 2 with its history, in ONE write
transaction (Neo4j cannot change the schema in a transaction that writes
data, so the schema is brought up to date after it commits):

* each record node stays as the record's identity, keeping only its key
  (and, on a Topic, the cell counts ``kb load`` keeps); its properties go
  to its current state ``[recorded_at, FOREVER)`` with its
  ``first_recorded_at``. An Instrument state's ``status_dates``,
  ``status_values`` and ``status_sources`` are always lists (empty without
  a history);
* each ``InstrumentVersion`` becomes a closed ``InstrumentState``
  ``[recorded_at, recorded_to)`` of the Instrument with its id (an
  identity is made again for one a prune deleted: format 1 left its
  versions behind) and is then deleted: its data has moved;
* each curated edge still current gets ``recorded_from`` = its
  ``recorded_at`` and ``recorded_to`` = FOREVER; each ``TREATED`` edge
  becomes a closed ``TREATS`` edge ``[recorded_at, recorded_to)``;
* each ``Change`` whose values no version holds is turned into one: a
  ``removed`` record (a fact ``--prune`` deleted) into a closed version
  with its old values, a ``changed`` record of a kind format 1 did not
  version (jurisdictions, topics, sources, developers, papers, their
  edges) into the version before the change: the next version with the
  changed fields set back to their old values. A version ends at its
  record's instant and starts at the fact's previous change, or, for the
  first version of a fact, at its ``first_recorded_at``. Then the Change
  nodes are deleted. ``ChangeSet`` nodes stay as they are;
* a Topic's cell counts stay as they were (they count the current
  catalog, which does not change);
* the graph is marked ``(:GraphFormat {id: 'kb', version: 2})``, and after
  the commit the constraints and indexes kb made (names starting
  ``constraint_`` or ``index_``) that the new schema does not have are
  dropped (the unique constraint on ``Instrument.catalog_rank`` among
  them) and the new schema is installed.

What format 1 did not keep, and so cannot come back:

* when a fact that was removed (or removed and added again) was added: a
  removal record holds the old values but not their ``recorded_at``. Its
  first version starts at the earliest instant it can have: the first load
  that added anything after the fact's previous removal (if any), and for
  an edge not before both of its ends were recorded. When only one load
  fits, that is exact; otherwise the report counts the version as
  approximate (a page recorded between that load and the real addition
  lists the fact). Instruments are exact: their versions survived the prune;
* the references (``ISSUED_IN``, ``ISSUED_BY``, ``PART_OF``, ``BASED_IN``)
  of records a prune removed: format 1 deleted them with the record and
  recorded nothing. The report names the removed instruments and
  developers left without their (required) jurisdiction;
* a change of a reference edge's ``source`` was recorded under the key
  ``None -> None`` (a format-1 bug). It is given back to the record whose
  own ``source`` changed the same way in the same load; one that fits no
  record is reported.

Running ``migrate`` again changes nothing: a graph marked format 2 (or one
holding nothing of format 1) is only checked.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from neomodel import ArrayProperty, DateProperty, DateTimeNeo4jFormatProperty, DateTimeProperty

from kb.graph_format import FORMAT_ID, FORMAT_LABEL, MARK, OLD_FORMAT, graph_format  # noqa: F401
from kb.graph_format import graph_format_of as _format
from kb.schema import model
from kb.schema.model import CURATED_CATALOG, FORMAT_VERSION, TOPIC_CELL_COUNTS
from kb.schema.model import FOREVER_CYPHER as END  # recorded_to of a current fact
from kb.schema.sections import EDGE_SECTIONS, NODE_SECTION_BY_LABEL, NODE_SECTION_BY_NAME, NODE_SECTIONS
from kb.schema.statements import schema_names, schema_statements

STATUS_LISTS = ("status_dates", "status_values", "status_sources")
NOT_VALUES = frozenset({"recorded_at", *model.INTERVAL, *TOPIC_CELL_COUNTS})  # never a state's or edge's value
NO_FACT = "None -> None"  # the key format 1 gave a changed reference edge


# -- which edges there are ------------------------------------------------------
@dataclass(frozen=True)
class EdgeType:
    rel_type: str
    starts: tuple[str, ...]  # labels the start may have
    ends: tuple[str, ...]
    key_props: tuple[str, ...]
    cls: type
    owner: str | None = None  # for a reference (ISSUED_IN, ...): the label whose record names it


def _edge_types() -> dict[str, EdgeType]:
    out: dict[str, EdgeType] = {}
    for s in NODE_SECTIONS:
        for ref in s.refs:
            ends = tuple(NODE_SECTION_BY_NAME[t].label for t in ref.targets)
            # the first section's: format 1 had no authorities (whose PART_OF, BASED_IN and
            # ISSUED_BY came later), so its edges of those types are the earlier sections'
            out.setdefault(ref.rel_type, EdgeType(ref.rel_type, (s.label,), ends, (), model.Reference, owner=s.label))
    for e in EDGE_SECTIONS:
        out[e.rel_type] = EdgeType(
            e.rel_type,
            tuple(NODE_SECTION_BY_NAME[t].label for t in e.start.targets),
            tuple(NODE_SECTION_BY_NAME[t].label for t in e.end.targets),
            e.key_props,
            e.cls,
        )
    return out


EDGE_TYPES = _edge_types()


# -- the report -------------------------------------------------------------------
@dataclass
class MigrationReport:
    format_before: int | None  # None: an empty graph
    migrated: bool = False
    marked: bool = False  # the GraphFormat node was written
    states: dict[str, int] = field(default_factory=dict)  # current states made, per label
    versions: int = 0  # InstrumentVersion nodes moved into InstrumentState
    edges: dict[str, int] = field(default_factory=dict)  # current edges stamped, per type
    treated: int = 0  # TREATED edges moved into closed TREATS edges
    rebuilt: dict[str, int] = field(default_factory=dict)  # versions rebuilt from Change nodes, per label/type
    approximate: int = 0  # rebuilt versions whose start is the earliest possible, not known
    covered: int = 0  # Change nodes whose values a version already held
    changes: int = 0  # Change nodes deleted
    lost: list[str] = field(default_factory=list)  # what could not be brought back
    schema_dropped: list[str] = field(default_factory=list)
    schema_created: list[str] = field(default_factory=list)
    catalogued: int = 0  # states written before catalogs, given the curated one (docs/catalogs.md)


def _properties(cls: type) -> dict[str, Any]:
    return {(p.db_property or k): p for k, p in cls.defined_properties(aliases=False, rels=False).items()}


STATE_PROPS = {s.label: _properties(s.cls) for s in NODE_SECTIONS}
EDGE_PROPS = {t: _properties(e.cls) for t, e in EDGE_TYPES.items()}


def _instant(text: str) -> datetime:
    text = text.replace("Z", "+00:00")
    if "." in text:  # Neo4j writes nanoseconds; Python reads microseconds
        head, _, rest = text.partition(".")
        digits = "".join(c for c in rest if c.isdigit())
        text = head + "." + digits[:6].ljust(6, "0") + rest[len(digits) :]
    value = datetime.fromisoformat(text)
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


INSTANT = DateTimeNeo4jFormatProperty()  # the type of recorded_at and first_recorded_at


def _typed(prop: Any, value: Any) -> Any:
    """A value as format 1 wrote it in a Change's JSON, with the type the
    schema gives it (dates were written as ISO text)."""
    if value is None or prop is None:
        return value
    if isinstance(prop, ArrayProperty):
        return [_typed(prop.base_property, v) for v in value] if isinstance(value, list) else value
    if isinstance(value, str) and isinstance(prop, (DateTimeNeo4jFormatProperty, DateTimeProperty)):
        return _instant(value)
    if isinstance(value, str) and isinstance(prop, DateProperty):
        return date.fromisoformat(value[:10])
    return value


def _native(value: Any) -> Any:
    """A value read from Neo4j as a Python one. An instant comes back in
    datetime.timezone.utc: the driver returns pytz's UTC, which it would send
    back as the zone id 'UTC', and Neo4j neither equals nor orders such a
    value with the same instant stored with the offset Z."""
    value = value.to_native() if hasattr(value, "to_native") else value
    return value.astimezone(UTC) if isinstance(value, datetime) else value


# -- versions, in Python ------------------------------------------------------------------
@dataclass
class Version:
    props: dict[str, Any]
    start: datetime
    end: datetime
    first: datetime | None  # first_recorded_at; None until known


@dataclass
class Record:
    """One format-1 Change node."""

    at: datetime
    op: str
    entity: str
    key: str
    topic: str | None
    fields: list[str]
    old: dict[str, Any]
    new: dict[str, Any] | None


def _version(props: dict[str, Any]) -> Version:
    p = {k: _native(v) for k, v in props.items()}
    values = {k: v for k, v in p.items() if k not in NOT_VALUES}
    return Version(values, p.get("recorded_from"), p.get("recorded_to"), p.get("first_recorded_at"))


class History:
    """The versions of one fact and the format-1 records of its changes;
    ``rebuild`` adds the versions only the records hold."""

    def __init__(self, versions: list[Version], records: list[Record], types: dict[str, Any]):
        self.versions = versions
        self.records = sorted(records, key=lambda r: r.at)
        self.types = types

    def rebuild(
        self,
        loads: list[datetime],
        lower_bound: Callable[[datetime], datetime | None],
        report: MigrationReport,
        name: str,
    ) -> list[Version]:
        made: list[Version] = []
        for i in range(len(self.records) - 1, -1, -1):  # newest first: a change needs the version after it
            rec = self.records[i]
            prev = self.records[i - 1] if i else None
            if any(v.end == rec.at for v in self.versions):
                report.covered += 1  # an InstrumentVersion or a TREATED edge held it
                continue
            old = {k: _typed(self.types.get(k, INSTANT if k in NOT_VALUES else None), v) for k, v in rec.old.items()}
            if rec.op == "removed":
                props = {k: v for k, v in old.items() if k not in NOT_VALUES and v is not None}
                first = old.get("first_recorded_at")
                start = old.get("recorded_at")
            else:
                after = next((v for v in self.versions if v.start == rec.at), None)
                if after is None:
                    report.lost.append(
                        f"{rec.entity} {rec.key}: the change of {', '.join(rec.fields)} at "
                        f"{rec.at.isoformat()} names no later version to set back"
                    )
                    continue
                props = dict(after.props)
                for f in rec.fields:
                    if old.get(f) is None:
                        props.pop(f, None)
                    else:
                        props[f] = old[f]
                first, start = after.first, None
            approximate = False
            if start is None and prev is not None and prev.op == "changed":
                start = prev.at  # the previous change opened this version
            if start is None and first is not None and first < rec.at and (prev is None or first > prev.at):
                start = first
            if start is None:
                floor = prev.at if prev is not None else None  # removed then: added again after it
                bound = lower_bound(rec.at)
                fits = [
                    t for t in loads if t < rec.at and (floor is None or t > floor) and (bound is None or t >= bound)
                ]
                if not fits:
                    report.lost.append(
                        f"{rec.entity} {rec.key}: no load before {rec.at.isoformat()} "
                        "could have recorded the version it closed"
                    )
                    continue
                start, approximate = fits[0], len(fits) > 1
            version = Version(props, start, rec.at, first)
            self.versions.append(version)
            made.append(version)
            report.approximate += approximate
            report.rebuilt[name] = report.rebuilt.get(name, 0) + 1
        self._first_recorded()
        return made

    def _first_recorded(self) -> None:
        """A rebuilt version's first_recorded_at: that of the versions it runs
        on from without a gap (its own recording of the fact), else its start."""
        run: list[Version] = []
        for v in sorted(self.versions, key=lambda v: v.start) + [None]:
            if v is not None and run and run[-1].end == v.start:
                run.append(v)
                continue
            if run:
                first = next((x.first for x in run if x.first is not None), run[0].start)
                for x in run:
                    if x.first is None:
                        x.first = first
            run = [v] if v is not None else []


# -- statements ------------------------------------------------------------------------------
def state_statement(label: str) -> str:
    """A record node's properties become its current state; the node keeps
    only its key (and a Topic its cell counts)."""
    s = NODE_SECTION_BY_LABEL[label]
    keep = [s.key, *(TOPIC_CELL_COUNTS if label == model.Topic.__label__ else ())]
    drop = ", ".join(f"x.{p}" for p in ("recorded_at", *TOPIC_CELL_COUNTS))
    return (
        f"MATCH (n:{label}) CREATE (n)-[:HAS_STATE]->(x:{s.state_label}) "
        "SET x = properties(n) "
        "SET x.recorded_from = coalesce(n.recorded_at, n.first_recorded_at, $fallback), "
        f"x.recorded_to = {END}, x.first_recorded_at = coalesce(n.first_recorded_at, n.recorded_at, $fallback) "
        f"REMOVE {drop} "
        "SET n = {" + ", ".join(f"{p}: n.{p}" for p in keep) + "} "
        "RETURN count(x) AS n"
    )


VERSIONS_STATEMENT = (
    "MATCH (v:InstrumentVersion) MERGE (n:Instrument {id: v.id}) "
    "CREATE (n)-[:HAS_STATE]->(x:InstrumentState) SET x = properties(v) "
    "SET x.recorded_from = coalesce(v.recorded_at, v.first_recorded_at, $fallback), "
    "x.recorded_to = coalesce(v.recorded_to, x.recorded_from), "
    "x.first_recorded_at = coalesce(v.first_recorded_at, x.recorded_from) "
    "REMOVE x.recorded_at DETACH DELETE v RETURN count(x) AS n"
)

STATUS_LISTS_STATEMENT = (
    "MATCH (x:InstrumentState) WHERE " + " OR ".join(f"x.{p} IS NULL" for p in STATUS_LISTS) + " "
    "SET " + ", ".join(f"x.{p} = coalesce(x.{p}, [])" for p in STATUS_LISTS)
)


# Stamp the current curated edges (of the types in $types) with their interval.
EDGES_STATEMENT = (
    "MATCH ()-[r]->() WHERE type(r) IN $types AND r.recorded_to IS NULL "
    "SET r.recorded_from = coalesce(r.recorded_at, r.first_recorded_at, $fallback), "
    f"r.recorded_to = {END}, r.first_recorded_at = coalesce(r.first_recorded_at, r.recorded_at, $fallback) "
    "REMOVE r.recorded_at RETURN type(r) AS type, count(r) AS n"
)


TREATED_STATEMENT = (
    "MATCH (a)-[v:TREATED]->(b) CREATE (a)-[x:TREATS]->(b) SET x = properties(v) "
    "SET x.recorded_from = coalesce(v.recorded_at, v.first_recorded_at, $fallback), "
    "x.recorded_to = coalesce(v.recorded_to, x.recorded_from), "
    "x.first_recorded_at = coalesce(v.first_recorded_at, x.recorded_from) "
    "REMOVE x.recorded_at DELETE v RETURN count(x) AS n"
)

CHANGES_QUERY = (
    "MATCH (c:Change) OPTIONAL MATCH (c)-[:IN_CHANGE_SET]->(s:ChangeSet) "
    "RETURN coalesce(c.at, s.at) AS at, c.op AS op, c.entity AS entity, c.key AS key, c.topic AS topic, "
    "c.fields AS fields, c.old AS old, c.new AS new"
)


def _node_versions(tx, label: str, keys: Iterable[str]) -> dict[str, list[Version]]:
    key = NODE_SECTION_BY_LABEL[label].key
    out: dict[str, list[Version]] = defaultdict(list)
    for row in tx.run(
        f"UNWIND $keys AS k MATCH (n:{label} {{{key}: k}})-[:HAS_STATE]->(x) RETURN k, properties(x) AS p",
        keys=sorted(set(keys)),
    ):
        out[row["k"]].append(_version(row["p"]))
    return out


def _write_states(tx, label: str, rows: list[dict[str, Any]]) -> None:
    s = NODE_SECTION_BY_LABEL[label]
    tx.run(
        f"UNWIND $rows AS row MERGE (n:{label} {{{s.key}: row.key}}) "
        f"CREATE (n)-[:HAS_STATE]->(x:{s.state_label}) SET x = row.props, x.recorded_from = row.start, "
        "x.recorded_to = row.end, x.first_recorded_at = row.first",
        rows=rows,
    ).consume()


def _existing(tx, label: str, keys: Iterable[str]) -> set[str]:
    key = NODE_SECTION_BY_LABEL[label].key
    return {
        r["k"] for r in tx.run(f"UNWIND $keys AS k MATCH (n:{label} {{{key}: k}}) RETURN k", keys=sorted(set(keys)))
    }


# -- the migration -----------------------------------------------------------------------------
def _records(tx) -> list[Record]:
    out = []
    for r in tx.run(CHANGES_QUERY):
        out.append(
            Record(
                _native(r["at"]),
                r["op"],
                r["entity"],
                r["key"] or "",
                r["topic"],
                list(r["fields"] or []),
                json.loads(r["old"]) if r["old"] else {},
                json.loads(r["new"]) if r["new"] else None,
            )
        )
    return out


def _attribute(tx, records: list[Record], report: MigrationReport) -> None:
    """Give a reference edge's change recorded as ``None -> None`` the key of
    the edge it was: the reference of a record whose ``source`` changed the
    same way in the same load, whose edge that load wrote again."""
    nameless = [r for r in records if r.key == NO_FACT and r.entity in EDGE_TYPES and EDGE_TYPES[r.entity].owner]
    by_owner: dict[tuple[str, datetime, str, str], list[str]] = defaultdict(list)
    for r in records:
        if r.op == "changed" and r.entity in NODE_SECTION_BY_LABEL and "source" in r.fields:
            by_owner[(r.entity, r.at, str(r.old.get("source")), str((r.new or {}).get("source")))].append(r.key)
    taken: set[tuple[str, str, str, datetime]] = set()
    for r in nameless:
        kind = EDGE_TYPES[r.entity]
        owners = by_owner.get((kind.owner, r.at, str(r.old.get("source")), str((r.new or {}).get("source"))), [])
        owner = NODE_SECTION_BY_LABEL[kind.owner]
        target = NODE_SECTION_BY_LABEL[kind.ends[0]].key
        found = tx.run(
            f"UNWIND $keys AS k MATCH (n:{kind.owner} {{{owner.key}: k}})-[x:{kind.rel_type}]->(t) "
            "WHERE x.recorded_from = $at AND x.first_recorded_at < $at "
            f"RETURN k, t.{target} AS t ORDER BY k, t",
            keys=owners,
            at=r.at,
        ).data()
        for row in found:
            if (r.entity, row["k"], row["t"], r.at) not in taken:
                taken.add((r.entity, row["k"], row["t"], r.at))
                r.key = f"{row['k']} -> {row['t']}"
                break
        else:
            report.lost.append(
                f"{r.entity} {NO_FACT}: a change of its source at {r.at.isoformat()} "
                f"({r.old.get('source')} to {(r.new or {}).get('source')}) fits no reference edge"
            )


def _ends(r: Record) -> tuple[str, str] | None:
    key = r.key
    if r.topic and r.entity != "TREATS" and key.endswith(f" [{r.topic}]"):
        key = key[: -len(f" [{r.topic}]")]
    parts = key.split(" -> ")
    return (parts[0], parts[1]) if len(parts) == 2 and key != NO_FACT else None


def _rebuild_nodes(tx, records: list[Record], loads: list[datetime], report: MigrationReport) -> None:
    by_label: dict[str, dict[str, list[Record]]] = defaultdict(lambda: defaultdict(list))
    for r in records:
        if r.entity in NODE_SECTION_BY_LABEL:
            by_label[r.entity][r.key].append(r)
    for label in (s.label for s in NODE_SECTIONS):
        facts = by_label.get(label)
        if not facts:
            continue
        key = NODE_SECTION_BY_LABEL[label].key
        stored = _node_versions(tx, label, facts)
        rows = []
        for k, recs in sorted(facts.items()):
            history = History(stored.get(k, []), recs, STATE_PROPS[label])
            for v in history.rebuild(loads, lambda at: None, report, label):
                props = {**v.props, key: k}
                if label == model.Instrument.__label__:
                    props.update({p: props.get(p) or [] for p in STATUS_LISTS})
                rows.append({"key": k, "props": props, "start": v.start, "end": v.end, "first": v.first})
        if rows:
            _write_states(tx, label, rows)


def _rebuild_edges(tx, records: list[Record], loads: list[datetime], report: MigrationReport) -> None:
    facts: dict[tuple[str, str, str], list[Record]] = defaultdict(list)
    for r in records:
        if r.entity in NODE_SECTION_BY_LABEL:
            continue
        ends = _ends(r) if r.entity in EDGE_TYPES else None
        if ends is None:
            if r.key != NO_FACT:  # those were reported by _attribute
                report.lost.append(f"{r.entity} {r.key}: format 1 recorded a {r.op} fact kb does not know")
            continue
        facts[(r.entity, *ends)].append(r)
    keys_of: dict[str, set[str]] = defaultdict(set)
    for rel_type, a, b in facts:
        kind = EDGE_TYPES[rel_type]
        for label in kind.starts:
            keys_of[label].add(a)
        for label in kind.ends:
            keys_of[label].add(b)
    present = {label: _existing(tx, label, keys) for label, keys in keys_of.items()}
    states = {label: _node_versions(tx, label, keys) for label, keys in keys_of.items()}

    def label_of(key: str, labels: tuple[str, ...]) -> str | None:
        return next((label for label in labels if key in present.get(label, ())), None)

    def recorded(label: str, key: str, at: datetime) -> datetime | None:
        """When the record ``key`` was first recorded, in its recording valid just before ``at``."""
        valid = [v for v in states[label].get(key, []) if v.start < at <= v.end]
        return min((v.first or v.start) for v in valid) if valid else None

    # each fact's ends, by kind of edge (type, start label, end label)
    kinds: dict[tuple[str, str, str], list[tuple[str, str]]] = defaultdict(list)
    for rel_type, a, b in sorted(facts):
        kind = EDGE_TYPES[rel_type]
        sl, el = label_of(a, kind.starts), label_of(b, kind.ends)
        if sl is None or el is None:
            report.lost.append(f"{rel_type} {a} -> {b}: {a if sl is None else b} is not in the graph")
            continue
        kinds[(rel_type, sl, el)].append((a, b))
    for (rel_type, sl, el), pairs in sorted(kinds.items()):
        kind = EDGE_TYPES[rel_type]
        skey, ekey = NODE_SECTION_BY_LABEL[sl].key, NODE_SECTION_BY_LABEL[el].key
        stored: dict[tuple[str, str], list[Version]] = defaultdict(list)
        for r in tx.run(
            f"UNWIND $pairs AS p MATCH (a:{sl} {{{skey}: p[0]}})-[x:{rel_type}]->(b:{el} {{{ekey}: p[1]}}) "
            "RETURN p[0] AS a, p[1] AS b, properties(x) AS p",
            pairs=[list(p) for p in pairs],
        ):
            stored[(r["a"], r["b"])].append(_version(r["p"]))
        rows = []
        for a, b in pairs:
            # parallel edges (CONFLICTS_WITH, one per topic) are told apart by their key properties
            groups: dict[tuple, list[Record]] = defaultdict(list)
            for r in facts[(rel_type, a, b)]:
                groups[tuple(r.old.get(p, r.topic if p == "topic" else None) for p in kind.key_props)].append(r)
            for ident, group in groups.items():
                mine = [v for v in stored[(a, b)] if tuple(v.props.get(p) for p in kind.key_props) == ident]

                def bound(at: datetime, sl=sl, el=el, a=a, b=b) -> datetime | None:
                    ends = [t for t in (recorded(sl, a, at), recorded(el, b, at)) if t is not None]
                    return max(ends) if ends else None

                for v in History(mine, group, EDGE_PROPS[rel_type]).rebuild(loads, bound, report, rel_type):
                    rows.append({"a": a, "b": b, "props": v.props, "start": v.start, "end": v.end, "first": v.first})
        if rows:
            tx.run(
                f"UNWIND $rows AS row MATCH (a:{sl} {{{skey}: row.a}}) MATCH (b:{el} {{{ekey}: row.b}}) "
                f"CREATE (a)-[x:{rel_type}]->(b) SET x = row.props, x.recorded_from = row.start, "
                "x.recorded_to = row.end, x.first_recorded_at = row.first",
                rows=rows,
            ).consume()


def _unreferenced(tx, report: MigrationReport) -> None:
    """Name the records some version of which has no required reference
    recorded with it: format 1 deleted a pruned record's references (and
    recorded nothing)."""
    for s in NODE_SECTIONS:
        for ref in s.refs:
            if not ref.required:
                continue
            keys = [
                r["k"]
                for r in tx.run(
                    f"MATCH (n:{s.label})-[:HAS_STATE]->(x) WHERE NOT EXISTS {{ (n)-[r:{ref.rel_type}]->() "
                    "WHERE r.recorded_from < x.recorded_to AND x.recorded_from < r.recorded_to } "
                    f"RETURN DISTINCT n.{s.key} AS k ORDER BY k"
                )
            ]
            if keys:
                shown = ", ".join(keys[:5]) + (f" and {len(keys) - 5} more" if len(keys) > 5 else "")
                report.lost.append(
                    f"{len(keys)} {s.name} removed by a prune lost their {ref.rel_type} edge "
                    f"({shown}): format 1 deleted it without a record"
                )


def _one(tx, statement: str, **params: Any) -> int:
    row = tx.run(statement, params).single()
    return row["n"] if row else 0


def _migrate_data(tx, report: MigrationReport) -> None:
    loads = [
        _native(r["at"])
        for r in tx.run("MATCH (s:ChangeSet) WHERE coalesce(s.created, 1) > 0 RETURN s.at AS at ORDER BY at")
    ]
    first = tx.run("MATCH (s:ChangeSet) RETURN min(s.at) AS at").single()["at"]
    fallback = _native(first) if first is not None else datetime.now(UTC)
    for s in NODE_SECTIONS:
        report.states[s.label] = _one(tx, state_statement(s.label), fallback=fallback)
    report.versions = _one(tx, VERSIONS_STATEMENT, fallback=fallback)
    stamped = {r["type"]: r["n"] for r in tx.run(EDGES_STATEMENT, types=list(EDGE_TYPES), fallback=fallback)}
    report.edges = {rel_type: stamped.get(rel_type, 0) for rel_type in EDGE_TYPES}
    report.treated = _one(tx, TREATED_STATEMENT, fallback=fallback)
    records = _records(tx)
    report.changes = len(records)
    _attribute(tx, records, report)
    _rebuild_nodes(tx, records, loads, report)
    _rebuild_edges(tx, records, loads, report)
    tx.run(STATUS_LISTS_STATEMENT).consume()
    tx.run("MATCH (c:Change) DETACH DELETE c").consume()
    _unreferenced(tx, report)
    # The topics' cell counts stay as format 1 kept them: they count the
    # current catalog, which the migration leaves as it was.
    tx.run(MARK, version=FORMAT_VERSION).consume()


def _schema(db, report: MigrationReport) -> None:
    """Drop the constraints and indexes kb made that the schema no longer
    has; install the schema's (a no-op for those already there)."""
    wanted = schema_names()
    constraints = {r["name"] for r in db.read("SHOW CONSTRAINTS YIELD name RETURN name")}
    indexes = {
        r["name"]
        for r in db.read(
            "SHOW INDEXES YIELD name, type, owningConstraint "
            "WHERE type <> 'LOOKUP' AND owningConstraint IS NULL RETURN name"
        )
    }
    ours = ("constraint_", "index_")
    for name in sorted(constraints):
        if name.startswith(ours) and name not in wanted:
            db.write(f"DROP CONSTRAINT {name} IF EXISTS")
            report.schema_dropped.append(name)
    for name in sorted(indexes):
        if name.startswith(ours) and name not in wanted:
            db.write(f"DROP INDEX {name} IF EXISTS")
            report.schema_dropped.append(name)
    for name, statement in zip(schema_names(), schema_statements()):
        if name not in constraints | indexes:
            db.write(statement)
            report.schema_created.append(name)


# States written before catalogs existed are the curated catalog's: they get
# its name, in place (a default made explicit, not a change of fact).
CATALOGUED = (
    "MATCH (x) WHERE (x:InstrumentState OR x:TopicState OR x:CollectionState) AND x.catalog IS NULL "
    "SET x.catalog = $catalog RETURN count(x) AS n"
)


def migrate(db) -> MigrationReport:
    """Bring the graph to format 2 (see the module's docstring): its data
    in one transaction, then its schema. A graph already in format 2 is
    left as it is (only marked, if it was not)."""
    from kb.load import LOCK_STATEMENT

    def work(tx) -> MigrationReport:
        version, marked = _format(lambda q: tx.run(q).data())
        if version == OLD_FORMAT:
            tx.run(LOCK_STATEMENT).consume()  # not while a load writes; then look again
            version, marked = _format(lambda q: tx.run(q).data())
        report = MigrationReport(format_before=version)
        if version == OLD_FORMAT:
            _migrate_data(tx, report)
            report.migrated = report.marked = True
        elif not marked:
            tx.run(MARK, version=FORMAT_VERSION).consume()
            report.marked = True
        if version is not None:
            report.catalogued = tx.run(CATALOGUED, catalog=CURATED_CATALOG).single()["n"]
        return report

    report = db.write_tx(work)
    _schema(db, report)
    return report
