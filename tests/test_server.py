"""The local server, connection settings and their errors, against real Neo4j."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import urllib.request
from datetime import UTC

import pytest

from kb.config import Settings
from kb.db import Database
from kb.errors import AuthFailed, ConnectionFailed
from kb.server.local import LocalServer, free_port, pinned_versions


def test_server_is_the_pinned_neo4j(session_db):
    info = session_db.verify()
    assert info["version"] == pinned_versions()["neo4j"]
    assert info["version"].startswith("5.26.")


def test_neomodel_round_trip(db):
    """The schema classes write and read the model: an identity holding its
    key, a state holding its properties and interval, HAS_STATE between."""
    from datetime import date, datetime

    from kb.schema.model import FOREVER, Jurisdiction, JurisdictionState, Source, SourceState

    db.bind_neomodel()
    at = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    interval = {"recorded_from": at, "recorded_to": FOREVER, "first_recorded_at": at}
    src = Source(identifier="test:src").save()
    src.states.connect(
        SourceState(
            identifier="test:src", title="A source", kind="primary", accessed=date(2026, 6, 1), **interval
        ).save()
    )
    xx = Jurisdiction(code="XX").save()
    xx.states.connect(
        JurisdictionState(code="XX", name="Testland", kind="national", source="test:src", **interval).save()
    )

    (state,) = Jurisdiction.nodes.get(code="XX").states.all()
    assert state.name == "Testland" and state.kind == "national"
    assert state.recorded_from == at and state.recorded_to == FOREVER
    (src_state,) = Source.nodes.get(identifier="test:src").states.all()
    assert src_state.accessed == date(2026, 6, 1)
    # stored as native Neo4j dates and datetimes, not strings; the identity holds its key only
    row = db.read(
        "MATCH (s:Source {id: 'test:src'})-[:HAS_STATE]->(x:SourceState) "
        "RETURN valueType(x.accessed) AS d, valueType(x.recorded_to) AS t, properties(s) AS p"
    )[0]
    assert row["d"].startswith("DATE") and row["t"].startswith("ZONED DATETIME")
    assert row["p"] == {"id": "test:src"}


def test_unreachable_server_is_a_clear_error(cli):
    port = free_port()
    result = cli("db", "status", env={"NEO4J_URI": f"bolt://127.0.0.1:{port}"})
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: cannot reach Neo4j at bolt://127.0.0.1:{port}")
    assert "Traceback" not in result.output


def test_unreachable_local_server_says_how_to_start_one(tmp_path):
    settings = Settings(uri=f"bolt://127.0.0.1:{free_port()}", password="whatever1", local=True)
    with pytest.raises(ConnectionFailed, match=r"`kb db start` \(or run `docker compose up -d`\)"):
        Database(settings).verify()


def test_wrong_password_names_the_setting(cli, neo4j_settings):
    result = cli("db", "status", env={"NEO4J_PASSWORD": "not-the-password"})
    assert result.exit_code == 1
    assert "wrong user name or password" in result.output
    assert "NEO4J_PASSWORD" in result.output
    assert "not-the-password" not in result.output


def test_wrong_password_in_python(neo4j_settings):
    # A user of its own: Neo4j locks a user out for a few seconds after three
    # wrong passwords in a row, and the other tests share the user neo4j.
    bad = Settings(uri=neo4j_settings.uri, user="kb-intruder", password="wrong-password-1")
    with pytest.raises(AuthFailed, match="wrong user name or password"):
        Database(bad).verify()


def test_locked_out_user_is_told_to_wait(neo4j_settings):
    """After too many wrong passwords Neo4j refuses even the right one for a
    while; kb says so instead of passing on the server's code."""
    from neo4j import GraphDatabase

    admin = GraphDatabase.driver(neo4j_settings.uri, auth=(neo4j_settings.user, neo4j_settings.password))
    user = "kb-locked-" + os.urandom(4).hex()
    try:
        with admin.session(database="system") as s:
            s.run("CREATE USER $user SET PASSWORD 'right-password-1' CHANGE NOT REQUIRED", user=user).consume()
        bad = Settings(uri=neo4j_settings.uri, user=user, password="wrong-password-1")
        messages = []
        for _ in range(5):
            with pytest.raises(AuthFailed) as e:
                Database(bad).verify()
            messages.append(str(e.value))
        assert "wrong user name or password" in messages[0]
        assert "for a few seconds after too many wrong passwords" in messages[-1]
        assert "Neo.ClientError" not in messages[-1]
    finally:
        with admin.session(database="system") as s:
            s.run("DROP USER $user IF EXISTS", user=user).consume()
        admin.close()


