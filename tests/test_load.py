"""Loading catalogs: the curated corpus, idempotence, every kind of bad input,
atomicity, the record-time model (identities, states, intervals; nothing
deleted) and the export round trip. All against a real Neo4j."""

from __future__ import annotations

import shutil
import textwrap
from collections import Counter
from pathlib import Path

import pytest
from helpers import (
    CLASH,
    CORPUS,
    KEY,
    MINI,
    NEW_INSTRUMENT,
    NOW,
    STATE_LABELS,
    T1,
    T2,
    catalog_dump,
    change_set_at,
    change_set_counts,
    counts,
    current,
    graph_dump,
    versions_at,
    write,
)

from kb.errors import QueryError, ValidationFailed
from kb.export import export
from kb.load import load
from kb.schema.model import FOREVER, JURISDICTION_KEPT, TOPIC_CELL_COUNTS
from kb.schema.sections import NODE_SECTIONS

# The catalog's Open-Weight Frontier Release page: its column (mode, pinpoint where the page gives an article;
# for the Chinese measures kb's Art. 17, where the page has Art. 8: docs/corrections.md).
OPEN_WEIGHT = {
    "EU-AIA-2024": ("explicit", "Art. 53(2) + Recital 102/104"),
    "CA-SB-1047": ("explicit", None),
    "META-FRONTIER-2024": ("explicit", None),
    "US-EO-14110": ("implicit", "§4.6"),
    "CN-GENAI-2023": ("implicit", "Art. 17"),
    "SEOUL-2024": ("implicit", "Frontier AI Safety Commitments"),
    "AU-AI-STRATEGY-2024": ("implicit", None),
    "ANTHROPIC-RSP-2024": ("implicit", None),
    "OPENAI-PREPAREDNESS-2023": ("implicit", None),
    "DEEPMIND-FSF-2024": ("implicit", None),
}


# -- the corpus ------------------------------------------------------------------
def test_corpus_has_the_26_instruments_and_the_topics(corpus_db):
    rows = corpus_db.read(
        f"MATCH (n:Instrument)-[:HAS_STATE]->(i:InstrumentState) WHERE i.recorded_to = {NOW} "
        "RETURN n.id AS id, i.catalog_rank AS rank ORDER BY i.catalog_rank"
    )
    ids = [r["id"] for r in rows]
    assert len(ids) == 26
    assert ids[:3] == ["EU-AIA-2024", "US-EO-14110", "US-EO-14179"]
    assert ids[-1] == "JP-METI-AI-2024"
    assert [r["rank"] for r in rows] == list(range(1, 27))
    slugs = {
        r["slug"]
        for r in corpus_db.read(
            f"MATCH (t:Topic)-[:HAS_STATE]->(s:TopicState) WHERE s.recorded_to = {NOW} RETURN t.slug AS slug"
        )
    }
    assert {
        "open_weight_release",
        "transparency",
        "foundation_models",
        "catastrophic_risk",
        "agentic_systems_governance",
        "synthetic_content_provenance",
    } <= slugs
    assert len(slugs) == 24


def test_open_weight_column_matches_the_topic_page(corpus_db):
    rows = corpus_db.read(
        "MATCH (i:Instrument)-[t:TREATS]->(:Topic {slug: 'open_weight_release'}) "
        f"WHERE t.recorded_to = {NOW} RETURN i.id AS id, t.mode AS mode, t.pinpoint AS pinpoint, t.source AS source"
    )
    non_silent = {r["id"]: (r["mode"], r["pinpoint"]) for r in rows if r["mode"] != "silent"}
    assert non_silent == OPEN_WEIGHT
    silent = [r for r in rows if r["mode"] == "silent"]
    assert len(silent) == 16  # reviewed and silent, not merely missing
    assert all(r["source"] for r in rows)


def test_every_fact_has_a_known_source(corpus_db):
    """Every state and every curated edge names a source the catalog holds now
    (the counts kb keeps, HAS_COUNTS, are derived, not facts)."""
    known = f"EXISTS {{ MATCH (:Source {{id: x.source}})-[:HAS_STATE]->(s:SourceState) WHERE s.recorded_to = {NOW} }}"
    missing = corpus_db.read(
        "MATCH (n)-[:HAS_STATE]->(x) WHERE NOT n:Source "
        f"AND (x.source IS NULL OR NOT {known}) RETURN labels(n) AS l, {KEY} AS k"
    )
    assert missing == []
    missing_edges = corpus_db.read(
        f"MATCH ()-[x]->() WHERE NOT type(x) IN ['HAS_STATE', 'HAS_COUNTS'] AND (x.source IS NULL OR NOT {known}) "
        "RETURN type(x) AS t, count(*) AS n"
    )
    assert missing_edges == []
    # and there are states and edges to check
    assert corpus_db.read("MATCH (:Instrument)-[x:TREATS]->() RETURN count(x) AS n")[0]["n"] == 313


