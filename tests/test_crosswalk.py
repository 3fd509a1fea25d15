"""The crosswalk: official identifiers on curated instruments, SAME_AS links to
an imported catalog (by a shared identifier, by a reviewed entry), unmatched
instruments with their closest candidate, related topics, and what other
catalogs say of an instrument on its page.

tests/fixtures/agora/crosswalk holds made-up AGORA-shaped rows: AGORA-101's
URL carries the AI Act's CELEX number, AGORA-102's EO 14110's Federal Register
document number; AGORA-103 has no identifier and is paired by the fixture's
reviewed list; AGORA-104 is a near miss for the NIST AI RMF; AGORA-105 matches
nothing.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from kb.errors import ValidationFailed
from kb.imports import import_agora
from kb.load import load
from kb.loaders.identifiers import identifiers_in_url, read_url_patterns
from kb.queries.clocks import Clocks
from kb.queries.crosswalk import crosswalk_data, similarity

ROOT = Path(__file__).parent.parent
CORPUS = ROOT / "data" / "corpus"
CROSSWALKS = ROOT / "data" / "crosswalks"
FIXTURE = Path(__file__).parent / "fixtures" / "agora" / "crosswalk"
REVIEWED = FIXTURE / "same-as.yaml"
T0 = datetime(2026, 1, 1, tzinfo=UTC)
T1 = datetime(2026, 2, 1, tzinfo=UTC)
EXPORTED = date(2026, 1, 20)


@pytest.fixture
def crosswalk_db(shared_graph):
    """The curated corpus, then the crosswalk fixture imported as agora (read-only tests)."""

    def build(db):
        load(db, [CORPUS], at=T0)
        import_agora(db, FIXTURE, at=T1, exported=EXPORTED)

    shared_graph.holding("corpus+agora-crosswalk", build)
    return shared_graph.db


# -- identifiers, without a database --------------------------------------------------------------
def test_urls_give_the_identifiers_they_carry():
    problems = []
    patterns = read_url_patterns(CROSSWALKS / "identifiers.yaml", problems)
    assert problems == []
    cases = {
        "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32024R1689": ["celex:32024R1689"],
        "https://eur-lex.europa.eu/eli/reg/2024/1689/oj": ["eli:http://data.europa.eu/eli/reg/2024/1689/oj"],
        "https://www.federalregister.gov/documents/2023/11/01/2023-24283/safe-secure": [
            "federal_register_doc:2023-24283"
        ],
        "https://www.govinfo.gov/content/pkg/FR-2025-01-31/html/2025-02172.htm": ["federal_register_doc:2025-02172"],
        "https://doi.org/10.6028/NIST.AI.100-1": ["doi:10.6028/NIST.AI.100-1"],
        "https://www.congress.gov/117/plaws/publ167/PLAW-117publ167.pdf": ["public_law:117-167"],
        "https://legalinstruments.oecd.org/en/instruments/OECD-LEGAL-0449": ["oecd_legal:OECD/LEGAL/0449"],
        "https://leginfo.legislature.ca.gov/faces/billNavClient.xhtml?bill_id=202320240SB1047": [
            "ca_bill:202320240SB1047"
        ],
        "https://example.org/agora-fixture/104": [],
        None: [],
    }
    for url, expected in cases.items():
        assert identifiers_in_url(url, patterns) == expected, url


def test_every_curated_identifier_is_in_its_schemes_form_and_cites_a_primary_source(corpus_db):
    rows = corpus_db.read(
        "MATCH (i:InstrumentState {catalog: 'kb'}) WHERE i.identifiers IS NOT NULL "
        "MATCH (s:SourceState {id: i.identifiers_source}) RETURN i.id AS id, i.identifiers AS ids, s.kind AS kind"
    )
    by = {r["id"]: r["ids"] for r in rows}
    assert len(by) == 11
    assert by["EU-AIA-2024"] == ["celex:32024R1689", "eli:http://data.europa.eu/eli/reg/2024/1689/oj"]
    assert by["US-EO-14110"] == ["executive_order:14110", "federal_register_doc:2023-24283", "fr_citation:88 FR 75191"]
    assert by["UN-RES-2024"] == ["un_symbol:A/RES/78/265"]
    assert {r["kind"] for r in rows} == {"primary"}


def _instrument_file(tmp_path: Path, identifiers: str, source: str = 'identifiers_source: "s:1"') -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "sources:\n"
        '  - {id: "s:1", title: "A record", kind: primary}\n'
        "jurisdictions:\n"
        '  - {code: "EU", name: "European Union", kind: supranational, source: "s:1"}\n'
        "instruments:\n"
        '  - id: "X-1"\n'
        '    name: "An instrument"\n'
        "    kind: binding_regulation\n"
        "    binding: true\n"
        "    status: in_force\n"
        '    jurisdiction: "EU"\n'
        f"    identifiers: {identifiers}\n"
        f"    {source}\n"
        '    source: "s:1"\n',
        encoding="utf-8",
    )
    return path


def test_bad_identifiers_are_each_a_problem_with_file_and_line(db, tmp_path):
    path = _instrument_file(tmp_path, '{celex: "2024R1689", federal_register_doc: "2023-2428", wikidat: "Q1"}')
    with pytest.raises(ValidationFailed) as e:
        load(db, [path])
    text = str(e.value)
    where = f"{path}:12"
    assert f"{where}: instruments.identifiers: bad celex identifier '2024R1689'" in text
    assert "write it in the form 32024R1689" in text
    assert f"{where}: instruments.identifiers: bad federal_register_doc identifier '2023-2428'" in text
    assert f"{where}: instruments.identifiers: unknown identifier scheme 'wikidat'" in text
    assert db.read("MATCH (n) RETURN count(n) AS n")[0]["n"] == 0  # nothing written


def test_identifiers_need_the_source_that_gives_them(db, tmp_path):
    path = _instrument_file(tmp_path, '{celex: "32024R1689"}', source="notes: no source")
    with pytest.raises(ValidationFailed) as e:
        load(db, [path])
    assert f"{path}:12: instruments.identifiers: identifiers have no identifiers_source" in str(e.value)


def test_names_jurisdiction_and_date_make_the_similarity_score():
    rmf = {"name": "NIST AI Risk Management Framework", "short_name": "NIST AI RMF", "jurisdiction": "US"}
    same = {**rmf, "adopted": date(2023, 1, 26)}
    assert similarity({**rmf, "adopted": date(2023, 1, 26)}, same) == 1.0
    elsewhere = {**same, "jurisdiction": "EU"}
    assert similarity(same, elsewhere) == pytest.approx(0.75)
    other = {"name": "Springfield Parking Meter Ordinance", "jurisdiction": "US-IL", "adopted": date(2020, 1, 1)}
    assert similarity(same, other) < 0.3


# -- links -----------------------------------------------------------------------------------------
def test_links_by_identifier_and_by_review_and_the_unmatched_with_a_score(crosswalk_db):
    d = crosswalk_data(crosswalk_db, "agora", same_as=REVIEWED)
    links = [(x["instrument"], x["other"], x["matched_by"], x["identifiers"]) for x in d["links"]]
    assert links == [
        ("EU-AIA-2024", "AGORA-101", "identifier", ["celex:32024R1689"]),
        ("US-EO-14110", "AGORA-102", "identifier", ["federal_register_doc:2023-24283"]),
        ("OECD-AI-PRIN", "AGORA-103", "reviewed", []),
    ]
    assert d["links"][1]["other_status"] == "revoked"
    assert d["reviewed_missing"] == [
        {"instrument": "G7-HIROSHIMA", "catalog": "agora", "other": "AGORA-999", "line": 8}
    ]
    assert d["coverage"] == {"curated": 26, "with_identifiers": 11, "matched": 3, "by_identifier": 2, "by_review": 1}
    unmatched = d["unmatched"]
    assert len(unmatched) == 23
    assert [u["instrument"] for u in unmatched if u["instrument"] in ("EU-AIA-2024", "OECD-AI-PRIN")] == []
    first = unmatched[0]
    assert (first["instrument"], first["candidate"]) == ("NIST-AI-RMF", "AGORA-104")
    assert first["score"] > 0.8 > unmatched[1]["score"]
    assert all(unmatched[k]["score"] >= unmatched[k + 1]["score"] for k in range(len(unmatched) - 1))


def test_the_shipped_crosswalk_links_by_identifier_and_relates_topics(crosswalk_db, cli):
    r = cli("crosswalk", "-f", "json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["catalogs"] == ["agora"]
    assert [(x["instrument"], x["other"]) for x in d["links"]] == [
        ("EU-AIA-2024", "AGORA-101"),
        ("US-EO-14110", "AGORA-102"),
    ]
    assert d["coverage"]["matched"] == 2
    assert [(t["topic"], t["other"]) for t in d["topics"]] == [
        ("compute_reporting", "agora_strategies_input_controls_compute"),
        ("transparency", "agora_risk_factors_transparency"),
        ("transparency", "agora_strategies_disclosure"),
    ]
    csv_out = cli("crosswalk", "--catalog", "agora", "-f", "csv").stdout.splitlines()
    assert csv_out[0] == "instrument,catalog,other,matched_by,score,detail"
    assert csv_out[1] == "EU-AIA-2024,agora,AGORA-101,identifier,,celex:32024R1689"
    assert len(csv_out) == 1 + 26
    table = cli("crosswalk", "-f", "table").stdout
    assert "2 of 26 curated instruments matched" in table and "11 carry official identifiers" in table


def test_links_follow_record_time(crosswalk_db):
    before = crosswalk_data(crosswalk_db, clocks=Clocks.resolve(None, "2026-01-15"))
    assert before["catalogs"] == [] and before["links"] == [] and before["topics"] == []
    assert {u["candidate"] for u in before["unmatched"]} == {None}


@pytest.mark.slow
def test_the_instrument_page_says_what_other_catalogs_say_of_it(crosswalk_db, cli):
    d = json.loads(cli("instrument", "EU-AIA-2024", "-f", "json").stdout)
    assert d["instrument"]["identifiers"] == ["celex:32024R1689", "eli:http://data.europa.eu/eli/reg/2024/1689/oj"]
    assert d["instrument"]["identifiers_source"] == "eurlex:32024R1689"
    assert [(x["catalog"], x["id"], x["status"], x["matched_by"], x["tags"]) for x in d["same_as"]] == [
        ("agora", "AGORA-101", "in_force", "identifier", ["Transparency", "Compute"])
    ]
    eo = json.loads(cli("instrument", "US-EO-14110", "-f", "json").stdout)
    assert [(x["id"], x["status"], x["tags"]) for x in eo["same_as"]] == [("AGORA-102", "revoked", ["Compute"])]
    table = cli("instrument", "EU-AIA-2024", "-f", "md").stdout
    assert "## In other catalogs" in table and "AGORA-101" in table and "celex: 32024R1689" in table
    # the imported document's page names the curated instrument
    other = json.loads(cli("instrument", "AGORA-101", "-f", "json").stdout)
    assert [(x["catalog"], x["id"]) for x in other["same_as"]] == [("kb", "EU-AIA-2024")]


def test_a_reviewed_entry_naming_an_unknown_instrument_is_an_error(crosswalk_db, cli, tmp_path):
    bad = tmp_path / "same-as.yaml"
    bad.write_text(
        "same_as:\n"
        "  - {instrument: EU-AIA-2025, catalog: agora, other: AGORA-101, reviewed_by: me}\n"
        "  - {instrument: OECD-AI-PRIN, catalog: agora, other: AGORA-103}\n",
        encoding="utf-8",
    )
    r = cli("crosswalk", "--same-as", str(bad))
    assert r.exit_code != 0
    assert f"{bad}:3: same_as.reviewed_by: missing reviewed_by" in r.output
    fixed = bad.read_text(encoding="utf-8").replace("AGORA-103}", "AGORA-103, reviewed_by: me}")
    bad.write_text(fixed, encoding="utf-8")
    r = cli("crosswalk", "--same-as", str(bad))
    assert r.exit_code != 0
    assert f"{bad}:2: same_as.instrument: unknown instrument 'EU-AIA-2025'" in r.output
    assert "did you mean 'EU-AIA-2024'?" in r.output
    r = cli("crosswalk", "--catalog", "agor")
    assert r.exit_code != 0 and "agora" in r.output


@pytest.mark.slow
def test_the_seed_page_is_unchanged_by_an_import_and_the_crosswalk(db, cli):
    load(db, [CORPUS], at=T0)
    before = json.loads(cli("topic", "open_weight_release", "-f", "json").stdout)
    import_agora(db, FIXTURE, at=T1, exported=EXPORTED)
    assert cli("crosswalk", "--same-as", str(REVIEWED)).exit_code == 0
    after = json.loads(cli("topic", "open_weight_release", "-f", "json").stdout)
    assert after == before
    assert [after["counts"][k] for k in ("tracked", "explicit", "implicit", "silent")] == [26, 3, 7, 16]
    assert after["primacy"]["instrument"]["id"] == "CN-GENAI-2023"
