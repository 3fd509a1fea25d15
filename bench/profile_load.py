"""Where kb's load spends its time and memory.

    .venv/bin/python bench/profile_load.py --catalog /tmp/kb-bench/catalog-10000x200-s6 [--parts ...]

Starts its own throwaway Neo4j (like bench/run.py) unless NEO4J_URI is set,
and writes its findings to bench/profiles/<catalog>-<part>.txt and a summary
to bench/profiles/<catalog>.json. Parts:

  python      cProfile of reading + validating (no database), then the same
              with neomodel's property lists computed once per section
              (monkeypatched here, to size the fix; kb's files are untouched)
  memory      RSS and tracemalloc after reading and after validating: bytes per
              record, and where they are allocated
  write       kb's statements as kb.load sends them (a probe of what is
              stored, a plain CREATE for new rows, close-and-open for rows
              that differ; no probe for a kind none of which is stored)
              statement by statement (rows, server time, client time), the
              commit apart; then the same rows through the floor's plain
              UNWIND + MERGE statements (same graph shape, no change
              detection, no history). First load into an empty graph, then a
              second load of the same rows (everything unchanged).
  plans       PROFILE of kb's Instrument and TREATS statements (create, and
              close-and-open) against the plain ones on one 5,000-row batch
              (rolled back)
  batch       kb's write phase with kb.load.BATCH = 1,000 / 5,000 / 20,000 / 50,000
  tx          the plain statements in one transaction vs one transaction per batch
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

OUT = HERE / "profiles"


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def write_text(name: str, text: str) -> None:
    OUT.mkdir(exist_ok=True)
    (OUT / name).write_text(text)


def stats_text(pr: cProfile.Profile, n: int = 25) -> str:
    buf = io.StringIO()
    st = pstats.Stats(pr, stream=buf)
    st.sort_stats("tottime").print_stats(n)
    st.sort_stats("cumulative").print_stats(n)
    return buf.getvalue().replace(str(Path(sys.prefix)), "<venv>")


# -- python side -----------------------------------------------------------------
def cached_properties_patch():
    """What caching neomodel's property lists per section would save: kb's
    validator asks neomodel for a class's properties three times per record
    (data_fields, required_fields, props), and neomodel walks the class's
    attributes every time. Returns an undo function."""
    import functools

    import kb.schema.sections as S
    import kb.validate as V

    originals = (S.graph_properties, S.data_fields, S.required_fields, V.data_fields, V.required_fields)
    gp = functools.lru_cache(maxsize=None)(S.graph_properties)
    S.graph_properties = gp
    df = functools.lru_cache(maxsize=None)(originals[1])
    rf = functools.lru_cache(maxsize=None)(originals[2])
    S.data_fields = V.data_fields = df
    S.required_fields = V.required_fields = rf

    def undo():
        S.graph_properties, S.data_fields, S.required_fields, V.data_fields, V.required_fields = originals

    return undo


def validate(records) -> tuple[Any, list]:
    """Validate records read by kb.loaders.read_paths as kb load does
    (kb.validate.Validator: node records at once, then edge records one at a
    time); the catalog (edge rows in catalog.edges, in memory) and the problems."""
    from kb.schema.sections import EDGE_SECTIONS
    from kb.validate import Validator

    v = Validator()
    by_section: dict[str, list] = {}
    for rec in records:
        by_section.setdefault(rec.section, []).append(rec)
    v.nodes(by_section)
    for section in EDGE_SECTIONS:
        for rec in by_section.get(section.name, ()):
            out = v.edge(rec, section)
            if out is not None:
                group, _, row = out
                v.catalog.edges.setdefault(group, []).append(row)
    return v.catalog, v.finish()


def part_python(folder: Path, tag: str) -> dict[str, Any]:
    from kb.loaders import read_paths

    out: dict[str, Any] = {}
    pr = cProfile.Profile()
    t = time.perf_counter()
    pr.enable()
    result = read_paths([folder])
    pr.disable()
    out["read_seconds_profiled"] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    pr.enable()
    catalog, problems = validate(result.records)
    pr.disable()
    out["validate_seconds_profiled"] = round(time.perf_counter() - t, 2)
    assert not problems, problems[:3]
    write_text(f"{tag}-python-cprofile.txt", stats_text(pr))
    n = len(result.records)
    del catalog
    # Unprofiled, as is, then with the property lists cached.
    t = time.perf_counter()
    validate(result.records)
    out["validate_seconds"] = round(time.perf_counter() - t, 2)
    undo = cached_properties_patch()
    try:
        t = time.perf_counter()
        validate(result.records)
        out["validate_seconds_with_cached_properties"] = round(time.perf_counter() - t, 2)
        pr = cProfile.Profile()
        pr.enable()
        validate(result.records)
        pr.disable()
        write_text(f"{tag}-python-cprofile-cached-properties.txt", stats_text(pr))
    finally:
        undo()
    t = time.perf_counter()
    read_paths([folder])
    out["read_seconds"] = round(time.perf_counter() - t, 2)
    out["records"] = n
    out["validate_us_per_record"] = round(out["validate_seconds"] / n * 1e6, 1)
    out["validate_us_per_record_cached"] = round(out["validate_seconds_with_cached_properties"] / n * 1e6, 1)
    return out


def part_memory(folder: Path, tag: str) -> dict[str, Any]:
    import gc

    from kb.load import plan_writes
    from kb.loaders import read_paths

    out: dict[str, Any] = {"rss_start_mib": round(rss_mib(), 1)}
    gc.collect()
    base = rss_mib()
    result = read_paths([folder])
    n = len(result.records)
    gc.collect()
    out["rss_after_read_mib"] = round(rss_mib(), 1)
    out["read_bytes_per_record"] = round((rss_mib() - base) * 2**20 / n)
    mid = rss_mib()
    catalog, _ = validate(result.records)
    gc.collect()
    out["rss_after_validate_mib"] = round(rss_mib(), 1)
    out["catalog_bytes_per_record"] = round((rss_mib() - mid) * 2**20 / n)
    mid = rss_mib()
    steps = plan_writes(catalog)
    out["rss_after_plan_mib"] = round(rss_mib(), 1)
    out["plan_bytes_per_record"] = round((rss_mib() - mid) * 2**20 / n)
    out["records"] = n
    del steps, catalog, result
    gc.collect()
    # Where: tracemalloc on a slice (it is slow), by allocation site.
    tracemalloc.start(3)
    result = read_paths([folder])
    snap_read = tracemalloc.take_snapshot()
    catalog, _ = validate(result.records)
    snap_val = tracemalloc.take_snapshot()
    tracemalloc.stop()
    lines = [f"records: {n}", "", "after read_paths (top 12 allocation sites):"]
    for s in snap_read.statistics("lineno")[:12]:
        lines.append(f"  {s.size / 2**20:8.1f} MiB  {s.count:>9,} blocks  {s.traceback[0]}")
    lines += ["", "validate, on top of that (top 12 by growth):"]
    for s in snap_val.compare_to(snap_read, "lineno")[:12]:
        lines.append(f"  {s.size_diff / 2**20:8.1f} MiB  {s.count_diff:>9,} blocks  {s.traceback[0]}")
    write_text(f"{tag}-memory.txt", "\n".join(lines).replace(str(Path(sys.prefix)), "<venv>") + "\n")
    return out


# -- the server side -----------------------------------------------------------------
class Bench:
    """A database to write into: NEO4J_URI if set, else a throwaway server."""

    def __init__(self, heap: str):
        self.server = None
        if os.environ.get("NEO4J_URI"):
            from kb.config import Settings
            from kb.db import Database

            self.db = Database(Settings(uri=os.environ["NEO4J_URI"], password=os.environ.get("NEO4J_PASSWORD")))
        else:
            from run import BenchServer

            self.server = BenchServer(heap, "2g")
            self.server.start()
            self.server.schema()
            self.db = self.server.db

    def empty(self) -> None:
        if self.server:
            self.server.empty()
            self.db = self.server.db
        else:
            self.db.autocommit("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 50000 ROWS")
            self.db.autocommit("MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 50000 ROWS")

    def stop(self) -> None:
        if self.server:
            self.server.stop()


# The floor's statements (bench/loads.py run_floor): the graph kb writes, plainly.
OPEN = "x.recorded_from = $now, x.recorded_to = datetime('9999-12-31T00:00:00Z'), x.first_recorded_at = $now"
PLAIN_NODE = (
    "UNWIND $rows AS row MERGE (n:{label} {{{key}: row.key}}) "
    "CREATE (n)-[:HAS_STATE]->(x:{label}State) SET x = row.props, x.{key} = row.key, " + OPEN
)


def plain_statement(step) -> str:
    """The same write without change detection or history: MERGE the
    identity and CREATE its state; MERGE an edge between identities."""
    from kb.schema.sections import EDGE_SECTIONS, NODE_SECTION_BY_LABEL

    if step.kind == "node":
        return PLAIN_NODE.format(label=step.name, key=NODE_SECTION_BY_LABEL[step.name].key)
    if step.create is None:
        return step.statement  # closing a reference kb no longer has: kept as it is
    head = step.create[: step.create.index(" CREATE ")]  # UNWIND ... MATCH (a ...) MATCH (b ...)
    keys = next((s.key_props for s in EDGE_SECTIONS if s.rel_type == step.name), ())
    merge = ", ".join(f"{k}: row.props.{k}" for k in keys)
    return head + f" MERGE (a)-[x:{step.name}{' {' + merge + '}' if merge else ''}]->(b) SET x += row.props, " + OPEN


def timed_write(db, steps, now, plain: bool = False, batch: int = 5000, one_tx: bool = True) -> dict[str, Any]:
    """Run the steps like kb.load.write does (one transaction, batches:
    probe, CREATE the new rows, close-and-open the rows that differ), timing
    each statement: wall time in Python, and the server's own figures."""
    from kb.load import _partition, what_is_stored

    per: dict[str, dict[str, float]] = {}
    marks: dict[str, float] = {}

    def timed(tx, key: str, statement: str, rows: list) -> Any:
        t = time.perf_counter()
        result = tx.run(statement, rows=rows, now=now)
        out = list(result)
        summary = result.consume()
        p = per.setdefault(key, {"rows": 0, "statements": 0, "seconds": 0.0, "server_ms": 0.0})
        p["rows"] += len(rows)
        p["statements"] += 1
        p["seconds"] += time.perf_counter() - t
        p["server_ms"] += (summary.result_available_after or 0) + (summary.result_consumed_after or 0)
        return out

    def run_step(tx, step, stored: dict[str, bool]):
        name = f"{step.kind}:{step.name}"
        any_stored = step.stored is None or stored.get(step.stored, True)
        for i in range(0, len(step.rows), batch):
            rows = step.rows[i : i + batch]
            if plain:
                timed(tx, name, plain_statement(step), rows)
            elif step.create is None:
                if any_stored or not step.skip_when_none_stored:
                    timed(tx, name + (":close" if step.skip_when_none_stored else ""), step.statement, rows)
            else:
                if any_stored:
                    t = time.perf_counter()
                    new, differ, same = _partition(tx, step, rows)
                    p = per.setdefault(name + ":probe", {"rows": 0, "statements": 0, "seconds": 0.0, "server_ms": 0.0})
                    p["rows"] += len(rows)
                    p["statements"] += 1
                    p["seconds"] += time.perf_counter() - t
                else:
                    new, differ = rows, []
                if new:
                    timed(tx, name + ":create", step.create, new)
                if differ:
                    timed(tx, name + ":close-and-open", step.statement, differ)

    def work(tx):
        stored = {} if plain else what_is_stored(tx)
        for step in steps:
            if step.rows:
                run_step(tx, step, stored)
        marks["work_done"] = time.perf_counter()

    t = time.perf_counter()
    if one_tx:
        db.write_tx(work)
    else:

        class OwnTx:
            def run(self, statement, **params):
                return _Buffered(db.write(statement, **params))

        work(OwnTx())
    total = time.perf_counter() - t
    for p in per.values():
        p["seconds"] = round(p["seconds"], 3)
        p["server_ms"] = round(p["server_ms"], 1)
        p["rows_per_s"] = round(p["rows"] / p["seconds"]) if p["seconds"] else None
    return {
        "seconds": round(total, 2),
        "commit_seconds": round(time.perf_counter() - marks.get("work_done", t), 2) if one_tx else 0.0,
        "statements": per,
    }


