"""Two loads at once: overlapping files loaded at the
same time end with no duplicate node or edge, and each load reports success
or a clear error that says what to do. Transient errors (a deadlock) are
retried by the managed transaction."""

from __future__ import annotations

import csv
import threading
from pathlib import Path

import pytest
from helpers import CATALOG_LABELS, MINI, NOW, graph_dump

from kb.db import Database
from kb.errors import KbError
from kb.load import load


def write_catalog(
    folder: Path, instruments: range, topics: range, note: str, reverse: bool = False, source: str = "test:c"
) -> Path:
    """A catalog of the given instruments and topics with a cell for each
    pair. Two calls with overlapping ranges make overlapping files; reverse
    writes the rows in the opposite order (so two loads lock in opposite
    orders)."""
    folder.mkdir(parents=True)
    order = (lambda xs: list(reversed(list(xs)))) if reverse else list

    def table(name: str, header: list[str], rows):
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(header)
            w.writerows(rows)

    table("sources", ["id", "title", "kind"], [[source, "Concurrency source", "primary"]])
    table("jurisdictions", ["code", "name", "kind", "source"], [[f"CC-{source[5:]}", "Ceeland", "national", source]])
    table(
        "topics",
        ["slug", "name", "definition", "rank", "source"],
        [[f"t{t}", f"Topic {t}", "A topic.", t + 1, source] for t in order(topics)],
    )
    table(
        "instruments",
        ["id", "name", "kind", "binding", "status", "jurisdiction", "catalog_rank", "source"],
        [
            [f"I-{i}", f"Instrument {i}", "voluntary_code", "false", "in_force", f"CC-{source[5:]}", i + 1, source]
            for i in order(instruments)
        ],
    )
    table(
        "treats",
        ["instrument", "topic", "mode", "confidence", "note", "source"],
        [[f"I-{i}", f"t{t}", "explicit", "high", note, source] for i in order(instruments) for t in order(topics)],
    )
    return folder


def duplicates(db) -> dict[str, list]:
    """Identities sharing a key, identities with more than one current
    state, and current edges sharing (start, type, end, key props)."""
    nodes = db.read(
        "MATCH (n) WHERE any(l IN labels(n) WHERE l IN $labels) "
        "WITH labels(n) AS l, coalesce(n.id, n.code, n.slug) AS k, count(*) AS c WHERE c > 1 "
        "RETURN l, k, c",
        labels=CATALOG_LABELS,
    )
    states = db.read(
        f"MATCH (n)-[:HAS_STATE]->(x) WHERE x.recorded_to = {NOW} "
        "WITH n, count(x) AS c WHERE c > 1 RETURN coalesce(n.id, n.code, n.slug) AS k, c"
    )
    edges = db.read(
        f"MATCH (a)-[r]->(b) WHERE type(r) <> 'HAS_STATE' AND r.recorded_to = {NOW} "
        "WITH elementId(a) AS a, type(r) AS t, elementId(b) AS b, r.topic AS topic, count(*) AS c WHERE c > 1 "
        "RETURN a, t, b, topic, c"
    )
    return {"nodes": nodes + states, "edges": edges}


