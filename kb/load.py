"""Load catalog files into the graph.

``load()`` reads every file (``loaders``), validates every record
(``kb.validate``) and writes the whole catalog in ONE transaction: batched
``UNWIND $rows ...`` statements, nodes before edges. Writing starts while
the files are still being checked, so the server writes one batch while kb
checks the next; a problem found anywhere rolls the transaction back, so
nothing is written unless everything is right. Each batch is probed first
(which rows are stored, and are they the same?): new rows are CREATEd, rows
that differ are updated with their old version kept, unchanged rows are
left alone, so a second load changes nothing. The write statements are
pipelined, and before it commits the load counts the cells of the topics
it touched again (``kb.cell_counts``). A load in parts (``commit_every``)
is checked whole before its first part is written.

Labels, relationship types and property names in the statements come from
the schema classes (a fixed list), never from data; values travel as
parameters.
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from kb import cell_counts
from kb.errors import KbError, Problem, ValidationFailed
from kb.schema.sections import (
    NODE_SECTION_BY_LABEL,
    NODE_SECTION_BY_NAME,
    NODE_SECTIONS,
    EDGE_SECTIONS,
    SECTIONS,
    EdgeSection,
)
from kb.validate import Catalog, Validator

BATCH = 5_000

Progress = Callable[[int | None], None]  # told rows (or characters) done; None when finished


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

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for kind, table in (("node", self.nodes), ("edge", self.edges)):
            for name, c in table.items():
                out.append({"kind": kind, "name": name, "created": c.created, "updated": c.updated,
                            "unchanged": c.unchanged, "removed": c.removed})
        return out

    def totals(self) -> Counts:
        t = Counts()
        for c in (*self.nodes.values(), *self.edges.values()):
            t.add(c.__dict__)
        return t


# -- statements -------------------------------------------------------------
# Old values of these are kept, so pages can be rebuilt as of a date:
# an Instrument's as an InstrumentVersion, a TREATS cell's as a TREATED edge.
VERSIONED = {
    "Instrument": "CREATE (v:InstrumentVersion)-[:VERSION_OF]->(x) SET v = properties(x), v.recorded_to = $now",
    "TREATS": "CREATE (a)-[v:TREATED]->(b) SET v = properties(x), v.recorded_to = $now",
}


def _upsert(entity: str, carry: str = "") -> str:
    """The tail of every write: compare the row with what is stored, keep the
    old version if needed, write only what changed, and count."""
    keep = ""
    if entity in VERSIONED:
        keep = f"FOREACH (_ IN CASE WHEN change IS NOT NULL THEN [1] ELSE [] END | {VERSIONED[entity]}) "
    return (
        f"WITH {carry}x, row, x.recorded_at IS NULL AS created, "
        "[p IN keys(row.props) WHERE NOT coalesce(x[p] = row.props[p], x[p] IS NULL AND row.props[p] IS NULL)] AS changed "
        f"WITH {carry}x, row, created, changed, created OR size(changed) > 0 AS dirty "
        f"WITH {carry}x, row, created, dirty, CASE WHEN dirty AND NOT created THEN "
        "{key: row.key, start: row.start, end: row.end, topic: row.props.topic, fields: changed, "
        "old: [p IN changed | x[p]], new: [p IN changed | row.props[p]]} END AS change "
        + keep +
        "FOREACH (_ IN CASE WHEN dirty THEN [1] ELSE [] END | SET x += row.props, x.recorded_at = $now) "
        "FOREACH (_ IN CASE WHEN created THEN [1] ELSE [] END | SET x.first_recorded_at = $now) "
        "RETURN sum(CASE WHEN created THEN 1 ELSE 0 END) AS created, "
        "sum(CASE WHEN change IS NOT NULL THEN 1 ELSE 0 END) AS updated, "
        "sum(CASE WHEN dirty THEN 0 ELSE 1 END) AS unchanged, "
        "collect(change) AS changes"
    )


def node_statement(label: str, key: str) -> str:
    return f"UNWIND $rows AS row MERGE (x:{label} {{{key}: row.key}}) " + _upsert(label)


# Read, compare, then write only what differs. Each batch is first probed:
# which rows are stored already, and are they the same? New rows then take a
# plain CREATE (no MERGE, no comparison), rows that differ take the upsert
# above (which keeps the old version and records the change), and unchanged
# rows are not written at all. A read followed by a CREATE is safe because
# every load holds the LoadLock for its whole transaction.
_SAME = "all(p IN keys(row.props) WHERE coalesce(x[p] = row.props[p], x[p] IS NULL AND row.props[p] IS NULL))"
_STATE = f"CASE WHEN x.recorded_at IS NOT NULL AND {_SAME} THEN 1 ELSE 2 END AS state"


def node_probe(label: str, key: str) -> str:
    """Per stored row: its index in $rows and 1 (same) or 2 (differs)."""
    return (f"UNWIND range(0, size($rows) - 1) AS i WITH i, $rows[i] AS row "
            f"MATCH (x:{label} {{{key}: row.key}}) RETURN i, {_STATE}")


def node_create(label: str, key: str) -> str:
    return (f"UNWIND $rows AS row CREATE (x:{label} {{{key}: row.key}}) "
            "SET x += row.props, x.recorded_at = $now, x.first_recorded_at = $now RETURN count(x) AS created")


def _edge_pattern(section: EdgeSection, start_label: str, end_label: str) -> tuple[str, str]:
    skey = NODE_SECTION_BY_LABEL[start_label].key
    ekey = NODE_SECTION_BY_LABEL[end_label].key
    ends = f"MATCH (a:{start_label} {{{skey}: row.start}}) MATCH (b:{end_label} {{{ekey}: row.end}}) "
    merge_props = ", ".join(f"{k}: row.props.{k}" for k in section.key_props)
    return ends, (f" {{{merge_props}}}" if merge_props else "")


def edge_probe(section: EdgeSection, start_label: str, end_label: str) -> str:
    ends, key = _edge_pattern(section, start_label, end_label)
    return ("UNWIND range(0, size($rows) - 1) AS i WITH i, $rows[i] AS row " + ends +
            f"MATCH (a)-[x:{section.rel_type}{key}]->(b) RETURN i, {_STATE}")


def edge_create(section: EdgeSection, start_label: str, end_label: str) -> str:
    ends, _ = _edge_pattern(section, start_label, end_label)
    return ("UNWIND $rows AS row " + ends + f"CREATE (a)-[x:{section.rel_type}]->(b) "
            "SET x += row.props, x.recorded_at = $now, x.first_recorded_at = $now RETURN count(x) AS created")


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
STORED_KINDS: tuple[str, ...] = tuple(dict.fromkeys([
    *(any_stored(label=s.label) for s in NODE_SECTIONS),
    *(any_stored(rel_type=ref.rel_type) for s in NODE_SECTIONS for ref in s.refs),
    *(any_stored(rel_type=s.rel_type) for s in EDGE_SECTIONS),
]))


def what_is_stored(tx, kinds: tuple[str, ...] = STORED_KINDS) -> dict[str, bool]:
    """Each of ``kinds`` (``any_stored`` expressions): is any of it stored?"""
    if not kinds:
        return {}
    row = tx.run("RETURN [" + ", ".join(kinds) + "] AS stored").single()
    return dict(zip(kinds, row["stored"]))


def reference_statements(label: str, key: str, rel_type: str, target_label: str, target_key: str) -> tuple[str, str]:
    """A single-valued reference (ISSUED_IN, PART_OF, ...): drop any edge of
    that type to another node than the one named, then MERGE the named one."""
    drop = (
        f"UNWIND $rows AS row MATCH (n:{label} {{{key}: row.key}})-[old:{rel_type}]->(t) "
        f"WHERE row.target IS NULL OR t.{target_key} <> row.target "
        "WITH n, t, old, {start: n." + key + ", end: t." + target_key + ", fields: keys(old), "
        "old: [p IN keys(old) | old[p]]} AS change "
        "DELETE old RETURN count(old) AS removed, collect(change) AS removals"
    )
    merge = (
        "UNWIND $rows AS row WITH row WHERE row.target IS NOT NULL "
        f"MATCH (n:{label} {{{key}: row.key}}) MATCH (t:{target_label} {{{target_key}: row.target}}) "
        f"MERGE (n)-[x:{rel_type}]->(t) " + _upsert(rel_type)
    )
    return drop, merge


def reference_create(label: str, key: str, rel_type: str, target_label: str, target_key: str) -> str:
    """The reference edges when none of that type is stored yet: no MERGE."""
    return ("UNWIND $rows AS row WITH row WHERE row.target IS NOT NULL "
            f"MATCH (n:{label} {{{key}: row.key}}) MATCH (t:{target_label} {{{target_key}: row.target}}) "
            f"CREATE (n)-[x:{rel_type}]->(t) "
            "SET x += row.props, x.recorded_at = $now, x.first_recorded_at = $now RETURN count(x) AS created")


def edge_statement(section: EdgeSection, start_label: str, end_label: str) -> str:
    ends, key = _edge_pattern(section, start_label, end_label)
    return ("UNWIND $rows AS row " + ends +
            f"MERGE (a)-[x:{section.rel_type}{key}]->(b) " + _upsert(section.rel_type, carry="a, b, "))


SEP = "\u001f"  # joins composite keys; the validator rejects control characters in data


def prune_edges_statement(section: EdgeSection, start_label: str, end_label: str) -> str:
    """Delete edges of one type that the loaded files do not have."""
    skey = NODE_SECTION_BY_LABEL[start_label].key
    ekey = NODE_SECTION_BY_LABEL[end_label].key
    parts = " + ".join([f"a.{skey}", f"'{SEP}'", f"b.{ekey}", *(f"'{SEP}' + coalesce(x.{k}, '')" for k in section.key_props)])
    keep = f"FOREACH (_ IN [1] | {VERSIONED[section.rel_type]}) " if section.rel_type in VERSIONED else ""
    return (
        f"MATCH (a:{start_label})-[x:{section.rel_type}]->(b:{end_label}) WHERE $keep[{parts}] IS NULL "
        "WITH a, b, x, {start: a." + skey + ", end: b." + ekey + ", topic: x.topic, fields: keys(x), "
        "old: [p IN keys(x) | x[p]]} AS change "
        + keep +
        "DELETE x RETURN count(*) AS removed, collect(change) AS removals"
    )


def prune_nodes_statement(label: str, key: str) -> str:
    keep = f"FOREACH (_ IN [1] | {VERSIONED[label]}) " if label in VERSIONED else ""
    return (
        f"MATCH (x:{label}) WHERE $keep[x.{key}] IS NULL "
        "WITH x, {key: x." + key + ", fields: keys(x), old: [p IN keys(x) | x[p]]} AS change "
        + keep +
        "DETACH DELETE x RETURN count(*) AS removed, collect(change) AS removals"
    )


# -- reading the database -----------------------------------------------------
def known_keys(read: Callable[[str], list[dict[str, Any]]]) -> dict[str, set[str]]:
    """Keys already in the graph, per node section, so that new files may
    reference records loaded earlier. ``read(statement)`` returns rows."""
    known: dict[str, set[str]] = {}
    for s in NODE_SECTIONS:
        rows = read(f"MATCH (n:{s.label}) RETURN n.{s.key} AS k")
        known[s.name] = {r["k"] for r in rows if r["k"] is not None}
    return known


# -- the load -------------------------------------------------------------------
STREAMED = frozenset(s.name for s in EDGE_SECTIONS)  # CSV files of these are read row by row
MAX_PROBLEMS = 1_000  # a stream stops being read after this many problems


def prepare(paths: list[Path], db=None, prune: bool = False,
            progress_factory: Callable[..., Progress | None] | None = None,
            known: dict[str, set[str]] | None = None, sink: "_Streamer | None" = None,
            label: str = "Checking") -> tuple[Catalog, list[str], int, list[str]]:
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
    transaction that a problem found later rolls back."""
    from kb.staging import EdgeStage
    from loaders import read_paths

    result = read_paths(paths, stream=STREAMED)
    if known is None and db is not None and not prune:
        known = known_keys(db.read)
    v = Validator(known)
    by_section: dict[str, list] = {}
    for rec in result.records:
        by_section.setdefault(rec.section, []).append(rec)
    v.nodes(by_section)
    records = len(result.records)
    stage = EdgeStage(keep_rows=sink is None or prune)  # rows written as they come are not read back
    v.catalog.stage = stage
    try:
        if sink is not None and (result.problems or v.problems):
            sink = None  # the load will fail: nothing more to send
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