class _Buffered:
    def __init__(self, rows):
        self.rows = rows

    def __iter__(self):
        return iter(self.rows)

    def consume(self):
        class S:
            result_available_after = 0
            result_consumed_after = 0

        return S()


def part_write(bench: Bench, folder: Path, tag: str) -> dict[str, Any]:
    steps = in_memory_steps(folder)
    out: dict[str, Any] = {"records": sum(len(s.rows or ()) for s in steps if "DELETE" not in s.statement)}
    for label, plain in (("kb", False), ("plain", True)):
        bench.empty()
        now = datetime.now(UTC)
        first = timed_write(bench.db, steps, now, plain=plain)
        time.sleep(0.01)
        second = timed_write(bench.db, steps, datetime.now(UTC), plain=plain)
        out[label] = {"first_load": first, "second_load_unchanged": second}
    lines = []
    for label in ("kb", "plain"):
        for run in ("first_load", "second_load_unchanged"):
            r = out[label][run]
            lines.append(f"{label} statements, {run}: {r['seconds']} s in all, commit {r['commit_seconds']} s")
            for k, p in sorted(r["statements"].items(), key=lambda kv: -kv[1]["seconds"]):
                lines.append(
                    f"  {k:28} {p['rows']:>9,} rows {p['statements']:>4} stmts {p['seconds']:>8.2f} s "
                    f"server {p['server_ms'] / 1000:>7.2f} s  {p['rows_per_s'] or 0:>8,} rows/s"
                )
            lines.append("")
    write_text(f"{tag}-write.txt", "\n".join(lines))
    return out