def test_the_paper_its_authors_and_edges(corpus_db):
    paper = current(corpus_db, "Paper", "arXiv:2602.19682")
    assert paper["title"] == "Beyond the Binary: A nuanced path for open-weight advanced AI"
    # the arXiv record's order (the ArxivLens reader page lists Petropoulos first)
    assert paper["authors"] == ["Bengüsu Özcan", "Alex Petropoulos", "Max Reddel"]
    assert paper["year"] == 2026 and paper["doi"] == "10.48550/arXiv.2602.19682"
    edges = corpus_db.read(
        f"MATCH (p:Paper {{id: 'arXiv:2602.19682'}})-[r]->(x) WHERE r.recorded_to = {NOW} "
        "RETURN type(r) AS type, coalesce(x.id, x.slug) AS target ORDER BY type, target"
    )
    pairs = {(e["type"], e["target"]) for e in edges}
    assert ("ADDRESSES", "open_weight_release") in pairs
    assert ("CITES", "EU-AIA-2024") in pairs
    assert any(t == "SIMILAR_TO" for t, _ in pairs)


def test_developers_postures_frameworks_and_signatures(corpus_db):
    devs = {
        r["id"]: r["posture"]
        for r in corpus_db.read(
            f"MATCH (d:Developer)-[:HAS_STATE]->(s) WHERE s.recorded_to = {NOW} RETURN d.id AS id, s.posture AS posture"
        )
    }
    assert devs == {
        "meta": "open",
        "mistral": "open",
        "deepseek": "open",
        "anthropic": "closed",
        "openai": "closed",
        "google-deepmind": "closed",
    }
    issued = {
        r["i"]: r["d"]
        for r in corpus_db.read(
            f"MATCH (i:Instrument)-[r:ISSUED_BY]->(d:Developer) WHERE r.recorded_to = {NOW} RETURN i.id AS i, d.id AS d"
        )
    }
    assert issued == {
        "ANTHROPIC-RSP-2024": "anthropic",
        "OPENAI-PREPAREDNESS-2023": "openai",
        "DEEPMIND-FSF-2024": "google-deepmind",
        "META-FRONTIER-2024": "meta",
    }
    seoul = {
        r["d"]
        for r in corpus_db.read(
            f"MATCH (d:Developer)-[r:SIGNED]->(:Instrument {{id: 'SEOUL-2024'}}) WHERE r.recorded_to = {NOW} "
            "RETURN d.id AS d"
        )
    }
    assert seoul == {"anthropic", "google-deepmind", "meta", "mistral", "openai"}


def test_sub_national_jurisdictions_are_part_of_their_country(corpus_db):
    rows = corpus_db.read(
        f"MATCH (j:Jurisdiction)-[:HAS_STATE]->(s {{kind: 'sub_national'}}) WHERE s.recorded_to = {NOW} "
        f"OPTIONAL MATCH (j)-[r:PART_OF]->(p) WHERE r.recorded_to = {NOW} RETURN j.code AS j, p.code AS p"
    )
    assert rows and all(r["p"] for r in rows)
    assert {"j": "US-CA", "p": "US"} in rows


# -- the model: identities hold keys, states hold properties, every fact an interval ---------
def test_identities_hold_only_their_key_and_states_their_properties(corpus_db):
    db = corpus_db
    for s in NODE_SECTIONS:
        kept = {"Topic": TOPIC_CELL_COUNTS, "Jurisdiction": JURISDICTION_KEPT}.get(s.label, ())
        allowed = {s.key, *kept}
        extra = db.read(
            f"MATCH (n:{s.label}) UNWIND keys(n) AS k WITH k WHERE NOT k IN $allowed RETURN DISTINCT k",
            allowed=sorted(allowed),
        )
        assert extra == [], (s.label, extra)
        # one current state per identity, which repeats the key; states hang off one identity each
        assert (
            db.read(
                f"MATCH (n:{s.label}) OPTIONAL MATCH (n)-[:HAS_STATE]->(x:{s.state_label}) WHERE x.recorded_to = {NOW} "
                f"WITH n, collect(x) AS xs WHERE size(xs) <> 1 OR xs[0].{s.key} <> n.{s.key} RETURN n.{s.key} AS k"
            )
            == []
        )
        assert (
            db.read(f"MATCH (x:{s.state_label}) WHERE COUNT {{ (x)<-[:HAS_STATE]-() }} <> 1 RETURN count(x) AS n")[0][
                "n"
            ]
            == 0
        )
    # one load: every state and curated edge was opened at its change set's instant, and is current
    (at,) = [r["at"] for r in db.read("MATCH (s:ChangeSet) RETURN s.at AS at")]
    for what, match in (
        ("states", "MATCH (x) WHERE any(l IN labels(x) WHERE l IN $states)"),
        ("edges", "MATCH ()-[x]->() WHERE NOT type(x) IN ['HAS_STATE', 'HAS_COUNTS']"),
    ):
        rows = db.read(
            match + " RETURN x.recorded_from AS f, x.recorded_to AS t, x.first_recorded_at AS first, count(*) AS n",
            states=STATE_LABELS,
        )
        assert [(r["f"], r["t"].to_native(), r["first"]) for r in rows] == [(at, FOREVER, at)], what
    # and each topic's cell counts were kept from that instant
    assert db.read(
        "MATCH (t:Topic) OPTIONAL MATCH (t)-[:HAS_COUNTS]->(c) "
        "RETURN count(t) AS topics, collect(DISTINCT c.recorded_from) AS f, collect(DISTINCT c.recorded_to) AS t"
    ) == [{"topics": 24, "f": [at], "t": [FOREVER]}]
    # the old model's history nodes and edges are gone
    assert db.read("MATCH (n) WHERE n:InstrumentVersion OR n:Change RETURN count(n) AS n")[0]["n"] == 0
    assert db.read("MATCH ()-[r:TREATED|VERSION_OF|IN_CHANGE_SET]->() RETURN count(r) AS n")[0]["n"] == 0