def test_status_of_running_server(cli, neo4j_settings):
    result = cli("db", "status")
    assert result.exit_code == 0, result.output
    assert f"answers at {neo4j_settings.uri}" in result.output


def test_browser_answers_on_the_test_server(neo4j_server, neo4j_http_port):
    with urllib.request.urlopen(f"http://{neo4j_server.http_host}:{neo4j_http_port}/browser/", timeout=10) as r:
        body = r.read().decode()
    assert r.status == 200
    assert "<title>Neo4j Browser</title>" in body


@pytest.mark.slow
def test_local_server_lifecycle_through_the_cli(tmp_path):
    """kb db start / status / stop as a user runs them, in a fresh KB_HOME."""
    installed = LocalServer.default()
    installed.install()
    home = tmp_path / "kbhome"
    (home / "neo4j").mkdir(parents=True)
    os.symlink(installed.lib, home / "neo4j" / "lib")  # reuse the fetched jars
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update(KB_HOME=str(home), KB_NEO4J_HEAP="512m", KB_NEO4J_PAGECACHE="128m")
    bolt, http = free_port(), free_port()
    kb = [sys.executable, "-m", "kb.cli"]

    def run(*args):
        return subprocess.run([*kb, *args], env=env, capture_output=True, text=True, timeout=240)

    try:
        started = run("db", "start", "--bolt-port", str(bolt), "--http-port", str(http))
        assert started.returncode == 0, started.stderr
        assert f"bolt://127.0.0.1:{bolt}" in started.stdout
        assert f"http://127.0.0.1:{http}/browser/" in started.stdout
        password = (home / "neo4j" / "password").read_text().strip()
        assert password not in started.stdout + started.stderr

        # the password file is private
        assert stat.S_IMODE((home / "neo4j" / "password").stat().st_mode) == 0o600
        # loopback only
        conf = (home / "neo4j" / "conf" / "neo4j.conf").read_text()
        assert "server.default_listen_address=127.0.0.1" in conf

        status = run("db", "status")
        assert status.returncode == 0, status.stderr
        assert "answers at" in status.stdout

        with urllib.request.urlopen(f"http://127.0.0.1:{http}/browser/", timeout=10) as r:
            assert r.status == 200

        again = run("db", "start")
        assert again.returncode == 0 and "already running" in again.stdout

        shown = run("db", "password")
        assert shown.stdout.strip() == password
    finally:
        stopped = run("db", "stop")
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    status = run("db", "status")
    assert status.returncode == 1
    assert "cannot reach Neo4j" in status.stderr and "kb db start" in status.stderr


def test_install_twice_is_quick_and_does_nothing():
    server = LocalServer.default()
    server.install()
    assert server.install() is False


@pytest.mark.slow
def test_a_password_starting_with_a_dash_is_set_not_taken_for_an_option(tmp_path, monkeypatch):
    """A generated password (URL-safe base64) can start with '-'; Neo4j's
    admin tool once read such a password as an unknown option and refused to
    set it, so the server could not be started."""
    from kb.server.local import _java

    installed = LocalServer.default()
    server = LocalServer(home=tmp_path / "neo4j", lib=installed.lib, bolt_port=free_port(), http_port=free_port())
    server._lay_out()
    monkeypatch.setenv("NEO4J_PASSWORD", "-Starts-with-a-dash")
    server._ensure_initial_password(_java())
    assert (tmp_path / "neo4j" / "data" / "dbms" / "auth.ini").exists()
