"""The tests' toolkit: where the data is, catalogs to write, loading them,
and dumping and comparing what a graph holds.

Plain functions and constants; the fixtures that use them (the server, the
database, the shared graphs) are in conftest.py. Test files import from here,
never from each other.
"""

from __future__ import annotations

import csv
import os
import random
import shutil
import sys
import textwrap
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from kb.schema.model import FOREVER, FOREVER_CYPHER, INTERVAL
from kb.schema.sections import NODE_SECTIONS

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "corpus"
FIXTURES = ROOT / "tests" / "fixtures"
MINI = FIXTURES / "mini"  # a small catalog: two jurisdictions, three instruments, two topics

NOW = FOREVER_CYPHER  # recorded_to of a current fact: `WHERE x.recorded_to = {NOW}` reads the current catalog
T1 = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)  # two instants to date loads at
T2 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)

CATALOG_LABELS = [s.label for s in NODE_SECTIONS]  # identities: Source, Jurisdiction, Topic, ...
STATE_LABELS = [s.state_label for s in NODE_SECTIONS]  # their states: SourceState, ...
KEY = "coalesce(n.id, n.code, n.slug)"

ALLOW_WIPE_ENV = "NEO4J_TEST_ALLOW_WIPE"
# JVM flags of the throwaway servers the tests start (kb.server.local.LocalServer.jvm_flags): the
# client compiler only, which starts the server sooner; the tests' short queries never wait for C2.
TEST_SERVER_JVM_FLAGS = ("-XX:TieredStopAtLevel=1",)
QUICK_RUN = False  # True when the run leaves out the slow tests (conftest.pytest_configure)
# Figures a run prints at its end (conftest.pytest_terminal_summary), summed over pytest-xdist workers:
# "hostile tried" / "hostile loaded" (test_hostile_input), "built <graph>" (the shared graphs).
RUN_FIGURES: Counter[str] = Counter()


