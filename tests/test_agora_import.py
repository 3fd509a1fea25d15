"""Catalogs side by side: AGORA's export imported beside the curated corpus.

The fixtures (tests/fixtures/agora) are made-up rows in the shape of ETO's
AGORA export; snapshot2 is a later export of snapshot1 (AGORA-40 removed,
AGORA-3's casual name and AGORA-25's tags changed, AGORA-51 added).
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from kb.errors import ValidationFailed
from kb.imports import import_agora, import_csv
from kb.load import load
from kb.loaders.agora import read_agora
from kb.loaders.mapping import slug_of
from kb.queries.clocks import Clocks
from kb.queries.topic import primacy, topic_data

FIXTURES = Path(__file__).parent / "fixtures" / "agora"
SNAP1, SNAP2 = FIXTURES / "snapshot1", FIXTURES / "snapshot2"
CORPUS = Path(__file__).parent.parent / "data" / "corpus"
CROSSWALKS = Path(__file__).parent.parent / "data" / "crosswalks"
T0 = datetime(2026, 1, 1, tzinfo=UTC)
T1 = datetime(2026, 2, 1, tzinfo=UTC)
T2 = datetime(2026, 3, 1, tzinfo=UTC)
EXPORTED = date(2026, 1, 20)
TOPICS = [
    "agora_risk_factors",
    "agora_risk_factors_bias",
    "agora_risk_factors_security",
    "agora_risk_factors_security_cybersecurity",
    "agora_harms",
    "agora_harms_discrimination",
    "agora_strategies",
    "agora_strategies_evaluation",
    "agora_strategies_evaluation_adversarial_testing",
]


@pytest.fixture
def agora_db(shared_graph):
    """The curated corpus, then snapshot1 imported beside it (read-only tests)."""

    def build(db):
        load(db, [CORPUS], at=T0)
        import_agora(db, SNAP1, at=T1, exported=EXPORTED)

    shared_graph.holding("corpus+agora", build)
    return shared_graph.db


def one(db, statement: str, **params):
    rows = db.read(statement, **params)
    assert len(rows) == 1, rows
    return rows[0]


# -- the reader, without a database -------------------------------------------------------------
def test_slugs_lower_case_and_join_runs_of_other_characters():
    assert slug_of("agora_", "Risk factors: Bias") == "agora_risk_factors_bias"
    assert slug_of("agora_", "Strategies: Evaluation: Adversarial testing") == (
        "agora_strategies_evaluation_adversarial_testing"
    )
    assert slug_of("agora_", "Harms -- (other)") == "agora_harms_other"


def test_the_reader_makes_the_records_a_data_file_holds():
    imported = read_agora(SNAP1, {"jurisdictions": {"US", "US-CA", "EU"}}, EXPORTED, CROSSWALKS)
    result = imported.result
    assert result.problems == []
    by = {}
    for r in result.records:
        by.setdefault(r.section, []).append(r.data)
    assert [t["slug"] for t in by["topics"]] == TOPICS
    assert [(t["slug"], t["name"], t["rank"]) for t in by["topics"][:2]] == [
        ("agora_risk_factors", "Risk factors", "1"),
        ("agora_risk_factors_bias", "Bias", "2"),
    ]
    assert {(b["topic"], b["broader"]) for b in by["broader"]} == {
        ("agora_risk_factors_bias", "agora_risk_factors"),
        ("agora_risk_factors_security", "agora_risk_factors"),
        ("agora_risk_factors_security_cybersecurity", "agora_risk_factors_security"),
        ("agora_harms_discrimination", "agora_harms"),
        ("agora_strategies_evaluation", "agora_strategies"),
        ("agora_strategies_evaluation_adversarial_testing", "agora_strategies_evaluation"),
    }
    # instruments in AGORA ID order (3 < 7 < 12 < 25 < 40), in catalog agora
    assert [i["id"] for i in by["instruments"]] == ["AGORA-3", "AGORA-7", "AGORA-12", "AGORA-25", "AGORA-40"]
    fairness = by["instruments"][2]
    assert fairness == {
        "id": "AGORA-12",
        "catalog": "agora",
        "name": "Example Algorithmic Fairness Act",
        "short_name": "Fairness Act",
        "kind": "binding_regulation",
        "binding": "true",
        "status": "in_force",
        "status_history": "2023-05-02:in_force:agora:export",
        "introduced": "2022-11-15",
        "adopted": "2023-05-02",
        "date_note": "introduced: the 'Proposed date' column; adopted: the 'Most recent activity date' column "
        "(Most recent activity Enacted); status: the 'Most recent activity' column, dated by "
        "'Most recent activity date'",
        "jurisdiction": "US",
        "authority": "agora:authority:united_states_congress",
        "url": "https://example.org/agora-fixture/12",
        "notes": "A made-up federal act on algorithmic fairness.",
        "locator": "documents.csv, AGORA ID 12",
        "source": "agora:export",
    }
    lapsed = by["instruments"][1]  # Defunct: no adoption date, revoked, dated
    assert (lapsed["status"], lapsed.get("adopted"), lapsed["status_history"]) == (
        "revoked",
        None,
        "2023-09-30:revoked:agora:export",
    )
    # cells: True explicit; False on an annotated document silent; none for AGORA-40 (not annotated)
    cells = {(c["instrument"], c["topic"]): (c["mode"], c["confidence"]) for c in by["treats"]}
    assert len(cells) == 16 and not [k for k in cells if k[0] == "AGORA-40"]
    # the export is a catalog, not the primary text: validated medium, else low (kb's confidence rule)
    assert cells[("AGORA-12", "agora_risk_factors_bias")] == ("explicit", "medium")  # validated
    assert cells[("AGORA-3", "agora_risk_factors_bias")] == ("silent", "low")  # machine output, not validated
    assert cells[("AGORA-7", "agora_risk_factors_bias")] == ("silent", "low")  # not validated
    # only the jurisdictions the graph lacks; the crosswalk's kind and parent
    assert [(j["code"], j["kind"], j.get("part_of")) for j in by["jurisdictions"]] == [("US-IL", "sub_national", "US")]
    authorities = {a["id"]: a for a in by["authorities"]}
    assert authorities["agora:authority:regional_data_office"]["jurisdiction"] == "EU"  # by its parent
    assert authorities["agora:authority:regional_data_office"]["parent"] == "agora:authority:european_commission"
    assert authorities["agora:authority:springfield_city_council"]["jurisdiction"] == "US-IL"  # by its column
    assert authorities["agora:authority:united_states_congress"]["kind"] == "legislature"
    assert sorted(c["id"] for c in by["collections"]) == [
        "agora:executive_actions",
        "agora:federal_laws",
        "agora:state_and_local",
    ]
    source = by["sources"][0]
    assert source["id"] == "agora:export" and source["accessed"] == "2026-01-20"
    assert source["note"].startswith("The export of 2026-01-20: documents.csv SHA-256 ")
    assert [str(n) for n in imported.notes] == [
        f"{SNAP1 / 'documents.csv'}:1: 1 column(s) the mapping does not use, ignored: Internal note "
        f"(list them under ignore: in {Path('data/crosswalks/agora.yaml').resolve()} to silence this)",
        f"{SNAP1 / 'authorities.csv'}:6: Name: authority 'Springfield City Council' is not in kb's crosswalk; "
        "placed in US-IL under its Jurisdiction 'Illinois' (add it to data/crosswalks/agora-authorities.yaml)",
        f"{SNAP1 / 'authorities.csv'}:8: Name: authority 'Regional Data Office' is not in kb's crosswalk; "
        "placed in EU under its parent authority 'European Commission' "
        "(add it to data/crosswalks/agora-authorities.yaml)",
    ]


# -- the curated pages stay as they were ----------------------------------------------------------
CURATED_COMMANDS = [
    ("topic", "open_weight_release"),
    ("primacy", "open_weight_release"),
    ("forum-shopping", "open_weight_release", "--all"),
    ("gaps", "open_weight_release"),
    ("gaps",),
    ("topics",),
    ("instruments",),
    ("matrix",),
    ("compare", "EU-AIA-2024", "US-EO-14110"),
]


@pytest.mark.slow  # the corpus loaded, nine pages read before and after an import: about 30 s
def test_importing_a_catalog_changes_nothing_on_the_curated_pages(db, cli):
    load(db, [CORPUS], at=T0)

    def pages():
        out = {}
        for args in CURATED_COMMANDS:
            r = cli(*args, "-f", "json")
            assert r.exit_code == 0, (args, r.output)
            out[args] = json.loads(r.stdout)
        return out

    before = pages()
    report = import_agora(db, SNAP1, at=T1, exported=EXPORTED)
    assert report.report.change_set is not None
    after = pages()
    for args in CURATED_COMMANDS:
        assert after[args] == before[args], args
    page = after[("topic", "open_weight_release")]
    assert [page["counts"][k] for k in ("tracked", "explicit", "implicit", "silent")] == [26, 3, 7, 16]
    assert page["primacy"]["instrument"]["id"] == "CN-GENAI-2023"
    # the counts kb keeps stay the curated catalog's
    us = one(db, "MATCH (j:Jurisdiction {code: 'US'}) RETURN j.own_instruments AS n, j.own_gaps AS gaps")
    assert us["n"] == 8 and not [g for g in us["gaps"] if g.startswith("agora_")]


# -- the imported catalog's pages -----------------------------------------------------------------
@pytest.mark.slow
def test_the_imported_catalog_has_its_own_pages(agora_db, cli):
    page = topic_data(agora_db, "agora_risk_factors_bias")
    assert page["counts"] == {
        "tracked": 5,
        "explicit": 1,
        "implicit": 0,
        "conflicts": 0,
        "silent": 4,
        "unreviewed": 1,
    }
    assert page["primacy"]["instrument"] == {
        "id": "AGORA-12",
        "name": "Example Algorithmic Fairness Act",
        "jurisdiction": "US",
    }
    assert [s["id"] for s in page["silent"]] == ["AGORA-3", "AGORA-7", "AGORA-25", "AGORA-40"]
    assert [s["reviewed"] for s in page["silent"]] == [True, True, True, False]
    topics = json.loads(cli("topics", "--catalog", "agora", "-f", "json").stdout)
    assert sorted(t["slug"] for t in topics) == sorted(TOPICS)
    assert topics[0]["slug"] == "agora_harms_discrimination"  # 2 explicit
    instruments = json.loads(cli("instruments", "--catalog", "agora", "-f", "json").stdout)
    assert [(i["id"], i["jurisdiction"], i["status"]) for i in instruments] == [
        ("AGORA-3", "US", "in_force"),
        ("AGORA-7", "US-CA", "revoked"),
        ("AGORA-12", "US", "in_force"),
        ("AGORA-25", "EU", "in_force"),
        ("AGORA-40", "US-IL", "proposed"),
    ]
    matrix = json.loads(cli("matrix", "--catalog", "agora", "-f", "json").stdout)
    assert [t["slug"] for t in matrix["topics"]] == TOPICS
    assert matrix["rows"][2]["cells"]["agora_harms_discrimination"] == "explicit"
    assert matrix["rows"][4]["cells"]["agora_harms_discrimination"] == "unreviewed"
    gaps = json.loads(cli("gaps", "--catalog", "agora", "-f", "json").stdout)
    assert {j["code"]: j["instruments"] for j in gaps["jurisdictions"]} == {"US": 2, "US-CA": 1, "EU": 1, "US-IL": 1}
    assert [t["slug"] for t in gaps["topics"]][-1] == "agora_harms_discrimination"  # the least silent
    # with a slug, the topic's catalog
    assert json.loads(cli("gaps", "agora_harms", "-f", "json").stdout)["jurisdictions"] == gaps["jurisdictions"]
    compare = json.loads(cli("compare", "AGORA-12", "AGORA-25", "-f", "json").stdout)
    assert sorted(r["topic"] for r in compare["topics"]) == sorted(TOPICS)


def test_catalogs_are_listed_and_an_unknown_one_is_named(agora_db, cli):
    listed = json.loads(cli("catalogs", "-f", "json").stdout)
    assert listed == [
        {"catalog": "kb", "topics": 24, "instruments": 26},
        {"catalog": "agora", "topics": len(TOPICS), "instruments": 5},
    ]
    assert json.loads(cli("catalogs", "--as-recorded", "2020-01-01", "-f", "json").stdout) == []
    for command in ("matrix", "topics", "instruments", "gaps"):
        result = cli(command, "--catalog", "agorra")
        assert result.exit_code == 1
        assert "no catalog 'agorra'; did you mean 'agora'?" in result.output, (command, result.output)


def test_the_import_records_issuers_places_groups_and_its_source(agora_db):
    row = one(
        agora_db,
        "MATCH (n:Instrument {id: 'AGORA-25'})-[:ISSUED_BY]->(a:Authority)-[:PART_OF]->(p:Authority), "
        "(n)-[:ISSUED_IN]->(j:Jurisdiction), (a)-[:BASED_IN]->(aj:Jurisdiction) "
        "RETURN a.id AS authority, p.id AS parent, j.code AS code, aj.code AS authority_code",
    )
    assert row == {
        "authority": "agora:authority:regional_data_office",
        "parent": "agora:authority:european_commission",
        "code": "EU",
        "authority_code": "EU",
    }
    city = one(agora_db, "MATCH (:Jurisdiction {code: 'US-IL'})-[:PART_OF]->(j) RETURN j.code AS up")
    assert city == {"up": "US"}
    members = agora_db.read(
        "MATCH (n:Instrument)-[:IN_COLLECTION]->(c:Collection)-[:HAS_STATE]->(s) "
        "RETURN c.id AS id, s.description AS about, collect(n.id) AS ids ORDER BY id"
    )
    assert [(m["id"], sorted(m["ids"])) for m in members] == [
        ("agora:executive_actions", ["AGORA-3"]),
        ("agora:federal_laws", ["AGORA-12"]),
        ("agora:state_and_local", ["AGORA-40", "AGORA-7"]),
    ]
    assert members[1]["about"] == "Made-up: laws of the United States federal government"
    chain = one(
        agora_db,
        "MATCH p = (:Topic {slug: 'agora_risk_factors_security_cybersecurity'})-[:BROADER*]->(top:Topic) "
        "WHERE NOT (top)-[:BROADER]->() RETURN [n IN nodes(p) | n.slug] AS slugs",
    )
    assert chain["slugs"] == [
        "agora_risk_factors_security_cybersecurity",
        "agora_risk_factors_security",
        "agora_risk_factors",
    ]
    src = one(agora_db, "MATCH (:Source {id: 'agora:export'})-[:HAS_STATE]->(s) RETURN s.accessed AS d, s.note AS note")
    digest = __import__("hashlib").sha256((SNAP1 / "documents.csv").read_bytes()).hexdigest()
    assert src["d"].to_native() == EXPORTED and f"documents.csv SHA-256 {digest}" in src["note"]
    cs = one(agora_db, "MATCH (c:ChangeSet) WHERE c.at = $at RETURN c.files AS files, c.hashes AS hashes", at=T1)
    assert [Path(f).name for f in cs["files"]] == ["documents.csv", "authorities.csv", "collections.csv"]
    assert cs["hashes"][0] == digest


@pytest.mark.slow
def test_primacy_by_introduction_date_falls_back_to_adoption(agora_db, cli):
    by_adopted = primacy(agora_db, "agora_harms_discrimination")
    assert by_adopted["primacy"]["instrument"]["id"] == "AGORA-12"
    assert by_adopted["primacy"]["date"] == date(2023, 5, 2)
    by_introduced = primacy(agora_db, "agora_harms_discrimination", by="introduced")
    assert by_introduced["primacy"]["instrument"]["id"] == "AGORA-25"
    assert (by_introduced["primacy"]["date"], by_introduced["primacy"]["dated_by"]) == (date(2021, 3, 1), "introduced")
    # AGORA-3 has no introduction date: its adoption date stands in
    fallback = primacy(agora_db, "agora_risk_factors_security_cybersecurity", by="introduced")["primacy"]
    assert (fallback["instrument"]["id"], fallback["date"], fallback["dated_by"]) == (
        "AGORA-3",
        date(2024, 2, 10),
        "adopted",
    )
    page = json.loads(cli("topic", "agora_harms_discrimination", "--by", "introduced", "-f", "json").stdout)
    assert page["primacy"]["instrument"]["id"] == "AGORA-25"
    shown = cli("primacy", "agora_harms_discrimination", "--by", "introduced", "-f", "md").stdout
    assert "First addressed by Regional Data Office Guidance on 2021-03-01 (explicit). By introduction date" in shown
    # the curated topic: the same either way where introduced dates are absent or later
    assert primacy(agora_db, "open_weight_release", by="adopted")["primacy"]["instrument"]["id"] == "CN-GENAI-2023"


# -- a newer export: one dated change set -------------------------------------------------------
@pytest.mark.slow
def test_a_newer_export_is_one_change_set_that_closes_what_it_lost(db, cli):
    load(db, [CORPUS], at=T0)
    import_agora(db, SNAP1, at=T1, exported=EXPORTED)
    curated = json.loads(cli("instruments", "-f", "json").stdout)
    preview = import_agora(db, SNAP2, dry_run=True, exported=date(2026, 2, 20)).report
    removed = sorted(c.key for c in preview.changes if c.change == "removed" and c.record == "instrument")
    assert removed == ["AGORA-40"]
    shown = cli("import", "agora", str(SNAP2), "--dry-run", "--exported", "2026-02-20", "-f", "json")
    assert shown.exit_code == 0, shown.output
    assert "segments are not imported" in shown.stderr and "nothing was written" in shown.stderr
    assert {(c["change"], c["key"]) for c in json.loads(shown.stdout) if c["record"] == "instrument"} >= {
        ("removed", "AGORA-40"),
        ("added", "AGORA-51"),
    }
    assert one(db, "MATCH (c:ChangeSet) RETURN count(c) AS n")["n"] == 2  # the dry runs wrote nothing
    report = import_agora(db, SNAP2, at=T2, exported=date(2026, 2, 20)).report
    t = report.totals()
    assert report.nodes["Instrument"].created == 1 and report.nodes["Instrument"].removed == 1
    assert report.nodes["Instrument"].updated == 1  # AGORA-3's casual name
    assert t.created and t.removed
    assert one(db, "MATCH (c:ChangeSet) RETURN count(c) AS n")["n"] == 3
    # AGORA-40 closed at T2, not deleted
    gone = one(db, "MATCH (:Instrument {id: 'AGORA-40'})-[:HAS_STATE]->(s) RETURN s.recorded_to AS to")
    assert gone["to"].to_native() == T2
    # the curated catalog untouched
    assert json.loads(cli("instruments", "-f", "json").stdout) == curated
    now = json.loads(cli("instruments", "--catalog", "agora", "-f", "json").stdout)
    assert [i["id"] for i in now] == ["AGORA-3", "AGORA-7", "AGORA-12", "AGORA-25", "AGORA-51"]
    bias_now = topic_data(db, "agora_risk_factors_bias")["counts"]
    bias_then = topic_data(db, "agora_risk_factors_bias", Clocks.resolve(as_recorded=T1.isoformat()))["counts"]
    assert (bias_then["tracked"], bias_then["explicit"], bias_then["unreviewed"]) == (5, 1, 1)
    assert (bias_now["tracked"], bias_now["explicit"], bias_now["unreviewed"]) == (5, 2, 0)
    changes = json.loads(cli("changes", "--topic", "agora_risk_factors_bias", "-f", "json").stdout)
    latest = [c for c in changes if c["at"].startswith("2026-03-01")]
    assert [(c["op"], c["key"], c["detail"]) for c in latest] == [
        ("changed", "AGORA-25 -> agora_risk_factors_bias", "mode silent → explicit"),
        ("added", "AGORA-51 -> agora_risk_factors_bias", "silent"),
    ]
    # the same export again changes nothing
    again = import_agora(db, SNAP2, exported=date(2026, 2, 20)).report
    assert again.change_set is None
    # by introduced, AGORA-51 (introduced 2024-01-05) now comes before AGORA-3 (adopted 2024-02-10)
    first = primacy(db, "agora_risk_factors_security_cybersecurity", by="introduced")["primacy"]
    assert (first["instrument"]["id"], first["date"]) == ("AGORA-51", date(2024, 1, 5))


# -- bad input: every problem, where it is, nothing written ----------------------------------------
def _broken(tmp_path: Path) -> Path:
    folder = tmp_path / "export"
    shutil.copytree(SNAP1, folder)
    docs = folder / "documents.csv"
    text = docs.read_text(encoding="utf-8-sig")
    text = text.replace("2022-11-15", "2022-13-15")  # bad date, AGORA-12
    text = text.replace(",False,True,False,made up", ",maybe,True,False,made up", 1)  # non-boolean tag
    text = text.replace("\n25,", "\n12,", 1)  # a duplicate id
    text = text.replace("Executive Office of the President", "Office of Nobody", 1)  # absent authority
    docs.write_text(text, encoding="utf-8-sig")
    (folder / "collections.csv").write_text("", encoding="utf-8")  # empty
    return folder


def test_bad_input_is_reported_whole_and_nothing_is_written(db, tmp_path, cli):
    folder = _broken(tmp_path)
    with pytest.raises(ValidationFailed) as e:
        import_agora(db, folder, exported=EXPORTED)
    shown = [str(p).replace(str(folder) + "/", "") for p in e.value.problems]
    assert shown == [
        "collections.csv: the file is empty (export it again)",
        "documents.csv:2: Risk factors: Security: Cybersecurity: tag value 'maybe' is not True or False "
        "(write True or False)",
        "documents.csv:2: Proposed date: bad date '2022-13-15' (write YYYY-MM-DD, or leave it empty)",
        "documents.csv:3: Authority: authority 'Office of Nobody' is not in authorities.csv "
        "(the export's authorities.csv lists every authority: export it again)",
        "documents.csv:6: AGORA ID: duplicate id '12' (first at row 2; keep one)",
    ]
    assert db.read("MATCH (n) RETURN count(n) AS n")[0]["n"] == 0
    out = cli("import", "agora", str(folder))
    assert out.exit_code != 0 and "5 problems found; nothing was written" in out.output


def test_a_missing_column_or_a_cut_off_file_is_one_problem_each(db, tmp_path):
    folder = tmp_path / "export"
    shutil.copytree(SNAP1, folder)
    docs = folder / "documents.csv"
    lines = docs.read_text(encoding="utf-8-sig").split("\n")
    header = lines[0].replace("Proposed date", "Proposed")
    cut = lines[2][: lines[2].index("Executive actions")]  # the last row stops part way
    docs.write_text("\r\n".join([header, lines[1], cut]), encoding="utf-8-sig")
    auth = folder / "authorities.csv"
    auth.write_text(auth.read_text(encoding="utf-8-sig").replace("Parent authority", "Parent"), encoding="utf-8")
    with pytest.raises(ValidationFailed) as e:
        import_agora(db, folder)
    shown = [str(p).replace(str(folder) + "/", "") for p in e.value.problems]
    assert shown == [
        "documents.csv:3: Collections: row has 6 values, the header 20: the file looks cut off (export the file again)",
        "authorities.csv:1: Parent authority: missing column 'Parent authority' "
        "(AGORA's export has it: export it again)",
        "documents.csv:1: Proposed date: missing column 'Proposed date' (the mapping's introduced) "
        f"(did you mean 'Proposed'? see {Path('data/crosswalks/agora.yaml').resolve()})",
    ]
    assert db.read("MATCH (n) RETURN count(n) AS n")[0]["n"] == 0


# -- any tagged catalog: kb import csv --mapping ---------------------------------------------------
OECD_CSV = """\ufeffPolicy initiative ID,Name,Country,Start date,Theme area(s),Website
1001,Example National AI Strategy,United Kingdom,2021-09-22,Research; Skills,https://example.org/1001
1002,Example AI Sandbox,Singapore,2023-04-01,Innovation;Research,https://example.org/1002
1003,Example Compute Fund,Atlantis,2024-13-01,Compute,
"""
OECD_MAPPING = """catalog: oecd
title: OECD.AI
source: {title: "OECD.AI policy initiatives (made-up rows)"}
id: {column: "Policy initiative ID", prefix: "OECD-"}
name: "Name"
url: "Website"
adopted: "Start date"
kind: policy_statement
jurisdiction: {column: "Country", crosswalk: agora-authorities.yaml}
tags: {column: "Theme area(s)", separator: ";", prefix: "oecd_"}
"""


@pytest.mark.slow
def test_a_tagged_csv_imports_with_a_mapping(db, tmp_path):
    mapping = tmp_path / "oecd.yaml"
    mapping.write_text(OECD_MAPPING, encoding="utf-8")
    path = tmp_path / "initiatives.csv"
    path.write_text(OECD_CSV, encoding="utf-8")
    with pytest.raises(ValidationFailed) as e:
        import_csv(db, path, mapping)
    assert [str(p).replace(str(tmp_path) + "/", "") for p in e.value.problems] == [
        "initiatives.csv:4: Country: no jurisdiction code for 'Atlantis' "
        "(add 'Atlantis' to the jurisdiction values of oecd.yaml)",
        "initiatives.csv:4: Start date: bad date '2024-13-01' (write YYYY-MM-DD, or leave it empty)",
    ]
    path.write_text(OECD_CSV.replace("Atlantis,2024-13-01", "Japan,2024-01-01"), encoding="utf-8")
    report = import_csv(db, path, mapping, at=T1).report
    assert report.nodes["Instrument"].created == 3
    rows = db.read(
        "MATCH (n:Instrument)-[:HAS_STATE]->(s), (n)-[:ISSUED_IN]->(j) "
        "OPTIONAL MATCH (n)-[r:TREATS]->(t) WITH s, j, t ORDER BY t.slug "
        "WITH s, j, collect(t.slug) AS topics ORDER BY s.catalog_rank "
        "RETURN s.id AS id, s.catalog AS catalog, s.kind AS kind, j.code AS code, topics"
    )
    assert rows == [
        {
            "id": "OECD-1001",
            "catalog": "oecd",
            "kind": "policy_statement",
            "code": "UK",
            "topics": ["oecd_research", "oecd_skills"],
        },
        {
            "id": "OECD-1002",
            "catalog": "oecd",
            "kind": "policy_statement",
            "code": "SG",
            "topics": ["oecd_innovation", "oecd_research"],
        },
        {"id": "OECD-1003", "catalog": "oecd", "kind": "policy_statement", "code": "JP", "topics": ["oecd_compute"]},
    ]
    # tags in one column: only explicit cells (no row says it was reviewed for the others)
    assert db.read("MATCH ()-[r:TREATS]->() RETURN collect(DISTINCT r.mode) AS modes")[0]["modes"] == ["explicit"]


# -- AGORA's size ------------------------------------------------------------------------------------
@pytest.mark.slow  # 1,000 documents x 80 tags
def test_an_agora_sized_export_imports_whole(db, tmp_path):
    """bench/agora.py's synthetic export: every document imported, its pages
    answer. The timing is the bench's (bench/run.py: <= 10 s, <= 50 ms); here
    it is printed, and only a runaway fails."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
    import agora

    folder = agora.write_export(tmp_path / "agora", 1000, 80, seed=6)
    figures = agora.measure(db, folder, runs=10)
    print("agora-sized import:", figures)
    assert figures["documents"] == 1000
    rows = db.read("MATCH (s:InstrumentState {catalog: 'agora'}) RETURN count(s) AS n, count(s.adopted) AS dated")
    assert rows[0]["n"] == 1000
    topics = db.read("MATCH (t:TopicState {catalog: 'agora'}) RETURN count(t) AS n")[0]["n"]
    assert topics == 80 + len(agora.GROUPS) + len(
        {n.rsplit(": ", 1)[0] for n in agora.tag_names(80) if n.count(":") == 2}
    )
    assert figures["import_seconds"] < 120 and figures["topic_page_p50_ms"] < 1000