@pytest.mark.slow
def test_loading_twice_changes_nothing(db):
    first = load(db, [CORPUS])
    before, dump = counts(db), graph_dump(db)
    second = load(db, [CORPUS])
    assert first.totals().created > 0
    t = second.totals()
    assert (t.created, t.updated, t.removed) == (0, 0, 0)
    assert t.unchanged == first.totals().created
    assert second.change_set is None
    assert counts(db) == before
    assert graph_dump(db) == dump  # not a version opened or closed, not a property touched


def test_dry_run_writes_nothing(db):
    report = load(db, [CORPUS], dry_run=True)
    assert report.records > 300
    assert counts(db) == {}


@pytest.mark.slow
def test_a_changed_fact_closes_its_version_and_opens_the_next(db, tmp_path):
    first = load(db, [MINI], at=T1)
    changed = tmp_path / "catalog.yaml"
    changed.write_text((MINI / "catalog.yaml").read_text().replace("pinpoint: Art. 1,", "pinpoint: Art. 1(2),"))
    report = load(db, [changed], at=T2)
    assert report.edges["TREATS"].updated == 1
    assert report.edges["TREATS"].unchanged == 3
    assert report.change_set == "cs-20260310T120000.000000Z"
    rows = db.read(
        "MATCH (:Instrument {id: 'AA-LAW-2020'})-[t:TREATS]->(:Topic {slug: 'alpha'}) "
        "RETURN t.pinpoint AS p, t.mode AS mode, t.recorded_from AS f, t.recorded_to AS to, "
        "t.first_recorded_at AS first ORDER BY f"
    )
    # the old version is kept as it was, closed when the new one opened; the fact's first record stays T1
    assert [(r["p"], r["mode"], r["f"].to_native(), r["to"].to_native(), r["first"].to_native()) for r in rows] == [
        ("Art. 1", "explicit", T1, T2, T1),
        ("Art. 1(2)", "explicit", T2, FOREVER, T1),
    ]
    assert change_set_at(db, first.change_set).to_native() == T1


def test_a_changed_record_gets_a_new_state_and_keeps_the_old(db, tmp_path):
    load(db, [MINI], at=T1)
    changed = tmp_path / "catalog.yaml"
    changed.write_text((MINI / "catalog.yaml").read_text().replace("name: Aland AI Law", "name: Aland AI Act"))
    report = load(db, [changed], at=T2)
    assert (report.nodes["Instrument"].updated, report.nodes["Instrument"].unchanged) == (1, 2)
    states = db.read("MATCH (:Instrument {id: 'AA-LAW-2020'})-[:HAS_STATE]->(s) RETURN s ORDER BY s.recorded_from")
    assert [(s["s"]["name"], s["s"]["recorded_to"].to_native()) for s in states] == [
        ("Aland AI Law", T2),
        ("Aland AI Act", FOREVER),
    ]
    old, new = (dict(s["s"]) for s in states)
    # the new state repeats every other property, and the key
    assert {k: v for k, v in old.items() if k not in ("name", "recorded_to", "recorded_from")} == {
        k: v for k, v in new.items() if k not in ("name", "recorded_to", "recorded_from")
    }
    assert new["id"] == "AA-LAW-2020" and new["first_recorded_at"].to_native() == T1
    assert db.read("MATCH (n:Instrument {id: 'AA-LAW-2020'}) RETURN properties(n) AS p") == [
        {"p": {"id": "AA-LAW-2020"}}
    ]


@pytest.mark.slow
def test_a_moved_reference_replaces_the_old_edge(db, tmp_path):
    load(db, [MINI], at=T1)
    moved = tmp_path / "catalog.yaml"
    moved.write_text(
        (MINI / "catalog.yaml")
        .read_text()
        .replace("    jurisdiction: AA\n    catalog_rank: 1", "    jurisdiction: BB\n    catalog_rank: 1")
    )
    report = load(db, [moved], at=T2)
    assert report.edges["ISSUED_IN"].removed == 1
    assert report.edges["ISSUED_IN"].created == 1
    rows = db.read(
        f"MATCH (:Instrument {{id: 'AA-LAW-2020'}})-[r:ISSUED_IN]->(j) WHERE r.recorded_to = {NOW} RETURN j.code AS j"
    )
    assert rows == [{"j": "BB"}]
    # the edge to AA is closed, not deleted
    closed = db.read(
        "MATCH (:Instrument {id: 'AA-LAW-2020'})-[r:ISSUED_IN]->(j) RETURN j.code AS j, "
        "r.recorded_from AS f, r.recorded_to AS t ORDER BY f"
    )
    assert [(r["j"], r["f"].to_native(), r["t"].to_native()) for r in closed] == [("AA", T1, T2), ("BB", T2, FOREVER)]


