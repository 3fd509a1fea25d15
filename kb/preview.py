"""What a load would change, read from the graph before anything is written.

``changes`` compares a validated catalog (``kb.validate.Catalog``) with the
current facts in the graph: each record or edge the load would add, each
field it would change (old and new value) and, when pruning, each one it
would remove. ``kb load --dry-run`` prints it.

Every statement reads, with the rows as parameters; labels, types and
property names come from the schema (a fixed list).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from kb.load import CATALOG_SECTIONS, Reading, edge_groups, edge_kind, identity_changes, prepare, prune_key
from kb.schema.model import CURRENT
from kb.schema.sections import EDGE_SECTIONS, NODE_SECTION_BY_NAME, NODE_SECTIONS, SECTIONS

Read = Callable[..., list[dict[str, Any]]]  # read(statement, **params) -> rows
BATCH = 5_000
HISTORY = ("status_dates", "status_values", "status_sources")  # shown as one field, status_history
COLUMNS = ("change", "record", "key", "field", "old", "new")


@dataclass(frozen=True)
class Change:
    change: str  # added | changed | removed
    record: str  # instrument, jurisdiction, cell, conflict, ...
    key: str
    field: str | None = None  # for a change: the field
    old: Any = None
    new: Any = None
    where: tuple[str, int | None] | None = None  # file and line of the record, where known

    def row(self) -> dict[str, Any]:
        return {c: getattr(self, c) for c in COLUMNS}


def _record(section: str) -> str:
    return "cell" if section == "treats" else SECTIONS[section].singular


def _native(value: Any) -> Any:
    if isinstance(value, list):
        return [_native(v) for v in value]
    to_native = getattr(value, "to_native", None)
    return to_native() if to_native is not None else value


def _shown(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _history(props: dict[str, Any]) -> str | None:
    dates, values, sources = (props.get(k) or [] for k in HISTORY)
    if not dates:
        return None
    return "; ".join(f"{_native(d).isoformat()}:{v}:{s}" for d, v, s in zip(dates, values, sources))


def _field_changes(old: dict[str, Any], new: dict[str, Any]) -> Iterator[tuple[str, Any, Any]]:
    """(field, old, new) for each field of ``new`` whose stored value differs
    (a missing value and None are the same); the status history as one."""
    for k, value in new.items():
        if k in HISTORY:
            continue
        stored = _native(old.get(k))
        if stored != value:
            yield k, _shown(stored), _shown(value)
    if any(k in new for k in HISTORY):
        before, after = _history(old), _history(new)
        if before != after:
            yield "status_history", before, after


def _batches(items: list, size: int = BATCH) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def node_changes(read: Read, catalog) -> list[Change]:
    """Records added, and fields changed, by the node rows of ``catalog``."""
    out: list[Change] = []
    for s in NODE_SECTIONS:
        rows = catalog.nodes.get(s.name) or []
        record = _record(s.name)
        for batch in _batches(rows):
            keys = [r["key"] for r in batch]
            stored = {
                r["k"]: r["props"]
                for r in read(
                    f"UNWIND $keys AS k MATCH (n:{s.label} {{{s.key}: k}})-[:HAS_STATE]->(x:{s.state_label}) "
                    f"WHERE {CURRENT} RETURN k, properties(x) AS props",
                    keys=keys,
                )
            }
            targets: dict[str, dict[str, str]] = {}
            for ref in s.refs:
                target = NODE_SECTION_BY_NAME[ref.targets[0]]
                targets[ref.field] = {
                    r["k"]: r["t"]
                    for r in read(
                        f"UNWIND $keys AS k MATCH (n:{s.label} {{{s.key}: k}})-[x:{ref.rel_type}]->(t:{target.label}) "
                        f"WHERE {CURRENT} RETURN k, t.{target.key} AS t",
                        keys=keys,
                    )
                }
            for r in batch:
                where = _where(r)
                old = stored.get(r["key"])
                if old is None:
                    out.append(Change("added", record, r["key"], where=where))
                    continue
                for fld, before, after in _field_changes(old, r["props"]):
                    out.append(Change("changed", record, r["key"], fld, before, after, where))
                for fld, stored_targets in targets.items():
                    before, after = stored_targets.get(r["key"]), r["refs"].get(fld)
                    if before != after:
                        out.append(Change("changed", record, r["key"], fld, before, after, where))
    return out


def _where(row: dict[str, Any]) -> tuple[str, int | None] | None:
    rec = row.get("where")
    return (rec.file, rec.line) if rec is not None else None


def _edge_key(section, row: dict[str, Any]) -> str:
    parts = [row["props"].get(k) for k in section.key_props]
    extra = f" ({', '.join(str(p) for p in parts if p is not None)})" if any(p is not None for p in parts) else ""
    return f"{row['start']} → {row['end']}{extra}"


def edge_changes(read: Read, catalog) -> list[Change]:
    """Edges added, and fields changed, by the edge rows of ``catalog``
    (from its stage on disk, a batch at a time)."""
    out: list[Change] = []
    for (name, start_label, end_label), _, batches in edge_groups(catalog):
        section = SECTIONS[name]
        k = edge_kind(section, start_label, end_label)
        record = _record(name)
        statement = (
            "UNWIND range(0, size($rows) - 1) AS i WITH i, $rows[i] AS row "
            + k.ends()
            + "MATCH "
            + k.current("x")
            + "RETURN i, properties(x) AS props"
        )
        for _, batch in batches(None):
            stored = {r["i"]: r["props"] for r in read(statement, rows=batch)}
            for i, row in enumerate(batch):
                key = _edge_key(section, row)
                if i not in stored:
                    out.append(Change("added", record, key))
                    continue
                for fld, before, after in _field_changes(stored[i], row["props"]):
                    out.append(Change("changed", record, key, fld, before, after))
    return out


def removals(read: Read, catalog, scope: str | None = None) -> list[Change]:
    """What ``--prune`` would close: current records and edges the files do
    not have; with a ``scope`` (an import of a whole catalog), only that
    catalog's records and the edges from them."""
    out: list[Change] = []
    by_group = {g: batches for g, _, batches in edge_groups(catalog)}
    scoped = {s.label for s in CATALOG_SECTIONS}
    in_catalog = "EXISTS { (a)-[:HAS_STATE]->(s) WHERE s.recorded_to = x.recorded_to AND s.catalog = $catalog } AND "
    for section in EDGE_SECTIONS:
        for start_sec in section.start.targets:
            for end_sec in section.end.targets:
                a, b = NODE_SECTION_BY_NAME[start_sec], NODE_SECTION_BY_NAME[end_sec]
                if scope and a.label not in scoped:
                    continue
                k = edge_kind(section, a.label, b.label)
                batches = by_group.get((section.name, a.label, b.label))
                keep = {prune_key(k, r): True for _, batch in (batches(None) if batches else ()) for r in batch}
                rows = read(
                    f"MATCH (a:{a.label})-[x:{k.rel_type}]->(b:{b.label}) "
                    f"WHERE {in_catalog if scope else ''}{CURRENT} AND $keep[{k.prune_key()}] IS NULL "
                    f"RETURN a.{a.key} AS start, b.{b.key} AS end, properties(x) AS props ORDER BY start, end",
                    keep=keep,
                    catalog=scope,
                )
                for r in rows:
                    key = _edge_key(section, r)
                    out.append(Change("removed", _record(section.name), key))
    for s in CATALOG_SECTIONS if scope else NODE_SECTIONS:
        keep = [r["key"] for r in catalog.nodes.get(s.name) or []]
        for r in read(
            f"MATCH (n:{s.label})-[:HAS_STATE]->(x:{s.state_label}) WHERE {CURRENT} AND NOT n.{s.key} IN $keep "
            f"{'AND x.catalog = $catalog ' if scope else ''}RETURN n.{s.key} AS k ORDER BY k",
            keep=keep,
            catalog=scope,
        ):
            out.append(Change("removed", _record(s.name), r["k"]))
    return out