def plan_lines(plan: dict, depth: int = 0) -> list[str]:
    args = plan.get("args", {})
    detail = str(args.get("Details", ""))[:110]
    line = (
        f"{'  ' * depth}{plan['operatorType']:<34} rows {plan.get('rows', 0):>8,}  db hits {plan.get('dbHits', 0):>10,}"
        f"  {detail}"
    )
    out = [line]
    for child in plan.get("children", []):
        out += plan_lines(child, depth + 1)
    return out


def in_memory_steps(folder: Path) -> list:
    """kb's write steps with every row in memory (step.rows), edges included;
    kb.load itself streams edge rows from its stage instead."""
    from kb.load import plan_writes
    from kb.loaders import read_paths

    catalog, _ = validate(read_paths([folder]).records)
    steps = plan_writes(catalog)
    for step in steps:
        if step.rows is None and step.batches is not None:
            step.rows = [r for _, batch in step.batches(None) for r in batch]
            step.batches = None
    return steps


def part_plans(bench: Bench, folder: Path, tag: str) -> dict[str, Any]:
    steps = in_memory_steps(folder)
    bench.empty()
    # every node but the instruments first: their statements are profiled into a graph without them
    timed_write(bench.db, [s for s in steps if s.kind == "node" and s.name != "Instrument"], datetime.now(UTC))
    wanted = [s for s in steps if s.name in ("Instrument", "TREATS") and s.rows]  # Instrument first
    lines: list[str] = []
    out: dict[str, Any] = {}

    def profile(statement, rows, label):
        def work(tx):
            result = tx.run("PROFILE " + statement, rows=rows, now=datetime.now(UTC))
            list(result)  # the profile is there once the rows are read
            raise _Rollback(result.consume())

        try:
            bench.db.write_tx(work)
        except _Rollback as r:
            s = r.summary
            total_hits = _hits(s.profile)
            lines.append(
                f"== {label}: {len(rows)} rows, {total_hits:,} db hits, "
                f"{(s.result_available_after or 0) + (s.result_consumed_after or 0)} ms"
            )
            lines.extend(plan_lines(s.profile))
            lines.append("")
            out[label] = {
                "rows": len(rows),
                "db_hits": total_hits,
                "ms": (s.result_available_after or 0) + (s.result_consumed_after or 0),
            }

    for st in wanted:
        rows = st.rows[:5000]
        profile(st.create, rows, f"kb {st.name} create (into a graph without them)")
        profile(plain_statement(st), rows, f"plain {st.name} (into a graph without them)")
        timed_write(bench.db, [st], datetime.now(UTC))  # now they are there (TREATS needs the instruments)
    # the same with the rows already there (a second load): kb probes them (and
    # would close and open those that differ); the plain statement MERGEs again
    for st in wanted:
        rows = st.rows[:5000]
        profile(st.probe, rows, f"kb {st.name} probe (second load, unchanged)")
        profile(st.statement, rows, f"kb {st.name} close-and-open (second load, as if every row differed)")
        profile(plain_statement(st), rows, f"plain {st.name} (second load, unchanged)")
    write_text(f"{tag}-plans.txt", "\n".join(lines))
    return out