def test_a_dropped_reference_is_closed(db, tmp_path):
    load(db, [MINI], at=T1)
    dropped = tmp_path / "catalog.yaml"
    text = (MINI / "catalog.yaml").read_text()
    assert text.count("    issued_by: dev-a\n") == 1
    dropped.write_text(text.replace("    issued_by: dev-a\n", ""))
    report = load(db, [dropped], at=T2)
    assert report.edges["ISSUED_BY"].removed == 1
    rows = db.read("MATCH (:Instrument {id: 'BB-CODE-2021'})-[r:ISSUED_BY]->(d) RETURN d.id AS d, r.recorded_to AS t")
    assert [(r["d"], r["t"].to_native()) for r in rows] == [("dev-a", T2)]
    assert versions_at(db, T2) == {"created": 0, "updated": 0, "removed": 1}


@pytest.mark.parametrize("prune", [False, True], ids=["load", "prune"])
def test_a_conflict_restated_the_other_way_round_is_the_same_fact(db, tmp_path, prune):
    """CONFLICTS_WITH reads both ways (validation refuses (A, B) and (B, A)
    in one load as duplicates), so a later file that writes the same
    conflict from the other side states the same fact: nothing changes."""
    load(db, [MINI], at=T1)
    before = graph_dump(db)
    flipped = tmp_path / "catalog.yaml"
    old = "{instrument: AA-LAW-2020, other: BB-CODE-2021, topic: alpha,"
    assert old in BASE
    flipped.write_text(BASE.replace(old, "{instrument: BB-CODE-2021, other: AA-LAW-2020, topic: alpha,"))
    report = load(db, [flipped], at=T2, prune=prune)
    assert report.change_set is None
    assert graph_dump(db) == before
    assert db.read(f"MATCH ()-[r:CONFLICTS_WITH]->() WHERE r.recorded_to = {NOW} RETURN count(r) AS n") == [{"n": 1}]


def _pruned_mini(tmp_path: Path) -> Path:
    """The mini catalog without AA-N-BILL (and so its alpha cell), the
    conflict and the signature; and North Aland no longer part of Aland."""
    text = (MINI / "catalog.yaml").read_text()
    start = text.index("  - id: AA-N-BILL")
    text = text[:start] + text[text.index("papers:") :]
    for line in (
        "  - {instrument: AA-N-BILL, topic: alpha, mode: implicit, pinpoint: § 2, confidence: medium, "
        "source: test:one}\n",
        "conflicts:\n  - {instrument: AA-LAW-2020, other: BB-CODE-2021, topic: alpha, basis: They pull apart., "
        "source: test:one}\n",
        "signed:\n  - {developer: dev-a, instrument: AA-LAW-2020, date: 2020-02-02, source: test:one}\n",
    ):
        assert line in text, line
        text = text.replace(line, "")
    text = text.replace(
        "{code: AA-N, name: North Aland, kind: sub_national, part_of: AA,",
        "{code: AA-N, name: North Aland, kind: national,",
    )
    out = tmp_path / "pruned.yaml"
    out.write_text(text)
    return out


def test_prune_closes_what_the_files_no_longer_have_and_deletes_nothing(db, tmp_path):
    load(db, [MINI], at=T1)
    nodes_before, edges_before = graph_dump(db)
    report = load(db, [_pruned_mini(tmp_path)], at=T2, prune=True)
    assert report.nodes["Instrument"].removed == 1
    assert report.edges["TREATS"].removed == 1
    assert report.edges["CONFLICTS_WITH"].removed == 1
    assert report.edges["SIGNED"].removed == 1
    assert report.edges["PART_OF"].removed == 1
    # nothing was deleted: every node and edge is still there, as it was but for the recorded_to (T2)
    # of those closed (and what kb load keeps on topics and jurisdictions, which follows the current catalog)
    nodes_after, edges_after = graph_dump(db, reopen=T2)
    kept = ("['Topic']", "['Jurisdiction']")
    assert [n for n in Counter(nodes_before) - Counter(nodes_after) if not n.startswith(kept)] == []
    assert Counter(edges_before) - Counter(edges_after) == Counter()
    assert graph_dump(db)[1] != edges_after  # (some were closed)
    # the pruned instrument: its state, its cell and its ISSUED_IN edge, all closed at T2
    closed = db.read(
        "MATCH (n:Instrument {id: 'AA-N-BILL'}) "
        "CALL (n) { MATCH (n)-[:HAS_STATE]->(s) RETURN 'state' AS what, s.recorded_to AS t "
        "UNION ALL MATCH (n)-[r]->() WHERE type(r) <> 'HAS_STATE' RETURN type(r) AS what, r.recorded_to AS t } "
        "RETURN what, t ORDER BY what"
    )
    assert [(r["what"], r["t"].to_native()) for r in closed] == [("ISSUED_IN", T2), ("TREATS", T2), ("state", T2)]
    assert current(db, "Jurisdiction", "AA-N")["kind"] == "national"
    # the current catalog is the files'
    assert db.read(
        f"MATCH (n:Instrument)-[:HAS_STATE]->(s) WHERE s.recorded_to = {NOW} RETURN n.id AS id ORDER BY s.catalog_rank"
    ) == [{"id": "AA-LAW-2020"}, {"id": "BB-CODE-2021"}]
    # a later load that has it again gives the same identity a new state
    again = load(db, [MINI])
    assert again.nodes["Instrument"].created == 1
    assert db.read(
        "MATCH (n:Instrument {id: 'AA-N-BILL'})-[:HAS_STATE]->(s) RETURN count(n) AS states, "
        f"sum(CASE WHEN s.recorded_to = {NOW} THEN 1 ELSE 0 END) AS now"
    ) == [{"states": 2, "now": 1}]
    assert db.read("MATCH (n:Instrument {id: 'AA-N-BILL'}) RETURN count(n) AS n")[0]["n"] == 1


