"""Load catalog files into the graph.

``load()`` reads every file (``kb.loaders``), validates every record
(``kb.validate``) and writes the whole catalog in ONE transaction: batched
``UNWIND $rows ...`` statements, nodes before edges. Writing starts while
the files are still being checked, so the server writes one batch while kb
checks the next; a problem found anywhere rolls the transaction back, so
nothing is written unless everything is right. Each batch is probed first
(which rows have a current version, and is it the same?): new facts are
CREATEd, facts that differ get their current version closed and the next
one opened (docs/history.md), unchanged ones are left alone, so a second
load changes nothing; nothing is ever deleted. ``prepare`` is the one path
that reads and checks the files; it hands valid rows to a writer, at once in
the load's transaction (``check_and_write``) or, for a load in parts, once
everything is checked (``write``). The write statements are
pipelined, and before it commits the load counts the cells of the topics
it touched again (``kb.cell_counts``). A load in parts (``commit_every``)
is checked whole before its first part is written.

Labels, relationship types and property names in the statements come from
the schema classes (a fixed list), never from data; values travel as
parameters.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kb import cell_counts
from kb.errors import IdentityChange, KbError, Problem, ValidationFailed
from kb.graph_format import check_writable
from kb.schema.model import CURRENT
from kb.schema.model import FOREVER_CYPHER as END  # recorded_to of a current fact
from kb.schema.sections import (
    EDGE_SECTIONS,
    NODE_SECTION_BY_LABEL,
    NODE_SECTION_BY_NAME,
    NODE_SECTIONS,
    SECTIONS,
    SEP,
    EdgeSection,
    NodeSection,
)
from kb.validate import RANKS, SOURCE_KINDS, Catalog, Validator

BATCH = 5_000

Progress = Callable[[int | None], None]  # told rows (or characters) done; None when finished
# Makes a load's records instead of reading files (an import: kb.loaders.tagged), handed the
# keys already stored (known_keys); its ReadResult names the files it read and their hashes.
Reading = Callable[[dict[str, Any]], Any]


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def add(self, row: dict[str, int]) -> None:
        self.created += row.get("created", 0)
        self.updated += row.get("updated", 0)
        self.unchanged += row.get("unchanged", 0)
        self.removed += row.get("removed", 0)


@dataclass
class LoadReport:
    files: list[str]
    dry_run: bool
    records: int = 0
    change_set: str | None = None
    recounted: int = 0  # topics whose cell counts were counted again (kb.cell_counts)
    hashes: list[str] = field(default_factory=list)  # sha256 of each file, as read
    nodes: dict[str, Counts] = field(default_factory=dict)
    edges: dict[str, Counts] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)  # worth checking; they did not stop the load

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for kind, table in (("node", self.nodes), ("edge", self.edges)):
            for name, c in table.items():
                out.append(
                    {
                        "kind": kind,
                        "name": name,
                        "created": c.created,
                        "updated": c.updated,
                        "unchanged": c.unchanged,
                        "removed": c.removed,
                    }
                )
        return out

    def totals(self) -> Counts:
        t = Counts()
        for c in (*self.nodes.values(), *self.edges.values()):
            t.add(c.__dict__)
        return t


# -- statements -------------------------------------------------------------
# Nothing is deleted. A node record is an identity node (its key) with state
# nodes (its properties), an edge is an edge; both carry the record-time
# interval [recorded_from, recorded_to). A write compares each row with the
# current version: a new fact opens a version, a changed one closes the
# current version (recorded_to = now) and opens the next, an unchanged one
# is left alone; --prune closes what the files no longer have.
#
# Each batch is first probed (which rows have a current version, and is it
# the same?): new rows then take a plain CREATE, rows that differ take the
# statement that closes and opens, unchanged rows are not written at all. A
# read followed by a CREATE is safe because every load holds the LoadLock for
# its whole transaction.
_OPEN = f"x.recorded_from = $now, x.recorded_to = {END}"
_SAME = "all(p IN keys(row.props) WHERE coalesce(x[p] = row.props[p], x[p] IS NULL AND row.props[p] IS NULL))"
_STATE = f"CASE WHEN x IS NULL THEN 0 WHEN {_SAME} THEN 1 ELSE 2 END AS state"
_COUNTS = "RETURN count(old) AS updated, count(*) - count(old) AS created"


def node_probe(s: NodeSection) -> str:
    """Per row whose identity is stored: its index in $rows and 0 (no
    current state), 1 (same) or 2 (differs)."""
    return (
        f"UNWIND range(0, size($rows) - 1) AS i WITH i, $rows[i] AS row "
        f"MATCH (n:{s.label} {{{s.key}: row.key}}) "
        f"OPTIONAL MATCH (n)-[:HAS_STATE]->(x:{s.state_label}) WHERE {CURRENT} RETURN i, {_STATE}"
    )


def _state(s: NodeSection, first: str) -> str:
    return (
        f"CREATE (n)-[:HAS_STATE]->(x:{s.state_label}) "
        f"SET x = row.props, x.{s.key} = row.key, {_OPEN}, x.first_recorded_at = {first} "
    )


def node_create(s: NodeSection) -> str:
    """Records new to the graph: an identity and its first state."""
    return (
        f"UNWIND $rows AS row CREATE (n:{s.label} {{{s.key}: row.key}}) "
        + _state(s, "$now")
        + "RETURN count(x) AS created"
    )


def node_statement(s: NodeSection) -> str:
    """Stored records whose current state differs (or that have none): close
    it and open the next."""
    return (
        f"UNWIND $rows AS row MATCH (n:{s.label} {{{s.key}: row.key}}) "
        f"OPTIONAL MATCH (n)-[:HAS_STATE]->(old:{s.state_label}) WHERE old.recorded_to = {END} "
        "SET old.recorded_to = $now " + _state(s, "coalesce(old.first_recorded_at, $now)") + _COUNTS
    )


@dataclass(frozen=True)
class EdgeKind:
    """One kind of edge a load writes: its type and end labels, and the
    properties that tell parallel edges apart."""

    rel_type: str
    start_label: str
    end_label: str
    key_props: tuple[str, ...] = ()
    undirected: bool = False  # (a)-[:T]->(b) and (b)-[:T]->(a) are one fact (CONFLICTS_WITH)

    def ends(self) -> str:
        skey = NODE_SECTION_BY_LABEL[self.start_label].key
        ekey = NODE_SECTION_BY_LABEL[self.end_label].key
        return f"MATCH (a:{self.start_label} {{{skey}: row.start}}) MATCH (b:{self.end_label} {{{ekey}: row.end}}) "

    def current(self, var: str) -> str:
        """The current edge between a and b that a row names."""
        key = " ".join(f"AND {var}.{k} = row.props.{k}" for k in self.key_props)
        arrow = "-" if self.undirected else "->"
        return f"(a)-[{var}:{self.rel_type}]{arrow}(b) WHERE {var}.recorded_to = {END} {key} "

    def prune_key(self) -> str:
        """The Cypher text of a stored edge's key, as ``prune_key`` in Python
        makes it from a row."""
        skey = NODE_SECTION_BY_LABEL[self.start_label].key
        ekey = NODE_SECTION_BY_LABEL[self.end_label].key
        ends = [f"a.{skey}", f"'{SEP}'", f"b.{ekey}"]
        if self.undirected:
            ends = [
                f"CASE WHEN a.{skey} < b.{ekey} THEN a.{skey} + '{SEP}' + b.{ekey} "
                f"ELSE b.{ekey} + '{SEP}' + a.{skey} END"
            ]
        return " + ".join([*ends, *(f"'{SEP}' + coalesce(x.{p}, '')" for p in self.key_props)])


def prune_key(k: EdgeKind, row: dict[str, Any]) -> str:
    ends = [row["start"], row["end"]]
    return SEP.join([*(sorted(ends) if k.undirected else ends), *((row["props"].get(p) or "") for p in k.key_props)])


def edge_kind(section: EdgeSection, start_label: str, end_label: str) -> EdgeKind:
    return EdgeKind(section.rel_type, start_label, end_label, section.key_props, undirected=section.undirected)


def edge_probe(k: EdgeKind) -> str:
    return (
        "UNWIND range(0, size($rows) - 1) AS i WITH i, $rows[i] AS row "
        + k.ends()
        + "MATCH "
        + k.current("x")
        + f"RETURN i, {_STATE}"
    )


def edge_create(k: EdgeKind) -> str:
    return (
        "UNWIND $rows AS row " + k.ends() + f"CREATE (a)-[x:{k.rel_type}]->(b) "
        f"SET x = row.props, {_OPEN}, x.first_recorded_at = $now RETURN count(x) AS created"
    )


def edge_statement(k: EdgeKind) -> str:
    """Edges whose current version differs (or that have none): close it and
    open the next."""
    return (
        "UNWIND $rows AS row "
        + k.ends()
        + "OPTIONAL MATCH "
        + k.current("old")
        + f"SET old.recorded_to = $now CREATE (a)-[x:{k.rel_type}]->(b) "
        f"SET x = row.props, {_OPEN}, x.first_recorded_at = coalesce(old.first_recorded_at, $now) " + _COUNTS
    )


def reference_close(s: NodeSection, ref) -> str:
    """A single-valued reference (ISSUED_IN, PART_OF, ...): close the current
    edge of that type to another node than the one a row names (or any, when
    it names none)."""
    target = NODE_SECTION_BY_NAME[ref.targets[0]]
    return (
        f"UNWIND $rows AS row MATCH (n:{s.label} {{{s.key}: row.start}})-[x:{ref.rel_type}]->(t:{target.label}) "
        f"WHERE {CURRENT} AND (row.end IS NULL OR t.{target.key} <> row.end) "
        "SET x.recorded_to = $now RETURN count(x) AS removed"
    )


def any_stored(label: str | None = None, rel_type: str | None = None) -> str:
    """A Cypher expression: is there any node with ``label`` (edge of
    ``rel_type``) at all? If not, every row of that kind is new and the
    probes can be skipped."""
    if label:
        return f"EXISTS {{ MATCH (:{label}) }}"
    return f"EXISTS {{ MATCH ()-[:{rel_type}]->() }}"


# Every kind of node and edge a load writes, asked about in one statement
# when a load starts (asking at each kind's first batch instead would make
# kb wait, mid-stream, for the server to finish all it was sent).
STORED_KINDS: tuple[str, ...] = tuple(
    dict.fromkeys(
        [
            *(any_stored(label=s.label) for s in NODE_SECTIONS),
            *(any_stored(rel_type=ref.rel_type) for s in NODE_SECTIONS for ref in s.refs),
            *(any_stored(rel_type=s.rel_type) for s in EDGE_SECTIONS),
        ]
    )
)


def what_is_stored(tx, kinds: tuple[str, ...] = STORED_KINDS) -> dict[str, bool]:
    """Each of ``kinds`` (``any_stored`` expressions): is any of it stored?"""
    if not kinds:
        return {}
    row = tx.run("RETURN [" + ", ".join(kinds) + "] AS stored").single()
    return dict(zip(kinds, row["stored"]))


def prune_edges_statement(k: EdgeKind) -> str:
    """Close the current edges of one kind that the loaded files do not have;
    the topics of the TREATS edges closed."""
    topic = "b.slug" if k.rel_type == "TREATS" else "null"
    return (
        f"MATCH (a:{k.start_label})-[x:{k.rel_type}]->(b:{k.end_label}) "
        f"WHERE {CURRENT} AND $keep[{k.prune_key()}] IS NULL "
        f"SET x.recorded_to = $now RETURN count(*) AS removed, collect(DISTINCT {topic}) AS topics"
    )


def prune_nodes_statement(s: NodeSection) -> str:
    """Close the current state of the records the files do not have, and any
    edge of theirs still current (their references)."""
    return (
        f"MATCH (n:{s.label})-[:HAS_STATE]->(x:{s.state_label}) WHERE {CURRENT} AND $keep[n.{s.key}] IS NULL "
        "SET x.recorded_to = $now "
        f"WITH n CALL (n) {{ MATCH (n)-[x]-() WHERE {CURRENT} SET x.recorded_to = $now "
        "RETURN collect(type(x)) AS types } "
        "RETURN count(n) AS removed, reduce(all = [], t IN collect(types) | all + t) AS closed_edges, [] AS topics"
    )


# -- reading the database -----------------------------------------------------
def known_keys(read: Callable[[str], list[dict[str, Any]]], keys: bool = True) -> dict[str, Any]:
    """Keys of the records current in the graph, per node section, so that
    new files may reference records loaded earlier (unless not ``keys``:
    a load that prunes references only what its files hold); and under
    RANKS the current instruments' catalog ranks (rank -> id), so that a
    clash is found before anything is written and an instrument given no
    rank keeps its own; and (with ``keys``) under SOURCE_KINDS the
    current sources' kinds (id -> kind), since a cell at confidence high
    must cite a primary one. ``read(statement)`` returns rows."""
    known: dict[str, Any] = {}
    for s in NODE_SECTIONS if keys else ():
        rows = read(f"MATCH (x:{s.state_label}) WHERE {CURRENT} RETURN x.{s.key} AS k")
        known[s.name] = {r["k"] for r in rows if r["k"] is not None}
    rows = read(f"MATCH (x:InstrumentState) WHERE {CURRENT} RETURN x.id AS k, x.catalog_rank AS rank")
    known[RANKS] = {r["rank"]: r["k"] for r in rows}
    if keys:
        rows = read(f"MATCH (x:SourceState) WHERE {CURRENT} RETURN x.id AS k, x.kind AS kind")
        known[SOURCE_KINDS] = {r["k"]: r["kind"] for r in rows}
    return known


IDENTITY_STATEMENT = (
    f"UNWIND $keys AS k MATCH (n:Instrument {{id: k}})-[:HAS_STATE]->(x:InstrumentState) WHERE {CURRENT} "
    f"OPTIONAL MATCH (n)-[j:ISSUED_IN]->(t:Jurisdiction) WHERE j.recorded_to = {END} "
    "RETURN k, x.name AS name, t.code AS jurisdiction"
)


def identity_changes(read: Callable[..., list[dict[str, Any]]], catalog: Catalog) -> list[Problem]:
    """Stored instruments whose name or jurisdiction the catalog's rows
    would change, each at its record's line: perhaps a new record that
    reuses an id by mistake, which would rename, move and rewrite the
    instrument holding it. ``read(statement, **params)`` returns rows."""
    rows = catalog.nodes.get("instruments") or []
    out: list[Problem] = []
    for i in range(0, len(rows), BATCH):
        batch = rows[i : i + BATCH]
        stored = {r["k"]: r for r in read(IDENTITY_STATEMENT, keys=[r["key"] for r in batch])}
        for row in batch:
            old, rec = stored.get(row["key"]), row.get("where")
            if old is None:
                continue
            file = rec.file if rec is not None else ""
            key, name, code = row["key"], row["props"].get("name"), row["refs"].get("jurisdiction")
            hint = "if this record is another instrument, give it an id of its own"
            if old["name"] != name:
                what = f"{key} is named {old['name']!r} in the catalog; this load renames it {name!r}"
                out.append(Problem(file, rec and rec.line_of("name"), "instruments.name", what, hint))
            if old["jurisdiction"] != code:
                what = f"{key} is issued in {old['jurisdiction']} in the catalog; this load moves it to {code}"
                out.append(Problem(file, rec and rec.line_of("jurisdiction"), "instruments.jurisdiction", what, hint))
    return out


def refuse_identity_changes(read: Callable[..., list[dict[str, Any]]], catalog: Catalog) -> None:
    changes = identity_changes(read, catalog)
    if changes:
        raise IdentityChange(changes)


# -- the load -------------------------------------------------------------------
STREAMED = frozenset(s.name for s in EDGE_SECTIONS)  # CSV files of these are read row by row
MAX_PROBLEMS = 1_000  # a stream stops being read after this many problems


def prepare(
    paths: list[Path],
    db=None,
    prune: bool = False,
    progress_factory: Callable[..., Progress | None] | None = None,
    known: dict[str, set[str]] | None = None,
    sink: _Streamer | None = None,
    label: str = "Checking",
    guard: Callable[[Catalog], None] | None = None,
    read: Reading | None = None,
    keep_rows: bool = False,
) -> tuple[Catalog, list[str], int, list[str]]:
    """Read and validate; raise ValidationFailed listing every problem.
    References may name records already in the graph (``known``, or read
    from ``db``), except when pruning (then the files must hold everything
    they reference).

    Node records are held in memory. Edge records, which can number in the
    millions, go to an ``EdgeStage`` on disk (``catalog.stage``) as they are
    validated; CSV files of edges are read one row at a time. The caller
    closes the stage (``catalog.close()``). ``progress_factory(total,
    label, at_least)`` may give a callback told how much of the streamed
    files was read, and None at the end.

    A ``sink`` is handed the records as soon as they are valid, for as long
    as no problem has been found: the node rows once (``sink.nodes``), then
    each edge row (``sink.edge``). ``load`` writes them as they come, in the
    transaction that a problem found later rolls back. A ``guard`` is
    shown the valid node rows before any is handed on, and may raise to
    stop the load (``refuse_identity_changes``). A ``read`` (an import,
    kb.loaders.tagged) makes the records instead of the files ``paths``,
    handed the keys already stored."""
    from kb.loaders import read_paths
    from kb.staging import EdgeStage

    if known is None and db is not None:
        known = known_keys(db.read, keys=not prune)
    result = read(known or {}) if read is not None else read_paths(paths, stream=STREAMED)
    v = Validator(known, prune=prune)
    by_section: dict[str, list] = {}
    for rec in result.records:
        by_section.setdefault(rec.section, []).append(rec)
    v.nodes(by_section)
    records = len(result.records)
    # rows written as they come are not read back, unless a prune needs their keys
    stage = EdgeStage(keep_rows=sink is None or prune or keep_rows)
    v.catalog.stage = stage
    try:
        if sink is not None and (result.problems or v.problems):
            sink = None  # the load will fail: nothing more to send
        if guard is not None and not (result.problems or v.problems):
            guard(v.catalog)
        if sink is not None:
            sink.nodes(v.catalog)
        for section in EDGE_SECTIONS:
            for rec in by_section.pop(section.name, ()):
                sink = _stage(v, stage, rec, section, sink, result.problems)
        by_section.clear()
        if sink is not None:
            sink.flush()
        read = None
        if progress_factory and result.streams:
            read = progress_factory(sum(p.stat().st_size for _, p in result.streams), label, 16 << 20)
        try:
            records += _read_streams(v, stage, result, read, sink)
        finally:
            if read:
                read(None)
        for group, ident, where, first in stage.duplicates():
            v.duplicate(where, SECTIONS[group[0]], ident, first)
        problems = result.problems + v.finish()
        if problems:
            raise ValidationFailed(problems)
    except BaseException:
        stage.close()
        raise
    return v.catalog, result.files, records, result.hashes


def _read_streams(v: Validator, stage, result, read, sink: _Streamer | None = None) -> int:
    """Validate the streamed CSV files row by row into the stage (and the
    sink); return how many records they held."""
    from kb.loaders import csv_section, iter_csv, unreadable

    records = 0
    for name, path in result.streams:
        if len(v.problems) + len(result.problems) >= MAX_PROBLEMS:
            break
        section = SECTIONS[csv_section(path)]
        try:
            for rec in iter_csv(path, name, result.problems, read):
                records += 1
                sink = _stage(v, stage, rec, section, sink, result.problems)
                if len(v.problems) + len(result.problems) >= MAX_PROBLEMS:
                    result.problems.append(
                        Problem(
                            name,
                            rec.line,
                            None,
                            f"stopped reading after {MAX_PROBLEMS} problems",
                            "fix the problems listed and load again",
                        )
                    )
                    break
        except (UnicodeDecodeError, OSError) as e:
            result.problems.append(unreadable(name, e))
        if sink is not None and not result.problems:
            sink.flush()  # the file's last rows are written while kb reads the next file
    return records


def _stage(
    v: Validator, stage, rec, section: EdgeSection, sink: _Streamer | None = None, read_problems: Sequence[Problem] = ()
) -> _Streamer | None:
    """Validate one edge record into the stage and hand its row to the sink;
    return the sink, or None once a problem is found (nothing more is sent)."""
    out = v.edge(rec, section)
    if out is not None:
        group, ident, row = out
        stage.add(group, ident, rec.file, rec.line, row)
        if sink is not None and not v.problems and not read_problems:
            sink.edge(group, row)
            return sink
    return None if v.problems or read_problems else sink


@dataclass
class Step:
    kind: str  # node | edge
    name: str  # label or relationship type
    statement: str
    rows: list[dict[str, Any]] | None = None  # node and reference rows
    keep: dict[str, bool] | None = None  # a prune step: one run with $keep
    batches: Callable[[Any], Iterator[tuple[Any, list]]] | None = None  # edge rows: (token, batch) after a token
    count: int = 0
    probe: str | None = None  # read first: which rows are stored, and same or not
    create: str | None = None  # for rows not stored yet
    stored: str | None = None  # its kind (an any_stored expression): was any of it stored before the load?
    skip_when_none_stored: bool = False  # nothing to do then (dropping old references)
    params: dict[str, Any] = field(default_factory=dict)  # a prune step's other parameters ($catalog)

    def units(self, after: Any = None) -> Iterator[tuple[Any, list[dict[str, Any]] | None]]:
        """What to send, a batch at a time, each with a token to resume after
        it (``after``); a prune step sends None once."""
        if self.batches is not None:
            yield from self.batches(after)
        elif self.rows is not None:
            for i in range(0 if after is None else after + BATCH, len(self.rows), BATCH):
                yield i, self.rows[i : i + BATCH]
        elif after is None:
            yield 0, None


_EDGE_ORDER = {s.name: i for i, s in enumerate(EDGE_SECTIONS)}


def _in_section_order(group: tuple[str, str, str]) -> tuple:
    """Sort key of an edge group: the schema's section order, then labels."""
    return _EDGE_ORDER[group[0]], group