class _Rollback(Exception):
    def __init__(self, summary):
        self.summary = summary


def _hits(plan) -> int:
    return plan.get("dbHits", 0) + sum(_hits(c) for c in plan.get("children", []))


def part_batch(bench: Bench, folder: Path, tag: str) -> dict[str, Any]:
    steps = in_memory_steps(folder)
    out = {}
    for batch in [int(b) for b in os.environ.get("KB_BENCH_BATCHES", "1000,5000,20000,50000").split(",")]:
        bench.empty()
        r = timed_write(bench.db, steps, datetime.now(UTC), batch=batch)
        out[str(batch)] = {"seconds": r["seconds"], "commit_seconds": r["commit_seconds"], "load": os.getloadavg()[0]}
    write_text(f"{tag}-batch.txt", json.dumps(out, indent=2))
    return out


def part_tx(bench: Bench, folder: Path, tag: str) -> dict[str, Any]:
    steps = in_memory_steps(folder)
    out = {}
    for label, one in (("one transaction", True), ("a transaction per batch", False)):
        bench.empty()
        r = timed_write(bench.db, steps, datetime.now(UTC), plain=True, one_tx=one)
        out[label] = {"seconds": r["seconds"], "commit_seconds": r["commit_seconds"], "load": os.getloadavg()[0]}
    write_text(f"{tag}-tx.txt", json.dumps(out, indent=2))
    return out


