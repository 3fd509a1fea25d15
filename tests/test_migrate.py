"""`kb db migrate`: a graph written by the previous kb (format 1) becomes a
graph of the identity/state model (format 2) with its history.

The format-1 graph is built here with Cypher, as that kb's `kb load` wrote
it: properties on the record nodes with recorded_at and first_recorded_at,
an Instrument's old values as an InstrumentVersion, a cell's as a TREATED
edge, one Change node per changed or removed fact, and the unique
constraint on Instrument.catalog_rank. Three loads:

* T1 adds the catalog;
* T2 changes US-EO-14110 (revoked), its open-weight cell (implicit ->
  explicit), the UK's name, US-CA's source (and so its PART_OF edge's,
  which format 1 recorded under the key 'None -> None'), a conflict's
  basis, and adds X-PRUNED-2025;
* T3 prunes X-PRUNED-2025 (only its Change records remain) and
  Y-PRUNED-2024 (format 1 also left its InstrumentVersion behind).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from helpers import FIXTURES

from kb.load import load
from kb.schema.model import FOREVER
from kb.schema.statements import schema_names as wanted_schema

T1, T2, T3 = (datetime(2026, m, 1, tzinfo=UTC) for m in (1, 2, 3))
INTERVAL = {"recorded_at", "recorded_from", "recorded_to", "first_recorded_at"}
CELLS = {
    "cells_explicit",
    "cells_implicit",
    "cells_conflicts",
    "cells_explicit_dated",
    "cells_implicit_dated",
    "cells_conflicts_dated",
}
STATUS_LISTS = ("status_dates", "status_values", "status_sources")
OLD_SCHEMA = (
    (
        "CREATE CONSTRAINT constraint_unique_Instrument_catalog_rank IF NOT EXISTS "
        "FOR (n:Instrument) REQUIRE n.catalog_rank IS UNIQUE"
    ),
    "CREATE INDEX index_InstrumentVersion_id IF NOT EXISTS FOR (n:InstrumentVersion) ON (n.id)",
    "CREATE INDEX index_Change_at IF NOT EXISTS FOR (n:Change) ON (n.at)",
    "CREATE INDEX index_Instrument_adopted IF NOT EXISTS FOR (n:Instrument) ON (n.adopted)",
)
OLD_NAMES = [s.split()[2] for s in OLD_SCHEMA]

SRC = "src:catalog"
AIA = {
    "id": "EU-AIA-2024",
    "name": "EU AI Act",
    "kind": "binding_regulation",
    "binding": True,
    "status": "in_force",
    "adopted": date(2024, 6, 13),
    "catalog_rank": 1,
    "source": SRC,
}
EO_OLD = {
    "id": "US-EO-14110",
    "name": "Executive Order 14110",
    "kind": "executive_order",
    "binding": True,
    "status": "in_force",
    "status_dates": [date(2023, 10, 30)],
    "status_values": ["in_force"],
    "status_sources": [SRC],
    "adopted": date(2023, 10, 30),
    "catalog_rank": 2,
    "source": SRC,
}
EO = {
    **EO_OLD,
    "status": "revoked",
    "status_dates": [date(2023, 10, 30), date(2025, 1, 20)],
    "status_values": ["in_force", "revoked"],
    "status_sources": [SRC, SRC],
}
WP = {
    "id": "UK-WP-2023",
    "name": "UK AI white paper",
    "kind": "policy_statement",
    "binding": False,
    "status": "in_force",
    "adopted": date(2023, 3, 29),
    "catalog_rank": 3,
    "source": SRC,
}
PRUNED_X = {
    "id": "X-PRUNED-2025",
    "name": "Pruned without a version",
    "kind": "voluntary_code",
    "binding": False,
    "status": "proposed",
    "catalog_rank": 4,
    "source": SRC,
}
PRUNED_Y = {
    "id": "Y-PRUNED-2024",
    "name": "Pruned with a version",
    "kind": "resolution",
    "binding": False,
    "status": "adopted_not_in_force",
    "adopted": date(2024, 3, 21),
    "catalog_rank": 5,
    "source": SRC,
}
OWR, TRANSPARENCY = "open_weight_release", "transparency"


def _json(values: dict) -> str:
    """A Change's old/new as format 1 wrote them (dates as ISO text)."""
    return json.dumps(
        {
            k: (
                [x.isoformat() for x in v]
                if isinstance(v, list) and v and isinstance(v[0], date)
                else v.isoformat()
                if isinstance(v, date)
                else v
            )
            for k, v in values.items()
        },
        sort_keys=True,
    )


