"""Every test gets a real Neo4j.

Where it comes from, in order:
1. NEO4J_TEST_URI (with NEO4J_TEST_USER, NEO4J_TEST_PASSWORD), e.g. a server
   you run yourself. Its database is emptied: do not point it at data you keep.
2. testcontainers' Neo4jContainer, when a Docker engine answers.
3. kb's local server from Maven Central, started on free ports with a
   throwaway data folder for this test session and stopped at the end.

When CI=true a server that cannot be had fails the run; it never skips.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.config import Settings
from kb.db import Database

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
NEO4J_IMAGE = "neo4j:5.26.30-community"
TEST_PASSWORD_ENV = "NEO4J_TEST_PASSWORD"


def _docker_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=3).ping()
        return True
    except Exception:
        return False


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"no Neo4j for the tests: {reason}", pytrace=False)
    pytest.skip(f"no Neo4j for the tests: {reason}")


@pytest.fixture(scope="session")
def neo4j_settings(tmp_path_factory) -> Settings:
    uri = os.environ.get("NEO4J_TEST_URI")
    if uri:
        yield Settings(
            uri=uri,
            user=os.environ.get("NEO4J_TEST_USER", "neo4j"),
            password=os.environ.get(TEST_PASSWORD_ENV),
            database=os.environ.get("NEO4J_TEST_DATABASE", "neo4j"),
        )
        return
    if _docker_answers():
        from testcontainers.neo4j import Neo4jContainer

        password = "kb-test-password"
        with Neo4jContainer(NEO4J_IMAGE, password=password) as container:
            yield Settings(uri=container.get_connection_url(), password=password)
        return

    from kb.errors import KbError
    from kb.server.local import LocalServer, free_port

    installed = LocalServer.default()
    try:
        installed.install()
    except KbError as e:
        _unavailable(f"cannot install the local server: {e}")
    home = tmp_path_factory.mktemp("neo4j-home")
    server = LocalServer(
        home=home, lib=installed.lib, bolt_port=free_port(), http_port=free_port(), heap="1g", pagecache="512m"
    )
    try:
        server.start(timeout=180)
    except KbError as e:
        _unavailable(f"the local server did not start: {e}")
    pytest.local_test_server = server  # for tests that need the HTTP port
    try:
        yield Settings(uri=server.bolt_uri, password=os.environ.get("NEO4J_PASSWORD") or server.stored_password())
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def session_db(neo4j_settings) -> Database:
    from kb.schema.statements import schema_statements

    db = Database(neo4j_settings)
    info = db.verify()
    print(f"\nNeo4j under test: {info.get('version')} {info.get('edition')} at {neo4j_settings.uri}")
    _drop_stale_schema(db, schema_statements())
    for statement in schema_statements():
        db.write(statement)
    yield db
    db.close()


def _drop_stale_schema(db: Database, statements: list[str]) -> None:
    """A server the tests reuse (NEO4J_TEST_URI) may hold kb constraints and
    indexes an older schema made (e.g. the unique catalog_rank, which the
    model no longer has, since the states of one instrument repeat it): drop
    those kb named that the schema no longer has (and any a test left)."""
    wanted = {s.split()[2] for s in statements}
    for kind, show in (("CONSTRAINT", "SHOW CONSTRAINTS"), ("INDEX", "SHOW INDEXES")):  # constraints own indexes
        for row in db.read(f"{show} YIELD name"):
            name = row["name"]
            if name.startswith(("constraint_", "index_", "kb_test_")) and name not in wanted:
                db.write(f"DROP {kind} `{name}` IF EXISTS")


_state = {"corpus_loaded": False}


@pytest.fixture
def db(session_db) -> Database:
    """A real database, emptied before the test."""
    session_db.write("MATCH (n) DETACH DELETE n")
    _state["corpus_loaded"] = False
    return session_db


@pytest.fixture
def corpus_db(session_db) -> Database:
    """The curated corpus, loaded once and shared by read-only tests."""
    if not _state["corpus_loaded"]:
        from kb.load import load

        session_db.write("MATCH (n) DETACH DELETE n")
        load(session_db, [CORPUS])
        _state["corpus_loaded"] = True
    return session_db


NAME_CONSTRAINT = "kb_test_unique_instrument_name"


@pytest.fixture
def unique_instrument_names(db):
    """A server that refuses a second instrument state with a name another
    state holds (a constraint an operator might add, not kb's): valid files
    whose write the SERVER refuses part way (test_load.CLASH), for the tests
    of what a failed write leaves behind. Dropped after the test."""
    db.write(f"CREATE CONSTRAINT {NAME_CONSTRAINT} IF NOT EXISTS FOR (x:InstrumentState) REQUIRE x.name IS UNIQUE")
    try:
        yield db
    finally:
        db.write(f"DROP CONSTRAINT {NAME_CONSTRAINT} IF EXISTS")


@pytest.fixture
def cli_env(neo4j_settings) -> dict[str, str]:
    return {
        "NEO4J_URI": neo4j_settings.uri,
        "NEO4J_USER": neo4j_settings.user,
        "NEO4J_PASSWORD": neo4j_settings.password or "",
        "NEO4J_DATABASE": neo4j_settings.database,
    }


class Cli:
    def __init__(self, env: dict[str, str]):
        self.env = env
        self.runner = CliRunner()

    def __call__(self, *args: str, env: dict[str, str] | None = None, input: str | None = None):
        from kb.cli import main

        return self.runner.invoke(
            main, list(args), env={**self.env, **(env or {})}, input=input, catch_exceptions=False
        )


@pytest.fixture
def cli(cli_env) -> Cli:
    """Run `kb ...` in-process against the test server."""
    return Cli(cli_env)