@pytest.mark.slow
def test_csv_and_json_load_like_yaml(db, tmp_path):
    load(db, [MINI])
    yaml_dump = catalog_dump(db)
    for fmt in ("json", "csv"):
        out = tmp_path / fmt
        export(db, out, fmt)
        db.write("MATCH (n) DETACH DELETE n")
        load(db, [out])
        assert catalog_dump(db) == yaml_dump, fmt


@pytest.mark.parametrize("fmt", ["yaml", "json", "csv"])
@pytest.mark.slow
def test_export_round_trip_of_the_corpus(db, tmp_path, fmt):
    load(db, [CORPUS])
    before = catalog_dump(db)
    export(db, tmp_path / "out", fmt)
    db.write("MATCH (n) DETACH DELETE n")
    load(db, [tmp_path / "out"])
    assert catalog_dump(db) == before


@pytest.mark.slow
def test_export_writes_the_current_catalog_not_what_was_closed(db, tmp_path):
    """After a prune, the export holds what the catalog holds now."""
    load(db, [MINI], at=T1)
    load(db, [_pruned_mini(tmp_path)], at=T2, prune=True)
    before = catalog_dump(db)
    export(db, tmp_path / "out", "yaml")
    db.write("MATCH (n) DETACH DELETE n")
    load(db, [tmp_path / "out"])
    assert catalog_dump(db) == before
    assert "AA-N-BILL" not in (tmp_path / "out" / "instruments.yaml").read_text()


def test_export_refuses_a_folder_with_data(db, tmp_path):
    load(db, [MINI])
    shutil.copy(MINI / "catalog.yaml", tmp_path / "old.yaml")
    from kb.errors import KbError

    with pytest.raises(KbError, match="already holds data files"):
        export(db, tmp_path)


# -- bad input: the exact message, and nothing written ------------------------------
BASE = (MINI / "catalog.yaml").read_text()


def bad_load(db, tmp_path, text: str, name: str = "bad.yaml") -> list[str]:
    load(db, [MINI])
    before = graph_dump(db)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationFailed) as e:
        load(db, [path])
    assert graph_dump(db) == before, "a failed load changed the graph"
    return [str(p) for p in e.value.problems]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_unknown_key(db, tmp_path):
    text = BASE.replace("    catalog_rank: 1\n", "    catalog_rank: 1\n    colour: red\n")
    problems = bad_load(db, tmp_path, text)
    line = line_of(text, "colour: red")
    assert problems == [
        f"{tmp_path / 'bad.yaml'}:{line}: instruments.colour: unknown field 'colour' "
        "(instruments fields are: id, catalog, name, short_name, kind, binding, status, introduced, adopted, "
        "effective, ended, date_source, date_note, citation, url, locator, catalog_rank, wikidata, "
        "identifiers, identifiers_source, notes, "
        "source, claimed_kind, claimed_status, claimed_adopted, claimed_effective, claimed_jurisdiction, "
        "claimed_by, jurisdiction, issued_by, authority, status_history)"
    ]


def test_missing_required_field(db, tmp_path):
    text = BASE.replace("    name: Aland AI Law\n", "")
    problems = bad_load(db, tmp_path, text)
    line = line_of(text, "- id: AA-LAW-2020")
    assert problems == [
        f"{tmp_path / 'bad.yaml'}:{line}: instruments.name: missing required field 'name' "
        "(add name: to this instrument record)"
    ]


def test_bad_enum_value(db, tmp_path):
    text = BASE.replace("mode: explicit, pinpoint: Art. 1", "mode: explicitly, pinpoint: Art. 1")
    problems = bad_load(db, tmp_path, text)
    line = line_of(text, "mode: explicitly")
    assert problems == [
        f"{tmp_path / 'bad.yaml'}:{line}: treats.mode: bad value 'explicitly' "
        "(did you mean 'explicit'? use one of: explicit, implicit, conflicts, silent)"
    ]