def edge_groups(catalog: Catalog) -> list[tuple[tuple[str, str, str], int, Callable[[Any], Iterator]]]:
    """Each group of edge rows (section, start label, end label) with its
    size and its batches, in section order: from the stage, or from memory."""
    stage = getattr(catalog, "stage", None)
    if stage is not None:
        groups = [(g, n, (lambda after, g=g: stage.rows(g, BATCH, after))) for g, n in stage.counts.items()]
    else:
        groups = [
            (
                g,
                len(rows),
                (
                    lambda after, rows=rows: (
                        (i, rows[i : i + BATCH]) for i in range(0 if after is None else after + BATCH, len(rows), BATCH)
                    )
                ),
            )
            for g, rows in catalog.edges.items()
        ]
    return sorted(groups, key=lambda item: _in_section_order(item[0]))


def edge_step(group: tuple[str, str, str], count: int, batches: Callable[[Any], Iterator] | None = None) -> Step:
    """The step that writes one group of edge rows (section, start label, end label)."""
    name, start_label, end_label = group
    section = SECTIONS[name]
    k = edge_kind(section, start_label, end_label)
    return Step(
        "edge",
        section.rel_type,
        edge_statement(k),
        batches=batches,
        count=count,
        probe=edge_probe(k),
        create=edge_create(k),
        stored=any_stored(rel_type=section.rel_type),
    )


