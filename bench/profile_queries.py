"""Where the query side spends its time.

    .venv/bin/python bench/profile_queries.py --catalog /tmp/kb-bench/catalog-10000x200-s6

Loads the catalog with kb into its own throwaway Neo4j (or uses NEO4J_URI,
already loaded, with --no-load), then:

  pages     which named queries each page runs, how often, and how long each
            takes inside the page; the rest is Python assembling the page
  split     for each named query: the server's own time (result available +
            consumed, from the summary) against the wall time in Python, i.e.
            what the driver spends decoding rows and kb converting them
  profile   PROFILE of each named query: operators, rows, db hits
  explain   EXPLAIN of every named query: its leaf operators; a label or
            relationship-type scan where a lookup by key was expected is flagged
  matrix    the matrix page cut into: query + decode, kb's native(), the pivot

Pages and queries are read at today's clocks, or at --as-of DATE and/or
--as-recorded INSTANT (then the output names end in -as-of / -as-recorded).
Writes bench/profiles/<catalog>-queries-*.txt and <catalog>-queries.json.
Run it with another interpreter (e.g. a venv with neo4j-rust-ext) and
--parts split,matrix --suffix rust to compare the driver's decoding.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
OUT = HERE / "profiles"

LARGE = ("matrix", "forum_shopping_all")  # skipped above 2,000 instruments (the whole grid, every pair)
SCANS = (
    "AllNodesScan",
    "NodeByLabelScan",
    "DirectedRelationshipTypeScan",
    "UndirectedRelationshipTypeScan",
    "DirectedAllRelationshipsScan",
    "UndirectedAllRelationshipsScan",
)


def write_text(name: str, text: str) -> None:
    OUT.mkdir(exist_ok=True)
    (OUT / name).write_text(text)


def median_ms(fn, runs: int) -> tuple[float, Any]:
    out = fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 2), out


def slug_of(db, rank: int) -> str:
    return db.read(
        "MATCH (t:TopicState) WHERE t.recorded_to = datetime('9999-12-31T00:00:00Z') "
        "WITH t ORDER BY abs(t.rank - $r) LIMIT 1 RETURN t.slug AS s",
        r=rank,
    )[0]["s"]


CLOCKS = None  # the kb.queries.clocks.Clocks pages and queries are read at (main sets it)


def clocks():
    """The clocks given (--as-of, --as-recorded), else today's, resolved now."""
    from kb.queries.clocks import Clocks

    return CLOCKS if CLOCKS is not None else Clocks.resolve()


def params_for(q, slug: str) -> dict[str, Any]:
    """A named query's parameters: the topic, and the two clocks if it reads them."""
    out = {"slug": slug} if q.param("slug") else {}
    out.update({k: v for k, v in clocks().params().items() if q.param(k)})
    return out


def page_query_params(db, slug: str) -> dict[str, dict[str, Any]]:
    """The named queries the pages run on ``slug`` (noted while they run,
    bench/run.py PageReads), each with the parameters of its first call."""
    from run import page_queries

    from kb.queries import ALL_PAIRS_LIMIT, PAGE_LIMIT
    from kb.queries.gaps import gaps_data
    from kb.queries.matrix import matrix_data
    from kb.queries.topic import forum_shopping_data, primacy, topic_data

    pages = {
        "topic page": lambda k: topic_data(db, slug, clocks(), limit=PAGE_LIMIT),
        "forum-shopping": lambda k: forum_shopping_data(db, slug, clocks(), all_pairs=False, limit=ALL_PAIRS_LIMIT),
        "forum-shopping --all": lambda k: forum_shopping_data(
            db, slug, clocks(), all_pairs=True, limit=ALL_PAIRS_LIMIT
        ),
        "gaps": lambda k: gaps_data(db, None, clocks(), limit=PAGE_LIMIT),
        "primacy": lambda k: primacy(db, slug, clocks(), limit=PAGE_LIMIT),
        "matrix": lambda k: matrix_data(db, clocks(), ()),
    }
    if db.read("MATCH (i:Instrument) RETURN count(i) AS n")[0]["n"] > 2000:
        del pages["matrix"]
    params, _ = page_queries(db, pages, 1)
    return {name: ps[0] for name, ps in sorted(params.items())}