def _read_streams(v: Validator, stage, result, read, sink: "_Streamer | None" = None) -> int:
    """Validate the streamed CSV files row by row into the stage (and the
    sink); return how many records they held."""
    from loaders import csv_section, iter_csv, unreadable

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
                    result.problems.append(Problem(name, rec.line, None, f"stopped reading after {MAX_PROBLEMS} problems",
                                                   "fix the problems listed and load again"))
                    break
        except (UnicodeDecodeError, OSError) as e:
            result.problems.append(unreadable(name, e))
        if sink is not None and not result.problems:
            sink.flush()  # the file's last rows are written while kb reads the next file
    return records


def _stage(v: Validator, stage, rec, section: EdgeSection, sink: "_Streamer | None" = None,
           read_problems: Sequence[Problem] = ()) -> "_Streamer | None":
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
    kind: str        # node | edge
    name: str        # label or relationship type
    statement: str
    rows: list[dict[str, Any]] | None = None  # node and reference rows
    keep: dict[str, bool] | None = None       # a prune step: one run with $keep
    batches: Callable[[Any], Iterator[tuple[Any, list]]] | None = None  # edge rows: (token, batch) after a token
    count: int = 0
    probe: str | None = None    # read first: which rows are stored, and same or not
    create: str | None = None   # for rows not stored yet
    stored: str | None = None   # its kind (an any_stored expression): was any of it stored before the load?
    skip_when_none_stored: bool = False  # nothing to do then (dropping old references)

    def units(self, after: Any = None) -> Iterator[tuple[Any, list[dict[str, Any]] | None]]:
        """What to send, a batch at a time, each with a token to resume after
        it (``after``); a prune step sends None once."""
        if self.batches is not None:
            yield from self.batches(after)
        elif self.rows is not None:
            for i in range(0 if after is None else after + BATCH, len(self.rows), BATCH):
                yield i, self.rows[i:i + BATCH]
        elif after is None:
            yield 0, None