def plan_writes(catalog: Catalog, edges: bool = True) -> list[Step]:
    """Statements and their rows: nodes, then references, then (unless
    ``edges`` is false) edges."""
    steps: list[Step] = []
    for s in NODE_SECTIONS:
        rows = catalog.nodes.get(s.name) or []
        if rows:
            steps.append(
                Step(
                    "node",
                    s.label,
                    node_statement(s),
                    [{"key": r["key"], "props": r["props"]} for r in rows],
                    count=len(rows),
                    probe=node_probe(s),
                    create=node_create(s),
                    stored=any_stored(label=s.label),
                )
            )
    for s in NODE_SECTIONS:
        rows = catalog.nodes.get(s.name) or []
        for ref in s.refs:
            if not rows:
                continue
            target = NODE_SECTION_BY_NAME[ref.targets[0]]
            k = EdgeKind(ref.rel_type, s.label, target.label)
            ref_rows = [
                {"start": r["key"], "end": r["refs"].get(ref.field), "props": {"source": r["source"]}} for r in rows
            ]
            stored = any_stored(rel_type=ref.rel_type)
            steps.append(
                Step(
                    "edge",
                    ref.rel_type,
                    reference_close(s, ref),
                    ref_rows,
                    count=len(ref_rows),
                    stored=stored,
                    skip_when_none_stored=True,
                )
            )
            named = [row for row in ref_rows if row["end"] is not None]
            steps.append(
                Step(
                    "edge",
                    ref.rel_type,
                    edge_statement(k),
                    named,
                    count=len(named),
                    stored=stored,
                    probe=edge_probe(k),
                    create=edge_create(k),
                )
            )
    if edges:
        steps.extend(edge_step(group, n, batches) for group, n, batches in edge_groups(catalog))
    return steps