def test_bad_date(db, tmp_path):
    text = BASE.replace("adopted: 2020-01-02", "adopted: 2020-02-30")
    problems = bad_load(db, tmp_path, text)
    line = line_of(text, "adopted: 2020-02-30")
    assert problems == [
        f"{tmp_path / 'bad.yaml'}:{line}: instruments.adopted: bad date '2020-02-30' "
        "(write a real calendar date as YYYY-MM-DD)"
    ]


def test_duplicate_id(db, tmp_path):
    dup = tmp_path / "dup.yaml"
    dup.write_text(
        textwrap.dedent("""
        instruments:
          - id: AA-LAW-2020
            name: Again
            kind: voluntary_code
            binding: false
            status: in_force
            jurisdiction: AA
            catalog_rank: 9
            source: test:one
    """).lstrip()
    )
    load(db, [MINI])
    before = graph_dump(db)
    with pytest.raises(ValidationFailed) as e:
        load(db, [MINI, dup])
    assert [str(p) for p in e.value.problems] == [
        f"{dup}:2: instruments.id: duplicate instrument id 'AA-LAW-2020' "
        f"(first defined at {MINI / 'catalog.yaml'}:{line_of(BASE, '- id: AA-LAW-2020')}; keep one)"
    ]
    assert graph_dump(db) == before


@pytest.mark.parametrize(
    "old,new,field,message",
    [
        (
            "{instrument: AA-LAW-2020, topic: alpha, mode: explicit",
            "{instrument: AA-LAW-2021, topic: alpha, mode: explicit",
            "treats.instrument",
            "unknown instrument 'AA-LAW-2021' (did you mean 'AA-LAW-2020'?)",
        ),
        (
            "{instrument: AA-LAW-2020, topic: beta,",
            "{instrument: AA-LAW-2020, topic: betta,",
            "treats.topic",
            "unknown topic 'betta' (did you mean 'beta'?)",
        ),
        (
            "    jurisdiction: BB\n",
            "    jurisdiction: ZZ\n",
            "instruments.jurisdiction",
            "unknown jurisdiction 'ZZ' (define it in a `jurisdictions:` section or fix the jurisdiction)",
        ),
        (
            "    issued_by: dev-a\n",
            "    issued_by: dev-b\n",
            "instruments.issued_by",
            "unknown developer 'dev-b' (did you mean 'dev-a'?)",
        ),
    ],
)
def test_unknown_references(db, tmp_path, old, new, field, message):
    assert old in BASE
    text = BASE.replace(old, new, 1)
    problems = bad_load(db, tmp_path, text)
    line = line_of(text, new.strip())
    assert problems == [f"{tmp_path / 'bad.yaml'}:{line}: {field}: {message}"]


def test_treats_edge_without_a_source(db, tmp_path):
    text = BASE.replace("pinpoint: § 2, confidence: medium, source: test:one}", "pinpoint: § 2, confidence: medium}")
    problems = bad_load(db, tmp_path, text)
    line = line_of(text, "pinpoint: § 2, confidence: medium}")
    assert problems == [
        f"{tmp_path / 'bad.yaml'}:{line}: treats.source: missing required field 'source' "
        "(every fact needs a source: add source: <id of a record in sources>)"
    ]


def test_every_problem_is_reported_not_just_the_first(db, tmp_path):
    text = (
        BASE.replace("mode: explicit, pinpoint: Art. 1", "mode: loud, pinpoint: Art. 1")
        .replace("adopted: 2020-01-02", "adopted: yesterday")
        .replace("posture: open", "posture: ajar")
    )
    problems = bad_load(db, tmp_path, text)
    assert len(problems) == 3
    assert any("treats.mode: bad value 'loud'" in p for p in problems)
    assert any("instruments.adopted: bad date 'yesterday'" in p for p in problems)
    assert any("developers.posture: bad value 'ajar'" in p for p in problems)


def test_csv_problems_name_the_row(db, tmp_path):
    csv_text = (
        "instrument,topic,mode,confidence,source\n"
        "AA-LAW-2020,alpha,explicit,medium,test:one\n"
        "AA-LAW-2020,beta,sideways,medium,test:one\n"
    )
    problems = bad_load(db, tmp_path, csv_text, name="extra.treats.csv")
    assert problems == [
        f"{tmp_path / 'extra.treats.csv'}:3: treats.mode: bad value 'sideways' "
        "(use one of: explicit, implicit, conflicts, silent)"
    ]


def test_yaml_syntax_error_names_the_line(db, tmp_path):
    problems = bad_load(db, tmp_path, "topics:\n  - {slug: x, name: [unclosed\n")
    assert len(problems) == 1 and problems[0].startswith(f"{tmp_path / 'bad.yaml'}:3: invalid YAML")


def test_unknown_section(db, tmp_path):
    problems = bad_load(db, tmp_path, "instrumentz:\n  - id: X\n")
    assert problems[0].startswith(f"{tmp_path / 'bad.yaml'}:1: instrumentz: unknown section 'instrumentz'")