_EDGE_ORDER = {s.name: i for i, s in enumerate(EDGE_SECTIONS)}


def _in_section_order(group: tuple[str, str, str]) -> tuple:
    """Sort key of an edge group: the schema's section order, then labels."""
    return _EDGE_ORDER[group[0]], group


def _edge_groups(catalog: Catalog) -> list[tuple[tuple[str, str, str], int, Callable[[Any], Iterator]]]:
    """Each group of edge rows (section, start label, end label) with its
    size and its batches, in section order: from the stage, or from memory."""
    stage = getattr(catalog, "stage", None)
    if stage is not None:
        groups = [(g, n, (lambda after, g=g: stage.rows(g, BATCH, after))) for g, n in stage.counts.items()]
    else:
        groups = [(g, len(rows), (lambda after, rows=rows: (
                      (i, rows[i:i + BATCH]) for i in range(0 if after is None else after + BATCH, len(rows), BATCH))))
                  for g, rows in catalog.edges.items()]
    return sorted(groups, key=lambda item: _in_section_order(item[0]))


def edge_step(group: tuple[str, str, str], count: int, batches: Callable[[Any], Iterator] | None = None) -> Step:
    """The step that writes one group of edge rows (section, start label, end label)."""
    name, start_label, end_label = group
    section = SECTIONS[name]
    return Step("edge", section.rel_type, edge_statement(section, start_label, end_label),
                batches=batches, count=count,
                probe=edge_probe(section, start_label, end_label),
                create=edge_create(section, start_label, end_label),
                stored=any_stored(rel_type=section.rel_type))