def run_together(settings, jobs: list[list[Path]]) -> list[BaseException | None]:
    """Run one load per job, each on its own connection, all started at once."""
    start = threading.Barrier(len(jobs))
    outcomes: list[BaseException | None] = [None] * len(jobs)

    def work(i: int, paths: list[Path]) -> None:
        with Database(settings) as conn:
            start.wait()
            try:
                load(conn, paths)
            except BaseException as e:  # noqa: BLE001  (reported and checked below)
                outcomes[i] = e

    threads = [threading.Thread(target=work, args=(i, p)) for i, p in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    return outcomes


CLEAR = ("run this one again", "run the command again", "run the load again")
DATED_BEFORE = "a load cannot be dated before it"


@pytest.mark.parametrize("round_", range(4))
@pytest.mark.slow
def test_two_overlapping_loads_at_once_leave_no_duplicates(db, neo4j_settings, tmp_path, round_):
    # 150 instruments x 12 topics each; 100 instruments and 8 topics in both.
    # Round 0: the same source, in the same order (the second load waits on the first).
    # Rounds 1, 2: each its own source, shared records in opposite orders.
    # Round 3: disjoint topics, shared instruments in opposite orders (the loads
    # meet mid-statement and deadlock).
    topics_b = range(12, 24) if round_ == 3 else range(4, 16)
    a = write_catalog(
        tmp_path / "a", range(0, 150), range(0, 12), note="from a", source="test:c" if round_ == 0 else "test:a"
    )
    b = write_catalog(
        tmp_path / "b",
        range(50, 200),
        topics_b,
        note="from b",
        reverse=round_ > 0,
        source="test:c" if round_ == 0 else "test:b",
    )
    outcomes = run_together(neo4j_settings, [[a], [b]])
    assert duplicates(db) == {"nodes": [], "edges": []}
    for e in outcomes:
        if e is not None:  # a clear conflict, never a crash
            assert isinstance(e, KbError), repr(e)
            assert DATED_BEFORE not in str(e), "a load was refused as dated before another"
            assert any(c in str(e) for c in CLEAR), str(e)
    # a load that lost the race succeeds when run again
    for e, paths in zip(outcomes, [[a], [b]]):
        if e is not None:
            load(db, paths)
    assert duplicates(db) == {"nodes": [], "edges": []}
    counts = db.read(
        f"MATCH (:Instrument)-[:HAS_STATE]->(x) WHERE x.recorded_to = {NOW} WITH count(x) AS i "
        f"MATCH (:Topic)-[:HAS_STATE]->(x) WHERE x.recorded_to = {NOW} WITH i, count(x) AS t "
        f"MATCH (:Instrument)-[c:TREATS]->(:Topic) WHERE c.recorded_to = {NOW} "
        "RETURN i, t, count(c) AS cells"
    )[0]
    # the union of the two: 200 instruments; the cells of both, less those in common
    common = 100 * len(set(range(0, 12)) & set(topics_b))
    assert counts == {"i": 200, "t": len(set(range(0, 12)) | set(topics_b)), "cells": 150 * 12 * 2 - common}


@pytest.mark.slow
def test_same_files_twice_at_once_give_one_graph(db, neo4j_settings):
    outcomes = run_together(neo4j_settings, [[MINI], [MINI], [MINI]])
    for e in outcomes:
        if e is not None:
            assert isinstance(e, KbError) and any(c in str(e) for c in CLEAR), repr(e)
    assert duplicates(db) == {"nodes": [], "edges": []}
    before = graph_dump(db)
    load(db, [MINI])
    assert graph_dump(db) == before


def test_a_deadlock_is_retried_by_the_managed_transaction(db, neo4j_settings):
    """Two transactions that lock two nodes in opposite orders: Neo4j kills
    one with DeadlockDetected (a transient error) and write_tx runs it again;
    both finish."""
    db.write("CREATE (:KbLockTest {k: 1}), (:KbLockTest {k: 2})")
    both_hold_one = threading.Barrier(2, timeout=30)
    attempts = {"first": 0, "second": 0}
    errors: list[BaseException] = []

    def worker(name: str, order: tuple[int, int]) -> None:
        def work(tx):
            attempts[name] += 1
            tx.run("MATCH (n:KbLockTest {k: $k}) SET n.by = $name", k=order[0], name=name).consume()
            if attempts[name] == 1:
                both_hold_one.wait()
            tx.run("MATCH (n:KbLockTest {k: $k}) SET n.by = $name", k=order[1], name=name).consume()

        with Database(neo4j_settings) as conn:
            try:
                conn.write_tx(work)
            except BaseException as e:  # noqa: BLE001
                errors.append(e)

    threads = [
        threading.Thread(target=worker, args=("first", (1, 2))),
        threading.Thread(target=worker, args=("second", (2, 1))),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sorted(attempts.values()) == [1, 2]  # one ran twice: the deadlock was retried
    rows = db.read("MATCH (n:KbLockTest) RETURN n.by AS by")
    assert len({r["by"] for r in rows}) == 1  # the retried one wrote both, after the other


@pytest.mark.slow
def test_constraint_error_says_what_to_do(unique_instrument_names, tmp_path):
    """A write the server refuses for a unique value another record holds
    (here an instrument name, under a constraint the test adds) gives an
    error that says nothing was written and what to do."""
    db = unique_instrument_names
    load(db, [MINI])
    clash = write_catalog(tmp_path / "clash", range(0, 1), range(0, 1), note="x")
    (clash / "instruments.csv").write_text(
        (clash / "instruments.csv")
        .read_text()
        .replace("Instrument 0", "Aland AI Law")
        .replace(",1,test:c", ",4,test:c")
    )
    before = graph_dump(db)
    with pytest.raises(KbError) as e:
        load(db, [clash])
    assert "already exists" in str(e.value)
    assert "Nothing was written" in str(e.value)
    assert "run this one again" in str(e.value)
    assert graph_dump(db) == before


@pytest.mark.slow
def test_a_retried_load_after_another_load_succeeds(db, neo4j_settings, tmp_path):
    """Load A takes its time stamp, then its first attempt fails with a
    transient error (here a dropped connection, as from a deadlock or a
    failover) while load B commits; the managed transaction runs A again,
    which must succeed: nothing about A is wrong."""
    from neo4j.exceptions import ServiceUnavailable

    a = write_catalog(tmp_path / "a", range(0, 3), range(0, 2), note="a", source="test:a")
    b = write_catalog(tmp_path / "b", range(3, 6), range(2, 4), note="b", source="test:b")
    a_started, b_done = threading.Event(), threading.Event()

    class FirstAttemptFails(Database):
        tries = 0

        def write_tx(self, work):
            def flaky(tx):
                FirstAttemptFails.tries += 1
                if FirstAttemptFails.tries == 1:
                    a_started.set()
                    b_done.wait(60)
                    raise ServiceUnavailable("simulated: connection dropped")
                return work(tx)

            return super().write_tx(flaky)

    def load_b():
        a_started.wait(60)
        with Database(neo4j_settings) as conn:
            load(conn, [b])
        b_done.set()

    t = threading.Thread(target=load_b)
    t.start()
    with FirstAttemptFails(neo4j_settings) as conn:
        try:
            load(conn, [a])
        finally:
            t.join(60)
    # the load's transaction twice (the failed attempt, then the retry), then the one that keeps
    # the jurisdictions' figures
    assert FirstAttemptFails.tries == 3
    assert db.read("MATCH (i:Instrument) RETURN count(i) AS n")[0]["n"] == 6
    assert db.read("MATCH (j:Jurisdiction) WHERE j.own_instruments IS NULL RETURN count(j) AS n")[0]["n"] == 0