# -- catalog ranks: each current instrument its own, checked before anything is written ----------


def test_a_rank_clash_inside_the_files_is_a_problem_and_nothing_is_written(db, tmp_path):
    text = BASE.replace("    catalog_rank: 3\n", "    catalog_rank: 1\n")
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    first, second = [i for i, line in enumerate(text.splitlines(), 1) if "catalog_rank: 1" in line]
    expected = [
        f"{path}:{second}: instruments.catalog_rank: catalog_rank 1 is also held by AA-LAW-2020 "
        f"({path}:{first}) (give each instrument its own rank, e.g. 3 (the next free one))"
    ]
    for dry_run in (True, False):
        with pytest.raises(ValidationFailed) as e:
            load(db, [path], dry_run=dry_run)
        assert [str(p) for p in e.value.problems] == expected
        assert counts(db) == {}


@pytest.mark.parametrize("dry_run", [False, True], ids=["load", "dry-run"])
def test_a_rank_held_by_a_stored_instrument_is_a_problem(db, tmp_path, dry_run):
    load(db, [MINI])
    before = graph_dump(db)
    path = write(tmp_path / "new.yaml", NEW_INSTRUMENT.format(rank=2))
    with pytest.raises(ValidationFailed) as e:
        load(db, [path], dry_run=dry_run)
    assert [str(p) for p in e.value.problems] == [
        f"{path}:8: instruments.catalog_rank: catalog_rank 2 is held by BB-CODE-2021, already in the catalog "
        "(give CC-NEW a free rank, e.g. 4, or include BB-CODE-2021 with its new rank)"
    ]
    assert graph_dump(db) == before
    # a free rank loads
    path.write_text(path.read_text().replace("catalog_rank: 2", "catalog_rank: 4"))
    assert load(db, [path], dry_run=dry_run).records == 1


def test_two_stored_instruments_may_swap_ranks_in_one_load(db, tmp_path):
    load(db, [MINI], at=T1)
    swapped = tmp_path / "catalog.yaml"
    text = (
        BASE.replace("    catalog_rank: 1\n", "    catalog_rank: 9\n")
        .replace("    catalog_rank: 2\n", "    catalog_rank: 1\n")
        .replace("    catalog_rank: 9\n", "    catalog_rank: 2\n")
    )
    swapped.write_text(text)
    assert load(db, [swapped], dry_run=True).records == 21
    report = load(db, [swapped], at=T2)
    assert report.nodes["Instrument"].updated == 2
    ranks = db.read(
        "MATCH (n:Instrument)-[:HAS_STATE]->(s) RETURN n.id AS id, s.catalog_rank AS rank, "
        "s.recorded_to = datetime($forever) AS now ORDER BY id, now",
        forever=FOREVER.isoformat(),
    )
    assert [(r["id"], r["rank"], r["now"]) for r in ranks] == [
        ("AA-LAW-2020", 1, False),
        ("AA-LAW-2020", 2, True),
        ("AA-N-BILL", 3, True),
        ("BB-CODE-2021", 2, False),
        ("BB-CODE-2021", 1, True),
    ]


def test_a_rank_moved_onto_one_the_files_free_is_accepted(db, tmp_path):
    """A stored instrument the files give a new rank frees its old one for
    another in the same files."""
    load(db, [MINI], at=T1)
    text = BASE.replace("    catalog_rank: 2\n", "    catalog_rank: 4\n")
    (tmp_path / "catalog.yaml").write_text(text)
    write(tmp_path / "new.yaml", NEW_INSTRUMENT.format(rank=2))
    load(db, [tmp_path / "catalog.yaml", tmp_path / "new.yaml"], at=T2)
    assert current(db, "Instrument", "CC-NEW")["catalog_rank"] == 2
    assert current(db, "Instrument", "BB-CODE-2021")["catalog_rank"] == 4


def test_the_rank_of_a_pruned_instrument_is_free_again(db, tmp_path):
    load(db, [MINI], at=T1)
    load(db, [_pruned_mini(tmp_path)], at=T2, prune=True)  # AA-N-BILL (rank 3) closed
    path = write(tmp_path / "new.yaml", NEW_INSTRUMENT.format(rank=3))
    load(db, [path])
    assert current(db, "Instrument", "CC-NEW")["catalog_rank"] == 3