# -- parts --------------------------------------------------------------------------
def part_pages(db, slug: str, runs: int) -> tuple[dict, str]:
    """Count and time the reads each page makes (by wrapping db.read)."""
    import kb.queries as Q
    from kb.queries import ALL_PAIRS_LIMIT, PAGE_LIMIT
    from kb.queries.gaps import gaps_data
    from kb.queries.matrix import matrix_data
    from kb.queries.topic import forum_shopping_data, primacy, topic_data

    by_text = {q.text: name for name, q in Q.load_queries().items()}
    calls: list[tuple[str, float, int]] = []
    original = db.read

    def read(query, **params):
        t = time.perf_counter()
        rows = original(query, **params)
        calls.append((by_text.get(query, query[:40]), (time.perf_counter() - t) * 1000, len(rows)))
        return rows

    one = getattr(Q, "OneRead", None)  # pages send their queries inside one read transaction
    sent = getattr(one, "send_text", None)

    def send(this, query, params):
        """Sent now, read later (pipelined): the time noted is the page's
        wait for the rows, so the reads' times add up to no more than the page's."""
        t = time.perf_counter()
        fetch = sent(this, query, params)
        spent = time.perf_counter() - t

        def timed():
            t = time.perf_counter()
            rows = fetch()
            calls.append((by_text.get(query, query[:40]), (spent + time.perf_counter() - t) * 1000, len(rows)))
            return rows

        return timed

    db.read = read
    if sent is not None:
        one.send_text = send
    pages = {
        "topic page": lambda: topic_data(db, slug, clocks(), limit=PAGE_LIMIT),
        "forum-shopping": lambda: forum_shopping_data(db, slug, clocks(), all_pairs=False, limit=ALL_PAIRS_LIMIT),
        "gaps": lambda: gaps_data(db, None, clocks(), limit=PAGE_LIMIT),
        "primacy": lambda: primacy(db, slug, clocks(), limit=PAGE_LIMIT),
    }
    if runs and db.read("MATCH (i:Instrument) RETURN count(i) AS n")[0]["n"] <= 2000:
        pages["matrix"] = lambda: matrix_data(db, clocks(), ())
    out: dict[str, Any] = {}
    lines = []
    try:
        for name, fn in pages.items():
            try:
                fn()  # warm
            except Exception as e:  # e.g. the server's memory pool: reported, not fatal
                out[name] = {"error": str(e)[:400]}
                lines.append(f"{name}: FAILED {str(e)[:300]}")
                continue
            samples = []
            for _ in range(max(1, runs)):
                calls.clear()
                t = time.perf_counter()
                fn()
                total = (time.perf_counter() - t) * 1000
                samples.append((total, list(calls)))
            samples.sort(key=lambda s: s[0])
            total, mid_calls = samples[len(samples) // 2]
            in_reads = sum(c[1] for c in mid_calls)
            out[name] = {
                "ms": round(total, 1),
                "reads": len(mid_calls),
                "ms_in_reads": round(in_reads, 1),
                "ms_in_python": round(total - in_reads, 1),
                "calls": [{"query": c[0], "ms": round(c[1], 1), "rows": c[2]} for c in mid_calls],
            }
            lines.append(
                f"{name}: {total:.1f} ms, {len(mid_calls)} reads ({in_reads:.1f} ms), "
                f"{total - in_reads:.1f} ms assembling the page"
            )
            for c in mid_calls:
                lines.append(f"    {c[0]:24} {c[1]:9.1f} ms  {c[2]:>8,} rows")
    finally:
        del db.read  # the instance attribute: Database.read again
        if sent is not None:
            one.send_text = sent
    return out, "\n".join(lines)


def part_split(db, slug: str, runs: int) -> tuple[dict, str]:
    """Server time vs wall time per named query, through the plain driver
    (session.execute_read) and through kb.queries.run."""
    import kb.queries as Q

    queries = Q.load_queries()
    big = db.read("MATCH (i:Instrument) RETURN count(i) AS n")[0]["n"] > 2000
    out, lines = {}, []
    for name, given in page_query_params(db, slug).items():
        q = queries[name]
        params = Q.check_params(q, given)
        if big and name in LARGE:
            out[name] = {"skipped": "too large at this size"}
            continue

        def drive(q=q, params=params):
            def work(tx, q=q, params=params):
                result = tx.run(q.text, params)
                records = list(result)
                return records, result.consume()

            with db.session() as s:
                return s.execute_read(work)

        try:
            wall, (records, summary) = median_ms(drive, runs)
        except Exception as e:
            out[name] = {"error": str(e)[:400]}
            lines.append(f"{name:24} FAILED {str(e)[:300]}")
            continue
        server = (summary.result_available_after or 0) + (summary.result_consumed_after or 0)
        kb_ms, rows = median_ms(lambda name=name, given=given: Q.run(db, name, **given), runs)
        cells = len(records) * (len(records[0].keys()) if records else 0)
        out[name] = {
            "rows": len(records),
            "values": cells,
            "server_ms": server,
            "driver_wall_ms": wall,
            "kb_run_ms": kb_ms,
            "client_ms": round(kb_ms - server, 1),
        }
        lines.append(
            f"{name:24} {len(records):>8,} rows  server {server:>7} ms  driver {wall:>8.1f} ms  "
            f"kb.queries.run {kb_ms:>8.1f} ms"
        )
    return out, "\n".join(lines)


def _tree(plan, depth=0) -> list[str]:
    args = plan.get("args", {})
    detail = str(args.get("Details", ""))[:120]
    out = [
        f"{'  ' * depth}{plan['operatorType']:<36} rows {plan.get('rows', 0):>10,}  db hits "
        f"{plan.get('dbHits', 0):>11,}  {detail}"
    ]
    for c in plan.get("children", []):
        out += _tree(c, depth + 1)
    return out


def _leaves(plan) -> list[tuple[str, str]]:
    kids = plan.get("children", [])
    mine = [(plan["operatorType"], str(plan.get("args", {}).get("Details", "")))]
    if not kids:
        return mine
    out = []
    for c in kids:
        out += _leaves(c)
    # operators that start a scan inside an Apply/subquery have children too; keep scans wherever they are
    if any(s in plan["operatorType"] for s in SCANS) or "Seek" in plan["operatorType"]:
        out += mine
    return out


def _all_ops(plan) -> list[tuple[str, str]]:
    out = [(plan["operatorType"], str(plan.get("args", {}).get("Details", "")))]
    for c in plan.get("children", []):
        out += _all_ops(c)
    return out


def part_profile(db, slug: str) -> tuple[dict, str]:
    import kb.queries as Q

    queries = Q.load_queries()
    big = db.read("MATCH (i:Instrument) RETURN count(i) AS n")[0]["n"] > 2000
    out, lines = {}, []
    for name, given in page_query_params(db, slug).items():
        if big and name in LARGE:
            continue
        q = queries[name]
        params = Q.check_params(q, given)

        def work(tx, q=q, params=params):
            result = tx.run("PROFILE " + q.text, params)
            list(result)
            return result.consume()

        try:
            with db.session() as s:
                summary = s.execute_read(work)
        except Exception as e:
            out[name] = {"error": str(e)[:400]}
            lines.append(f"== {name}: FAILED {str(e)[:300]}")
            continue
        hits = sum(int(o.get("dbHits", 0)) for o in _flat(summary.profile))
        out[name] = {
            "db_hits": hits,
            "ms": (summary.result_available_after or 0) + (summary.result_consumed_after or 0),
        }
        lines.append(f"== {name}: {hits:,} db hits, {out[name]['ms']} ms")
        lines += _tree(summary.profile)
        lines.append("")
    return out, "\n".join(lines)


def _flat(plan) -> list[dict]:
    out = [plan]
    for c in plan.get("children", []):
        out += _flat(c)
    return out


def part_explain(db, slug: str) -> tuple[dict, str]:
    import kb.queries as Q

    out, lines = {}, []
    for name, q in Q.load_queries().items():
        params = {p.name: None for p in q.params}
        if q.param("slug"):
            params["slug"] = slug
        params.update({k: v for k, v in clocks().params().items() if q.param(k)})
        for p in q.params:
            if p.required and params.get(p.name) is None:
                params[p.name] = {"string": "x", "integer": 1, "boolean": True, "date": None, "datetime": None}[p.type]

        def work(tx, q=q, params=params):
            return tx.run("EXPLAIN " + q.text, params).consume()

        with db.session() as s:
            summary = s.execute_read(work)
        ops = _all_ops(summary.plan)
        scans = [f"{o} {d}" for o, d in ops if any(o.startswith(s) for s in SCANS)]
        seeks = [f"{o} {d}" for o, d in ops if "Seek" in o or "IndexScan" in o]
        out[name] = {"scans": scans, "seeks": seeks}
        lines.append(f"{name}:")
        for s in seeks:
            lines.append(f"    lookup  {s[:140]}")
        for s in scans:
            lines.append(f"    SCAN    {s[:140]}")
    return out, "\n".join(lines)


def part_matrix(db, runs: int) -> tuple[dict, str]:
    import kb.queries as Q
    from kb.queries.matrix import matrix_data

    q = Q.get("matrix")
    given = params_for(q, "")
    params = Q.check_params(q, given)
    read_ms, rows = median_ms(lambda: db.read(q.text, **params), runs)
    native_ms, _ = median_ms(lambda: [Q.native(r) for r in rows], runs)
    run_ms, _ = median_ms(lambda: Q.run(db, "matrix", **given), runs)
    page_ms, _ = median_ms(lambda: matrix_data(db, clocks(), ()), runs)

    def work(tx):
        result = tx.run(q.text, params)
        list(result)
        return result.consume()

    with db.session() as s:
        summary = s.execute_read(work)
    server = (summary.result_available_after or 0) + (summary.result_consumed_after or 0)
    out = {
        "rows": len(rows),
        "server_ms": server,
        "db_read_ms": read_ms,
        "native_ms": native_ms,
        "kb_run_ms": run_ms,
        "page_ms": page_ms,
        "pivot_ms": round(page_ms - run_ms, 1),
    }
    text = (
        f"matrix, {len(rows):,} rows: server {server} ms; db.read (driver decode + r.data()) {read_ms} ms; "
        f"kb native() {native_ms} ms; kb.queries.run {run_ms} ms; matrix_page {page_ms} ms "
        f"(pivot and table {page_ms - run_ms:.1f} ms)"
    )
    return out, text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--catalog", type=Path, required=True)
    ap.add_argument("--parts", default="pages,split,profile,explain,matrix")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--no-load", action="store_true", help="NEO4J_URI already holds the catalog")
    ap.add_argument("--suffix", default="", help="added to output names (e.g. rust)")
    ap.add_argument("--heap", default="8g")
    ap.add_argument("--as-of", default=None, help="read pages and queries as of this date (legal time)")
    ap.add_argument("--as-recorded", default=None, help="... as recorded at this instant (record time)")
    args = ap.parse_args(argv)
    global CLOCKS
    if args.as_of or args.as_recorded:
        from kb.queries.clocks import Clocks

        CLOCKS = Clocks.resolve(args.as_of, args.as_recorded)
    when = "".join(f"-{k}" for k, v in (("as-of", args.as_of), ("as-recorded", args.as_recorded)) if v)
    tag = args.catalog.name + "-queries" + when + (f"-{args.suffix}" if args.suffix else "")
    server = None
    if os.environ.get("NEO4J_URI"):
        from kb.config import Settings
        from kb.db import Database

        db = Database(Settings(uri=os.environ["NEO4J_URI"], password=os.environ.get("NEO4J_PASSWORD")))
    else:
        from run import BenchServer

        server = BenchServer(args.heap, "2g")
        server.start()
        server.schema()
        db = server.db
    try:
        if not args.no_load:
            from kb.load import load

            t = time.monotonic()
            load(db, [args.catalog])
            print(f"[profile] loaded {args.catalog.name} in {time.monotonic() - t:.0f} s", file=sys.stderr)
        import kb.queries as Q

        Q.quiet_driver()
        topics = db.read("MATCH (t:Topic) RETURN count(t) AS n")[0]["n"]
        slug = slug_of(db, max(1, topics // 2))
        summary_file = OUT / f"{tag}.json"
        summary: dict[str, Any] = {
            "python": sys.version.split()[0],
            "executable": sys.executable,
            "slug": slug,
            "clocks": {k: str(v) for k, v in clocks().params().items()},
        }
        try:
            import neo4j._codec.packstream as ps  # noqa: F401

            summary["rust_ext"] = "neo4j_rust_ext" in sys.modules or _has_rust()
        except Exception:
            summary["rust_ext"] = _has_rust()
        for part in [p.strip() for p in args.parts.split(",") if p.strip()]:
            t = time.monotonic()
            print(f"[profile] {part} ...", file=sys.stderr, flush=True)
            if part == "pages":
                res, text = part_pages(db, slug, args.runs)
            elif part == "split":
                res, text = part_split(db, slug, args.runs)
            elif part == "profile":
                res, text = part_profile(db, slug)
            elif part == "explain":
                res, text = part_explain(db, slug)
            elif part == "matrix":
                if db.read("MATCH (i:Instrument) RETURN count(i) AS n")[0]["n"] > 2000:
                    continue
                res, text = part_matrix(db, args.runs)
            else:
                raise SystemExit(f"unknown part {part}")
            res = {"result": res, "loadavg": os.getloadavg()[0]}
            summary[part] = res
            write_text(f"{tag}-{part}.txt", text + "\n")
            OUT.mkdir(exist_ok=True)
            summary_file.write_text(json.dumps(summary, indent=2, default=str) + "\n")
            print(text, file=sys.stderr)
            print(f"[profile] {part} done in {time.monotonic() - t:.0f} s", file=sys.stderr, flush=True)
    finally:
        if server:
            server.stop()
        else:
            db.close()
    return 0


def _has_rust() -> bool:
    try:
        import importlib.util

        return (
            importlib.util.find_spec("neo4j._rust") is not None
            or importlib.util.find_spec("neo4j_rust_ext") is not None
        )
    except Exception:
        return False


if __name__ == "__main__":
    sys.exit(main())