def examples(full: int) -> int:
    """How many examples a property test tries: ``full``, or a third of it
    (at least 10) in a run without the slow tests (`pytest -m "not slow"`)."""
    return max(10, full // 3) if QUICK_RUN else full


def refuse_data_not_ours(db, settings) -> None:
    """Stop the run if a database the tests did not start holds data: they
    would delete it. NEO4J_TEST_ALLOW_WIPE=1 lets them."""
    if os.environ.get(ALLOW_WIPE_ENV) == "1":
        return
    nodes = db.read("MATCH (n) RETURN count(n) AS n")[0]["n"]
    if nodes:
        pytest.exit(
            f"NEO4J_TEST_URI: database {settings.database!r} at {settings.uri} holds data this test session "
            f"did not write ({nodes} node{'s' if nodes > 1 else ''}), and the tests delete everything in it. "
            f"Point NEO4J_TEST_URI at an empty database, or set {ALLOW_WIPE_ENV}=1 to let the tests delete "
            "what it holds.",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )


CHROMIUM_INSTALL = "apt-get install -y chromium chromium-driver"
AXE = ROOT / ".kb" / "axe" / "node_modules" / "axe-core" / "axe.min.js"  # `make axe` installs it (npm's axe-core)


def unavailable(reason: str, install: str) -> None:
    """Skip a test whose tool is missing, saying how to install it; fail it under CI."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}: install it with `{install}` (make test does so)", pytrace=False)
    pytest.skip(f"{reason}: install it with `{install}`")


def write(path: Path, text: str) -> Path:
    """Write ``text`` (dedented) to ``path``; return the path."""
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


# -- catalogs ----------------------------------------------------------------------
# An instrument for the mini catalog, at a catalog rank to fill in.
NEW_INSTRUMENT = """
        instruments:
          - id: CC-NEW
            name: New instrument
            kind: voluntary_code
            binding: false
            status: in_force
            jurisdiction: AA
            catalog_rank: {rank}
            source: test:one
    """

# Valid files whose last record the server refuses when it has the constraint of the
# fixture `unique_instrument_names`: the instrument's name is AA-LAW-2020's (in MINI).
CLASH = """
        sources:
          - {id: test:two, title: Another source, kind: primary}
        topics:
          - {slug: gamma, name: Gamma, definition: A third topic., rank: 3, source: test:two}
        instruments:
          - id: CC-NEW
            name: Aland AI Law
            kind: voluntary_code
            binding: false
            status: in_force
            jurisdiction: AA
            catalog_rank: 4
            source: test:two
    """

# A synthetic catalog loaded twice (load_synth).
SYNTH_FIRST = datetime(2026, 1, 1, tzinfo=UTC)
SYNTH_SECOND = datetime(2026, 2, 1, tzinfo=UTC)
_FLIP = {"explicit": "implicit", "implicit": "explicit", "silent": "explicit", "conflicts": "silent"}


def _rewrite(path: Path, change) -> None:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.DictWriter(f, fieldnames=fields)
        out.writeheader()
        out.writerows(r for r in map(change, rows) if r is not None)


def synth_catalogs(root: Path) -> tuple[Path, Path]:
    """A synthetic catalog of 300 instruments x 20 topics (bench/synth.py) in
    ``root/first`` and a second version of it in ``root/second``: a tenth of
    the cells change mode and one in twenty goes, some instruments change
    status or adoption date, two sub-national jurisdictions become part of
    another country. Written once: a ``root`` that holds them is reused."""
    first, second, done = root / "first", root / "second", root / "written"
    if done.is_file():
        return first, second
    sys.path.insert(0, str(ROOT / "bench"))
    import synth

    shutil.rmtree(root, ignore_errors=True)
    synth.generate(300, 20, first, seed=13)
    shutil.copytree(first, second)
    rng = random.Random(13)

    def cell(r):
        u = rng.random()
        return None if u < 0.05 else {**r, "mode": _FLIP[r["mode"]]} if u < 0.15 else r

    def instrument(r):
        if r["status_history"] or r["effective"] or r["ended"] or not r["adopted"]:
            return r
        u = rng.random()
        if u < 0.1:
            return {
                **r,
                "adopted": date.fromordinal(
                    date.fromisoformat(r["adopted"]).toordinal() + rng.randrange(-400, 400)
                ).isoformat(),
            }
        if u < 0.2 and r["status"] in ("in_force", "partially_in_force", "adopted_not_in_force"):
            return {**r, "status": "partially_in_force" if r["status"] == "in_force" else "in_force"}
        return r

    def jurisdiction(r):
        return {**r, "part_of": "FR"} if r["code"] in ("US-R000", "CN-R001") else r

    _rewrite(second / "treats.csv", cell)
    _rewrite(second / "instruments.csv", instrument)
    _rewrite(second / "jurisdictions.csv", jurisdiction)
    done.touch()
    return first, second


def load_synth(db, root: Path):
    """The synthetic catalog (written under ``root``) loaded as of
    SYNTH_FIRST, then its second version loaded as of SYNTH_SECOND with
    --prune."""
    from kb.load import load

    first, second = synth_catalogs(root)
    load(db, [first], at=SYNTH_FIRST)
    load(db, [second], at=SYNTH_SECOND, prune=True)
    return db


# -- what a graph holds -------------------------------------------------------------
def counts(db) -> dict[str, int]:
    """``kb stats``: how many nodes of each label and edges of each type."""
    from kb.stats import stats

    return {f"{r['kind']}:{r['name']}": r["count"] for r in stats(db)}


def _as_text(x: str) -> str:
    """Cypher for ``x``'s properties as [key, value] pairs, every temporal
    value as its text (exact to the nanosecond, and far cheaper to read than
    the driver's temporal types); with $reopen, a recorded_to at that instant
    shown as FOREVER."""
    return (
        f"[k IN keys({x}) | [k, CASE WHEN k = 'recorded_to' AND {x}[k] = $reopen THEN toString($forever) "
        f"WHEN valueType({x}[k]) STARTS WITH 'ZONED DATETIME' OR valueType({x}[k]) STARTS WITH 'DATE' "
        f"THEN toString({x}[k]) ELSE {x}[k] END]]"
    )


def _clean(pairs, drop: tuple[str, ...] = ()) -> str:
    return repr(sorted((k, v) for k, v in pairs if k not in drop))


def graph_dump(db, reopen: datetime | None = None) -> tuple[list, list]:
    """EVERYTHING in the graph: every node with its labels and properties,
    every edge with its ends and properties, states closed or current,
    change sets (not the load lock, which each load takes). Two dumps are
    equal only if nothing at all was written between them. With ``reopen``,
    a fact closed at that instant is shown as still current (as it was
    before)."""
    params = {"reopen": reopen, "forever": FOREVER}
    nodes = db.read(f"MATCH (n) WHERE NOT n:LoadLock RETURN labels(n) AS labels, {_as_text('n')} AS props", **params)
    edges = db.read(
        "MATCH (a)-[r]->(b) RETURN type(r) AS type, labels(a) AS la, coalesce(a.id, a.code, a.slug) AS a, "
        "toString(a.recorded_from) AS af, labels(b) AS lb, coalesce(b.id, b.code, b.slug) AS b, "
        f"toString(b.recorded_from) AS bf, {_as_text('r')} AS props",
        **params,
    )
    return (
        sorted(f"{n['labels']} {_clean(n['props'])}" for n in nodes),
        sorted(
            f"{e['type']} {e['la']} {e['a']} {e['af']} {e['lb']} {e['b']} {e['bf']} {_clean(e['props'])}" for e in edges
        ),
    )


def catalog_dump(db) -> tuple[list, list]:
    """The CURRENT catalog, its curated facts only: each record's key with its
    current state's properties (and a topic's kept cell counts), each current
    edge with its properties; not when they were recorded. Equal for two
    graphs that hold the same catalog, however they got there."""
    params = {"reopen": None, "forever": FOREVER}
    nodes = db.read(
        f"MATCH (n)-[:HAS_STATE]->(x) WHERE x.recorded_to = {NOW} "
        f"RETURN labels(n) AS labels, {_as_text('n')} AS identity, {_as_text('x')} AS props",
        **params,
    )
    edges = db.read(
        f"MATCH (a)-[r]->(b) WHERE type(r) <> 'HAS_STATE' AND r.recorded_to = {NOW} RETURN type(r) AS type, "
        f"coalesce(a.id, a.code, a.slug) AS a, coalesce(b.id, b.code, b.slug) AS b, {_as_text('r')} AS props",
        **params,
    )
    return (
        sorted(f"{n['labels']} {_clean({**dict(n['identity']), **dict(n['props'])}.items(), INTERVAL)}" for n in nodes),
        sorted(f"{e['type']} {e['a']} {e['b']} {_clean(e['props'], INTERVAL)}" for e in edges),
    )


def current(db, label: str, key: str) -> dict:
    """The properties of a record's current state (its identity's ``label``)."""
    rows = db.read(
        f"MATCH (n:{label})-[:HAS_STATE]->(x) WHERE {KEY} = $key AND x.recorded_to = {NOW} RETURN properties(x) AS p",
        key=key,
    )
    assert len(rows) == 1, (label, key, rows)
    return rows[0]["p"]


VERSIONS_AT = """
CALL () {
  MATCH (n)-[:HAS_STATE]->(x) WHERE x.recorded_to = $at
  RETURN CASE WHEN EXISTS { (n)-[:HAS_STATE]->(y) WHERE y.recorded_from = $at } THEN 'updated' ELSE 'removed' END AS op
  UNION ALL
  MATCH (n)-[:HAS_STATE]->(x)
  WHERE x.recorded_from = $at AND NOT EXISTS { (n)-[:HAS_STATE]->(y) WHERE y.recorded_to = $at }
  RETURN 'created' AS op
  UNION ALL
  MATCH (a)-[r]->(b) WHERE type(r) <> 'HAS_STATE' AND r.recorded_to = $at
  RETURN CASE WHEN EXISTS { MATCH (a)-[s]->(b) WHERE type(s) = type(r) AND s.recorded_from = $at
                            AND coalesce(s.topic, '') = coalesce(r.topic, '') } THEN 'updated' ELSE 'removed' END AS op
  UNION ALL
  MATCH (a)-[r]->(b) WHERE type(r) <> 'HAS_STATE' AND r.recorded_from = $at
    AND NOT EXISTS { MATCH (a)-[s]->(b) WHERE type(s) = type(r) AND s.recorded_to = $at
                     AND coalesce(s.topic, '') = coalesce(r.topic, '') }
  RETURN 'created' AS op
}
RETURN op, count(*) AS n
"""


def versions_at(db, at) -> dict[str, int]:
    """What a load at ``at`` did, read from the versions themselves
    (docs/history.md): facts (states, edges) opened with no predecessor
    closed then (created), closed with a successor (updated), closed with
    none (removed). The same fact: a record's states; edges of one type
    between the same two records (and, for CONFLICTS_WITH, topic)."""
    found = {r["op"]: r["n"] for r in db.read(VERSIONS_AT, at=at)}
    return {op: found.get(op, 0) for op in ("created", "updated", "removed")}


def change_set_counts(db, cs_id: str) -> dict[str, int]:
    row = db.read(
        "MATCH (s:ChangeSet {id: $id}) RETURN s.created AS created, s.updated AS updated, s.removed AS removed",
        id=cs_id,
    )[0]
    return dict(row)


def change_set_at(db, cs_id: str):
    return db.read("MATCH (s:ChangeSet {id: $id}) RETURN s.at AS at", id=cs_id)[0]["at"]