def changes(read: Read, catalog, prune: bool = False, scope: str | None = None) -> list[Change]:
    """Everything a load of ``catalog`` would change, nodes first."""
    out = node_changes(read, catalog) + edge_changes(read, catalog)
    return out + removals(read, catalog, scope) if prune or scope else out


@dataclass
class Preview:
    """A dry run: the files checked, and what loading them would change."""

    files: list[str]
    records: int
    changes: list[Change]
    identity: list  # kb.errors.Problem: stored instruments' names or jurisdictions changed
    warnings: list  # kb.errors.Problem: worth checking, not stopping the load

    def rows(self) -> list[dict[str, Any]]:
        return [c.row() for c in self.changes]

    def counts(self) -> dict[str, int]:
        """Records and edges added and removed, fields changed."""
        out = {"added": 0, "changed": 0, "removed": 0}
        for c in self.changes:
            out[c.change] += 1
        return out


def preview(db, paths: list, prune: bool = False, read: Reading | None = None, scope: str | None = None) -> Preview:
    """Check ``paths`` (or what ``read`` makes: an import) as a load would
    (raising ValidationFailed with every problem) and say what loading them
    would change; write nothing."""
    catalog, files, records, _ = prepare(paths, db, prune=prune, read=read)
    try:
        return Preview(
            files,
            records,
            changes(db.read, catalog, prune, scope),
            identity_changes(db.read, catalog),
            catalog.warnings,
        )
    finally:
        catalog.close()