def build_format_1(db) -> None:
    """The format-1 graph described in the module docstring."""
    for s in OLD_SCHEMA:
        db.write(s)
    statements: list[tuple[str, dict]] = []

    def w(query: str, **params) -> None:
        statements.append((query, params))

    w(
        "CREATE (:Source {id: $id, title: 'The catalog', kind: 'catalog', accessed: date('2026-01-01'), "
        "recorded_at: $t1, first_recorded_at: $t1})",
        id=SRC,
        t1=T1,
    )
    for code, name, kind, at in (
        ("EU", "European Union", "supranational", T1),
        ("US", "United States", "national", T1),
        ("UK", "United Kingdom of Great Britain and Northern Ireland", "national", T2),
        ("US-CA", "California", "sub_national", T2),
    ):
        w(
            "CREATE (:Jurisdiction {code: $code, name: $name, kind: $kind, source: $source, "
            "recorded_at: $at, first_recorded_at: $t1})",
            code=code,
            name=name,
            kind=kind,
            source="src:ca" if code == "US-CA" else SRC,
            at=at,
            t1=T1,
        )
    w(
        "MATCH (a:Jurisdiction {code: 'US-CA'}), (b:Jurisdiction {code: 'US'}) "
        "CREATE (a)-[:PART_OF {source: 'src:ca', recorded_at: $t2, first_recorded_at: $t1}]->(b)",
        t1=T1,
        t2=T2,
    )
    for slug, rank, counts in ((OWR, 1, (2, 0, 0)), (TRANSPARENCY, 2, (1, 0, 0))):
        w(
            "CREATE (:Topic {slug: $slug, name: $slug, definition: 'd', rank: $rank, source: $src, "
            "recorded_at: $t1, first_recorded_at: $t1, cells_explicit: $c[0], cells_implicit: $c[1], "
            "cells_conflicts: $c[2], cells_explicit_dated: $c[0], cells_implicit_dated: $c[1], "
            "cells_conflicts_dated: $c[2]})",
            slug=slug,
            rank=rank,
            src=SRC,
            c=list(counts),
            t1=T1,
        )
    for props, code, at in ((AIA, "EU", T1), (EO, "US", T2), (WP, "UK", T1)):
        w(
            "CREATE (n:Instrument) SET n = $props, n.recorded_at = $at, n.first_recorded_at = $t1 "
            "WITH n MATCH (j:Jurisdiction {code: $code}) "
            "CREATE (n)-[:ISSUED_IN {source: $src, recorded_at: $t1, first_recorded_at: $t1}]->(j)",
            props=props,
            at=at,
            t1=T1,
            code=code,
            src=SRC,
        )
    # US-EO-14110 as it was before T2, kept by format 1 as an InstrumentVersion
    w(
        "MATCH (n:Instrument {id: $id}) CREATE (v:InstrumentVersion)-[:VERSION_OF]->(n) "
        "SET v = $props, v.recorded_at = $t1, v.first_recorded_at = $t1, v.recorded_to = $t2",
        id=EO["id"],
        props=EO_OLD,
        t1=T1,
        t2=T2,
    )
    # Y-PRUNED-2024, pruned at T3: format 1 deleted it and left this version, attached to nothing
    w(
        "CREATE (v:InstrumentVersion) SET v = $props, v.recorded_at = $t1, v.first_recorded_at = $t1, "
        "v.recorded_to = $t3",
        props=PRUNED_Y,
        t1=T1,
        t3=T3,
    )
    cells = (
        (AIA["id"], OWR, "explicit", T1),
        (AIA["id"], TRANSPARENCY, "explicit", T1),
        (EO["id"], OWR, "explicit", T2),
        (WP["id"], OWR, "silent", T1),
    )
    for inst, topic, mode, at in cells:
        w(
            "MATCH (n:Instrument {id: $i}), (t:Topic {slug: $t}) CREATE (n)-[:TREATS {mode: $mode, "
            "confidence: 'high', source: $src, recorded_at: $at, first_recorded_at: $t1}]->(t)",
            i=inst,
            t=topic,
            mode=mode,
            src=SRC,
            at=at,
            t1=T1,
        )
    # the open-weight cell of US-EO-14110 as it was before T2, kept as a TREATED edge
    w(
        "MATCH (n:Instrument {id: $i}), (t:Topic {slug: $t}) CREATE (n)-[:TREATED {mode: 'implicit', "
        "confidence: 'high', source: $src, recorded_at: $t1, first_recorded_at: $t1, recorded_to: $t2}]->(t)",
        i=EO["id"],
        t=OWR,
        src=SRC,
        t1=T1,
        t2=T2,
    )
    w(
        "MATCH (a:Instrument {id: $a}), (b:Instrument {id: $b}) CREATE (a)-[:CONFLICTS_WITH {topic: $t, "
        "basis: 'new basis', source: $src, recorded_at: $t2, first_recorded_at: $t1}]->(b)",
        a=EO["id"],
        b=AIA["id"],
        t=OWR,
        src=SRC,
        t1=T1,
        t2=T2,
    )
    for at, created, updated, removed in ((T1, 16, 0, 0), (T2, 1, 6, 0), (T3, 0, 0, 4)):
        w(
            "CREATE (:ChangeSet {id: $id, at: $at, files: ['catalog.yaml'], hashes: ['0'], records: 10, "
            "created: $c, updated: $u, removed: $r, kb_version: '0.9'})",
            id=f"cs-{at:%Y%m%d}",
            at=at,
            c=created,
            u=updated,
            r=removed,
        )
    changes = [
        (
            T2,
            "changed",
            "Instrument",
            EO["id"],
            None,
            ["status", "status_dates", "status_values", "status_sources"],
            {k: EO_OLD[k] for k in ("status", *STATUS_LISTS)},
            {k: EO[k] for k in ("status", *STATUS_LISTS)},
        ),
        (T2, "changed", "TREATS", f"{EO['id']} -> {OWR}", OWR, ["mode"], {"mode": "implicit"}, {"mode": "explicit"}),
        (
            T2,
            "changed",
            "Jurisdiction",
            "UK",
            None,
            ["name"],
            {"name": "United Kingdom"},
            {"name": "United Kingdom of Great Britain and Northern Ireland"},
        ),
        (T2, "changed", "Jurisdiction", "US-CA", None, ["source"], {"source": SRC}, {"source": "src:ca"}),
        (T2, "changed", "PART_OF", "None -> None", None, ["source"], {"source": SRC}, {"source": "src:ca"}),
        (
            T2,
            "changed",
            "CONFLICTS_WITH",
            f"{EO['id']} -> {AIA['id']} [{OWR}]",
            OWR,
            ["basis"],
            {"basis": "old basis"},
            {"basis": "new basis"},
        ),
        (
            T3,
            "removed",
            "TREATS",
            f"{PRUNED_X['id']} -> {OWR}",
            OWR,
            ["mode", "confidence", "source"],
            {"mode": "implicit", "confidence": "low", "source": SRC},
            None,
        ),
        (T3, "removed", "Instrument", PRUNED_X["id"], None, sorted(PRUNED_X), PRUNED_X, None),
        (
            T3,
            "removed",
            "TREATS",
            f"{PRUNED_Y['id']} -> {TRANSPARENCY}",
            TRANSPARENCY,
            ["mode", "confidence", "source"],
            {"mode": "explicit", "confidence": "medium", "source": SRC},
            None,
        ),
        (T3, "removed", "Instrument", PRUNED_Y["id"], None, sorted(PRUNED_Y), PRUNED_Y, None),
    ]
    for at, op, entity, key, topic, fields, old, new in changes:
        w(
            "MATCH (s:ChangeSet {at: $at}) CREATE (:Change {at: $at, op: $op, entity: $entity, key: $key, "
            "topic: $topic, fields: $fields, old: $old, new: $new})-[:IN_CHANGE_SET]->(s)",
            at=at,
            op=op,
            entity=entity,
            key=key,
            topic=topic,
            fields=fields,
            old=_json(old),
            new=_json(new) if new is not None else None,
        )
    db.write_tx(lambda tx: [tx.run(q, p).consume() for q, p in statements])