def plan_prune(catalog: Catalog) -> list[Step]:
    """Statements that close what the files do not have (``--prune``):
    edges first, then nodes."""
    by_group = {g: batches for g, _, batches in edge_groups(catalog)}
    steps: list[Step] = []
    for section in EDGE_SECTIONS:
        for start_sec in section.start.targets:
            for end_sec in section.end.targets:
                a, b = NODE_SECTION_BY_NAME[start_sec], NODE_SECTION_BY_NAME[end_sec]
                batches = by_group.get((section.name, a.label, b.label))
                k = edge_kind(section, a.label, b.label)
                keep = {prune_key(k, r): True for _, batch in (batches(None) if batches else ()) for r in batch}
                steps.append(Step("edge", section.rel_type, prune_edges_statement(k), keep=keep))
    for s in reversed(NODE_SECTIONS):
        keep = {r["key"]: True for r in catalog.nodes.get(s.name) or []}
        steps.append(Step("node", s.label, prune_nodes_statement(s), keep=keep))
    return steps


# The sections whose records belong to a catalog (their states hold ``catalog``).
CATALOG_SECTIONS = tuple(s for s in NODE_SECTIONS if "catalog" in s.properties())
_IN_CATALOG = "EXISTS {{ (a)-[:HAS_STATE]->(s) WHERE s.recorded_to = {end} AND s.catalog = $catalog }}"