@pytest.mark.parametrize("change", ["update", "move", "prune"])
def test_a_change_set_counts_the_versions_it_opened_and_closed(db, tmp_path, change):
    """The change set's created / updated / removed are the facts whose
    versions the load opened and closed (docs/history.md), and so are the
    load report's totals."""
    first = load(db, [MINI], at=T1)
    assert change_set_counts(db, first.change_set) == versions_at(db, T1) == {"created": 27, "updated": 0, "removed": 0}
    path = tmp_path / "catalog.yaml"
    if change == "update":
        path.write_text(
            BASE.replace("name: Aland AI Law", "name: Aland AI Act").replace("pinpoint: § 2,", "pinpoint: § 3,")
        )
    elif change == "move":
        path.write_text(
            BASE.replace("    jurisdiction: AA\n    catalog_rank: 1", "    jurisdiction: BB\n    catalog_rank: 1")
        )
    else:
        path = _pruned_mini(tmp_path)
    report = load(db, [path], at=T2, prune=change == "prune")
    t = report.totals()
    found = versions_at(db, T2)
    assert found == change_set_counts(db, report.change_set)
    assert found == {"created": t.created, "updated": t.updated, "removed": t.removed}
    assert (
        found
        == {
            "update": {"created": 0, "updated": 2, "removed": 0},
            "move": {"created": 1, "updated": 0, "removed": 1},
            # AA-N-BILL's state, its cell and its ISSUED_IN edge, the conflict, the signature,
            # North Aland's PART_OF; North Aland's state changed
            "prune": {"created": 0, "updated": 1, "removed": 6},
        }[change]
    )


def test_cli_dry_run_reports_a_rank_clash(cli, db, tmp_path):
    load(db, [MINI])
    path = write(tmp_path / "new.yaml", NEW_INSTRUMENT.format(rank=1))
    result = cli("load", "--dry-run", str(path))
    assert result.exit_code == 1
    assert result.output == (
        "Error: 1 problem found; nothing was written:\n"
        f"  {path}:8: instruments.catalog_rank: catalog_rank 1 is held by AA-LAW-2020, already in the catalog "
        "(give CC-NEW a free rank, e.g. 4, or include AA-LAW-2020 with its new rank)\n"
    )


# -- a write the server refuses part way -------------------------------------------------


@pytest.mark.slow
def test_failure_inside_the_transaction_rolls_everything_back(unique_instrument_names, tmp_path):
    """Valid files whose write fails on the server leave the graph exactly
    as it was."""
    db = unique_instrument_names
    load(db, [MINI])
    before = graph_dump(db)
    clash = write(tmp_path / "clash.yaml", CLASH)
    with pytest.raises(QueryError, match="already exists"):
        load(db, [clash])
    assert graph_dump(db) == before  # the source and topic written first were rolled back


# -- the CLI ----------------------------------------------------------------------
def test_cli_load_reports_problems_and_exits_1(cli, db, tmp_path):
    bad = write(
        tmp_path / "bad.yaml",
        """
        topics:
          - {slug: Bad Slug, name: X, definition: Y, rank: 1, source: nowhere}
    """,
    )
    result = cli("load", str(bad))
    assert result.exit_code == 1
    assert result.output.startswith("Error: 2 problems found; nothing was written:\n")
    assert f"{bad}:2: topics.slug: bad slug 'Bad Slug'" in result.output
    assert f"{bad}:2: topics.source: unknown source 'nowhere'" in result.output
    assert counts(db) == {}


def test_cli_load_summary_and_stats(cli, db):
    result = cli("load", str(MINI), "--format", "json")
    assert result.exit_code == 0, result.output
    assert "Loaded 21 records from 1 file: 27 created, 0 updated, 0 unchanged, 0 removed." in result.output
    again = cli("load", str(MINI), "--format", "csv")
    assert "0 created, 0 updated, 27 unchanged" in again.output
    stats_out = cli("stats", "--format", "csv").output.splitlines()
    assert stats_out[0] == "kind,name,count,current,closed"
    assert {
        "node,Instrument,3,3,0",
        "state,InstrumentState,3,3,0",
        "relationship,TREATS,4,4,0",
        "relationship,HAS_STATE,11,,",
        "history,ChangeSet,1,,",
    } <= set(stats_out)


@pytest.mark.slow
def test_cli_prune_at_a_recorded_time_says_what_it_closed(cli, db, tmp_path):
    assert cli("load", "--recorded-at", "2026-01-10", str(MINI)).exit_code == 0
    result = cli("load", "--prune", "--recorded-at", "2026-03-10T12:00:00", str(_pruned_mini(tmp_path)))
    assert result.exit_code == 0, result.output
    # AA-N-BILL and its ISSUED_IN; its cell, the conflict, the signature, North Aland's PART_OF;
    # North Aland's kind changed
    assert "Loaded 17 records from 1 file: 0 created, 1 updated, 20 unchanged, 6 removed." in result.output
    assert "Recorded change set cs-20260310T120000.000000Z." in result.output
    stats_out = set(cli("stats", "--format", "csv").output.splitlines())
    # closed, not deleted: 3 instruments, 2 of them current
    assert {
        "node,Instrument,3,2,1",
        "state,InstrumentState,3,2,1",
        "relationship,TREATS,4,3,1",
        "relationship,ISSUED_IN,3,2,1",
        "state,JurisdictionState,4,3,1",
        "node,Jurisdiction,3,3,0",
        "history,ChangeSet,2,,",
    } <= stats_out


def test_cli_dry_run(cli, db):
    result = cli("load", "--dry-run", str(MINI))
    assert result.exit_code == 0
    assert "OK: 21 records in 1 file are valid; nothing was written." in result.output
    assert counts(db) == {}
