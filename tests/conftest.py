"""Every test gets a real Neo4j.

Where it comes from, in order:
1. NEO4J_TEST_URI (with NEO4J_TEST_USER, NEO4J_TEST_PASSWORD,
   NEO4J_TEST_DATABASE), a server you run yourself. The tests delete
   everything in its database, before each test and at the end. A database
   that holds data when the session starts (data this session did not write)
   is refused: the run stops before anything is written. Set
   NEO4J_TEST_ALLOW_WIPE=1 to let the tests delete what it holds.
2. testcontainers' Neo4jContainer, when a Docker engine answers.
3. kb's local server from Maven Central, started on free ports with a
   throwaway data folder for this test session and killed at the end.

When CI=true a server that cannot be had fails the run; it never skips.

The session fixture ``neo4j_server`` owns the server; ``neo4j_http_port``
and ``local_server`` hand out its HTTP port and, when it is kb's local
server, the server itself. ``db`` is the database emptied for one test.
``corpus_db``, ``synth_db`` and the graphs that test files build with
``shared_graph`` are built once and shared by the tests that only read
them: a test that writes to one is noticed (the database's last committed
transaction moved) and the next test gets it built again. The tests that
share a graph run one after another (pytest_collection_modifyitems): the
corpus and the synthetic catalog are built once per run, not once per file.

`pytest -m "not slow"` is a quick run: it leaves out the tests marked slow
(more than about two seconds each on a 2-core machine) and the property tests try a third of their
examples (helpers.examples); `make test` runs everything in full.
"""

from __future__ import annotations

import copy
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import helpers
import pytest
from click.testing import CliRunner
from helpers import CHROMIUM_INSTALL, CORPUS, load_synth, refuse_data_not_ours, unavailable

from kb.config import Settings
from kb.db import Database

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


@dataclass
class Neo4jUnderTest:
    """The server the session's tests run against."""

    settings: Settings
    reused: bool = False  # NEO4J_TEST_URI: a server the tests did not start, whose data they must not take
    local: Any = None  # kb's LocalServer, when the tests started one
    http_host: str = "127.0.0.1"
    http_port: int | None = None


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory) -> Neo4jUnderTest:
    uri = os.environ.get("NEO4J_TEST_URI")
    if uri:
        yield Neo4jUnderTest(
            Settings(
                uri=uri,
                user=os.environ.get("NEO4J_TEST_USER", "neo4j"),
                password=os.environ.get(TEST_PASSWORD_ENV),
                database=os.environ.get("NEO4J_TEST_DATABASE", "neo4j"),
            ),
            reused=True,
        )
        return
    if _docker_answers():
        from testcontainers.neo4j import Neo4jContainer

        password = "kb-test-password"
        with Neo4jContainer(NEO4J_IMAGE, password=password) as container:
            yield Neo4jUnderTest(
                Settings(uri=container.get_connection_url(), password=password),
                http_host=container.get_container_host_ip(),
                http_port=int(container.get_exposed_port(7474)),
            )
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
        home=home,
        lib=installed.lib,
        bolt_port=free_port(),
        http_port=free_port(),
        heap="1g",
        pagecache="512m",
        jvm_flags=helpers.TEST_SERVER_JVM_FLAGS,
    )
    try:
        server.start(timeout=180)
    except KbError as e:
        _unavailable(f"the local server did not start: {e}")
    try:
        yield Neo4jUnderTest(
            Settings(uri=server.bolt_uri, password=os.environ.get("NEO4J_PASSWORD") or server.stored_password()),
            local=server,
            http_port=server.http_port,
        )
    finally:
        server.stop(timeout=0)  # a throwaway: killed, not shut down cleanly
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def neo4j_settings(neo4j_server) -> Settings:
    return neo4j_server.settings


@pytest.fixture(scope="session")
def neo4j_http_port(neo4j_server) -> int:
    """The test server's HTTP port (Neo4j Browser)."""
    if neo4j_server.http_port is None:
        pytest.skip("the HTTP port of the server at NEO4J_TEST_URI is not known")
    return neo4j_server.http_port


@pytest.fixture
def local_server(neo4j_server):
    """kb's local server the session started (kb.server.local.LocalServer)."""
    if neo4j_server.local is None:
        pytest.skip("the test server is not kb's local server (NEO4J_TEST_URI or Docker)")
    return neo4j_server.local


@pytest.fixture(scope="session")
def session_db(neo4j_server) -> Database:
    from kb.schema.statements import schema_statements

    settings = neo4j_server.settings
    db = Database(settings)
    info = db.verify()
    print(f"\nNeo4j under test: {info.get('version')} {info.get('edition')} at {settings.uri}")
    if neo4j_server.reused:
        refuse_data_not_ours(db, settings)
    _drop_stale_schema(db, schema_statements())
    for statement in schema_statements():
        db.write(statement)
    try:
        yield db
    finally:
        if neo4j_server.reused:  # leave it empty, as it was found
            db.write("MATCH (n) DETACH DELETE n")
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