@pytest.fixture
def format_1(db):
    build_format_1(db)
    yield db
    for name in OLD_NAMES:  # should the migration have failed: the other tests' schema
        db.write(f"DROP CONSTRAINT {name} IF EXISTS")
        db.write(f"DROP INDEX {name} IF EXISTS")


@pytest.fixture
def migrated(shared_graph, cli):
    """A format-1 graph after `kb db migrate`, shared by the tests that only
    read it: the database and what the command wrote (stdout, stderr)."""

    def build(db):
        build_format_1(db)
        try:
            result = migrate(cli)
        finally:
            for name in OLD_NAMES:  # should the migration have failed: the other tests' schema
                db.write(f"DROP CONSTRAINT {name} IF EXISTS")
                db.write(f"DROP INDEX {name} IF EXISTS")
        return result.stdout, result.stderr

    stdout, stderr = shared_graph.holding("test_migrate.migrated", build)
    return shared_graph.db, stdout, stderr


# -- reading both formats ------------------------------------------------------------
LABELS = {"Source": "id", "Jurisdiction": "code", "Topic": "slug", "Instrument": "id"}
EDGES = ("ISSUED_IN", "PART_OF", "TREATS", "CONFLICTS_WITH")


# A migrated state also names its catalog (the curated one, kb: format 1 knew no other);
# compared apart (test_migrated_states_are_the_curated_catalogs) from the values format 1 held.
CATALOG = {"catalog"}


