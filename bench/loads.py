"""The three ways of loading a catalog that the bench compares, each run in a
child process of its own (so its memory is its own and a crash or a kill
cannot take the bench down):

    python bench/loads.py kb    DIR    kb's loader, end to end from files (kb.load.load;
                                       --at T: recorded at T, as kb load --recorded-at)
    python bench/loads.py floor DIR    the floor: one hand-written UNWIND + MERGE statement
                                       per batch, nodes then edges, ONE transaction
                                       (or one per --commit-every rows, as kb's), writing
                                       the graph kb writes (identity and state nodes,
                                       record-time intervals) into an empty database
    python bench/loads.py orm   DIR    the ORM way: one neomodel save()/connect() per object,
                                       each its own transaction, until --seconds run out

The server comes from NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD. Each prints
JSON lines on stdout: ``{"event": "phase", ...}`` as it goes (so the parent
knows how far a load got if it dies) and one ``{"event": "done", ...}`` at
the end, with the times, the row counts and the peak RSS (VmHWM) of this
process.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

T0 = time.monotonic()


def rss_mib(field: str = "VmRSS") -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def emit(event: str, **kw) -> None:
    cpu = os.times()
    kw.update(
        event=event,
        t=round(time.monotonic() - T0, 3),
        rss_mib=round(rss_mib(), 1),
        hwm_mib=round(rss_mib("VmHWM"), 1),
        cpu_seconds=round(cpu.user + cpu.system, 2),
    )
    sys.stdout.write(json.dumps(kw, default=str) + "\n")
    sys.stdout.flush()


def database():
    from kb.config import Settings
    from kb.db import Database

    return Database(
        Settings(
            uri=os.environ["NEO4J_URI"],
            user=os.environ.get("NEO4J_USER", "neo4j"),
            password=os.environ["NEO4J_PASSWORD"],
        )
    )


# -- kb's loader ---------------------------------------------------------------
def run_kb(folder: Path, commit_every: int | None = None, at: datetime | None = None) -> None:
    """kb.load.load, untouched, with timers wrapped around its phases from
    outside: read (the files read whole: nodes, YAML), prepare (read + the
    edge files streamed + validation, the read included; in a load in one
    transaction the rows are written as they are checked, so this includes
    most of the writing), write (a load in parts: writing after checking),
    transaction (a load in one transaction, prepare included, its commit
    not), jurisdictions (their kept gaps, after the commit) and statistics
    (the index resample and replanning after a large load)."""
    import kb.load
    import kb.loaders

    phases: dict[str, float] = {}

    def timed(name, fn):
        def wrapper(*a, **kw):
            emit("phase", phase=name, state="start")
            t = time.monotonic()
            out = fn(*a, **kw)
            phases[name] = round(time.monotonic() - t, 3)
            extra = {}
            if name == "read":
                extra["records"] = len(out.records)
                extra["streamed_files"] = len(out.streams)
            emit("phase", phase=name, state="end", seconds=phases[name], **extra)
            return out

        return wrapper

    kb.loaders.read_paths = timed("read", kb.loaders.read_paths)
    kb.load.prepare = timed("prepare", kb.load.prepare)
    kb.load.write = timed("write", kb.load.write)
    kb.load.check_and_write = timed("transaction", kb.load.check_and_write)
    kb.load.keep_jurisdictions = timed("jurisdictions", kb.load.keep_jurisdictions)
    kb.load.refresh_statistics = timed("statistics", kb.load.refresh_statistics)
    db = database()
    emit("phase", phase="connected", state="end")
    t = time.monotonic()
    report = kb.load.load(db, [folder], commit_every=commit_every, at=at)
    total = time.monotonic() - t
    totals = report.totals()
    db.close()
    emit(
        "done",
        seconds=round(total, 3),
        phases=phases,
        records=report.records,
        created=totals.created,
        updated=totals.updated,
        unchanged=totals.unchanged,
        removed=totals.removed,
        change_set=report.change_set,
        recounted=report.recounted,
        nodes={k: v.created for k, v in report.nodes.items()},
        edges={k: v.created for k, v in report.edges.items()},
        updated_by_kind={k: v.updated for k, v in (*report.nodes.items(), *report.edges.items()) if v.updated},
    )


# -- the floor -----------------------------------------------------------------
# What a hand-written loader of these CSV files into an empty database sends,
# writing the graph kb writes (docs/history.md): per record an identity node
# (its key) and a HAS_STATE state node (the properties, typed as kb types
# them, the key, recorded_from / recorded_to / first_recorded_at); per edge
# one edge between identity nodes with the same interval. One plain UNWIND +
# MERGE statement per batch: no change detection, no history, no kept counts.
NODE_FILES = [  # section, label, key property
    ("sources", "Source", "id"),
    ("jurisdictions", "Jurisdiction", "code"),
    ("topics", "Topic", "slug"),
    ("developers", "Developer", "id"),
    ("instruments", "Instrument", "id"),
    ("papers", "Paper", "id"),
]
REFS = {  # section: [(field, rel type, target label, target key)]
    "jurisdictions": [("part_of", "PART_OF", "Jurisdiction", "code")],
    "developers": [("home", "BASED_IN", "Jurisdiction", "code")],
    "instruments": [
        ("jurisdiction", "ISSUED_IN", "Jurisdiction", "code"),
        ("issued_by", "ISSUED_BY", "Developer", "id"),
    ],
}
NOT_PROPS = {"part_of", "home", "jurisdiction", "issued_by", "status_history"}
EDGE_FILES = [  # section, type, start field, end field, key props
    ("treats", "TREATS", "instrument", "topic", ()),
    ("conflicts", "CONFLICTS_WITH", "instrument", "other", ("topic",)),
    ("cites", "CITES", "from", "to", ()),
    ("addresses", "ADDRESSES", "paper", "topic", ()),
    ("similar", "SIMILAR_TO", "paper", "other", ()),
    ("signed", "SIGNED", "developer", "instrument", ()),
    ("revokes", "REVOKES", "instrument", "revoked", ()),
]
DATES = {"accessed", "introduced", "adopted", "effective", "ended", "date"}
INTS = {"rank", "catalog_rank", "year"}
BOOLS = {"binding"}
LISTS = {"authors"}
KEY_OF = {label: key for _, label, key in NODE_FILES}
# The interval of a fact recorded now and current: [now, FOREVER).
OPEN = "x.recorded_from = $now, x.recorded_to = datetime('9999-12-31T00:00:00Z'), x.first_recorded_at = $now"


def typed(field: str, value: str):
    """A CSV value as kb types it; an empty field is null, as kb writes it
    (so both graphs hold the same properties)."""
    if value == "":
        return None
    if field in DATES:
        return date.fromisoformat(value)
    if field in INTS:
        return int(value)
    if field in BOOLS:
        return value == "true"
    if field in LISTS:
        return [v.strip() for v in value.split(";") if v.strip()]
    return value


def run_floor(folder: Path, commit_every: int | None = None, batch: int = 5000) -> None:
    db = database()
    now = datetime.now(UTC)
    sent = {"rows": 0, "statements": 0}
    write_seconds = [0.0]
    labels_of: dict[str, str] = {}  # key -> label, for CITES (paper or instrument)

    def send(tx, statement: str, rows: list[dict]) -> None:
        t = time.monotonic()
        tx.run(statement, rows=rows, now=now).consume()
        write_seconds[0] += time.monotonic() - t
        sent["rows"] += len(rows)
        sent["statements"] += 1

    def batches(path: Path):
        if not path.exists():
            return
        with path.open(newline="", encoding="utf-8") as f:
            rows = []
            for rec in csv.DictReader(f):
                rows.append(rec)
                if len(rows) >= batch:
                    yield rows
                    rows = []
            if rows:
                yield rows

    def work(tx):
        refs: dict[tuple, list[dict]] = {}
        for section, label, key in NODE_FILES:
            emit("phase", phase=f"nodes:{label}", state="start")
            statement = (
                f"UNWIND $rows AS row MERGE (n:{label} {{{key}: row.key}}) "
                f"CREATE (n)-[:HAS_STATE]->(x:{label}State) SET x = row.props, x.{key} = row.key, {OPEN}"
            )
            for recs in batches(folder / f"{section}.csv"):
                rows = []
                for r in recs:
                    props = {f: typed(f, v) for f, v in r.items() if f != key and f not in NOT_PROPS}
                    if section == "instruments":
                        hist = [h.split(":", 2) for h in (r.get("status_history") or "").split(";") if h]
                        # lists, empty without a history, as kb writes them
                        props["status_dates"] = [date.fromisoformat(h[0]) for h in hist]
                        props["status_values"] = [h[1] for h in hist]
                        props["status_sources"] = [h[2] for h in hist]
                    rows.append({"key": r[key], "props": props})
                    labels_of[r[key]] = label
                    for fld, rel, tlabel, tkey in REFS.get(section, ()):
                        if r.get(fld):
                            refs.setdefault((label, key, rel, tlabel, tkey), []).append(
                                {"key": r[key], "target": r[fld], "source": r.get("source")}
                            )
                send(tx, statement, rows)
        emit("phase", phase="references", state="start")
        for (label, key, rel, tlabel, tkey), rows in refs.items():
            statement = (
                f"UNWIND $rows AS row MATCH (n:{label} {{{key}: row.key}}) "
                f"MATCH (t:{tlabel} {{{tkey}: row.target}}) MERGE (n)-[x:{rel}]->(t) "
                f"SET x.source = row.source, {OPEN}"
            )
            for i in range(0, len(rows), batch):
                send(tx, statement, rows[i : i + batch])
        for section, rel, sfield, efield, key_props in EDGE_FILES:
            emit("phase", phase=f"edges:{rel}", state="start")
            merge_props = ", ".join(f"{k}: row.props.{k}" for k in key_props)
            merge_props = f" {{{merge_props}}}" if merge_props else ""
            for recs in batches(folder / f"{section}.csv"):
                groups: dict[tuple[str, str], list[dict]] = {}  # CITES: paper or instrument at either end
                for r in recs:
                    props = {f: typed(f, v) for f, v in r.items() if f not in (sfield, efield)}
                    pair = (labels_of[r[sfield]], labels_of[r[efield]])
                    groups.setdefault(pair, []).append({"start": r[sfield], "end": r[efield], "props": props})
                for (sl, el), rows in groups.items():
                    statement = (
                        f"UNWIND $rows AS row MATCH (a:{sl} {{{KEY_OF[sl]}: row.start}}) "
                        f"MATCH (b:{el} {{{KEY_OF[el]}: row.end}}) "
                        f"MERGE (a)-[x:{rel}{merge_props}]->(b) "
                        f"SET x += row.props, {OPEN}"
                    )
                    send(tx, statement, rows)
        emit("phase", phase="commit", state="start")

    t = time.monotonic()
    if commit_every:  # statements gathered and sent in transactions of about commit_every rows

        class Chunked:
            def __init__(self):
                self.pending: list[tuple[str, dict]] = []
                self.rows = 0

            def run(self, statement, **params):
                self.pending.append((statement, params))
                self.rows += len(params.get("rows") or ())
                if self.rows >= commit_every:
                    self.flush()
                return self

            def consume(self):
                return None

            def flush(self):
                pending, self.pending, self.rows = self.pending, [], 0

                def tx_work(tx):
                    for statement, params in pending:
                        tx.run(statement, params).consume()

                if pending:
                    db.write_tx(tx_work)

        chunked = Chunked()
        work(chunked)
        chunked.flush()
    else:
        db.write_tx(work)
    total = time.monotonic() - t
    db.close()
    emit("done", seconds=round(total, 3), write_seconds=round(write_seconds[0], 3), **sent)


# -- the ORM way ---------------------------------------------------------------
def run_orm(folder: Path, seconds: float = 60.0) -> None:
    """One neomodel save() per node and one connect() per edge, each in its
    own transaction (neomodel's default outside `db.transaction`), on the
    first instruments in catalog order: the topics and jurisdictions, the
    instruments, then their TREATS cells, until the time runs out. A node
    record is an identity node, a state node and the HAS_STATE edge between
    them (three objects); an edge record one edge. The rates: objects
    (nodes + edges) per second, and records (rows of the files) per second,
    which is what kb's rows/s is compared with."""
    from kb.schema import model

    db = database()
    db.bind_neomodel()
    now = datetime.now(UTC)
    interval = {"recorded_from": now, "recorded_to": model.FOREVER, "first_recorded_at": now}
    done = {"nodes": 0, "edges": 0, "records": 0, "treats": 0}
    deadline = time.monotonic() + seconds

    def read(section):
        p = folder / f"{section}.csv"
        with p.open(newline="", encoding="utf-8") as f:
            yield from csv.DictReader(f)

    def props_of(rec, drop):
        return {f: typed(f, v) for f, v in rec.items() if f not in drop}

    def record(identity, state):
        """Save an identity, its state and the HAS_STATE edge: one record."""
        identity.save()
        state.save()
        identity.states.connect(state)
        done["nodes"] += 2
        done["edges"] += 1
        done["records"] += 1
        return identity

    t = time.monotonic()
    emit("phase", phase="topics", state="start")
    topics = {}
    for r in read("topics"):
        topics[r["slug"]] = record(model.Topic(slug=r["slug"]), model.TopicState(**interval, **props_of(r, ())))
    emit("phase", phase="jurisdictions", state="start")
    jurs = {}
    for r in read("jurisdictions"):
        jurs[r["code"]] = record(
            model.Jurisdiction(code=r["code"]), model.JurisdictionState(**interval, **props_of(r, ("part_of",)))
        )
    emit("phase", phase="instruments+treats", state="start")
    out_of_time = False
    inst_iter = read("instruments")
    treats_iter = read("treats")
    pending = next(treats_iter, None)
    for r in inst_iter:
        if time.monotonic() > deadline:
            out_of_time = True
            break
        # Without the status history's lists: neomodel's ArrayProperty calls
        # deflate(item, rethrow=False), which kb's NativeDateProperty.deflate
        # does not accept, so a state with status_dates cannot be save()d.
        p = props_of(r, ("jurisdiction", "issued_by", "status_history", "id"))
        inst = record(model.Instrument(identifier=r["id"]), model.InstrumentState(identifier=r["id"], **interval, **p))
        inst.jurisdiction.connect(jurs[r["jurisdiction"]], {"source_ref": r["source"], **interval})
        done["edges"] += 1
        while pending is not None and pending["instrument"] == r["id"]:
            c = pending
            inst.treats.connect(
                topics[c["topic"]],
                {
                    "mode": c["mode"],
                    "pinpoint": c["pinpoint"] or None,
                    "confidence": c["confidence"],
                    "note": c["note"] or None,
                    "source_ref": c["source"],
                    **interval,
                },
            )
            done["edges"] += 1
            done["treats"] += 1
            done["records"] += 1
            pending = next(treats_iter, None)
            if time.monotonic() > deadline:
                out_of_time = True
                break
        if out_of_time:
            break
    total = time.monotonic() - t
    db.close()
    objects = done["nodes"] + done["edges"]
    emit(
        "done",
        seconds=round(total, 3),
        objects=objects,
        out_of_time=out_of_time,
        objects_per_second=round(objects / total, 1),
        records_per_second=round(done["records"] / total, 1),
        **done,
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("how", choices=["kb", "floor", "orm"])
    ap.add_argument("folder", type=Path)
    ap.add_argument(
        "--commit-every",
        type=int,
        default=None,
        help="kb and floor: commit about every N rows (kb load --commit-every), not one transaction",
    )
    ap.add_argument("--seconds", type=float, default=60.0, help="orm: stop after this long")
    ap.add_argument(
        "--at", default=None, help="kb: the load's recorded instant (ISO 8601, as kb load --recorded-at); default now"
    )
    args = ap.parse_args(argv)
    if args.how == "kb":
        at = datetime.fromisoformat(args.at.replace("Z", "+00:00")) if args.at else None
        run_kb(args.folder, args.commit_every, at)
    elif args.how == "floor":
        run_floor(args.folder, args.commit_every)
    else:
        run_orm(args.folder, args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