def plan_writes(catalog: Catalog, edges: bool = True) -> list[Step]:
    """Statements and their rows: nodes, then references, then (unless
    ``edges`` is false) edges."""
    steps: list[Step] = []
    for s in NODE_SECTIONS:
        rows = catalog.nodes.get(s.name) or []
        if rows:
            steps.append(Step("node", s.label, node_statement(s.label, s.key),
                              [{"key": r["key"], "props": r["props"]} for r in rows], count=len(rows),
                              probe=node_probe(s.label, s.key), create=node_create(s.label, s.key),
                              stored=any_stored(label=s.label)))
    for s in NODE_SECTIONS:
        rows = catalog.nodes.get(s.name) or []
        for ref in s.refs:
            if not rows:
                continue
            target = NODE_SECTION_BY_NAME[ref.targets[0]]
            drop, merge = reference_statements(s.label, s.key, ref.rel_type, target.label, target.key)
            ref_rows = [{"key": r["key"], "target": r["refs"].get(ref.field), "props": {"source": r["source"]}}
                        for r in rows]
            stored = any_stored(rel_type=ref.rel_type)
            steps.append(Step("edge", ref.rel_type, drop, ref_rows, count=len(ref_rows), stored=stored,
                              skip_when_none_stored=True))
            steps.append(Step("edge", ref.rel_type, merge, ref_rows, count=len(ref_rows), stored=stored,
                              create=reference_create(s.label, s.key, ref.rel_type, target.label, target.key)))
    if edges:
        steps.extend(edge_step(group, n, batches) for group, n, batches in _edge_groups(catalog))
    return steps