def _plain(props: dict) -> dict:
    out = {
        k: (v.to_native() if hasattr(v, "to_native") else v)
        for k, v in props.items()
        if k not in INTERVAL | CELLS | CATALOG
    }
    return {
        k: ([x.to_native() if hasattr(x, "to_native") else x for x in v] if isinstance(v, list) else v)
        for k, v in out.items()
    }


def catalog_format_1(db) -> dict:
    """The current catalog of a format-1 graph: each record's properties and
    each edge's, by key (an instrument's status lists as format 2 has them)."""
    out: dict = {}
    for label, key in LABELS.items():
        for r in db.read(f"MATCH (n:{label}) RETURN n.{key} AS k, properties(n) AS p"):
            props = _plain(r["p"])
            if label == "Instrument":
                props.update({p: props.get(p) or [] for p in STATUS_LISTS})
            out[(label, r["k"])] = props
    for rel in EDGES:
        for r in db.read(
            f"MATCH (a)-[x:{rel}]->(b) RETURN coalesce(a.id, a.code) AS a, "
            "coalesce(b.id, b.code, b.slug) AS b, properties(x) AS p"
        ):
            out[(rel, r["a"], r["b"])] = _plain(r["p"])
    return out


def catalog_at(db, instant: datetime) -> dict:
    """The catalog of a format-2 graph as recorded at ``instant``."""
    out: dict = {}
    for label, key in LABELS.items():
        for r in db.read(
            f"MATCH (n:{label})-[:HAS_STATE]->(x) WHERE x.recorded_from <= $t < x.recorded_to "
            f"RETURN n.{key} AS k, properties(x) AS p",
            t=instant,
        ):
            assert (label, r["k"]) not in out, f"two states of {label} {r['k']} at {instant}"
            out[(label, r["k"])] = _plain(r["p"])
    for rel in EDGES:
        for r in db.read(
            f"MATCH (a)-[x:{rel}]->(b) WHERE x.recorded_from <= $t < x.recorded_to "
            "RETURN coalesce(a.id, a.code) AS a, coalesce(b.id, b.code, b.slug) AS b, "
            "properties(x) AS p",
            t=instant,
        ):
            assert (rel, r["a"], r["b"]) not in out, f"two {rel} edges {r['a']} -> {r['b']} at {instant}"
            out[(rel, r["a"], r["b"])] = _plain(r["p"])
    return out