@pytest.mark.slow
def test_migrate_gives_states_written_before_catalogs_the_curated_one(db):
    from kb.migrate import migrate

    load(db, [CORPUS], at=T0)
    states = db.read("MATCH (x) WHERE x:InstrumentState OR x:TopicState RETURN count(x) AS n")[0]["n"]
    db.write("MATCH (x) WHERE x:InstrumentState OR x:TopicState REMOVE x.catalog")  # as an older kb wrote them
    from kb.queries import run

    assert run(db, "instrument_list") == []  # no state says it is the curated catalog's
    assert migrate(db).catalogued == states
    assert len(run(db, "instrument_list")) == 26
    assert topic_data(db, "open_weight_release")["counts"]["tracked"] == 26
    assert load(db, [CORPUS]).change_set is None  # nothing changed


def test_a_cell_joins_an_instrument_and_a_topic_of_one_catalog(tmp_path):
    from kb.load import prepare

    path = tmp_path / "mixed.yaml"
    path.write_text(
        """sources:
  - {id: "s:1", title: "A made-up source", kind: catalog}
jurisdictions:
  - {code: "US", name: "United States", kind: national, source: "s:1"}
topics:
  - {slug: agora_bias, name: Bias, definition: "A made-up tag.", rank: 1, catalog: agora, source: "s:1"}
  - {slug: bias, name: Bias, definition: "A made-up topic.", rank: 1, catalog: "Not OK", source: "s:1"}
instruments:
  - {id: X-1, name: "A made-up act", kind: binding_regulation, binding: true, status: in_force,
     adopted: 2024-01-01, jurisdiction: US, source: "s:1"}
treats:
  - {instrument: X-1, topic: agora_bias, mode: explicit, confidence: medium, source: "s:1"}
""",
        encoding="utf-8",
    )
    with pytest.raises(ValidationFailed) as e:
        prepare([path], known={})
    assert [str(p).replace(str(tmp_path) + "/", "") for p in e.value.problems] == [
        "mixed.yaml:7: topics.catalog: bad catalog 'Not OK' "
        "(use lowercase letters, digits and _, starting with a letter (at most 32))",
        "mixed.yaml:12: treats.topic: X-1 is of catalog kb, topic agora_bias of catalog agora "
        "(a cell joins an instrument and a topic of one catalog)",
    ]