def plan_prune_catalog(catalog: Catalog, name: str) -> list[Step]:
    """Statements that close what the files do not have of one catalog
    (an import of a whole catalog): its instruments, topics and collections
    and the edges from them; records of other catalogs, and records that
    belong to none (jurisdictions, authorities, sources), are left alone."""
    by_group = {g: batches for g, _, batches in edge_groups(catalog)}
    labels = {s.label for s in CATALOG_SECTIONS}
    steps: list[Step] = []
    for section in EDGE_SECTIONS:
        for start_sec in section.start.targets:
            for end_sec in section.end.targets:
                a, b = NODE_SECTION_BY_NAME[start_sec], NODE_SECTION_BY_NAME[end_sec]
                if a.label not in labels:
                    continue
                batches = by_group.get((section.name, a.label, b.label))
                k = edge_kind(section, a.label, b.label)
                keep = {prune_key(k, r): True for _, batch in (batches(None) if batches else ()) for r in batch}
                statement = prune_edges_statement(k).replace(
                    "WHERE ", "WHERE " + _IN_CATALOG.format(end=END) + " AND ", 1
                )
                steps.append(Step("edge", section.rel_type, statement, keep=keep, params={"catalog": name}))
    for s in reversed(CATALOG_SECTIONS):
        keep = {r["key"]: True for r in catalog.nodes.get(s.name) or []}
        statement = prune_nodes_statement(s).replace(
            f"WHERE {CURRENT} AND ", f"WHERE {CURRENT} AND x.catalog = $catalog AND ", 1
        )
        steps.append(Step("node", s.label, statement, keep=keep, params={"catalog": name}))
    return steps


def _partition(tx, step: Step, batch: list[dict[str, Any]]) -> tuple[list, list, int]:
    """Split a batch into rows not stored yet, rows stored but different (or
    whose record has no current state), and the number stored unchanged."""
    state: dict[int, int] = {}
    for i, st in tx.run(step.probe, rows=batch):
        state[i] = st if st != 1 or state.get(i, 1) == 1 else state[i]  # parallel duplicates: any difference counts
    new = [row for i, row in enumerate(batch) if i not in state]
    differ = [batch[i] for i, st in state.items() if st != 1]
    return new, differ, sum(1 for st in state.values() if st == 1)