def versions(db, match: str, **params) -> list[tuple]:
    """(recorded_from, recorded_to, first_recorded_at, properties) of the
    versions ``match`` binds to x, oldest first."""
    rows = db.read(match + " RETURN properties(x) AS p ORDER BY x.recorded_from", **params)
    return [
        (
            r["p"]["recorded_from"].to_native(),
            r["p"]["recorded_to"].to_native(),
            r["p"]["first_recorded_at"].to_native(),
            _plain(r["p"]),
        )
        for r in rows
    ]


def whole_graph(db) -> tuple:
    nodes = db.read("MATCH (n) RETURN labels(n) AS l, properties(n) AS p")
    rels = db.read("MATCH (a)-[r]->(b) RETURN elementId(a) AS a, type(r) AS t, properties(r) AS p, elementId(b) AS b")

    def key(row: dict) -> str:
        return json.dumps(row, sort_keys=True, default=str)

    return sorted(map(key, nodes)), sorted(map(key, rels))


def schema_names(db) -> set[str]:
    return {r["name"] for r in db.read("SHOW CONSTRAINTS YIELD name RETURN name")} | {
        r["name"] for r in db.read("SHOW INDEXES YIELD name RETURN name")
    }


def migrate(cli):
    result = cli("db", "migrate")
    assert result.exit_code == 0, result.output
    return result


# -- tests -------------------------------------------------------------------------------
@pytest.mark.slow
def test_the_current_catalog_reads_the_same(format_1, cli):
    db = format_1
    before = catalog_format_1(db)
    stamps = {
        r["k"]: (r["at"].to_native(), r["first"].to_native())
        for r in db.read("MATCH (n:Instrument) RETURN n.id AS k, n.recorded_at AS at, n.first_recorded_at AS first")
    }
    result = migrate(cli)
    assert "Migrated the graph from format 1 to format 2" in result.stdout
    now = datetime.now(UTC)
    assert catalog_at(db, now) == before
    current = {
        r["k"]: (r["f"].to_native(), r["first"].to_native())
        for r in db.read(
            "MATCH (n:Instrument)-[:HAS_STATE]->(x) WHERE x.recorded_to = $forever "
            "RETURN n.id AS k, x.recorded_from AS f, x.first_recorded_at AS first",
            forever=FOREVER,
        )
    }
    assert current == stamps  # from recorded_at, first recorded at first_recorded_at
    counts = db.read("MATCH (t:Topic {slug: $s}) RETURN t.cells_explicit AS e, t.cells_implicit AS i", s=OWR)
    assert counts == [{"e": 2, "i": 0}]  # kept: they count the current catalog, which is the same


def test_older_values_become_closed_versions(migrated):
    db, _, _ = migrated
    eo = versions(db, "MATCH (:Instrument {id: $id})-[:HAS_STATE]->(x:InstrumentState)", id=EO["id"])
    assert [(f, t, first) for f, t, first, _ in eo] == [(T1, T2, T1), (T2, FOREVER, T1)]
    assert eo[0][3] == EO_OLD and eo[1][3] == EO
    cell = versions(db, "MATCH (:Instrument {id: $id})-[x:TREATS]->(:Topic {slug: $t})", id=EO["id"], t=OWR)
    assert [(f, t, first, p["mode"]) for f, t, first, p in cell] == [
        (T1, T2, T1, "implicit"),
        (T2, FOREVER, T1, "explicit"),
    ]
    # kinds format 1 did not version: rebuilt from the Change records
    uk = versions(db, "MATCH (:Jurisdiction {code: 'UK'})-[:HAS_STATE]->(x)")
    assert [(f, t, p["name"]) for f, t, _, p in uk] == [
        (T1, T2, "United Kingdom"),
        (T2, FOREVER, "United Kingdom of Great Britain and Northern Ireland"),
    ]
    conflict = versions(
        db, "MATCH (:Instrument {id: $a})-[x:CONFLICTS_WITH]->(:Instrument {id: $b})", a=EO["id"], b=AIA["id"]
    )
    assert [(f, t, p["basis"], p["topic"]) for f, t, _, p in conflict] == [
        (T1, T2, "old basis", OWR),
        (T2, FOREVER, "new basis", OWR),
    ]
    # the reference edge's change that format 1 recorded as 'None -> None'
    part_of = versions(db, "MATCH (:Jurisdiction {code: 'US-CA'})-[x:PART_OF]->(:Jurisdiction {code: 'US'})")
    assert [(f, t, first, p["source"]) for f, t, first, p in part_of] == [
        (T1, T2, T1, SRC),
        (T2, FOREVER, T1, "src:ca"),
    ]


