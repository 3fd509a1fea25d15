"""The tests empty their database before every test. A database they did
not start (NEO4J_TEST_URI) that holds data this session did not write is
refused before anything is written, unless NEO4J_TEST_ALLOW_WIPE=1."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from helpers import ALLOW_WIPE_ENV, ROOT, refuse_data_not_ours

PROBE = """
def test_the_database_is_empty(db):
    assert db.read("MATCH (n) RETURN count(n) AS n")[0]["n"] == 0
"""
KEEP = "MATCH (n:Kept {note: 'not the tests'}) RETURN count(n) AS n"


@pytest.mark.slow
def test_a_session_pointed_at_a_database_with_data_stops_before_writing(db, neo4j_settings, tmp_path):
    """A second test session, pointed at this one's server through
    NEO4J_TEST_URI, finds data it did not write: it stops with exit code 4
    and says how to let it go on; the data is still there."""
    db.write("CREATE (:Kept {note: 'not the tests'})")
    (tmp_path / "test_probe.py").write_text(PROBE)
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_") and k != "CI"}
    env.update(
        NEO4J_TEST_URI=neo4j_settings.uri,
        NEO4J_TEST_USER=neo4j_settings.user,
        NEO4J_TEST_PASSWORD=neo4j_settings.password or "",
        NEO4J_TEST_DATABASE=neo4j_settings.database,
        PYTHONPATH=str(ROOT / "tests"),
    )
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "conftest", "-p", "no:cacheprovider", str(tmp_path)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = run.stdout + run.stderr
    assert run.returncode == pytest.ExitCode.USAGE_ERROR, out
    assert "holds data this test session did not write (1 node)" in out, out
    assert f"set {ALLOW_WIPE_ENV}=1 to let the tests delete what it holds" in out, out
    assert "1 passed" not in out
    assert db.read(KEEP) == [{"n": 1}]


def test_allow_wipe_lets_a_session_use_a_database_with_data(db, neo4j_settings, monkeypatch):
    db.write("CREATE (:Kept {note: 'not the tests'})")
    monkeypatch.delenv(ALLOW_WIPE_ENV, raising=False)
    with pytest.raises(pytest.exit.Exception, match=f"{ALLOW_WIPE_ENV}=1"):
        refuse_data_not_ours(db, neo4j_settings)
    monkeypatch.setenv(ALLOW_WIPE_ENV, "1")
    refuse_data_not_ours(db, neo4j_settings)  # goes on
    db.write("MATCH (n:Kept) DETACH DELETE n")
    monkeypatch.delenv(ALLOW_WIPE_ENV)
    refuse_data_not_ours(db, neo4j_settings)  # an empty database is never refused