LOCK_STATEMENT = "MERGE (l:LoadLock {id: 'load'}) SET l.taken_at = datetime()"

CHANGE_SET_STATEMENT = (
    "CREATE (s:ChangeSet {id: $id, at: $now, files: $files, hashes: $hashes, records: $records, "
    "created: $created, updated: $updated, removed: $removed, kb_version: $version})"
)


class _Sender:
    """Sends the batches of one transaction and gathers what they did.

    Statements are pipelined: each is read when the next one is sent, so the
    server runs one batch while kb reads, checks and packs the next (the
    server answers in order, and a failure fails the transaction all the
    same)."""

    def __init__(self, tx, now: datetime, decided: dict[str, bool]):
        self.tx, self.now = tx, now
        # Per kind (Step.stored): was anything of it stored before this load?
        # Asked once, before anything is written (a load in parts passes on
        # what its first part found).
        self.decided = decided
        missing = tuple(k for k in STORED_KINDS if k not in decided)
        if missing:
            decided.update(what_is_stored(tx, missing))
        self.pending: deque = deque()  # (step, result) of statements sent, not read yet
        self.out: list[tuple[str, str, dict[str, Any]]] = []  # (kind, name, counts) per statement
        self.topics: set[str] = set()  # of the cells written or closed: their counts change
        self.instruments: set[str] = set()  # whose state changed (and so perhaps their adoption date)
        self.sent = 0  # rows

    def settle(self, keep: int = 0) -> None:
        """Read the results of the statements sent, all but the last ``keep``."""
        while len(self.pending) > keep:
            step, result = self.pending.popleft()
            record = result.single()
            counts = dict(record) if record else {}
            self.topics.update(counts.pop("topics", None) or ())
            for rel_type, n in Counter(counts.pop("closed_edges", None) or ()).items():  # a pruned record's edges
                self.out.append(("edge", rel_type, {"removed": n}))
            self.out.append((step.kind, step.name, counts))

    def _run(self, step: Step, statement: str, params: dict[str, Any]) -> None:
        self.pending.append((step, self.tx.run(statement, params)))
        self.settle(keep=1)
        # The driver keeps each statement's parameters until the transaction
        # ends; emptying the rows sent keeps memory flat.
        if isinstance(params.get("rows"), list):
            params["rows"].clear()

    def send(self, step: Step, batch: list[dict[str, Any]] | None) -> None:
        """Write one batch of a step (None: run a prune step once). Rows of a
        kind none of which was stored before the load are CREATEd without a
        probe."""
        if batch is None:
            self._run(step, step.statement, {"now": self.now, "keep": step.keep, **step.params})
            return
        size = len(batch)
        stored = step.stored is None or self.decided.get(step.stored, True)
        if step.skip_when_none_stored and not stored:
            pass  # e.g. no old references to drop
        elif step.create is None or (step.probe is None and stored):
            self._run(step, step.statement, {"rows": list(batch), "now": self.now})
        else:
            new, differ, same = _partition(self.tx, step, batch) if stored else (list(batch), [], 0)
            if step.name == "TREATS":
                self.topics.update(row["end"] for row in (*new, *differ))
            elif step.name == "Instrument":
                self.instruments.update(row["key"] for row in differ)
            if new:
                self._run(step, step.create, {"rows": new, "now": self.now})
            if differ:
                self._run(step, step.statement, {"rows": differ, "now": self.now})
            if same:
                self.out.append((step.kind, step.name, {"unchanged": same}))
        batch.clear()  # it went out as the probe's parameter (see _run)
        self.sent += size

    def send_all(self, steps: list[Step]) -> None:
        for step in steps:
            for _, batch in step.units():
                self.send(step, batch)


class _Streamer:
    """The sink ``prepare`` hands valid rows to while it reads: node rows
    are written at once, edge rows a batch per group (section, start label,
    end label) as each group's batch fills."""

    def __init__(self, sender: _Sender):
        self.sender = sender
        self.steps: dict[tuple[str, str, str], Step] = {}
        self.buffers: dict[tuple[str, str, str], list[dict[str, Any]]] = {}

    def nodes(self, catalog: Catalog) -> None:
        self.sender.send_all(plan_writes(catalog, edges=False))

    def edge(self, group: tuple[str, str, str], row: dict[str, Any]) -> None:
        buffer = self.buffers.get(group)
        if buffer is None:
            buffer = self.buffers[group] = []
            self.steps[group] = edge_step(group, 0)
        buffer.append(row)
        if len(buffer) >= BATCH:
            self.buffers[group] = []
            self.sender.send(self.steps[group], buffer)

    def flush(self) -> None:
        """Send the rows waiting, each group's in one batch (at the end of a
        file: a file's rows are seldom of more than one group)."""
        for group in sorted(self.buffers, key=_in_section_order):
            if self.buffers[group]:
                self.sender.send(self.steps[group], self.buffers[group])
        self.buffers.clear()


