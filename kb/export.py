"""Write the current catalog back out as files ``kb load`` accepts.

The current catalog: each record's state and each edge recorded now (not
closed; docs/history.md), so closed versions, the history, are not
exported. YAML and CSV: one file per section (``instruments.yaml``,
``treats.csv``, ...); ``treats.csv`` is the catalog one row per coverage
cell. JSON: the whole catalog in one ``catalog.json``. Coverage cells also
carry ``recorded_at`` (when the catalog recorded their current version),
which ``kb load`` accepts and ignores; everything else is curated data, so
load → export → load into an empty database gives the same catalog.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from kb.errors import KbError
from kb.schema.sections import EDGE_SECTIONS, NODE_SECTION_BY_NAME, NODE_SECTIONS, data_fields

EXPORT_FORMATS = ("yaml", "json", "csv")


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "to_native"):  # neo4j.time.Date
        return value.to_native()
    return value


# the one predicate of record time (docs/history.md), for a state x or an edge x
RECORDED = "x.recorded_from <= $as_recorded < x.recorded_to"


def read_catalog(db, as_recorded: datetime | None = None) -> dict[str, list[dict[str, Any]]]:
    """Every section's records as the catalog recorded them at
    ``as_recorded`` (now when None), as the data format has them."""
    at = as_recorded or datetime.now(UTC)
    out: dict[str, list[dict[str, Any]]] = {}
    for s in NODE_SECTIONS:
        props = [p for p in s.properties()]
        ref_returns = "".join(
            f", head([(n)-[x:{r.rel_type}]->(t:{NODE_SECTION_BY_NAME[r.targets[0]].label}) WHERE {RECORDED} "
            f"| t.{NODE_SECTION_BY_NAME[r.targets[0]].key}])"
            f" AS `{r.field}`"
            for r in s.refs
        )
        extra = ", i.status_dates AS sd, i.status_values AS sv, i.status_sources AS ss" if s.extra_fields else ""
        order = "i.catalog_rank" if s.name == "instruments" else f"i.{s.key}"
        rows = db.read(
            f"MATCH (n:{s.label})-[:HAS_STATE]->(i:{s.state_label}) "
            f"WHERE i.recorded_from <= $as_recorded < i.recorded_to "
            f"RETURN i {{ {', '.join('.' + p for p in props)} }} AS props"
            f"{ref_returns}{extra} ORDER BY {order}",
            as_recorded=at,
        )
        records = []
        for row in rows:
            rec = {k: _plain(v) for k, v in row["props"].items() if v is not None}
            rec = {s.key: rec.pop(s.key), **rec}
            for r in s.refs:
                if row.get(r.field) is not None:
                    rec[r.field] = row[r.field]
            if s.extra_fields and row.get("sd"):
                rec["status_history"] = [
                    {"date": _plain(d), "status": v, "source": src}
                    for d, v, src in zip(row["sd"], row["sv"], row["ss"])
                ]
            records.append({f: rec[f] for f in data_fields(s) if f in rec})
        out[s.name] = records
    for e in EDGE_SECTIONS:
        records = []
        for start_sec in e.start.targets:
            for end_sec in e.end.targets:
                a, b = NODE_SECTION_BY_NAME[start_sec], NODE_SECTION_BY_NAME[end_sec]
                props = list(e.properties())
                rows = db.read(
                    f"MATCH (a:{a.label})-[x:{e.rel_type}]->(b:{b.label}) WHERE {RECORDED} "
                    f"RETURN a.{a.key} AS start, b.{b.key} AS end, "
                    f"x {{ {', '.join('.' + p for p in props)} }} AS props, "
                    "x.recorded_from AS recorded_at "
                    "ORDER BY start, end",
                    as_recorded=at,
                )
                for row in rows:
                    rec = {e.start.field: row["start"], e.end.field: row["end"]}
                    rec.update({k: _plain(v) for k, v in row["props"].items() if v is not None})
                    out_rec = {f: rec[f] for f in data_fields(e) if f in rec}
                    if e.name == "treats" and row.get("recorded_at") is not None:
                        out_rec["recorded_at"] = _plain(row["recorded_at"])
                    records.append(out_rec)
        out[e.name] = records
    return out


def _csv_value(field: str, value: Any) -> str:
    if value is None:
        return ""
    if field == "status_history":
        return ";".join(f"{h['date'].isoformat()}:{h['status']}:{h['source']}" for h in value)
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def export(db, directory: Path, fmt: str = "yaml") -> list[Path]:
    """Write one file per non-empty section into ``directory``; return them."""
    import yaml

    from kb.schema.sections import SECTIONS

    if fmt not in EXPORT_FORMATS:
        raise KbError(f"unknown export format {fmt!r}: use one of {', '.join(EXPORT_FORMATS)}")
    directory.mkdir(parents=True, exist_ok=True)
    existing = [p for p in directory.iterdir() if p.suffix in (".yaml", ".yml", ".json", ".csv")]
    if existing:
        raise KbError(
            f"{directory} already holds data files ({existing[0].name}, ...): "
            "export into an empty folder so that `kb load` of it gives the same graph"
        )
    catalog = read_catalog(db)
    written: list[Path] = []
    if fmt == "json":
        path = directory / "catalog.json"
        whole = {section: records for section, records in catalog.items() if records}
        path.write_text(json.dumps(whole, ensure_ascii=False, indent=2, default=_json_default) + "\n", encoding="utf-8")
        return [path]
    for section, records in catalog.items():
        if not records:
            continue
        path = directory / f"{section}.{fmt}"
        if fmt == "yaml":
            text = yaml.safe_dump({section: records}, sort_keys=False, allow_unicode=True, width=100)
            path.write_text(text, encoding="utf-8")
        else:
            fields = [*data_fields(SECTIONS[section]), *(["recorded_at"] if section == "treats" else [])]
            with path.open("w", newline="", encoding="utf-8") as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow(fields)
                for rec in records:
                    w.writerow([_csv_value(k, rec.get(k)) for k in fields])
        written.append(path)
    return written
