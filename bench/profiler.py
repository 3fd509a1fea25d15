"""Where kb's time and memory go, on a catalog bench/synth.py wrote.

    .venv/bin/python bench/profiler.py load    --catalog /tmp/kb-bench/catalog-10000x200-s6
    .venv/bin/python bench/profiler.py queries --catalog /tmp/kb-bench/catalog-10000x200-s6

Starts its own throwaway Neo4j (bench/run.py BenchServer) unless NEO4J_URI
is set (then NEO4J_PASSWORD too), and writes its findings to
bench/results/profiles/<catalog>-<part>.txt and a summary to
bench/results/profiles/<catalog>-<command>.json. ``--parts`` picks some.

load:
  check     cProfile of reading and checking the files (kb.load.prepare, no database)
  memory    RSS after checking, bytes per record, and tracemalloc's top
            allocation sites while reading and checking
  load      cProfile of kb.load.load end to end into the emptied database:
            the client's time by function; wall time against the client's
            CPU time (the rest is mostly waiting for the server)

queries (the catalog loaded first, unless --no-load; today's clocks, or
--as-of DATE and/or --as-recorded INSTANT):
  split     per named query the pages run: the server's own time (result
            available + consumed) against the driver's wall time and
            kb.queries.run's, i.e. what decoding and converting rows costs
  profile   PROFILE of each of those queries: operators, rows, db hits
  explain   EXPLAIN of every named query: its lookups, and any label or
            relationship-type scan flagged
  matrix    the matrix page cut into: query + decode, kb's native(), the pivot
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
OUT = HERE / "results" / "profiles"

LARGE = ("matrix", "forum_shopping_all")  # skipped above 2,000 instruments (the whole grid, every pair)
SCANS = (
    "AllNodesScan",
    "NodeByLabelScan",
    "DirectedRelationshipTypeScan",
    "UndirectedRelationshipTypeScan",
    "DirectedAllRelationshipsScan",
    "UndirectedAllRelationshipsScan",
)


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def stats_text(pr: cProfile.Profile, n: int = 30) -> str:
    buf = io.StringIO()
    st = pstats.Stats(pr, stream=buf)
    st.sort_stats("tottime").print_stats(n)
    st.sort_stats("cumulative").print_stats(n)
    return buf.getvalue().replace(str(Path(sys.prefix)), "<venv>")


def median_ms(fn, runs: int) -> tuple[float, Any]:
    out = fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 2), out


def server_ms(summary) -> int:
    return (summary.result_available_after or 0) + (summary.result_consumed_after or 0)


# -- load ----------------------------------------------------------------------------
def check(folder: Path) -> int:
    """Read and check the catalog as kb load does, without a database; the records read."""
    from kb.load import prepare

    catalog, _, records, _ = prepare([folder])
    catalog.close()
    return records


def part_check(ctx) -> tuple[dict, str]:
    pr = cProfile.Profile()
    t = time.perf_counter()
    pr.enable()
    records = check(ctx.catalog)
    pr.disable()
    seconds = time.perf_counter() - t
    return {"records": records, "seconds_profiled": round(seconds, 2)}, stats_text(pr)


def part_memory(ctx) -> tuple[dict, str]:
    import gc

    gc.collect()
    base = rss_mib()
    records = check(ctx.catalog)
    out = {"records": records, "rss_start_mib": round(base, 1), "rss_after_check_mib": round(rss_mib(), 1)}
    out["bytes_per_record"] = round((out["rss_after_check_mib"] - base) * 2**20 / max(records, 1))
    tracemalloc.start(3)
    check(ctx.catalog)
    snap = tracemalloc.take_snapshot()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    out["traced_peak_mib"] = round(peak / 2**20, 1)
    lines = [f"records: {records}, traced peak {out['traced_peak_mib']} MiB; still held after checking:"]
    for s in snap.statistics("lineno")[:15]:
        lines.append(f"  {s.size / 2**20:8.1f} MiB  {s.count:>9,} blocks  {s.traceback[0]}")
    return out, "\n".join(lines).replace(str(Path(sys.prefix)), "<venv>")


def part_load(ctx) -> tuple[dict, str]:
    from kb.load import load

    ctx.empty()
    pr = cProfile.Profile()
    cpu, t = time.process_time(), time.perf_counter()
    pr.enable()
    report = load(ctx.db, [ctx.catalog])
    pr.disable()
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    out = {"records": report.records, "seconds": round(wall, 2), "client_cpu_seconds": round(cpu, 2)}
    head = f"kb.load.load: {wall:.2f} s, the client's CPU {cpu:.2f} s, {report.records:,} records\n\n"
    return out, head + stats_text(pr)


# -- queries -------------------------------------------------------------------------
def page_query_params(ctx) -> dict[str, dict[str, Any]]:
    """The named queries the pages run on the topic (noted while they run,
    bench/run.py page_queries), each with the parameters of its first call."""
    from run import page_queries

    from kb.queries import ALL_PAIRS_LIMIT, PAGE_LIMIT
    from kb.queries.forum import jurisdiction_pairs
    from kb.queries.gaps import gaps_data
    from kb.queries.matrix import matrix_data
    from kb.queries.topic import forum_shopping_data, primacy, topic_data

    db, slug, clocks = ctx.db, ctx.slug, ctx.clocks
    pages = {
        "topic page": lambda k: topic_data(db, slug, clocks(), limit=PAGE_LIMIT),
        "forum-shopping": lambda k: forum_shopping_data(db, slug, clocks(), all_pairs=False, limit=ALL_PAIRS_LIMIT),
        "forum-shopping --all": lambda k: jurisdiction_pairs(db, slug, clocks()),
        "forum-shopping --all --instruments": lambda k: forum_shopping_data(
            db, slug, clocks(), all_pairs=True, limit=ALL_PAIRS_LIMIT
        ),
        "gaps": lambda k: gaps_data(db, None, clocks(), limit=PAGE_LIMIT),
        "primacy": lambda k: primacy(db, slug, clocks(), limit=PAGE_LIMIT),
    }
    if not ctx.big:
        pages["matrix"] = lambda k: matrix_data(db, clocks(), ())
    params, _ = page_queries(db, pages, 1)
    return {name: ps[0] for name, ps in sorted(params.items()) if not (ctx.big and name in LARGE)}


def part_split(ctx) -> tuple[dict, str]:
    import kb.queries as Q

    out, lines = {}, []
    for name, given in page_query_params(ctx).items():
        q = Q.get(name)
        params = Q.check_params(q, given)

        def drive(q=q, params=params):
            def work(tx):
                result = tx.run(q.text, params)
                return list(result), result.consume()

            with ctx.db.session() as s:
                return s.execute_read(work)

        try:
            wall, (records, summary) = median_ms(drive, ctx.runs)
        except Exception as e:
            out[name] = {"error": str(e)[:400]}
            lines.append(f"{name:24} FAILED {str(e)[:300]}")
            continue
        kb_ms, _ = median_ms(lambda name=name, given=given: Q.run(ctx.db, name, **given), ctx.runs)
        server = server_ms(summary)
        out[name] = {"rows": len(records), "server_ms": server, "driver_wall_ms": wall, "kb_run_ms": kb_ms}
        lines.append(
            f"{name:24} {len(records):>8,} rows  server {server:>7} ms  driver {wall:>8.1f} ms  "
            f"kb.queries.run {kb_ms:>8.1f} ms"
        )
    return out, "\n".join(lines)


def _flat(plan: dict, depth: int = 0) -> list[tuple[int, dict]]:
    out = [(depth, plan)]
    for c in plan.get("children", []):
        out += _flat(c, depth + 1)
    return out


def part_profile(ctx) -> tuple[dict, str]:
    import kb.queries as Q

    out, lines = {}, []
    for name, given in page_query_params(ctx).items():
        q = Q.get(name)
        params = Q.check_params(q, given)

        def work(tx, q=q, params=params):
            result = tx.run("PROFILE " + q.text, params)
            list(result)
            return result.consume()

        try:
            with ctx.db.session() as s:
                summary = s.execute_read(work)
        except Exception as e:
            out[name] = {"error": str(e)[:400]}
            lines.append(f"== {name}: FAILED {str(e)[:300]}")
            continue
        ops = _flat(summary.profile)
        hits = sum(int(p.get("dbHits", 0)) for _, p in ops)
        out[name] = {"db_hits": hits, "ms": server_ms(summary)}
        lines.append(f"== {name}: {hits:,} db hits, {out[name]['ms']} ms")
        for depth, p in ops:
            detail = str(p.get("args", {}).get("Details", ""))[:120]
            lines.append(
                f"{'  ' * depth}{p['operatorType']:<36} rows {p.get('rows', 0):>10,}  "
                f"db hits {p.get('dbHits', 0):>11,}  {detail}"
            )
        lines.append("")
    return out, "\n".join(lines)


def part_explain(ctx) -> tuple[dict, str]:
    import kb.queries as Q

    dummy = {"string": "x", "strings": ["x"], "integer": 1, "boolean": True, "date": None, "datetime": None}
    out, lines = {}, []
    for name, q in Q.load_queries().items():
        params = {p.name: None for p in q.params}
        if q.param("slug"):
            params["slug"] = ctx.slug
        params.update({k: v for k, v in ctx.clocks().params().items() if q.param(k)})
        for p in q.params:
            if p.required and params.get(p.name) is None:
                params[p.name] = dummy[p.type]

        def work(tx, q=q, params=params):
            return tx.run("EXPLAIN " + q.text, params).consume()

        with ctx.db.session() as s:
            plan = s.execute_read(work).plan
        ops = [(p["operatorType"], str(p.get("args", {}).get("Details", ""))) for _, p in _flat(plan)]
        scans = [f"{o} {d}" for o, d in ops if o.startswith(SCANS)]
        seeks = [f"{o} {d}" for o, d in ops if "Seek" in o or "IndexScan" in o]
        out[name] = {"scans": scans, "seeks": seeks}
        lines += [f"{name}:"] + [f"    lookup  {s[:140]}" for s in seeks] + [f"    SCAN    {s[:140]}" for s in scans]
    return out, "\n".join(lines)


def part_matrix(ctx) -> tuple[dict, str]:
    import kb.queries as Q
    from kb.queries.matrix import matrix_data

    if ctx.big:
        return {"skipped": "above 2,000 instruments"}, "matrix: skipped above 2,000 instruments"
    q = Q.get("matrix")
    given = {k: v for k, v in ctx.clocks().params().items() if q.param(k)}
    params = Q.check_params(q, given)
    read_ms, rows = median_ms(lambda: ctx.db.read(q.text, **params), ctx.runs)
    native_ms, _ = median_ms(lambda: [Q.native(r) for r in rows], ctx.runs)
    run_ms, _ = median_ms(lambda: Q.run(ctx.db, "matrix", **given), ctx.runs)
    page_ms, _ = median_ms(lambda: matrix_data(ctx.db, ctx.clocks(), ()), ctx.runs)

    def work(tx):
        result = tx.run(q.text, params)
        list(result)
        return result.consume()

    with ctx.db.session() as s:
        server = server_ms(s.execute_read(work))
    out = {
        "rows": len(rows),
        "server_ms": server,
        "db_read_ms": read_ms,
        "native_ms": native_ms,
        "kb_run_ms": run_ms,
        "page_ms": page_ms,
    }
    text = (
        f"matrix, {len(rows):,} rows: server {server} ms; db.read (driver decode + r.data()) {read_ms} ms; "
        f"kb native() {native_ms} ms; kb.queries.run {run_ms} ms; matrix_data {page_ms} ms "
        f"(pivot and table {page_ms - run_ms:.1f} ms)"
    )
    return out, text


COMMANDS = {
    "load": {"check": part_check, "memory": part_memory, "load": part_load},
    "queries": {"split": part_split, "profile": part_profile, "explain": part_explain, "matrix": part_matrix},
}


class Context:
    """The catalog, and a database to read and write: NEO4J_URI if set, else
    a throwaway server (started when a part first needs it)."""

    def __init__(self, args):
        self.catalog, self.runs, self.heap = args.catalog, args.runs, args.heap
        self.as_of, self.as_recorded = args.as_of, args.as_recorded
        self.server = self._db = None
        self.slug = None
        self.big = False

    @property
    def db(self):
        if self._db is None:
            if os.environ.get("NEO4J_URI"):
                from kb.config import Settings
                from kb.db import Database

                self._db = Database(Settings(uri=os.environ["NEO4J_URI"], password=os.environ.get("NEO4J_PASSWORD")))
            else:
                from run import BenchServer

                self.server = BenchServer(self.heap, "2g")
                self.server.start()
                self.server.schema()
                self._db = self.server.db
        return self._db

    def empty(self) -> None:
        if self.server:
            self.server.empty()
            self._db = self.server.db
        else:
            self.db.autocommit("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 50000 ROWS")
            self.db.autocommit("MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 50000 ROWS")

    def clocks(self):
        """The clocks given (--as-of, --as-recorded), else today's, resolved now."""
        from kb.queries.clocks import Clocks

        return Clocks.resolve(self.as_of, self.as_recorded)

    def prepare_queries(self, load: bool) -> None:
        """Load the catalog (unless told not to); pick the topic ranked in the middle."""
        import kb.queries as Q
        from kb.schema.model import FOREVER_CYPHER

        if load:
            from kb.load import load as kb_load

            self.empty()
            t = time.monotonic()
            kb_load(self.db, [self.catalog])
            print(f"[profile] loaded {self.catalog.name} in {time.monotonic() - t:.0f} s", file=sys.stderr)
        Q.quiet_driver()
        self.big = self.db.read("MATCH (i:Instrument) RETURN count(i) AS n")[0]["n"] > 2000
        topics = self.db.read("MATCH (t:Topic) RETURN count(t) AS n")[0]["n"]
        self.slug = self.db.read(
            f"MATCH (t:TopicState) WHERE t.recorded_to = {FOREVER_CYPHER} "
            "WITH t ORDER BY abs(t.rank - $r) LIMIT 1 RETURN t.slug AS s",
            r=max(1, topics // 2),
        )[0]["s"]

    def close(self) -> None:
        if self.server:
            self.server.stop()
        elif self._db is not None:
            self._db.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("command", choices=COMMANDS)
    ap.add_argument("--catalog", type=Path, required=True, help="a folder bench/synth.py wrote")
    ap.add_argument("--parts", default=None, help="comma-separated (default: all of the command's)")
    ap.add_argument("--runs", type=int, default=7, help="queries: timed runs per figure (the median is kept)")
    ap.add_argument("--no-load", action="store_true", help="queries: the database already holds the catalog")
    ap.add_argument("--as-of", default=None, help="queries: read as of this date (legal time)")
    ap.add_argument("--as-recorded", default=None, help="queries: ... as recorded at this instant (record time)")
    ap.add_argument("--heap", default="8g", help="the throwaway server's heap")
    args = ap.parse_args(argv)
    parts = COMMANDS[args.command]
    wanted = [p.strip() for p in (args.parts or ",".join(parts)).split(",") if p.strip()]
    unknown = [p for p in wanted if p not in parts]
    if unknown:
        ap.error(f"{args.command} has no part {', '.join(unknown)}; its parts: {', '.join(parts)}")
    when = "".join(f"-{k}" for k, v in (("as-of", args.as_of), ("as-recorded", args.as_recorded)) if v)
    tag = f"{args.catalog.name}-{args.command}{when}"
    OUT.mkdir(parents=True, exist_ok=True)
    summary_file = OUT / f"{tag}.json"
    summary: dict[str, Any] = {"python": sys.version.split()[0], "catalog": str(args.catalog)}
    ctx = Context(args)
    try:
        if args.command == "queries":
            ctx.prepare_queries(load=not args.no_load)
            summary.update(slug=ctx.slug, clocks={k: str(v) for k, v in ctx.clocks().params().items()})
        for part in wanted:
            t = time.monotonic()
            print(f"[profile] {part} on {args.catalog.name} ...", file=sys.stderr, flush=True)
            res, text = parts[part](ctx)
            summary[part] = {
                "result": res,
                "loadavg": os.getloadavg()[0],
                "at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
            (OUT / f"{tag}-{part}.txt").write_text(text + "\n")
            summary_file.write_text(json.dumps(summary, indent=2, default=str) + "\n")
            done = f"{time.monotonic() - t:.0f} s: {OUT / f'{tag}-{part}.txt'}"
            print(f"[profile] {part} done in {done}", file=sys.stderr)
    finally:
        ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