def _begin(tx, at: datetime | None, clock: dict[str, datetime]) -> datetime:
    """Take the load lock and decide the load's time stamp (kept in
    ``clock`` once a part of the load has committed)."""
    # One load at a time: the lock node serialises loads (a second load
    # waits here), so change sets commit in time order even when a
    # transaction is retried after another load.
    tx.run(LOCK_STATEMENT).consume()
    check_writable(lambda statement: tx.run(statement).data())
    if "now" in clock:
        return clock["now"]
    # The latest instant anything was recorded at: a change set's, or that of
    # a load in parts whose first parts committed without one (kept on the lock).
    latest = tx.run(
        "MATCH (l:LoadLock {id: 'load'}) OPTIONAL MATCH (s:ChangeSet) "
        "WITH l, max(s.at) AS at RETURN CASE WHEN l.written > at OR at IS NULL THEN l.written "
        "ELSE at END AS at"
    ).single()["at"]
    # in timezone.utc (the driver reads a named zone, which Neo4j does not order against an offset)
    latest = latest.to_native().astimezone(UTC) if latest is not None else None
    if at is None:
        now = datetime.now(UTC)
        if latest is not None and now <= latest:
            now = latest + timedelta(microseconds=1)
    else:
        now = at.astimezone(UTC)
        if now > datetime.now(UTC):
            raise KbError(
                f"--recorded-at {at.isoformat()} is in the future; record time is when the catalog "
                "learned a fact, so it cannot be later than now"
            )
        if latest is not None and latest >= now:
            raise KbError(
                f"the catalog already has facts recorded at {latest.isoformat()}; "
                "kb records history in time order, so --recorded-at must be later than that"
            )
    return now


def _finish(tx, report: LoadReport, now: datetime, results: list, recount: set[str] | None) -> None:
    """Count the cells of the ``recount`` topics again (None: all), drop
    what is kept on the jurisdictions when anything changed, and record the
    change set, all in the load's last transaction."""
    from kb import __version__

    report.recounted = cell_counts.recount(tx, recount, now)
    created = sum(c.get("created", 0) for _, _, c in results)
    updated = sum(c.get("updated", 0) for _, _, c in results)
    removed = sum(c.get("removed", 0) for _, _, c in results)
    if created or updated or removed or recount is None:
        # kept again just after this transaction commits (keep_jurisdictions): in it, reading
        # what it wrote grows with the square of a jurisdiction's instruments
        cell_counts.forget_jurisdictions(tx)
    report.change_set = None
    if created or updated or removed:
        stamp = now.strftime("%Y%m%dT%H%M%S.%fZ")
        tx.run(
            CHANGE_SET_STATEMENT,
            id=f"cs-{stamp}",
            now=now,
            files=report.files,
            hashes=report.hashes,
            records=report.records,
            created=created,
            updated=updated,
            removed=removed,
            version=__version__,
        ).consume()
        report.change_set = f"cs-{stamp}"


def _tally(report: LoadReport, results: list[tuple[str, str, dict[str, Any]]]) -> None:
    for kind, name, counts in results:
        table = report.nodes if kind == "node" else report.edges
        table.setdefault(name, Counts()).add(counts)


def write(
    db,
    catalog: Catalog,
    report: LoadReport,
    progress: Progress | None = None,
    at: datetime | None = None,
    prune: bool = False,
    commit_every: int | None = None,
    scope: str | None = None,
) -> None:
    """Write a validated catalog and record what changed: in one transaction,
    or, with ``commit_every``, in transactions of about that many rows each
    (for catalogs too large for one; the change set goes in with the last).

    Batches are read from the catalog (or its stage on disk) as they are
    sent, never all at once; a transaction that is retried reads its batches
    again from where the previous transaction stopped."""
    steps = plan_writes(catalog) + (plan_prune(catalog) if prune else [])
    steps += plan_prune_catalog(catalog, scope) if scope else []
    results: list[tuple[str, str, dict[str, Any]]] = []
    clock: dict[str, datetime] = {}
    probing: dict[str, bool] = {}  # what the parts committed so far decided (see _Sender.decided)
    shown = {"base": 0, "rows": 0}  # rows committed in earlier transactions; the most shown so far

    def advance(rows_in_tx: int) -> None:  # a retried transaction does not move the bar twice
        total = shown["base"] + rows_in_tx
        if progress and total > shown["rows"]:
            progress(total - shown["rows"])
            shown["rows"] = total

    def work(tx, position: tuple[int, Any]):
        """Send steps from ``position`` (step index, resume token) on, until
        about ``commit_every`` rows are sent or everything is."""
        now = _begin(tx, at, clock)
        first_part = position == (0, None)
        sender = _Sender(tx, now, dict(probing))  # a retried transaction decides again
        index, token = position
        while index < len(steps):
            step = steps[index]
            for next_token, batch in step.units(token):
                token = next_token
                sender.send(step, batch)
                advance(sender.sent)
                if commit_every and sender.sent >= commit_every:
                    sender.settle()
                    # this part commits versions at ``now`` before the change set does
                    tx.run("MATCH (l:LoadLock {id: 'load'}) SET l.written = $now", now=now).consume()
                    if first_part:  # until the last part recounts them, queries count the cells themselves
                        cell_counts.forget(tx, now)
                    return (index, token), now, sender, False
            index, token = index + 1, None
        sender.settle()
        # A load in one transaction recounts the topics it touched; the last
        # part of a load in parts recounts every topic.
        recount = cell_counts.touched(tx, sender.topics, sender.instruments) if first_part else None
        _finish(tx, report, now, results + sender.out, recount)
        return (index, None), now, sender, True

    position: tuple[int, Any] = (0, None)
    while True:
        try:
            position, now, sender, done = db.write_tx(lambda tx, position=position: work(tx, position))
        except KbError as e:
            if shown["base"]:
                raise KbError(
                    f"{e}. With --commit-every, that was one part of the load: {shown['base']:,} rows "
                    "in earlier parts stay committed; load the same files again to finish (loading "
                    "twice changes nothing)"
                ) from None
            raise
        clock["now"] = now
        probing.update(sender.decided)
        results.extend(sender.out)
        shown["base"] += sender.sent
        if done:
            break
    _tally(report, results)


