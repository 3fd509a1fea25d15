"""The query commands (kb topic, kb gaps, kb cypher ...) through the CLI, against a real Neo4j."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kb.queries import load_queries

ROOT = Path(__file__).resolve().parent.parent
QUERY_COMMANDS = ["topic", "topics", "instruments", "primacy", "forum-shopping", "gaps", "matrix", "compare",
                  "instrument", "jurisdiction", "developer", "paper", "query", "cypher"]
AS_OF_COMMANDS = ["topic", "topics", "matrix", "gaps", "primacy", "compare"]


def ok(result):
    assert result.exit_code == 0, result.output
    return result.output


def as_json(result):
    return json.loads(ok(result))


# -- kb topic -------------------------------------------------------------------
def test_topic_json_is_one_object_with_the_documented_shape(corpus_db, cli):
    d = as_json(cli("topic", "open_weight_release", "-f", "json"))
    assert isinstance(d, dict)
    assert d["topic"]["slug"] == "open_weight_release" and d["topic"]["name"] == "Open-Weight Frontier Release"
    assert d["topic"]["definition"]
    assert d["as_of"] is None
    assert d["counts"] == {"tracked": 26, "explicit": 3, "implicit": 7, "conflicts": 0, "silent": 16, "unreviewed": 0}
    assert d["primacy"]["instrument"] == {"id": "CN-GENAI-2023",
                                          "name": "Interim Measures for Generative AI Service Management",
                                          "jurisdiction": "CN"}
    assert (d["primacy"]["date"], d["primacy"]["mode"]) == ("2023-07-10", "implicit")
    assert [(p["explicit"]["id"], p["silent"]["id"]) for p in d["forum_shopping"]] == [
        ("EU-AIA-2024", "US-EO-14179"), ("CA-SB-1047", "UK-WHITEPAPER-2023"), ("META-FRONTIER-2024", "G7-HIROSHIMA")]
    assert set(d["forum_shopping"][0]["explicit"]) >= {"id", "name"}
    first = d["coverage"][0]
    assert first["instrument"] == {"id": "EU-AIA-2024", "name": "EU AI Act", "jurisdiction": "EU"}
    assert (first["mode"], first["pinpoint"], first["reviewed"]) == ("explicit", "Art. 53(2) + Recital 102/104", True)
    assert len(d["coverage"]) == 26 and len(d["silent"]) == 16
    assert d["silent"][0] == {"id": "US-EO-14179", "jurisdiction": "US", "reviewed": True,
                              "name": "Executive Order 14179 — Removing Barriers to American Leadership in AI"}
    assert d["references"][1]["text"].startswith("US-EO-14110: §4.6 — ")
    assert isinstance(d["timeline"], list) and d["timeline"][-1]["label"] == "undated"


def test_topic_table_reads_like_the_topic_page(corpus_db, cli):
    out = ok(cli("topic", "open_weight_release", "-f", "table"))
    assert out.startswith("Open-Weight Frontier Release\n")
    flat = " ".join(out.split())
    assert ("Across 26 tracked AI-governance instruments, 3 address this topic explicitly, 7 via general "
            "principles, and 16 are silent.") in flat
    assert "First addressed by Interim Measures for Generative AI Service Management on 2023-07-10 (implicit)." in flat
    assert "EU AI Act (EU, explicit) ↔ Executive Order 14179 — Removing Barriers to American Leadership in AI (US, silent)" in flat
    assert "● explicit" in out and "◐ implicit" in out and "· silent" in out
    assert "Silent regimes — gap signal" in out
    # silent regimes in the topic page's order
    positions = [flat.index(f"{name} · {code}") for name, code in [
        ("Executive Order 14179 — Removing Barriers to American Leadership in AI", "US"),
        ("UK Pro-Innovation Approach to AI Regulation (White Paper)", "UK"),
        ("Japan METI AI Guidelines for Business", "JP")]]
    assert positions == sorted(positions)
    assert "• CN-GENAI-2023: Art. 8 — " in out


def test_topic_md_and_csv(corpus_db, cli):
    md = ok(cli("topic", "open_weight_release", "-f", "md"))
    assert md.startswith("# Open-Weight Frontier Release\n")
    assert "## References" in md and "| EU-AIA-2024 | EU AI Act | EU | ● explicit | Art. 53(2) + Recital 102/104 |" in md
    rows = list(csv.DictReader(io.StringIO(ok(cli("topic", "open_weight_release", "-f", "csv")))))
    assert len(rows) == 26 and rows[0]["id"] == "EU-AIA-2024" and rows[0]["mode"] == "explicit"
    assert sum(r["mode"] == "silent" for r in rows) == 16


def test_topic_as_of(corpus_db, cli):
    def statuses(day):
        d = as_json(cli("topic", "open_weight_release", "--as-of", day, "-f", "json"))
        assert d["as_of"] == day
        return {c["instrument"]["id"]: c["status"] for c in d["coverage"]}

    assert statuses("2024-06-01")["US-EO-14110"] == "in_force"
    assert statuses("2025-06-01")["US-EO-14110"] == "partially_in_force"
    assert "US-EO-14179" not in statuses("2025-01-22")
    assert "US-EO-14179" in statuses("2025-01-23")


def test_bad_as_of_is_a_clear_error(corpus_db, cli):
    r = cli("topics", "--as-of", "2024-02-30")
    assert r.exit_code == 1
    assert "Error: --as-of: '2024-02-30' is not a date; write it as YYYY-MM-DD" in r.output


def test_unknown_slug_exits_1_with_did_you_mean(corpus_db, cli):
    r = cli("topic", "open_weight")
    assert r.exit_code == 1
    assert r.output == "Error: no topic 'open_weight'; did you mean 'open_weight_release'?\n"
    r = cli("instrument", "EU-AIA-2025")
    assert r.exit_code == 1 and "did you mean 'EU-AIA-2024'" in r.output
    r = cli("compare", "EU-AIA-2024", "US-EO-1411")
    assert r.exit_code == 1 and "no instrument 'US-EO-1411'; did you mean 'US-EO-14110'" in r.output
    r = cli("jurisdiction", "usa")
    assert r.exit_code == 1 and "did you mean 'US'" in r.output
    r = cli("developer", "metaa")
    assert r.exit_code == 1 and "did you mean 'meta'" in r.output
    r = cli("paper", "arXiv:2602.1968")
    assert r.exit_code == 1 and "did you mean 'arXiv:2602.19682'" in r.output
    for args in (("primacy", "deepfake"), ("forum-shopping", "deepfake"), ("gaps", "deepfake"),
                 ("matrix", "--topic", "deepfake")):
        r = cli(*args)
        assert r.exit_code == 1 and "did you mean 'deepfakes'" in r.output, args


# -- the other page commands ------------------------------------------------------
def test_primacy_and_forum_shopping(corpus_db, cli):
    d = as_json(cli("primacy", "open_weight_release", "-f", "json"))
    assert d["primacy"]["instrument"]["id"] == "CN-GENAI-2023" and len(d["timeline"]) == 22
    rows = list(csv.DictReader(io.StringIO(ok(cli("primacy", "open_weight_release", "-f", "csv")))))
    assert (rows[0]["id"], rows[0]["label"]) == ("CN-GENAI-2023", "first")

    d = as_json(cli("forum-shopping", "open_weight_release", "-f", "json"))
    assert [(p["explicit"]["id"], p["silent"]["id"]) for p in d["pairs"]] == [
        ("EU-AIA-2024", "US-EO-14179"), ("CA-SB-1047", "UK-WHITEPAPER-2023"), ("META-FRONTIER-2024", "G7-HIROSHIMA")]

    d = as_json(cli("forum-shopping", "open_weight_release", "--all", "-f", "json"))
    scores = [p["score"] for p in d["pairs"]]
    assert scores == sorted(scores, reverse=True) and scores[0] == 7
    assert (d["pairs"][0]["strict"]["id"], d["pairs"][0]["lenient"]["id"]) == ("EU-AIA-2024", "US-EO-14179")
    assert {p["kind"] for p in d["pairs"]} == {"explicit-silent", "explicit-implicit"}
    assert all(p["strict"]["jurisdiction"] != p["lenient"]["jurisdiction"] for p in d["pairs"])
    # CA SB-1047 (US-CA) is never paired with a US instrument: US-CA is part of US
    assert not [p for p in d["pairs"] if p["strict"]["id"] == "CA-SB-1047" and p["lenient"]["jurisdiction"] == "US"]
    assert [(c["a"]["id"], c["b"]["id"]) for c in d["conflicts"]] == [("META-FRONTIER-2024", "CA-SB-1047")]
    assert sum(s["points"] for s in d["score"]) == 7
    table = ok(cli("forum-shopping", "open_weight_release", "--all", "-f", "table"))
    assert "Score (0-7)" in table and "Curated conflicts" in table


def test_topics_gaps_matrix_compare(corpus_db, cli):
    topics = as_json(cli("topics", "-f", "json"))
    assert isinstance(topics, list) and len(topics) == 24 and topics[0]["position"] == 1
    early = as_json(cli("topics", "--as-of", "2023-01-01", "-f", "json"))
    assert all(t["tracked"] == 1 for t in early)  # only the OECD principles by then

    gaps = as_json(cli("gaps", "open_weight_release", "-f", "json"))
    assert set(gaps) == {"as_of", "overall", "topics", "jurisdictions", "topic", "limit", "silent_total",
                         "silent_regimes"}
    assert len(gaps["silent_regimes"]) == 16
    rows = list(csv.DictReader(io.StringIO(ok(cli("gaps", "open_weight_release", "-f", "csv")))))
    assert [r["id"] for r in rows][:2] == ["US-EO-14179", "UK-WHITEPAPER-2023"]
    assert "of 624 instrument × topic cells" in ok(cli("gaps", "-f", "table")).lower()

    m = as_json(cli("matrix", "-f", "json"))
    assert len(m["rows"]) == 26 and m["legend"]["explicit"] == "●"
    rows = list(csv.DictReader(io.StringIO(ok(cli("matrix", "-f", "csv")))))
    assert rows[0]["open_weight_release"] == "explicit" and "unreviewed" in {v for r in rows for v in r.values()}
    table = ok(cli("matrix", "--topic", "open_weight_release", "-f", "table"))
    assert "EU-AIA-2024" in table and "●" in table and "16 open_weight_release" in table
    assert len(as_json(cli("matrix", "--as-of", "2024-01-01", "-f", "json"))["rows"]) < 26

    c = as_json(cli("compare", "EU-AIA-2024", "US-EO-14110", "-f", "json"))
    assert c["a"]["id"] == "EU-AIA-2024" and sum(c["summary"].values()) == 24
    r = cli("compare", "EU-AIA-2024", "US-EO-14110", "--as-of", "2024-06-01")
    assert r.exit_code == 1 and "EU-AIA-2024 was not adopted by 2024-06-01 (adopted 2024-07-12)" in r.output


def test_entity_pages(corpus_db, cli):
    d = as_json(cli("instrument", "US-EO-14110", "-f", "json"))
    assert d["instrument"]["id"] == "US-EO-14110" and len(d["cells"]) == 24
    assert "Status history" in ok(cli("instrument", "US-EO-14110", "-f", "table"))
    d = as_json(cli("jurisdiction", "US-CA", "-f", "json"))
    assert d["part_of"]["code"] == "US" and [i["id"] for i in d["instruments"]] == ["CA-SB-1047"]
    d = as_json(cli("developer", "meta", "-f", "json"))
    assert d["topic"] == "open_weight_release" and d["issued"][0]["id"] == "META-FRONTIER-2024"
    out = ok(cli("developer", "meta", "-f", "table"))
    assert "how they treat open_weight_release" in out and "● explicit" in out
    d = as_json(cli("paper", "arXiv:2602.19682", "-f", "json"))
    assert "open_weight_release" in [a["topic"] for a in d["addresses"]]


# -- kb query ---------------------------------------------------------------------
def test_query_list_names_every_query(corpus_db, cli):
    listed = as_json(cli("query", "--list", "-f", "json"))
    assert [q["name"] for q in listed] == sorted(load_queries())
    assert all(q["description"] for q in listed)


def test_query_runs_with_params(corpus_db, cli):
    rows = as_json(cli("query", "topic_coverage", "--param", "slug=open_weight_release"))
    assert len(rows) == 26 and rows[0]["id"] == "EU-AIA-2024"
    rows = as_json(cli("query", "topic_coverage", "-p", "slug=open_weight_release", "-p", "as_of=2024-06-01"))
    assert "EU-AIA-2024" not in [r["id"] for r in rows]
    show = ok(cli("query", "topic_primacy", "--show"))
    assert "MATCH (t:Topic {slug: $slug})" in show and ":param slug =>" in show


def test_query_param_errors(corpus_db, cli):
    r = cli("query", "topic_coverage", "--param", "slg=x")
    assert r.exit_code == 1
    assert r.output == ("Error: query 'topic_coverage' has no parameter 'slg'; its parameters are: slug, as_of, at, limit\n")
    r = cli("query", "topic_coverage")
    assert r.exit_code == 1 and "needs 'slug'" in r.output
    r = cli("query", "topic_coverage", "-p", "slug=x", "-p", "as_of=June")
    assert r.exit_code == 1 and "'June' is not a date; write it as YYYY-MM-DD" in r.output
    r = cli("query", "topic_coverage", "-p", "slug")
    assert r.exit_code == 1 and "write it as key=value" in r.output
    r = cli("query", "topic_coverag")
    assert r.exit_code == 1 and "did you mean 'topic_coverage'" in r.output
    r = cli("query")
    assert r.exit_code == 2 and "kb query --list" in r.output


# -- kb cypher --------------------------------------------------------------------
def test_cypher_reads(corpus_db, cli):
    rows = as_json(cli("cypher", "MATCH (t:Topic) RETURN t.slug AS slug ORDER BY t.rank LIMIT 2"))
    assert rows == [{"slug": "transparency"}, {"slug": "foundation_models"}]
    rows = as_json(cli("cypher", "MATCH (i:Instrument {id: $id}) RETURN i.adopted < $d AS before",
                       "-p", "id=EU-AIA-2024", "-p", "d=2025-01-01"))
    assert rows == [{"before": True}]
    rows = as_json(cli("cypher", "-", input="RETURN 1 AS one"))
    assert rows == [{"one": 1}]


def test_cypher_refuses_writes_without_write(corpus_db, cli):
    def count():
        return corpus_db.read("MATCH (n) RETURN count(n) AS n")[0]["n"]

    before = count()
    for statement in ("CREATE (n) RETURN n", "MATCH (t:Topic) SET t.name = 'x'", "MATCH (n) DETACH DELETE n"):
        r = cli("cypher", statement)
        assert r.exit_code == 1, statement
        assert r.output.startswith("Error: read-only: this statement writes to the graph"), r.output
        assert "Add --write to allow changes" in r.output
    assert count() == before
    assert corpus_db.read("MATCH (t:Topic {slug: 'transparency'}) RETURN t.name AS n")[0]["n"] != "x"


def test_cypher_write_changes_the_graph(db, cli):
    rows = as_json(cli("cypher", "CREATE (n:Scratch {k: $k}) RETURN n.k AS k", "-p", "k=1", "--write"))
    assert rows == [{"k": 1}]
    assert db.read("MATCH (n:Scratch) RETURN count(n) AS n")[0]["n"] == 1


def test_cypher_syntax_error_is_a_clear_error(corpus_db, cli):
    r = cli("cypher", "RETURN 1 +")
    assert r.exit_code == 1 and "SyntaxError" in r.output and "Traceback" not in r.output


# -- help, docs, speed ----------------------------------------------------------
@pytest.mark.parametrize("command", QUERY_COMMANDS)
def test_every_command_has_help_with_examples(cli, command):
    out = ok(cli(command, "--help"))
    assert "Examples:" in out and f"kb {command}" in out
    assert "--format" in out or command == "query" and "--format" in out
    if command in AS_OF_COMMANDS:
        assert "--as-of" in out


def test_docs_cover_every_command_query_and_shape():
    doc = (ROOT / "docs" / "queries.md").read_text()
    for command in QUERY_COMMANDS:
        assert f"kb {command}" in doc, command
    for name in load_queries():
        assert f"`{name}`" in doc, name
    for shape in ('"forum_shopping"', '"coverage"', '"primacy"', '"silent_regimes"', '"summary"', '"cells"'):
        assert shape in doc, shape
    assert "## Forum-shopping score" in doc and "+2" in doc


def test_kb_help_does_not_import_the_query_layer():
    code = ("import sys; from click.testing import CliRunner; from kb.cli import main; "
            "r = CliRunner().invoke(main, ['--help']); assert r.exit_code == 0; "
            "print(sorted(m for m in ('neo4j', 'rich', 'kb.queries') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


# -- long lists: the first N rows, with the totals (issue 6) ----------------------
def test_topic_page_lists_the_first_n_rows_with_the_totals(corpus_db, cli):
    full = as_json(cli("topic", "open_weight_release", "-f", "json"))
    assert full["limit"] == 50  # the default: the corpus (26 instruments) is never cut
    assert full["totals"] == {"coverage": 26, "timeline": 22, "silent": 16}
    assert full["timeline_counts"] == {"codified": 3, "diverged": 0, "implicit": 6, "silent": 12, "undated": 1,
                                       "total": 22}
    assert (len(full["coverage"]), len(full["timeline"]), len(full["silent"])) == (26, 22, 16)

    cut = as_json(cli("topic", "open_weight_release", "--limit", "5", "-f", "json"))
    assert cut["limit"] == 5 and cut["totals"] == full["totals"] and cut["counts"] == full["counts"]
    assert cut["summary"] == full["summary"] and cut["timeline_counts"] == full["timeline_counts"]
    assert cut["coverage"] == full["coverage"][:5]  # the first five in catalog order
    assert cut["timeline"] == full["timeline"][:5] and cut["silent"] == full["silent"][:5]
    assert cut["references"] == [r for r in full["references"]
                                 if r["instrument"] in {c["instrument"]["id"] for c in cut["coverage"]}]
    assert cut["primacy"] == full["primacy"] and cut["forum_shopping"] == full["forum_shopping"]
    table = ok(cli("topic", "open_weight_release", "--limit", "5", "-f", "table"))
    assert "The first 5 of 16 silent regimes" in table and "The first 5 of 26 tracked instruments" in table
    assert "Since then: 3 codified, 0 diverged, 6 implicit, 12 silent, 1 undated." in table
    assert len(list(csv.DictReader(io.StringIO(ok(cli("topic", "open_weight_release", "--limit", "5",
                                                          "-f", "csv")))))) == 5

    every = as_json(cli("topic", "open_weight_release", "--all", "-f", "json"))
    assert every["limit"] is None and {k: v for k, v in every.items() if k != "limit"} == \
        {k: v for k, v in full.items() if k != "limit"}
    assert as_json(cli("topic", "open_weight_release", "--limit", "all", "-f", "json"))["limit"] is None


def test_primacy_and_gaps_list_the_first_n_rows(corpus_db, cli):
    d = as_json(cli("primacy", "open_weight_release", "--limit", "4", "-f", "json"))
    assert len(d["timeline"]) == 4 and d["timeline_counts"]["total"] == 22 and d["limit"] == 4
    assert len(as_json(cli("primacy", "open_weight_release", "--all", "-f", "json"))["timeline"]) == 22

    g = as_json(cli("gaps", "open_weight_release", "--limit", "3", "-f", "json"))
    assert g["limit"] == 3 and g["silent_total"] == 16
    assert [s["id"] for s in g["silent_regimes"]] == ["US-EO-14179", "UK-WHITEPAPER-2023", "G7-HIROSHIMA"]
    assert len(as_json(cli("gaps", "open_weight_release", "--all", "-f", "json"))["silent_regimes"]) == 16


def test_forum_shopping_all_lists_the_best_n_pairs(corpus_db, cli):
    every = as_json(cli("forum-shopping", "open_weight_release", "--all", "--limit", "all", "-f", "json"))
    assert every["limit"] is None and len(every["pairs"]) == 53
    default = as_json(cli("forum-shopping", "open_weight_release", "--all", "-f", "json"))
    assert default["limit"] == 100 and default["pairs"] == every["pairs"]  # 53 < 100: nothing cut
    best = as_json(cli("forum-shopping", "open_weight_release", "--all", "--limit", "5", "-f", "json"))
    assert best["limit"] == 5 and best["pairs"] == every["pairs"][:5]
    assert "the 5 best-scored" in ok(cli("forum-shopping", "open_weight_release", "--all", "--limit", "5",
                                         "-f", "table"))


def test_limit_options_are_checked_before_anything_runs(cli):
    r = cli("topic", "open_weight_release", "--all", "--limit", "5")
    assert r.exit_code == 2 and "give --all or --limit, not both" in r.output
    r = cli("topic", "open_weight_release", "--limit", "0")
    assert r.exit_code == 2 and "'0' is not a positive whole number or 'all'" in r.output
    r = cli("forum-shopping", "open_weight_release", "--limit", "5")
    assert r.exit_code == 2 and "--limit goes with --all" in r.output


def test_help_states_the_library_defaults():
    from click.testing import CliRunner

    from kb.cli import main
    from kb.queries import ALL_PAIRS_LIMIT, PAGE_LIMIT

    def help_of(command: str) -> str:
        return " ".join(CliRunner().invoke(main, [command, "--help"]).output.split())

    for command in ("topic", "primacy", "gaps"):
        assert f"default {PAGE_LIMIT};" in help_of(command)
    assert f"(default {ALL_PAIRS_LIMIT})" in help_of("forum-shopping")