def test_pruned_records_come_back_as_closed_versions(migrated):
    db, _, stderr = migrated
    # Y-PRUNED-2024: its InstrumentVersion says exactly when it was recorded
    y = versions(db, "MATCH (:Instrument {id: $id})-[:HAS_STATE]->(x)", id=PRUNED_Y["id"])
    assert [(f, t, first) for f, t, first, _ in y] == [(T1, T3, T1)]
    assert y[0][3] == {**PRUNED_Y, "status_dates": [], "status_values": [], "status_sources": []}
    # X-PRUNED-2025: only its removal record is left, without when it was added: its
    # version starts at the earliest load that could have added it (documented)
    x = versions(db, "MATCH (:Instrument {id: $id})-[:HAS_STATE]->(x)", id=PRUNED_X["id"])
    assert [(f, t, first) for f, t, first, _ in x] == [(T1, T3, T1)]
    assert x[0][3] == {**PRUNED_X, "status_dates": [], "status_values": [], "status_sources": []}
    cells = versions(
        db, "MATCH (i:Instrument)-[x:TREATS]->(t:Topic) WHERE i.id IN $ids", ids=[PRUNED_X["id"], PRUNED_Y["id"]]
    )
    assert sorted((f, t, p["mode"], p["confidence"]) for f, t, _, p in cells) == [
        (T1, T3, "explicit", "medium"),
        (T1, T3, "implicit", "low"),
    ]
    between = catalog_at(db, datetime(2026, 2, 15, tzinfo=UTC))
    assert {k[1] for k in between if k[0] == "Instrument"} == {
        AIA["id"],
        EO["id"],
        WP["id"],
        PRUNED_X["id"],
        PRUNED_Y["id"],
    }
    assert between[("Instrument", EO["id"])]["status"] == "revoked"
    assert catalog_at(db, datetime(2026, 1, 15, tzinfo=UTC))[("Instrument", EO["id"])]["status"] == "in_force"
    assert {k[1] for k in catalog_at(db, T3) if k[0] == "Instrument"} == {AIA["id"], EO["id"], WP["id"]}
    # what format 1 never recorded is said, on stderr
    assert "Not recoverable: 2 instruments removed by a prune lost their ISSUED_IN edge" in stderr
    assert PRUNED_X["id"] in stderr and PRUNED_Y["id"] in stderr


