"""Loading catalogs: the curated corpus, idempotence, every kind of bad input,
atomicity, and the export round trip. All against a real Neo4j."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from conftest import CORPUS, FIXTURES
from kb.errors import QueryError, ValidationFailed
from kb.export import export
from kb.load import load
from kb.stats import stats

MINI = FIXTURES / "mini"

# The catalog's Open-Weight Frontier Release page: its column (mode, pinpoint where the page gives an article).
OPEN_WEIGHT = {
    "EU-AIA-2024": ("explicit", "Art. 53(2) + Recital 102/104"),
    "CA-SB-1047": ("explicit", None),
    "META-FRONTIER-2024": ("explicit", None),
    "US-EO-14110": ("implicit", "§4.6"),
    "CN-GENAI-2023": ("implicit", "Art. 8"),
    "SEOUL-2024": ("implicit", "Frontier AI Safety Commitments"),
    "AU-AI-STRATEGY-2024": ("implicit", None),
    "ANTHROPIC-RSP-2024": ("implicit", None),
    "OPENAI-PREPAREDNESS-2023": ("implicit", None),
    "DEEPMIND-FSF-2024": ("implicit", None),
}


def counts(db) -> dict[str, int]:
    return {f"{r['kind']}:{r['name']}": r["count"] for r in stats(db)}


CATALOG_LABELS = ["Source", "Jurisdiction", "Topic", "Developer", "Instrument", "Paper"]
HISTORY_TYPES = ["IN_CHANGE_SET", "VERSION_OF", "TREATED"]


def graph_dump(db) -> tuple[list, list]:
    """Every catalog node and edge with its curated properties (not the
    bookkeeping: recorded_at, first_recorded_at, change sets, versions)."""
    from kb.output import to_jsonable

    def clean(props: dict) -> str:
        return repr(sorted((k, to_jsonable(v)) for k, v in props.items()
                           if k not in ("recorded_at", "first_recorded_at")))

    nodes = db.read("MATCH (n) WHERE any(l IN labels(n) WHERE l IN $labels) "
                    "RETURN labels(n) AS labels, properties(n) AS props", labels=CATALOG_LABELS)
    edges = db.read(
        "MATCH (a)-[r]->(b) WHERE NOT type(r) IN $history RETURN type(r) AS type, "
        "coalesce(a.id, a.code, a.slug) AS a, coalesce(b.id, b.code, b.slug) AS b, properties(r) AS props",
        history=HISTORY_TYPES,
    )
    return (sorted(f"{n['labels']} {clean(n['props'])}" for n in nodes),
            sorted(f"{e['type']} {e['a']} {e['b']} {clean(e['props'])}" for e in edges))


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return p


# -- the corpus ------------------------------------------------------------------
def test_corpus_has_the_26_instruments_and_the_topics(corpus_db):
    ids = [r["id"] for r in corpus_db.read("MATCH (i:Instrument) RETURN i.id AS id ORDER BY i.catalog_rank")]
    assert len(ids) == 26
    assert ids[:3] == ["EU-AIA-2024", "US-EO-14110", "US-EO-14179"]
    assert ids[-1] == "JP-METI-AI-2024"
    ranks = [r["r"] for r in corpus_db.read("MATCH (i:Instrument) RETURN i.catalog_rank AS r ORDER BY r")]
    assert ranks == list(range(1, 27))
    slugs = {r["slug"] for r in corpus_db.read("MATCH (t:Topic) RETURN t.slug AS slug")}
    assert {"open_weight_release", "transparency", "foundation_models", "catastrophic_risk",
            "agentic_systems_governance", "synthetic_content_provenance"} <= slugs
    assert len(slugs) == 24


def test_open_weight_column_matches_the_topic_page(corpus_db):
    rows = corpus_db.read(
        "MATCH (i:Instrument)-[t:TREATS]->(:Topic {slug: 'open_weight_release'}) "
        "RETURN i.id AS id, t.mode AS mode, t.pinpoint AS pinpoint, t.source AS source"
    )
    non_silent = {r["id"]: (r["mode"], r["pinpoint"]) for r in rows if r["mode"] != "silent"}
    assert non_silent == OPEN_WEIGHT
    silent = [r for r in rows if r["mode"] == "silent"]
    assert len(silent) == 16  # reviewed and silent, not merely missing
    assert all(r["source"] for r in rows)


def test_every_fact_has_a_known_source(corpus_db):
    missing = corpus_db.read(
        "MATCH (x) WHERE any(l IN labels(x) WHERE l IN $labels) AND NOT x:Source "
        "AND (x.source IS NULL OR NOT EXISTS { MATCH (s:Source {id: x.source}) }) "
        "RETURN labels(x) AS l, coalesce(x.id, x.code, x.slug) AS k", labels=CATALOG_LABELS,
    )
    assert missing == []
    missing_edges = corpus_db.read(
        "MATCH ()-[r]->() WHERE NOT type(r) IN $history "
        "AND (r.source IS NULL OR NOT EXISTS { MATCH (s:Source {id: r.source}) }) "
        "RETURN type(r) AS t, count(*) AS n", history=HISTORY_TYPES,
    )
    assert missing_edges == []


def test_the_paper_its_authors_and_edges(corpus_db):
    paper = corpus_db.read("MATCH (p:Paper {id: 'arXiv:2602.19682'}) RETURN p")[0]["p"]
    assert paper["title"] == "Beyond the Binary: A nuanced path for open-weight advanced AI"
    # the arXiv record's order (the ArxivLens reader page lists Petropoulos first)
    assert paper["authors"] == ["Bengüsu Özcan", "Alex Petropoulos", "Max Reddel"]
    assert paper["year"] == 2026 and paper["doi"] == "10.48550/arXiv.2602.19682"
    edges = corpus_db.read(
        "MATCH (p:Paper {id: 'arXiv:2602.19682'})-[r]->(x) "
        "RETURN type(r) AS type, coalesce(x.id, x.slug) AS target ORDER BY type, target"
    )
    pairs = {(e["type"], e["target"]) for e in edges}
    assert ("ADDRESSES", "open_weight_release") in pairs
    assert ("CITES", "EU-AIA-2024") in pairs
    assert any(t == "SIMILAR_TO" for t, _ in pairs)


def test_developers_postures_frameworks_and_signatures(corpus_db):
    devs = {r["id"]: r["posture"] for r in corpus_db.read("MATCH (d:Developer) RETURN d.id AS id, d.posture AS posture")}
    assert devs == {"meta": "open", "mistral": "open", "deepseek": "open",
                    "anthropic": "closed", "openai": "closed", "google-deepmind": "closed"}
    issued = {r["i"]: r["d"] for r in corpus_db.read(
        "MATCH (i:Instrument)-[:ISSUED_BY]->(d:Developer) RETURN i.id AS i, d.id AS d")}
    assert issued == {"ANTHROPIC-RSP-2024": "anthropic", "OPENAI-PREPAREDNESS-2023": "openai",
                      "DEEPMIND-FSF-2024": "google-deepmind", "META-FRONTIER-2024": "meta"}
    seoul = {r["d"] for r in corpus_db.read(
        "MATCH (d:Developer)-[:SIGNED]->(:Instrument {id: 'SEOUL-2024'}) RETURN d.id AS d")}
    assert seoul == {"anthropic", "google-deepmind", "meta", "mistral", "openai"}


def test_sub_national_jurisdictions_are_part_of_their_country(corpus_db):
    rows = corpus_db.read(
        "MATCH (j:Jurisdiction {kind: 'sub_national'}) OPTIONAL MATCH (j)-[:PART_OF]->(p) RETURN j.code AS j, p.code AS p")
    assert rows and all(r["p"] for r in rows)
    assert {"j": "US-CA", "p": "US"} in rows


def test_loading_twice_changes_nothing(db):
    first = load(db, [CORPUS])
    before, dump = counts(db), graph_dump(db)
    second = load(db, [CORPUS])
    assert first.totals().created > 0
    t = second.totals()
    assert (t.created, t.updated, t.removed) == (0, 0, 0)
    assert t.unchanged == first.totals().created
    assert counts(db) == before
    assert graph_dump(db) == dump


def test_dry_run_writes_nothing(db):
    report = load(db, [CORPUS], dry_run=True)
    assert report.records > 300
    assert counts(db) == {}


def test_a_changed_fact_is_an_update(db, tmp_path):
    load(db, [MINI])
    changed = tmp_path / "catalog.yaml"
    changed.write_text((MINI / "catalog.yaml").read_text().replace("pinpoint: Art. 1,", "pinpoint: Art. 1(2),"))
    report = load(db, [changed])
    assert report.edges["TREATS"].updated == 1
    assert report.edges["TREATS"].unchanged == 3
    assert db.read("MATCH (:Instrument {id: 'AA-LAW-2020'})-[t:TREATS]->(:Topic {slug: 'alpha'}) "
                   "RETURN t.pinpoint AS p")[0]["p"] == "Art. 1(2)"


def test_a_moved_reference_replaces_the_old_edge(db, tmp_path):
    load(db, [MINI])
    moved = tmp_path / "catalog.yaml"
    moved.write_text((MINI / "catalog.yaml").read_text().replace(
        "    jurisdiction: AA\n    catalog_rank: 1", "    jurisdiction: BB\n    catalog_rank: 1"))
    report = load(db, [moved])
    assert report.edges["ISSUED_IN"].removed == 1
    rows = db.read("MATCH (:Instrument {id: 'AA-LAW-2020'})-[:ISSUED_IN]->(j) RETURN j.code AS j")
    assert rows == [{"j": "BB"}]


def test_csv_and_json_load_like_yaml(db, tmp_path):
    load(db, [MINI])
    yaml_dump = graph_dump(db)
    for fmt in ("json", "csv"):
        out = tmp_path / fmt
        export(db, out, fmt)
        db.write("MATCH (n) DETACH DELETE n")
        load(db, [out])
        assert graph_dump(db) == yaml_dump, fmt


@pytest.mark.parametrize("fmt", ["yaml", "json", "csv"])
def test_export_round_trip_of_the_corpus(db, tmp_path, fmt):
    load(db, [CORPUS])
    before = graph_dump(db)
    export(db, tmp_path / "out", fmt)
    db.write("MATCH (n) DETACH DELETE n")
    load(db, [tmp_path / "out"])
    assert graph_dump(db) == before


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
    return next(i for i, l in enumerate(text.splitlines(), 1) if needle in l)


def test_unknown_key(db, tmp_path):
    text = BASE.replace("    catalog_rank: 1\n", "    catalog_rank: 1\n    colour: red\n")
    problems = bad_load(db, tmp_path, text)
    line = line_of(text, "colour: red")
    assert problems == [
        f"{tmp_path / 'bad.yaml'}:{line}: instruments.colour: unknown field 'colour' "
        "(instruments fields are: id, name, short_name, kind, binding, status, adopted, effective, ended, "
        "date_source, date_note, citation, url, catalog_rank, wikidata, notes, source, jurisdiction, "
        "issued_by, status_history)"
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
    dup.write_text(textwrap.dedent("""
        instruments:
          - id: AA-LAW-2020
            name: Again
            kind: voluntary_code
            binding: false
            status: in_force
            jurisdiction: AA
            catalog_rank: 9
            source: test:one
    """).lstrip())
    load(db, [MINI])
    before = graph_dump(db)
    with pytest.raises(ValidationFailed) as e:
        load(db, [MINI, dup])
    assert [str(p) for p in e.value.problems] == [
        f"{dup}:2: instruments.id: duplicate instrument id 'AA-LAW-2020' "
        f"(first defined at {MINI / 'catalog.yaml'}:{line_of(BASE, '- id: AA-LAW-2020')}; keep one)"
    ]
    assert graph_dump(db) == before


@pytest.mark.parametrize("old,new,field,message", [
    ("{instrument: AA-LAW-2020, topic: alpha, mode: explicit",
     "{instrument: AA-LAW-2021, topic: alpha, mode: explicit",
     "treats.instrument", "unknown instrument 'AA-LAW-2021' (did you mean 'AA-LAW-2020'?)"),
    ("{instrument: AA-LAW-2020, topic: beta,", "{instrument: AA-LAW-2020, topic: betta,",
     "treats.topic", "unknown topic 'betta' (did you mean 'beta'?)"),
    ("    jurisdiction: BB\n", "    jurisdiction: ZZ\n",
     "instruments.jurisdiction", "unknown jurisdiction 'ZZ' (define it in a `jurisdictions:` section or fix the jurisdiction)"),
    ("    issued_by: dev-a\n", "    issued_by: dev-b\n",
     "instruments.issued_by", "unknown developer 'dev-b' (did you mean 'dev-a'?)"),
])
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
    text = (BASE.replace("mode: explicit, pinpoint: Art. 1", "mode: loud, pinpoint: Art. 1")
                .replace("adopted: 2020-01-02", "adopted: yesterday")
                .replace("posture: open", "posture: ajar"))
    problems = bad_load(db, tmp_path, text)
    assert len(problems) == 3
    assert any("treats.mode: bad value 'loud'" in p for p in problems)
    assert any("instruments.adopted: bad date 'yesterday'" in p for p in problems)
    assert any("developers.posture: bad value 'ajar'" in p for p in problems)


def test_csv_problems_name_the_row(db, tmp_path):
    csv_text = ("instrument,topic,mode,confidence,source\n"
                "AA-LAW-2020,alpha,explicit,high,test:one\n"
                "AA-LAW-2020,beta,sideways,high,test:one\n")
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


# Valid files whose last record cannot be written: catalog rank 1 is held by AA-LAW-2020 of MINI.
CLASH = """
        sources:
          - {id: test:two, title: Another source, kind: primary}
        topics:
          - {slug: gamma, name: Gamma, definition: A third topic., rank: 3, source: test:two}
        instruments:
          - id: CC-NEW
            name: New instrument
            kind: voluntary_code
            binding: false
            status: in_force
            jurisdiction: AA
            catalog_rank: 1
            source: test:two
    """


def test_failure_inside_the_transaction_rolls_everything_back(db, tmp_path):
    """Valid files whose write fails on the server (a catalog rank another
    instrument already holds) leave the graph exactly as it was."""
    load(db, [MINI])
    before = graph_dump(db)
    clash = write(tmp_path, "clash.yaml", CLASH)
    with pytest.raises(QueryError, match="already exists"):
        load(db, [clash])
    assert graph_dump(db) == before  # the source and topic written first were rolled back


# -- the CLI ----------------------------------------------------------------------
def test_cli_load_reports_problems_and_exits_1(cli, db, tmp_path):
    bad = write(tmp_path, "bad.yaml", """
        topics:
          - {slug: Bad Slug, name: X, definition: Y, rank: 1, source: nowhere}
    """)
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
    stats_out = cli("stats", "--format", "csv").output
    assert "node,Instrument,3" in stats_out and "relationship,TREATS,4" in stats_out


def test_cli_dry_run(cli, db):
    result = cli("load", "--dry-run", str(MINI))
    assert result.exit_code == 0
    assert "OK: 21 records in 1 file are valid; nothing was written." in result.output
    assert counts(db) == {}