class SharedGraph:
    """What the session's database holds: a graph built once and handed to
    every test that asks for it while nothing has written to it since."""

    def __init__(self, db: Database):
        self.db = db
        self.name: str | None = None
        self.value: Any = None
        self.mark: frozenset[str] = frozenset()

    def last_transaction(self) -> frozenset[str]:
        """The bookmark of a read: it names the database's last committed
        transaction, whoever committed it."""
        with self.db.session(default_access_mode="READ") as s:
            s.run("RETURN 1").consume()
            return frozenset(s.last_bookmarks().raw_values)

    def holding(self, name: str, build: Callable[[Database], Any]) -> Any:
        """The database holding graph ``name``: built by ``build`` into an
        empty database unless it holds that graph untouched. Returns a copy
        of what ``build`` returned."""
        if self.name != name or self.mark != self.last_transaction():
            self.name = None
            self.db.write("MATCH (n) DETACH DELETE n")
            self.value = build(self.db)
            self.name, self.mark = name, self.last_transaction()
            helpers.RUN_FIGURES[f"built {name}"] += 1
        return copy.deepcopy(self.value)


@pytest.fixture(scope="session")
def shared_graph(session_db, pytestconfig) -> SharedGraph:
    graph = SharedGraph(session_db)
    return graph


@pytest.fixture
def db(shared_graph) -> Database:
    """A real database, emptied before the test."""
    shared_graph.holding("empty", lambda db: None)
    return shared_graph.db


@pytest.fixture
def corpus_db(shared_graph) -> Database:
    """The curated corpus, loaded once and shared by read-only tests."""
    from kb.load import load

    def build(db: Database) -> None:
        load(db, [CORPUS])

    shared_graph.holding("corpus", build)
    return shared_graph.db


@pytest.fixture
def synth_db(shared_graph, tmp_path_factory) -> Database:
    """The synthetic catalog loaded twice (helpers.load_synth), shared by read-only tests."""
    root = tmp_path_factory.getbasetemp() / "synth"

    def build(db: Database) -> None:
        load_synth(db, root)

    shared_graph.holding("synth", build)
    return shared_graph.db


NAME_CONSTRAINT = "kb_test_unique_instrument_name"


@pytest.fixture
def unique_instrument_names(db):
    """A server that refuses a second instrument state with a name another
    state holds (a constraint an operator might add, not kb's): valid files
    whose write the SERVER refuses part way (helpers.CLASH), for the tests
    of what a failed write leaves behind. Dropped after the test."""
    db.write(f"CREATE CONSTRAINT {NAME_CONSTRAINT} IF NOT EXISTS FOR (x:InstrumentState) REQUIRE x.name IS UNIQUE")
    try:
        yield db
    finally:
        db.write(f"DROP CONSTRAINT {NAME_CONSTRAINT} IF EXISTS")


@pytest.fixture(scope="module")
def chrome():
    """Headless Chromium driven by Selenium (Debian's chromium and chromium-driver), one per test file."""
    chromium = shutil.which("chromium")
    driver_bin = shutil.which("chromedriver")
    if not chromium or not driver_bin:
        unavailable(
            "headless Chromium and its driver are needed for the browser tests and were not found", CHROMIUM_INSTALL
        )
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        unavailable("the selenium package is missing", "pip install -e '.[dev]'")
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1600,1000"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_bin), options=opts)
    try:
        yield driver
    finally:
        driver.quit()


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


def pytest_configure(config):
    """A run that leaves out the slow tests is a quick one: property tests
    try fewer examples (helpers.examples); the full run tries them all."""
    helpers.QUICK_RUN = "not slow" in " ".join((config.getoption("markexpr") or "").split())


def _shared_graph_of(item) -> tuple[str, str] | None:
    """The fixture through which ``item`` reads a shared graph, if any: where
    it is defined (conftest.py's are the session's, a test file's its own) and
    its name."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return None
    for name in item.fixturenames:
        defs = info.name2fixturedefs.get(name)
        if name != "db" and defs and "shared_graph" in defs[-1].argnames:
            return defs[-1].baseid, name
    return None


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups off the items
def pytest_collection_modifyitems(session, config, items):
    """The tests that read one shared graph run one after another, where the
    first of them stood, those marked ``edits_shared_graph`` last: the corpus
    and the synthetic catalog (conftest.py's) are built once per run rather
    than once per test file, a test file's own graphs once per file. Every
    other test keeps its place."""
    first: dict[tuple[str, str], int] = {}
    keyed = []
    for i, item in enumerate(items):
        graph = _shared_graph_of(item)
        if graph:  # with pytest-xdist (`--dist loadgroup`), one worker runs them all
            item.add_marker(pytest.mark.xdist_group("::".join(graph)))
        edits = graph is not None and item.get_closest_marker("edits_shared_graph") is not None
        keyed.append((first.setdefault(graph, i) if graph else i, edits, i, item))
    items[:] = [item for *_, item in sorted(keyed, key=lambda k: k[:3])]


def pytest_sessionfinish(session):
    """A pytest-xdist worker hands its figures to the controller."""
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["kb_figures"] = dict(helpers.RUN_FIGURES)


def pytest_testnodedown(node, error):
    """The controller adds up its workers' figures."""
    helpers.RUN_FIGURES.update(getattr(node, "workeroutput", {}).get("kb_figures", {}))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    figures = helpers.RUN_FIGURES
    if "hostile tried" in figures:
        tried, loaded = figures["hostile tried"], figures["hostile loaded"]
        terminalreporter.write_sep("-", f"hostile input: {tried} cases tried, {loaded} of them loaded into Neo4j")
    built = {k.removeprefix("built "): n for k, n in figures.items() if k.startswith("built ") and k != "built empty"}
    if built:
        terminalreporter.write_line("shared graphs built: " + ", ".join(f"{k} {n}" for k, n in sorted(built.items())))
