"""Load catalog files into the graph.

``load()`` reads every file (``loaders``), validates everything
(``kb.validate``) and, only if nothing is wrong, writes the whole catalog in
ONE transaction: batched ``UNWIND $rows ... MERGE`` statements, nodes before
edges. MERGE on each record's stable key makes a second load change nothing;
a failure anywhere rolls the whole load back.

Labels, relationship types and property names in the statements come from
the schema classes (a fixed list), never from data; values travel as
parameters.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

from kb.errors import KbError, ValidationFailed
from kb.schema.sections import (
    NODE_SECTION_BY_LABEL,
    NODE_SECTION_BY_NAME,
    NODE_SECTIONS,
    EDGE_SECTIONS,
    SECTIONS,
    EdgeSection,
)
from kb.validate import Catalog, validate

BATCH = 5_000

Progress = Callable[[int], None]


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


def edge_statement(section: EdgeSection, start_label: str, end_label: str) -> str:
    skey = NODE_SECTION_BY_LABEL[start_label].key
    ekey = NODE_SECTION_BY_LABEL[end_label].key
    merge_props = ", ".join(f"{k}: row.props.{k}" for k in section.key_props)
    merge_props = f" {{{merge_props}}}" if merge_props else ""
    return (
        f"UNWIND $rows AS row MATCH (a:{start_label} {{{skey}: row.start}}) "
        f"MATCH (b:{end_label} {{{ekey}: row.end}}) "
        f"MERGE (a)-[x:{section.rel_type}{merge_props}]->(b) " + _upsert(section.rel_type, carry="a, b, ")
    )


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
def prepare(paths: list[Path], db=None, prune: bool = False) -> tuple[Catalog, list[str], int, list[str]]:
    """Read and validate; raise ValidationFailed listing every problem.
    References may name records already in the graph, except when pruning
    (then the files must hold everything they reference)."""
    from loaders import read_paths

    result = read_paths(paths)
    known = known_keys(db) if db is not None and not prune else None
    catalog, problems = validate(result.records, known)
    problems = result.problems + problems
    if problems:
        raise ValidationFailed(problems)
    return catalog, result.files, len(result.records), result.hashes


@dataclass
class Step:
    kind: str        # node | edge
    name: str        # label or relationship type
    statement: str
    rows: list[dict[str, Any]] | None = None  # None: one run with $keep
    keep: dict[str, bool] | None = None


def plan_writes(catalog: Catalog) -> list[Step]:
    """Statements and their rows: nodes, then references, then edges."""
    steps: list[Step] = []
    for s in NODE_SECTIONS:
        rows = catalog.nodes.get(s.name) or []
        if rows:
            steps.append(Step("node", s.label, node_statement(s.label, s.key),
                              [{"key": r["key"], "props": r["props"]} for r in rows]))
    for s in NODE_SECTIONS:
        rows = catalog.nodes.get(s.name) or []
        for ref in s.refs:
            if not rows:
                continue
            target = NODE_SECTION_BY_NAME[ref.targets[0]]
            drop, merge = reference_statements(s.label, s.key, ref.rel_type, target.label, target.key)
            ref_rows = [{"key": r["key"], "target": r["refs"].get(ref.field), "props": {"source": r["source"]}}
                        for r in rows]
            steps.append(Step("edge", ref.rel_type, drop, ref_rows))
            steps.append(Step("edge", ref.rel_type, merge, ref_rows))
    for (name, start_label, end_label), rows in catalog.edges.items():
        section = SECTIONS[name]
        steps.append(Step("edge", section.rel_type, edge_statement(section, start_label, end_label), rows))
    return steps


def plan_prune(catalog: Catalog) -> list[Step]:
    """Statements that remove what the files do not have (``--prune``):
    edges first, then nodes."""
    steps: list[Step] = []
    for section in EDGE_SECTIONS:
        for start_sec in section.start.targets:
            for end_sec in section.end.targets:
                a, b = NODE_SECTION_BY_NAME[start_sec], NODE_SECTION_BY_NAME[end_sec]
                rows = catalog.edges.get((section.name, a.label, b.label)) or []
                keep = {SEP.join([r["start"], r["end"], *((r["props"].get(k) or "") for k in section.key_props)]): True
                        for r in rows}
                steps.append(Step("edge", section.rel_type, prune_edges_statement(section, a.label, b.label), keep=keep))
    for s in reversed(NODE_SECTIONS):
        keep = {r["key"]: True for r in catalog.nodes.get(s.name) or []}
        steps.append(Step("node", s.label, prune_nodes_statement(s.label, s.key), keep=keep))
    return steps


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
          at: datetime | None = None, prune: bool = False) -> None:
    """Write the catalog in one transaction and record what changed."""
    from kb import __version__

    steps = plan_writes(catalog) + (plan_prune(catalog) if prune else [])

    def work(tx) -> list[tuple[str, str, dict[str, Any]]]:
        # One load at a time: the lock node serialises loads (a second load
        # waits here), so change sets commit in time order even when a
        # transaction is retried after another load.
        tx.run(LOCK_STATEMENT).consume()
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
        results: list[tuple[str, str, dict[str, Any]]] = []
        changes: list[dict[str, Any]] = []
        for step in steps:
            batches = [None] if step.rows is None else [step.rows[i:i + BATCH] for i in range(0, len(step.rows), BATCH)]
            for batch in batches:
                params = {"now": now, "keep": step.keep} if batch is None else {"rows": batch, "now": now}
                record = tx.run(step.statement, params).single()
                counts = dict(record) if record else {}
                for c in counts.pop("changes", None) or ():
                    changes.append(_change_record(step, c, "changed"))
                for c in counts.pop("removals", None) or ():
                    changes.append(_change_record(step, c, "removed"))
                results.append((step.kind, step.name, counts))
                if progress and batch is not None:
                    progress(len(batch))
        created = sum(c.get("created", 0) for _, _, c in results)
        updated = sum(c.get("updated", 0) for _, _, c in results)
        removed = sum(c.get("removed", 0) for _, _, c in results)
        if created or updated or removed:
            stamp = now.strftime("%Y%m%dT%H%M%S.%fZ")
            tx.run(CHANGE_SET_STATEMENT, id=f"cs-{stamp}", now=now, files=report.files, hashes=report.hashes,
                   records=report.records, created=created, updated=updated, removed=removed,
                   version=__version__, changes=changes).consume()
            report.change_set = f"cs-{stamp}"
        return results

    for kind, name, counts in db.write_tx(work):
        table = report.nodes if kind == "node" else report.edges
        table.setdefault(name, Counts()).add(counts)


def planned_rows(catalog: Catalog) -> int:
    """How many rows ``write`` sends (for a progress bar's total)."""
    return sum(len(s.rows) for s in plan_writes(catalog) if s.rows)


def load(db, paths: list[Path], dry_run: bool = False,
         progress_factory: Callable[[int], Progress] | None = None,
         at: datetime | None = None, prune: bool = False) -> LoadReport:
    """Validate ``paths`` and, unless ``dry_run``, write them in one
    transaction. With ``prune``, facts the files do not have are removed, so
    the graph ends up equal to the files (which must then be complete)."""
    catalog, files, n, hashes = prepare(paths, db, prune=prune)
    report = LoadReport(files=files, dry_run=dry_run, records=n, hashes=hashes)
    if not dry_run:
        progress = progress_factory(planned_rows(catalog)) if progress_factory else None
        write(db, catalog, report, progress, at=at, prune=prune)
    return report
