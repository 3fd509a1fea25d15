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

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from kb.errors import ValidationFailed
from kb.schema.sections import (
    NODE_SECTION_BY_LABEL,
    NODE_SECTION_BY_NAME,
    NODE_SECTIONS,
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
_CHANGE = (
    "WITH x, row, x.recorded_at IS NULL AS created, "
    "[p IN keys(row.props) WHERE NOT coalesce(x[p] = row.props[p], x[p] IS NULL AND row.props[p] IS NULL)] AS changed "
    "FOREACH (_ IN CASE WHEN size(changed) > 0 THEN [1] ELSE [] END | SET x += row.props, x.recorded_at = $now) "
    "RETURN sum(CASE WHEN created THEN 1 ELSE 0 END) AS created, "
    "sum(CASE WHEN NOT created AND size(changed) > 0 THEN 1 ELSE 0 END) AS updated, "
    "sum(CASE WHEN NOT created AND size(changed) = 0 THEN 1 ELSE 0 END) AS unchanged"
)


def node_statement(label: str, key: str) -> str:
    return f"UNWIND $rows AS row MERGE (x:{label} {{{key}: row.key}}) " + _CHANGE


def reference_statements(label: str, key: str, rel_type: str, target_label: str, target_key: str) -> tuple[str, str]:
    """A single-valued reference (ISSUED_IN, PART_OF, ...): drop any edge of
    that type to another node than the one named, then MERGE the named one."""
    drop = (
        f"UNWIND $rows AS row MATCH (n:{label} {{{key}: row.key}})-[old:{rel_type}]->(t) "
        f"WHERE row.target IS NULL OR t.{target_key} <> row.target "
        "DELETE old RETURN count(old) AS removed"
    )
    merge = (
        "UNWIND $rows AS row WITH row WHERE row.target IS NOT NULL "
        f"MATCH (n:{label} {{{key}: row.key}}) MATCH (t:{target_label} {{{target_key}: row.target}}) "
        f"MERGE (n)-[x:{rel_type}]->(t) " + _CHANGE
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
        f"MERGE (a)-[x:{section.rel_type}{merge_props}]->(b) " + _CHANGE
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
def prepare(paths: list[Path], db=None) -> tuple[Catalog, list[str], int]:
    """Read and validate; raise ValidationFailed listing every problem."""
    from loaders import read_paths

    result = read_paths(paths)
    known = known_keys(db) if db is not None else None
    catalog, problems = validate(result.records, known)
    problems = result.problems + problems
    if problems:
        raise ValidationFailed(problems)
    return catalog, result.files, len(result.records)


def write(db, catalog: Catalog, report: LoadReport, progress: Progress | None = None) -> None:
    now = datetime.now(timezone.utc)
    plan: list[tuple[str, str, str, list[dict[str, Any]]]] = []  # (kind, name, statement, rows)
    for s in NODE_SECTIONS:
        rows = catalog.nodes.get(s.name) or []
        if rows:
            plan.append(("node", s.label, node_statement(s.label, s.key),
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
            plan.append(("edge", ref.rel_type, drop, ref_rows))
            plan.append(("edge", ref.rel_type, merge, ref_rows))
    for (name, start_label, end_label), rows in catalog.edges.items():
        section = SECTIONS[name]
        plan.append(("edge", section.rel_type, edge_statement(section, start_label, end_label), rows))

    def work(tx) -> list[tuple[str, str, dict[str, int]]]:
        results = []
        for kind, name, statement, rows in plan:
            for i in range(0, len(rows), BATCH):
                batch = rows[i:i + BATCH]
                record = tx.run(statement, rows=batch, now=now).single()
                results.append((kind, name, dict(record)))
                if progress:
                    progress(len(batch))
        return results

    for kind, name, counts in db.write_tx(work):
        table = report.nodes if kind == "node" else report.edges
        table.setdefault(name, Counts()).add(counts)


def planned_rows(catalog: Catalog) -> int:
    """How many rows ``write`` sends (for a progress bar's total)."""
    refs = sum(len(catalog.nodes.get(s.name) or []) * len(s.refs) * 2 for s in NODE_SECTIONS)
    return catalog.count() + refs


def load(db, paths: list[Path], dry_run: bool = False,
         progress_factory: Callable[[int], Progress] | None = None) -> LoadReport:
    catalog, files, n = prepare(paths, db)
    report = LoadReport(files=files, dry_run=dry_run, records=n)
    if not dry_run:
        progress = progress_factory(planned_rows(catalog)) if progress_factory else None
        write(db, catalog, report, progress)
    return report