def plan_prune(catalog: Catalog) -> list[Step]:
    """Statements that remove what the files do not have (``--prune``):
    edges first, then nodes."""
    by_group = {g: batches for g, _, batches in _edge_groups(catalog)}
    steps: list[Step] = []
    for section in EDGE_SECTIONS:
        for start_sec in section.start.targets:
            for end_sec in section.end.targets:
                a, b = NODE_SECTION_BY_NAME[start_sec], NODE_SECTION_BY_NAME[end_sec]
                batches = by_group.get((section.name, a.label, b.label))
                keep = {SEP.join([r["start"], r["end"], *((r["props"].get(k) or "") for k in section.key_props)]): True
                        for _, batch in (batches(None) if batches else ()) for r in batch}
                steps.append(Step("edge", section.rel_type, prune_edges_statement(section, a.label, b.label), keep=keep))
    for s in reversed(NODE_SECTIONS):
        keep = {r["key"]: True for r in catalog.nodes.get(s.name) or []}
        steps.append(Step("node", s.label, prune_nodes_statement(s.label, s.key), keep=keep))
    return steps


def _partition(tx, step: Step, batch: list[dict[str, Any]]) -> tuple[list, list, int]:
    """Split a batch into rows not stored yet, rows stored but different, and
    the number stored unchanged."""
    state: dict[int, int] = {}
    for i, st in tx.run(step.probe, rows=batch):
        state[i] = max(st, state.get(i, 0))  # parallel duplicates: any difference counts
    new = [row for i, row in enumerate(batch) if i not in state]
    differ = [batch[i] for i, st in state.items() if st == 2]
    return new, differ, sum(1 for st in state.values() if st == 1)


def _json(values: Any) -> str | None:
    from kb.output import to_jsonable

    return None if values is None else json.dumps(to_jsonable(values), ensure_ascii=False, sort_keys=True)


def _change_record(step: Step, change: dict[str, Any], op: str) -> dict[str, Any]:
    if step.kind == "node":
        key = str(change["key"])
    else:
        key = f"{change['start']} -> {change['end']}"
        if change.get("topic") and step.name != "TREATS":
            key += f" [{change['topic']}]"
    topic = change["end"] if step.name == "TREATS" else change.get("topic")
    fields = [f for f in change["fields"] if f not in ("recorded_at", "first_recorded_at")]
    old = {f: v for f, v in zip(change["fields"], change["old"]) if f in fields}
    new = None if op == "removed" else {f: v for f, v in zip(change["fields"], change["new"])}
    return {"op": op, "entity": step.name, "key": key, "topic": topic, "fields": fields,
            "old": _json(old), "new": _json(new)}


