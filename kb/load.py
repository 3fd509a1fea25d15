"""Load catalog files into the graph.

``load()`` reads every file (``loaders``), validates everything
(``kb.validate``) and, only if nothing is wrong, writes the whole catalog in
ONE transaction: batched ``UNWIND $rows ...`` statements, nodes before edges.
Each batch is probed first (which rows are stored, and are they the same?):
new rows are CREATEd, rows that differ are updated with their old version
kept, unchanged rows are left alone, so a second load changes nothing. A
failure anywhere rolls the whole load back. The write statements are
pipelined (the server writes one batch while kb packs the next), and before
it commits the load counts the cells of the topics it touched again
(``kb.cell_counts``).

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
from typing import Any, Callable, Iterator

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
    """Is there any node with ``label`` (edge of ``rel_type``) at all? If not,
    every row of the step is new and the probes can be skipped."""
    if label:
        return f"MATCH (x:{label}) RETURN count(x) > 0 AS any"
    return f"MATCH ()-[x:{rel_type}]->() RETURN count(x) > 0 AS any"


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
def known_keys(db) -> dict[str, set[str]]:
    """Keys already in the graph, per node section, so that new files may
    reference records loaded earlier."""
    known: dict[str, set[str]] = {}
    for s in NODE_SECTIONS:
        rows = db.read(f"MATCH (n:{s.label}) RETURN n.{s.key} AS k")
        known[s.name] = {r["k"] for r in rows if r["k"] is not None}
    return known


# -- the load -------------------------------------------------------------------
STREAMED = frozenset(s.name for s in EDGE_SECTIONS)  # CSV files of these are read row by row
MAX_PROBLEMS = 1_000  # a stream stops being read after this many problems


def prepare(paths: list[Path], db=None, prune: bool = False,
            progress_factory: Callable[..., Progress | None] | None = None) -> tuple[Catalog, list[str], int, list[str]]:
    """Read and validate; raise ValidationFailed listing every problem.
    References may name records already in the graph, except when pruning
    (then the files must hold everything they reference).

    Node records are held in memory. Edge records, which can number in the
    millions, go to an ``EdgeStage`` on disk (``catalog.stage``) as they are
    validated; CSV files of edges are read one row at a time. The caller
    closes the stage (``catalog.close()``). ``progress_factory(total,
    "Checking", at_least)`` may give a callback told how much of the
    streamed files was read, and None at the end."""
    from kb.staging import EdgeStage
    from loaders import read_paths

    result = read_paths(paths, stream=STREAMED)
    known = known_keys(db) if db is not None and not prune else None
    v = Validator(known)
    by_section: dict[str, list] = {}
    for rec in result.records:
        by_section.setdefault(rec.section, []).append(rec)
    v.nodes(by_section)
    records = len(result.records)
    stage = EdgeStage()
    v.catalog.stage = stage
    try:
        for section in EDGE_SECTIONS:
            for rec in by_section.pop(section.name, ()):
                _stage(v, stage, rec, section)
        by_section.clear()
        read = None
        if progress_factory and result.streams:
            read = progress_factory(sum(p.stat().st_size for _, p in result.streams), "Checking", 16 << 20)
        try:
            records += _read_streams(v, stage, result, read)
        finally:
            if read:
                read(None)
        for group, row, where, first in stage.duplicates():
            v.duplicate(where, SECTIONS[group[0]], row, first)
        problems = result.problems + v.finish()
        if problems:
            raise ValidationFailed(problems)
    except BaseException:
        stage.close()
        raise
    return v.catalog, result.files, records, result.hashes


def _read_streams(v: Validator, stage, result, read) -> int:
    """Validate the streamed CSV files row by row into the stage; return how
    many records they held."""
    from loaders import csv_section, iter_csv, unreadable

    records = 0
    for name, path in result.streams:
        if len(v.problems) + len(result.problems) >= MAX_PROBLEMS:
            break
        section = SECTIONS[csv_section(path)]
        try:
            for rec in iter_csv(path, name, result.problems, read):
                records += 1
                _stage(v, stage, rec, section)
                if len(v.problems) + len(result.problems) >= MAX_PROBLEMS:
                    result.problems.append(Problem(name, rec.line, None, f"stopped reading after {MAX_PROBLEMS} problems",
                                                   "fix the problems listed and load again"))
                    break
        except (UnicodeDecodeError, OSError) as e:
            result.problems.append(unreadable(name, e))
    return records


def _stage(v: Validator, stage, rec, section: EdgeSection) -> None:
    out = v.edge(rec, section)
    if out is not None:
        group, ident, row = out
        stage.add(group, ident, rec.file, rec.line, row)


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
    stored: str | None = None   # is anything of this kind stored at all?
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


def _edge_groups(catalog: Catalog) -> list[tuple[tuple[str, str, str], int, Callable[[Any], Iterator]]]:
    """Each group of edge rows (section, start label, end label) with its
    size and its batches, in section order: from the stage, or from memory."""
    order = {s.name: i for i, s in enumerate(EDGE_SECTIONS)}
    stage = getattr(catalog, "stage", None)
    if stage is not None:
        groups = [(g, n, (lambda after, g=g: stage.rows(g, BATCH, after))) for g, n in stage.counts.items()]
    else:
        groups = [(g, len(rows), (lambda after, rows=rows: (
                      (i, rows[i:i + BATCH]) for i in range(0 if after is None else after + BATCH, len(rows), BATCH))))
                  for g, rows in catalog.edges.items()]
    return sorted(groups, key=lambda item: (order[item[0][0]], item[0]))


def plan_writes(catalog: Catalog) -> list[Step]:
    """Statements and their rows: nodes, then references, then edges."""
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
    for (name, start_label, end_label), n, batches in _edge_groups(catalog):
        section = SECTIONS[name]
        steps.append(Step("edge", section.rel_type, edge_statement(section, start_label, end_label),
                          batches=batches, count=n,
                          probe=edge_probe(section, start_label, end_label),
                          create=edge_create(section, start_label, end_label),
                          stored=any_stored(rel_type=section.rel_type)))
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


def write(db, catalog: Catalog, report: LoadReport, progress: Progress | None = None,
          at: datetime | None = None, prune: bool = False, commit_every: int | None = None) -> None:
    """Write the catalog and record what changed: in one transaction, or,
    with ``commit_every``, in transactions of about that many rows each (for
    catalogs too large for one; the change set goes in with the last).

    Batches are read from the catalog (or its stage on disk) as they are
    sent, never all at once; a transaction that is retried reads its batches
    again from where the previous transaction stopped."""
    from kb import __version__

    steps = plan_writes(catalog) + (plan_prune(catalog) if prune else [])
    results: list[tuple[str, str, dict[str, Any]]] = []
    changes: list[dict[str, Any]] = []
    clock: dict[str, datetime] = {}
    probing: dict[int, bool] = {}  # per step: is anything of its kind stored (decided when it starts)
    shown = {"base": 0, "rows": 0}  # rows committed in earlier transactions; the most shown so far

    def advance(rows_in_tx: int) -> None:  # a retried transaction does not move the bar twice
        total = shown["base"] + rows_in_tx
        if progress and total > shown["rows"]:
            progress(total - shown["rows"])
            shown["rows"] = total

    def start(tx) -> datetime:
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

    def record_change_set(tx, now, all_results, all_changes) -> str | None:
        created = sum(c.get("created", 0) for _, _, c in all_results)
        updated = sum(c.get("updated", 0) for _, _, c in all_results)
        removed = sum(c.get("removed", 0) for _, _, c in all_results)
        if not (created or updated or removed):
            return None
        stamp = now.strftime("%Y%m%dT%H%M%S.%fZ")
        tx.run(CHANGE_SET_STATEMENT, id=f"cs-{stamp}", now=now, files=report.files, hashes=report.hashes,
               records=report.records, created=created, updated=updated, removed=removed,
               version=__version__, changes=all_changes).consume()
        return f"cs-{stamp}"

    def work(tx, position: tuple[int, Any]):
        """Send steps from ``position`` (step index, resume token) on, until
        about ``commit_every`` rows are sent or everything is."""
        now = start(tx)
        first_part = position == (0, None)
        decided = dict(probing)  # a retried transaction decides again
        out: list[tuple[str, str, dict[str, Any]]] = []
        found: list[dict[str, Any]] = []
        new_cells: set[str] = set()  # topics of the TREATS edges created
        sent = 0
        pending: deque = deque()  # (step, result) of statements sent, not read yet

        def settle(keep: int = 0) -> None:
            """Read the results of the statements sent, all but the last ``keep``."""
            while len(pending) > keep:
                step, result = pending.popleft()
                record = result.single()
                counts = dict(record) if record else {}
                for c in counts.pop("changes", None) or ():
                    found.append(_change_record(step, c, "changed"))
                for c in counts.pop("removals", None) or ():
                    found.append(_change_record(step, c, "removed"))
                out.append((step.kind, step.name, counts))

        def run(step: Step, statement: str, params: dict[str, Any]) -> None:
            # Pipelined: the server runs this statement while kb reads and
            # packs the next batch; its result is read when the next one is
            # sent (the server answers in order, and a failure fails the
            # transaction all the same).
            pending.append((step, tx.run(statement, params)))
            settle(keep=1)
            # The driver keeps each statement's parameters until the
            # transaction ends; emptying the rows sent keeps memory flat.
            if isinstance(params.get("rows"), list):
                params["rows"].clear()

        index, token = position
        while index < len(steps):
            step = steps[index]
            for token, batch in step.units(token):
                if batch is None:
                    run(step, step.statement, {"now": now, "keep": step.keep})
                    continue
                size = len(batch)
                if step.stored is not None and index not in decided:
                    decided[index] = bool(tx.run(step.stored).single()["any"])
                if step.skip_when_none_stored and not decided[index]:
                    pass  # e.g. no old references to drop
                elif step.create is None or (step.probe is None and decided[index]):
                    run(step, step.statement, {"rows": list(batch), "now": now})
                else:
                    new, differ, same = _partition(tx, step, batch) if decided[index] else (list(batch), [], 0)
                    if step.name == "TREATS":
                        new_cells.update(row["end"] for row in new)
                    if new:
                        run(step, step.create, {"rows": new, "now": now})
                    if differ:
                        run(step, step.statement, {"rows": differ, "now": now})
                    if same:
                        out.append((step.kind, step.name, {"unchanged": same}))
                batch.clear()  # it went out as the probe's parameter (see run)
                sent += size
                advance(sent)
                if commit_every and sent >= commit_every:
                    settle()
                    if first_part:  # until the last part recounts them, queries count the cells themselves
                        cell_counts.forget(tx)
                    return (index, token), now, decided, out, found, sent, 0, None, False
            index, token = index + 1, None
        settle()
        # A load in one transaction recounts the topics it touched; the last
        # part of a load in parts recounts every topic.
        recounted = cell_counts.recount(tx, cell_counts.touched(tx, new_cells, found) if first_part else None)
        change_set = record_change_set(tx, now, results + out, changes + found)
        return (index, None), now, decided, out, found, sent, recounted, change_set, True

    position: tuple[int, Any] = (0, None)
    while True:
        try:
            position, now, decided, out, found, sent, recounted, change_set, done = \
                db.write_tx(lambda tx: work(tx, position))
        except KbError as e:
            if shown["base"]:
                raise KbError(f"{e}. With --commit-every, that was one part of the load: {shown['base']:,} rows "
                              "in earlier parts stay committed; load the same files again to finish (loading "
                              "twice changes nothing)") from None
            raise
        clock["now"] = now
        probing.update(decided)
        results.extend(out)
        changes.extend(found)
        shown["base"] += sent
        if done:
            report.change_set = change_set
            report.recounted = recounted
            break

    for kind, name, counts in results:
        table = report.nodes if kind == "node" else report.edges
        table.setdefault(name, Counts()).add(counts)


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
    the graph ends up equal to the files (which must then be complete)."""
    catalog, files, n, hashes = prepare(paths, db, prune=prune, progress_factory=progress_factory)
    try:
        report = LoadReport(files=files, dry_run=dry_run, records=n, hashes=hashes)
        if not dry_run:
            progress = progress_factory(planned_rows(catalog)) if progress_factory else None
            try:
                write(db, catalog, report, progress, at=at, prune=prune, commit_every=commit_every)
            finally:
                if progress:
                    progress(None)
            t = report.totals()
            if t.created + t.updated + t.removed >= REPLAN_AFTER:
                refresh_statistics(db)
        return report
    finally:
        catalog.close()