PARTS = {
    "python": part_python,
    "memory": part_memory,
    "write": part_write,
    "plans": part_plans,
    "batch": part_batch,
    "tx": part_tx,
}
NEEDS_DB = {"write", "plans", "batch", "tx"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--catalog", type=Path, required=True)
    ap.add_argument("--parts", default="python,memory,write,plans,batch,tx")
    ap.add_argument("--heap", default="8g")
    args = ap.parse_args(argv)
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    tag = args.catalog.name
    summary_file = OUT / f"{tag}.json"
    summary = json.loads(summary_file.read_text()) if summary_file.exists() else {}
    bench = Bench(args.heap) if NEEDS_DB & set(parts) else None
    try:
        for p in parts:
            t = time.monotonic()
            print(f"[profile] {p} on {tag} ...", file=sys.stderr, flush=True)
            fn = PARTS[p]
            res = fn(bench, args.catalog, tag) if p in NEEDS_DB else fn(args.catalog, tag)
            res["loadavg"] = os.getloadavg()[0]
            res["at"] = datetime.now(UTC).isoformat(timespec="seconds")
            summary[p] = res
            OUT.mkdir(exist_ok=True)
            summary_file.write_text(json.dumps(summary, indent=2, default=str) + "\n")
            print(
                f"[profile] {p} done in {time.monotonic() - t:.0f} s: {json.dumps(res, default=str)[:600]}",
                file=sys.stderr,
                flush=True,
            )
    finally:
        if bench:
            bench.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