LOCK_STATEMENT = "MERGE (l:LoadLock {id: 'load'}) SET l.taken_at = datetime()"

CHANGE_SET_STATEMENT = (
    "CREATE (s:ChangeSet {id: $id, at: $now, files: $files, hashes: $hashes, records: $records, "
    "created: $created, updated: $updated, removed: $removed, kb_version: $version}) "
    "WITH s UNWIND $changes AS c "
    "CREATE (:Change {at: $now, op: c.op, entity: c.entity, key: c.key, topic: c.topic, fields: c.fields, "
    "old: c.old, new: c.new})-[:IN_CHANGE_SET]->(s)"
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
        self.found: list[dict[str, Any]] = []  # change records
        self.new_cells: set[str] = set()  # topics of the TREATS edges created
        self.sent = 0  # rows

    def settle(self, keep: int = 0) -> None:
        """Read the results of the statements sent, all but the last ``keep``."""
        while len(self.pending) > keep:
            step, result = self.pending.popleft()
            record = result.single()
            counts = dict(record) if record else {}
            for c in counts.pop("changes", None) or ():
                self.found.append(_change_record(step, c, "changed"))
            for c in counts.pop("removals", None) or ():
                self.found.append(_change_record(step, c, "removed"))
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
            self._run(step, step.statement, {"now": self.now, "keep": step.keep})
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
                self.new_cells.update(row["end"] for row in new)
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
    if "now" in clock:
        return clock["now"]
    latest = tx.run("MATCH (s:ChangeSet) RETURN max(s.at) AS at").single()["at"]
    latest = latest.to_native() if latest is not None else None
    if at is None:
        now = datetime.now(timezone.utc)
        if latest is not None and now <= latest:
            now = latest + timedelta(microseconds=1)
    else:
        now = at
        if latest is not None and latest >= now:
            raise KbError(f"the catalog already has a change set recorded at {latest.isoformat()}; "
                          "kb records history in time order, so --recorded-at must be later than that")
    return now


def _finish(tx, report: LoadReport, now: datetime, results: list, changes: list, recount: set[str] | None) -> None:
    """Count the cells of the ``recount`` topics again (None: all) and record
    the change set, both in the load's last transaction."""
    from kb import __version__

    report.recounted = cell_counts.recount(tx, recount)
    created = sum(c.get("created", 0) for _, _, c in results)
    updated = sum(c.get("updated", 0) for _, _, c in results)
    removed = sum(c.get("removed", 0) for _, _, c in results)
    report.change_set = None
    if created or updated or removed:
        stamp = now.strftime("%Y%m%dT%H%M%S.%fZ")
        tx.run(CHANGE_SET_STATEMENT, id=f"cs-{stamp}", now=now, files=report.files, hashes=report.hashes,
               records=report.records, created=created, updated=updated, removed=removed,
               version=__version__, changes=changes).consume()
        report.change_set = f"cs-{stamp}"


def _tally(report: LoadReport, results: list[tuple[str, str, dict[str, Any]]]) -> None:
    for kind, name, counts in results:
        table = report.nodes if kind == "node" else report.edges
        table.setdefault(name, Counts()).add(counts)


def write(db, catalog: Catalog, report: LoadReport, progress: Progress | None = None,
          at: datetime | None = None, prune: bool = False, commit_every: int | None = None) -> None:
    """Write a validated catalog and record what changed: in one transaction,
    or, with ``commit_every``, in transactions of about that many rows each
    (for catalogs too large for one; the change set goes in with the last).

    Batches are read from the catalog (or its stage on disk) as they are
    sent, never all at once; a transaction that is retried reads its batches
    again from where the previous transaction stopped."""
    steps = plan_writes(catalog) + (plan_prune(catalog) if prune else [])
    results: list[tuple[str, str, dict[str, Any]]] = []
    changes: list[dict[str, Any]] = []
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
            for token, batch in step.units(token):
                sender.send(step, batch)
                advance(sender.sent)
                if commit_every and sender.sent >= commit_every:
                    sender.settle()
                    if first_part:  # until the last part recounts them, queries count the cells themselves
                        cell_counts.forget(tx)
                    return (index, token), now, sender, False
            index, token = index + 1, None
        sender.settle()
        # A load in one transaction recounts the topics it touched; the last
        # part of a load in parts recounts every topic.
        recount = cell_counts.touched(tx, sender.new_cells, sender.found) if first_part else None
        _finish(tx, report, now, results + sender.out, changes + sender.found, recount)
        return (index, None), now, sender, True

    position: tuple[int, Any] = (0, None)
    while True:
        try:
            position, now, sender, done = db.write_tx(lambda tx: work(tx, position))
        except KbError as e:
            if shown["base"]:
                raise KbError(f"{e}. With --commit-every, that was one part of the load: {shown['base']:,} rows "
                              "in earlier parts stay committed; load the same files again to finish (loading "
                              "twice changes nothing)") from None
            raise
        clock["now"] = now
        probing.update(sender.decided)
        results.extend(sender.out)
        changes.extend(sender.found)
        shown["base"] += sender.sent
        if done:
            break
    _tally(report, results)


def check_and_write(db, paths: list[Path], report: LoadReport,
                    progress_factory: Callable[..., Progress | None] | None = None,
                    at: datetime | None = None, prune: bool = False) -> None:
    """Read, check and write in ONE transaction, the writing overlapped with
    the checking: valid rows are sent while the files are still being read,
    so the server writes while kb checks. A problem found anywhere (or a
    failure) rolls the whole transaction back, so as with ``prepare`` then
    ``write``, either everything is written or nothing is. A transaction
    that is retried reads and checks the files again."""
    clock: dict[str, datetime] = {}
    loading: list[Progress] = []     # the bar shown while the files are read, if any;
    committing: list[Progress] = []  # then one while the server commits

    def shown(*args) -> Progress | None:
        bar = progress_factory(*args)
        if bar:
            loading.append(bar)
        return bar

    def work(tx):
        now = _begin(tx, at, clock)
        sender = _Sender(tx, now, {})
        known = None if prune else known_keys(lambda statement: tx.run(statement).data())
        streamer = _Streamer(sender)
        catalog, report.files, report.records, report.hashes = prepare(
            paths, prune=prune, progress_factory=shown if progress_factory else None, known=known, sink=streamer,
            label="Loading")
        if loading:  # the server finishes the last batches, the counts and the commit
            bar = progress_factory(None, "Committing", 0)
            if bar:
                committing.append(bar)
        try:
            streamer.flush()
            if prune:
                sender.send_all(plan_prune(catalog))
            sender.settle()
            _finish(tx, report, now, sender.out, sender.found, cell_counts.touched(tx, sender.new_cells, sender.found))
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


def load(db, paths: list[Path], dry_run: bool = False,
         progress_factory: Callable[..., Progress | None] | None = None,
         at: datetime | None = None, prune: bool = False, commit_every: int | None = None) -> LoadReport:
    """Validate ``paths`` and, unless ``dry_run``, write them in one
    transaction (or, with ``commit_every``, in transactions of about that
    many rows). With ``prune``, facts the files do not have are removed, so
    the graph ends up equal to the files (which must then be complete).

    In one transaction the writing overlaps the checking
    (``check_and_write``); a load in parts is checked whole first, since
    its first parts commit before the last row is read."""
    report = LoadReport(files=[], dry_run=dry_run)
    if not dry_run and not commit_every:
        check_and_write(db, paths, report, progress_factory, at=at, prune=prune)
    else:
        catalog, report.files, report.records, report.hashes = prepare(
            paths, db, prune=prune, progress_factory=progress_factory)
        try:
            if dry_run:
                return report
            progress = progress_factory(planned_rows(catalog)) if progress_factory else None
            try:
                write(db, catalog, report, progress, at=at, prune=prune, commit_every=commit_every)
            finally:
                if progress:
                    progress(None)
        finally:
            catalog.close()
    t = report.totals()
    if t.created + t.updated + t.removed >= REPLAN_AFTER:
        refresh_statistics(db)
    return report