def test_nothing_of_format_1_remains(migrated):
    db, _, _ = migrated
    left = db.read(
        "RETURN COUNT { (:InstrumentVersion) } AS versions, COUNT { (:Change) } AS changes, "
        "COUNT { ()-[:TREATED]->() } AS treated, COUNT { (n) WHERE n.recorded_at IS NOT NULL } AS nodes, "
        "COUNT { ()-[r]->() WHERE r.recorded_at IS NOT NULL } AS edges"
    )
    assert left == [{"versions": 0, "changes": 0, "treated": 0, "nodes": 0, "edges": 0}]
    for label, key in LABELS.items():
        extra = CELLS if label == "Topic" else set()
        rows = db.read(f"MATCH (n:{label}) RETURN n.{key} AS k, keys(n) AS keys")
        assert rows and all(set(r["keys"]) <= {key} | extra for r in rows), rows
        assert all(key in r["keys"] for r in rows)
    assert (
        db.read(
            "MATCH ()-[r]->() WHERE type(r) <> 'HAS_STATE' AND type(r) <> 'IN_CHANGE_SET' "
            "AND (r.recorded_from IS NULL OR r.recorded_to IS NULL OR r.first_recorded_at IS NULL) "
            "RETURN type(r) AS t"
        )
        == []
    )
    assert (
        db.read(
            "MATCH (x:InstrumentState) WHERE any(p IN $lists WHERE x[p] IS NULL) RETURN x.id AS id",
            lists=list(STATUS_LISTS),
        )
        == []
    )
    assert db.read("MATCH (g:GraphFormat) RETURN g.id AS id, g.version AS v") == [{"id": "kb", "v": 2}]
    assert db.read("MATCH (s:ChangeSet) RETURN count(s) AS n") == [{"n": 3}]
    names = schema_names(db)
    assert not names & set(OLD_NAMES)
    assert set(wanted_schema()) <= names


@pytest.mark.slow
def test_migrating_twice_changes_nothing(format_1, cli):
    db = format_1
    migrate(cli)
    graph, names = whole_graph(db), schema_names(db)
    again = migrate(cli)
    assert again.stdout == "The graph is already in format 2; nothing to migrate.\n"
    assert whole_graph(db) == graph and schema_names(db) == names


@pytest.mark.slow
def test_a_graph_of_this_kb_is_left_as_it_is(db, cli):
    load(db, [FIXTURES / "mini"])
    graph = whole_graph(db)
    result = migrate(cli)
    assert result.stdout == "The graph is already in format 2; nothing to migrate; marked it as such.\n"
    nodes, rels = whole_graph(db)
    assert [n for n in nodes if "GraphFormat" not in n] == graph[0] and rels == graph[1]
    assert migrate(cli).stdout == "The graph is already in format 2; nothing to migrate.\n"


@pytest.mark.slow
def test_init_says_an_old_graph_needs_migrating(format_1, cli):
    result = cli("db", "init")
    assert result.exit_code == 0
    assert "run `kb db migrate`" in result.stderr
    migrate(cli)
    assert "kb db migrate" not in cli("db", "init").stderr


def test_a_graph_of_both_formats_is_refused(format_1, cli):
    db = format_1
    db.write("MATCH (n:Instrument {id: $id}) CREATE (n)-[:HAS_STATE]->(:InstrumentState {id: $id})", id=AIA["id"])
    graph = whole_graph(db)
    result = cli("db", "migrate")
    assert result.exit_code == 1
    assert "holds records of both formats" in result.stderr
    assert whole_graph(db) == graph


def test_pages_recorded_before_the_prune_show_the_older_catalog(migrated, cli):
    """Needs the named queries of the new model (kb instruments reading states)."""

    def listed(*args):
        result = cli("instruments", "-f", "json", *args)
        assert result.exit_code == 0, result.output
        return {r["id"]: r["status"] for r in json.loads(result.stdout)}

    assert listed() == {AIA["id"]: "in_force", EO["id"]: "revoked", WP["id"]: "in_force"}
    assert listed("--as-recorded", "2026-02-15") == {
        AIA["id"]: "in_force",
        EO["id"]: "revoked",
        WP["id"]: "in_force",
        PRUNED_X["id"]: "proposed",
        PRUNED_Y["id"]: "adopted_not_in_force",
    }
    assert listed("--as-recorded", "2026-01-15")[EO["id"]] == "in_force"


def test_migrated_states_are_the_curated_catalogs(migrated):
    db, _, _ = migrated
    rows = db.read(
        "MATCH (x) WHERE x:InstrumentState OR x:TopicState "
        "RETURN collect(DISTINCT x.catalog) AS catalogs, count(x) AS n"
    )
    assert rows[0]["catalogs"] == ["kb"] and rows[0]["n"] > 0
