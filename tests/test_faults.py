"""A server killed in the middle of a large load: the
graph is as it was before that load, the load and the next command fail with
a clear error, a connection pool opened before the kill works after the
restart, and running the load again completes.

These tests start their own throwaway Neo4j (free ports, a temporary home,
the installed jars) and SIGKILL it; the session's test server is never
touched. The catalog is generated: 1,000 instruments x 40 topics = 40,000
coverage cells in CSV files, eight batches of the loader's.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import NOW, ROOT, TEST_SERVER_JVM_FLAGS, graph_dump

from kb.config import Settings
from kb.db import Database
from kb.load import load

pytestmark = pytest.mark.slow

INSTRUMENTS, TOPICS = 1_000, 40


def make_big_catalog(folder: Path, version: int) -> Path:
    """A valid catalog of INSTRUMENTS x TOPICS cells. Version 1 changes the
    note of every tenth instrument's cells and adds 100 instruments."""
    folder.mkdir(parents=True)
    n = INSTRUMENTS + (100 if version else 0)
    modes = ("explicit", "implicit", "conflicts", "silent")

    def table(name: str, header: list[str], rows) -> None:
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(header)
            w.writerows(rows)

    table("sources", ["id", "title", "kind"], [["gen:src", "Generated source", "catalog"]])
    table("jurisdictions", ["code", "name", "kind", "source"], [["GEN", "Generatia", "national", "gen:src"]])
    table(
        "topics",
        ["slug", "name", "definition", "rank", "source"],
        [[f"topic_{t}", f"Topic {t}", f"Generated topic {t}.", t + 1, "gen:src"] for t in range(TOPICS)],
    )
    table(
        "instruments",
        ["id", "name", "kind", "binding", "status", "jurisdiction", "catalog_rank", "source"],
        [
            [f"GEN-{i}", f"Generated instrument {i}", "voluntary_code", "false", "in_force", "GEN", i + 1, "gen:src"]
            for i in range(n)
        ],
    )

    def note(i: int, t: int) -> str:
        return f"cell {i}/{t}" + (" (revised)" if version and i % 10 == 0 else "")

    table(
        "treats",
        ["instrument", "topic", "mode", "confidence", "note", "source"],
        [
            [f"GEN-{i}", f"topic_{t}", modes[(i + t) % 4], "medium", note(i, t), "gen:src"]
            for i in range(n)
            for t in range(TOPICS)
        ],
    )
    return folder


@pytest.fixture
def throwaway_server(tmp_path):
    """A Neo4j of our own, on free ports, to kill."""
    from kb.errors import KbError
    from kb.server.local import LocalServer, free_port

    installed = LocalServer.default()
    if not installed.installed():
        pytest.skip("kb's local server is not installed (`kb db install`)")
    server = LocalServer(
        home=tmp_path / "neo4j-home",
        lib=installed.lib,
        bolt_port=free_port(),
        http_port=free_port(),
        heap="1g",
        pagecache="256m",
        jvm_flags=TEST_SERVER_JVM_FLAGS,
    )
    try:
        server.start(timeout=240)
    except KbError as e:
        pytest.skip(f"the throwaway server did not start: {e}")
    try:
        yield server
    finally:
        server.stop(timeout=0)  # a throwaway: killed, not shut down cleanly


def settings_of(server) -> Settings:
    return Settings(uri=server.bolt_uri, password=os.environ.get("NEO4J_PASSWORD") or server.stored_password())


def wait_for_write_phase(admin: Database, proc: subprocess.Popen, timeout: float = 300) -> str:
    """Wait until the loader runs one of its UNWIND batches; return its query."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the load ended before it could be killed: {proc.communicate()}"
        rows = admin.read(
            "SHOW TRANSACTIONS YIELD currentQuery, status "
            "WHERE currentQuery STARTS WITH 'UNWIND $rows' RETURN currentQuery, status"
        )
        if rows:
            return rows[0]["currentQuery"]
        time.sleep(0.2)
    raise AssertionError("the load never reached its write phase")


def test_sigkill_mid_load_leaves_the_graph_as_before_and_a_rerun_completes(throwaway_server, tmp_path):
    server = throwaway_server
    settings = settings_of(server)
    baseline_files = make_big_catalog(tmp_path / "v0", version=0)
    changed_files = make_big_catalog(tmp_path / "v1", version=1)

    keeper = Database(settings)  # stays open across the kill and the restart
    t0 = time.monotonic()

    def lap(what: str) -> None:
        print(f"{time.monotonic() - t0:7.1f} s  {what}")

    try:
        from kb.schema.statements import schema_statements

        for statement in schema_statements():
            keeper.write(statement)
        lap("catalogs written")
        load(keeper, [baseline_files])
        lap("baseline loaded")
        baseline = graph_dump(keeper)
        lap("baseline loaded and dumped")
        assert len(baseline[1]) >= INSTRUMENTS * TOPICS

        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")},
            "NEO4J_URI": settings.uri,
            "NEO4J_USER": settings.user,
            "NEO4J_PASSWORD": settings.password,
            "NEO4J_DATABASE": settings.database,
        }
        loader = subprocess.Popen(
            [sys.executable, "-m", "kb.loaders", str(changed_files)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            with Database(settings) as admin:
                wait_for_write_phase(admin, loader)
                lap("the loader is writing")
            time.sleep(0.5)  # a few batches in
            assert loader.poll() is None
            os.kill(server.pid(), signal.SIGKILL)
            # the loader's managed transaction retries for 15 s, then gives up
            out, err = loader.communicate(timeout=180)
            lap("the loader gave up")
        finally:
            if loader.poll() is None:
                loader.kill()
        # a server that went away mid-command: a clear error, exit 1, no traceback
        assert loader.returncode == 1, err
        assert err.startswith("Error: ") and "Traceback" not in err, err
        assert len(err.strip().splitlines()) == 1, err  # one line: no driver retry chatter
        assert "cannot reach Neo4j" in err or "was lost while the transaction committed" in err, err
        while server.pid() is not None:
            time.sleep(0.1)
        # and the next command, to a server that is gone, says what to do
        gone = subprocess.run(
            [sys.executable, "-m", "kb.cli", "--verbose", "stats"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert gone.returncode == 1
        assert gone.stderr.startswith(f"Error: cannot reach Neo4j at {settings.uri}: check NEO4J_URI")
        assert "Traceback" not in gone.stderr and settings.password not in gone.stdout + gone.stderr

        server.start(timeout=240)
        lap("restarted")
        # the old connection pool recovers: a read on the same driver succeeds after the restart
        assert keeper.read("RETURN 1 AS one") == [{"one": 1}]
        assert graph_dump(keeper) == baseline  # no partial batch survived the kill
        lap("graph equals the baseline")

        report = load(keeper, [changed_files])  # running the load again completes
        lap("the second load completed")
        assert report.totals().created > 0
        rows = keeper.read(
            f"MATCH (:Instrument)-[:HAS_STATE]->(i) WHERE i.recorded_to = {NOW} WITH count(i) AS n "
            "MATCH (:Instrument {id: 'GEN-10'})-[t:TREATS]->(:Topic {slug: 'topic_3'}) "
            "RETURN n, t.note AS note, t.recorded_to = " + NOW + " AS current ORDER BY current"
        )
        # the revised cell is current; the baseline's is kept, closed
        assert rows == [
            {"n": INSTRUMENTS + 100, "note": "cell 10/3", "current": False},
            {"n": INSTRUMENTS + 100, "note": "cell 10/3 (revised)", "current": True},
        ]
    finally:
        keeper.close()