def check_and_write(
    db,
    paths: list[Path],
    report: LoadReport,
    progress_factory: Callable[..., Progress | None] | None = None,
    at: datetime | None = None,
    prune: bool = False,
    identity_changes: bool = True,
    read: Reading | None = None,
    scope: str | None = None,
) -> None:
    """Read, check and write in ONE transaction, the writing overlapped with
    the checking: valid rows are sent while the files are still being read,
    so the server writes while kb checks. A problem found anywhere (or a
    failure) rolls the whole transaction back, so as with ``prepare`` then
    ``write``, either everything is written or nothing is. A transaction
    that is retried reads and checks the files again."""
    clock: dict[str, datetime] = {}
    loading: list[Progress] = []  # the bar shown while the files are read, if any;
    committing: list[Progress] = []  # then one while the server commits

    def shown(*args) -> Progress | None:
        bar = progress_factory(*args)
        if bar:
            loading.append(bar)
        return bar

    def work(tx):
        now = _begin(tx, at, clock)
        sender = _Sender(tx, now, {})
        known = known_keys(lambda statement: tx.run(statement).data(), keys=not prune)
        streamer = _Streamer(sender)

        def stored(statement: str, **params: Any) -> list[dict[str, Any]]:
            return tx.run(statement, params).data()

        catalog, report.files, report.records, report.hashes = prepare(
            paths,
            prune=prune,
            progress_factory=shown if progress_factory else None,
            known=known,
            sink=streamer,
            label="Loading",
            guard=None if identity_changes else (lambda catalog: refuse_identity_changes(stored, catalog)),
            read=read,
            keep_rows=scope is not None,
        )
        report.warnings = catalog.warnings
        if loading:  # the server finishes the last batches, the counts and the commit
            bar = progress_factory(None, "Committing", 0)
            if bar:
                committing.append(bar)
        try:
            streamer.flush()
            if prune:
                sender.send_all(plan_prune(catalog))
            if scope:
                sender.send_all(plan_prune_catalog(catalog, scope))
            sender.settle()
            _finish(tx, report, now, sender.out, cell_counts.touched(tx, sender.topics, sender.instruments))
        finally:
            catalog.close()
        return sender.out

    try:
        results = db.write_tx(work)
    finally:
        for bar in committing:
            bar(None)
    _tally(report, results)


REPLAN_AFTER = 10_000  # rows written; fewer do not change the index statistics much
REPLAN_WAIT = 120  # seconds to wait for the resample


def refresh_statistics(db) -> bool:
    """After a large load, have Neo4j resample its indexes, wait for that,
    and drop its cached plans (``db.prepareForReplanning``): plans made on
    the statistics of a small graph can be many times slower on a large one
    (the topic page at 10k x 200 measured 236 ms right after a load, 69 ms
    after this). Resampling alone only schedules it, so plans made in the
    meantime would still use the old statistics. Best effort: a server that
    refuses the procedure (too few privileges), or takes longer than
    REPLAN_WAIT seconds to resample, keeps its plans."""
    from kb.errors import KbError

    try:
        db.write("CALL db.prepareForReplanning($seconds)", seconds=REPLAN_WAIT)
    except KbError:
        return False
    return True


def planned_rows(catalog: Catalog) -> int:
    """How many rows ``write`` sends (for a progress bar's total)."""
    return sum(s.count for s in plan_writes(catalog))


def load(
    db,
    paths: list[Path],
    dry_run: bool = False,
    progress_factory: Callable[..., Progress | None] | None = None,
    at: datetime | None = None,
    prune: bool = False,
    commit_every: int | None = None,
    identity_changes: bool = True,
    read: Reading | None = None,
    scope: str | None = None,
) -> LoadReport:
    """Validate ``paths`` and, unless ``dry_run``, write them in one
    transaction (or, with ``commit_every``, in transactions of about that
    many rows). With ``prune``, facts the files do not have are removed, so
    the graph ends up equal to the files (which must then be complete).

    In one transaction the writing overlaps the checking
    (``check_and_write``); a load in parts is checked whole first, since
    its first parts commit before the last row is read.

    Unless ``identity_changes``, a load that would change a stored
    instrument's name or jurisdiction raises IdentityChange before it
    writes anything (a dry run writes nothing anyway).

    An import hands a ``read`` that makes the records (kb.loaders.tagged)
    and the ``scope``: the catalog it holds whole, whose records the
    import does not have are closed (``plan_prune_catalog``)."""
    report = LoadReport(files=[], dry_run=dry_run)
    if not dry_run and not commit_every:
        check_and_write(
            db,
            paths,
            report,
            progress_factory,
            at=at,
            prune=prune,
            identity_changes=identity_changes,
            read=read,
            scope=scope,
        )
    else:
        catalog, report.files, report.records, report.hashes = prepare(
            paths, db, prune=prune, progress_factory=progress_factory, read=read
        )
        report.warnings = catalog.warnings
        try:
            if dry_run:
                return report
            if not identity_changes:
                refuse_identity_changes(db.read, catalog)
            progress = progress_factory(planned_rows(catalog)) if progress_factory else None
            try:
                write(db, catalog, report, progress, at=at, prune=prune, commit_every=commit_every, scope=scope)
            finally:
                if progress:
                    progress(None)
        finally:
            catalog.close()
    t = report.totals()
    if t.created + t.updated + t.removed >= REPLAN_AFTER:
        refresh_statistics(db)  # first: the jurisdictions' recount planned on an empty graph's statistics took 85 s
    if not dry_run:
        keep_jurisdictions(db)
    return report


def keep_jurisdictions(db) -> None:
    """Keep each jurisdiction's own instruments and gaps again, in a
    transaction of its own, when a load (or anything else) dropped them;
    until it commits, today's gaps page walks the cells."""
    if db.read(cell_counts.JURISDICTIONS_UNKEPT)[0]["unkept"]:
        db.write_tx(cell_counts.recount_jurisdictions)
