"""The four ways the old model answered "what did it look like then?" and
"what changed?" wrongly (issue 13, "Why"), as regression tests: each through
the command line, as a user types it, against the real server.

1. An instrument adopted in 2025 but recorded late is on pages as of a later
   date, and `kb diff --from` does not call it new.
2. A prune closes, it does not delete: the catalog as recorded before the
   prune still lists the pruned instruments, and the graph holds their
   states and edges.
3. The change list keeps the values as they were, and `kb query changes`
   gives old/new in one JSON shape.
4. A status change dated in status_history is read by pages as of a date.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import yaml
from helpers import CORPUS, FIXTURES, MINI, NOW, ROOT

LATER = ROOT / "data" / "examples" / "later-instruments"
KOREA = FIXTURES / "korea"
STATUS = FIXTURES / "status"


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def as_json(result):
    return json.loads(ok(result).stdout)


def records(folder, section: str) -> list[dict]:
    """The records of one section in every YAML file of a folder."""
    out = []
    for path in sorted(folder.glob("*.yaml")):
        out += (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(section) or []
    return out


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# -- 1. legal time reads the catalog as known now -------------------------------------------
@pytest.fixture
def korea_recorded_late(cli, shared_graph):
    """The corpus recorded on 2026-01-01, the Korean AI Basic Act (adopted
    2025-01-21) on 2026-03-01; the CLI to read them."""

    def build(db):
        ok(cli("load", "--recorded-at", "2026-01-01", str(CORPUS)))
        ok(cli("load", "--recorded-at", "2026-03-01", str(KOREA)))

    shared_graph.holding("test_history_scenarios.korea_recorded_late", build)
    return cli


def _ids(page) -> list[str]:
    return [c["instrument"]["id"] for c in page["coverage"]]


def test_an_instrument_recorded_late_is_on_pages_as_of_a_later_date(korea_recorded_late):
    cli = korea_recorded_late
    dated = [
        i["id"]
        for i in records(CORPUS, "instruments")
        if i.get("adopted") is not None and i["adopted"].isoformat() <= "2026-06-01"
    ]
    assert len(dated) == 25  # the corpus's 26 less the undated bill (BR-AIBILL-2024)
    page = as_json(cli("topic", "transparency", "--as-of", "2026-06-01", "--all", "-f", "json"))
    assert page["counts"]["tracked"] == 26
    assert sorted(_ids(page)) == sorted(dated + ["KR-AI-BASIC-2025"])
    korea = next(c for c in page["coverage"] if c["instrument"]["id"] == "KR-AI-BASIC-2025")
    assert (korea["mode"], korea["pinpoint"]) == ("explicit", "Art. 31")
    # as of the day before its adoption it is not law yet
    before = as_json(cli("topic", "transparency", "--as-of", "2025-01-20", "--all", "-f", "json"))
    assert "KR-AI-BASIC-2025" not in _ids(before)
    # the catalog as recorded before it learned of the act: 25, as the old --as-of showed
    then = as_json(
        cli("topic", "transparency", "--as-of", "2026-06-01", "--as-recorded", "2026-02-01", "--all", "-f", "json")
    )
    assert sorted(_ids(then)) == sorted(dated)


def test_diff_in_legal_time_does_not_call_a_late_recorded_instrument_new(korea_recorded_late):
    cli = korea_recorded_late
    rows = as_json(cli("diff", "transparency", "--from", "2025-06-01", "-f", "json"))["changes"]
    new = {r["key"] for r in rows if r["what"] == "instrument"}
    assert "KR-AI-BASIC-2025" not in new  # adopted 2025-01-21: law on both days
    assert new == {"BR-AIBILL-2024"}  # undated: on today's page only
    # in record time it is new: the catalog learned of it between the two instants
    rows = as_json(cli("diff", "transparency", "--recorded-from", "2026-02-01", "-f", "json"))["changes"]
    assert {r["key"] for r in rows if r["what"] == "instrument"} == {"KR-AI-BASIC-2025"}


# -- 2. a prune closes, and the past keeps what it closed --------------------------------------
@pytest.mark.slow
def test_a_prune_closes_and_the_catalog_as_recorded_before_keeps_the_pruned(cli, db):
    ok(cli("load", "--recorded-at", "2026-01-01", str(CORPUS)))
    ok(cli("load", "--recorded-at", "2026-02-01", str(CORPUS), str(LATER)))
    ok(cli("load", "--prune", "--recorded-at", "2026-03-01", str(CORPUS)))
    corpus = [i["id"] for i in records(CORPUS, "instruments")]
    later = [i["id"] for i in records(LATER, "instruments")]
    assert (len(corpus), len(later)) == (26, 5)

    def listed(*clock: str) -> list[str]:
        return [r["id"] for r in as_json(cli("instruments", *clock, "-f", "json"))]

    assert listed("--as-recorded", "2026-02-15") == corpus + later  # 31, in catalog order
    assert listed("--as-recorded", "2026-01-15") == corpus
    assert listed() == corpus
    # the topic page as recorded then has the pruned GDPR's cell
    gdpr = records(LATER, "treats")
    gdpr_transparency = next(c for c in gdpr if c["instrument"] == "EU-GDPR-2016" and c["topic"] == "transparency")
    page = as_json(cli("topic", "transparency", "--as-recorded", "2026-02-15", "--all", "-f", "json"))
    cell = next(c for c in page["coverage"] if c["instrument"]["id"] == "EU-GDPR-2016")
    assert (cell["mode"], cell["pinpoint"]) == (gdpr_transparency["mode"], gdpr_transparency["pinpoint"])

    # the graph still holds the pruned instruments' states and edges, closed at the prune
    pruned = utc("2026-03-01T00:00:00")
    states = db.read(
        "MATCH (n:Instrument)-[:HAS_STATE]->(s) WHERE n.id IN $ids "
        "RETURN n.id AS id, s.recorded_from AS f, s.recorded_to AS t",
        ids=later,
    )
    assert sorted((r["id"], r["f"].to_native(), r["t"].to_native()) for r in states) == sorted(
        (i, utc("2026-02-01T00:00:00"), pruned) for i in later
    )
    edges = db.read(
        "MATCH (n:Instrument)-[r]->(x) WHERE n.id IN $ids AND type(r) <> 'HAS_STATE' "
        "RETURN type(r) AS type, count(*) AS n, collect(DISTINCT r.recorded_to) AS closed",
        ids=later,
    )
    by_type = {r["type"]: r for r in edges}
    assert by_type["TREATS"]["n"] == len([c for c in gdpr if c["instrument"] in later])
    assert by_type["ISSUED_IN"]["n"] == 5
    assert {t.to_native() for r in edges for t in r["closed"]} == {pruned}
    # and the jurisdictions only the later files had (NYC, Colorado, Illinois) with their PART_OF
    added = [j["code"] for j in records(LATER, "jurisdictions")]
    rows = db.read(
        "MATCH (j:Jurisdiction)-[:HAS_STATE]->(s) WHERE j.code IN $codes "
        "OPTIONAL MATCH (j)-[p:PART_OF]->() RETURN j.code AS code, s.recorded_to AS t, p.recorded_to AS pt",
        codes=added,
    )
    assert added and len(rows) == len(added)
    assert {r["t"].to_native() for r in rows} == {pruned}
    assert {r["pt"].to_native() for r in rows if r["pt"] is not None} == {pruned}
    assert db.read(f"MATCH (s:InstrumentState) WHERE s.recorded_to = {NOW} RETURN count(s) AS n")[0]["n"] == 26


# -- 3. change records keep the values as they were ----------------------------------------------
@pytest.mark.slow
def test_the_change_list_keeps_old_values_and_one_json_shape(cli, db, tmp_path):
    ok(cli("load", "--recorded-at", "2026-01-10", str(MINI)))
    text = (MINI / "catalog.yaml").read_text()
    implicit = "{instrument: AA-N-BILL, topic: alpha, mode: implicit, pinpoint: § 2,"
    silent = (
        "  - {instrument: BB-CODE-2021, topic: alpha, mode: silent, confidence: medium, note: Not addressed., "
        "source: test:one}\n"
    )
    assert implicit in text and silent in text
    changed = tmp_path / "catalog.yaml"
    changed.write_text(text.replace(implicit, implicit.replace("implicit", "explicit")).replace(silent, ""))
    ok(cli("load", "--prune", "--recorded-at", "2026-03-10", str(changed)))

    rows = as_json(cli("changes", "--topic", "alpha", "-f", "json"))
    bill = [r for r in rows if r["key"] == "AA-N-BILL -> alpha"]
    assert [(r["change_set"], r["op"], r["detail"]) for r in bill] == [
        ("cs-20260310T000000.000000Z", "changed", "mode implicit → explicit"),
        ("cs-20260110T000000.000000Z", "added", "implicit (§ 2)"),  # as it was added, not as it is now
    ]
    removed = [r for r in rows if r["op"] == "removed"]
    assert [(r["key"], r["detail"]) for r in removed] == [("BB-CODE-2021 -> alpha", "was silent")]

    every = as_json(cli("query", "changes", "-f", "json"))
    assert {r["op"] for r in every} == {"added", "changed", "removed"}
    for r in every:
        assert r["old"] is None or isinstance(r["old"], dict), r
        assert r["new"] is None or isinstance(r["new"], dict), r
        assert (r["old"] is None) == (r["op"] == "added") and (r["new"] is None) == (r["op"] == "removed"), r
    added = next(r for r in every if r["key"] == "AA-N-BILL -> alpha" and r["op"] == "added")
    assert (added["new"]["mode"], added["new"]["pinpoint"]) == ("implicit", "§ 2")
    change = next(r for r in every if r["key"] == "AA-N-BILL -> alpha" and r["op"] == "changed")
    assert (change["old"]["mode"], change["new"]["mode"], change["fields"]) == ("implicit", "explicit", ["mode"])
    gone = next(r for r in every if r["op"] == "removed")
    assert gone["old"]["mode"] == "silent" and gone["old"]["note"] == "Not addressed."


# -- 4. a dated status change is read by pages ---------------------------------------------------
@pytest.mark.parametrize(
    "day,status",
    [("2023-10-30", "in_force"), ("2025-01-19", "in_force"), ("2025-01-20", "revoked"), ("2025-01-21", "revoked")],
)
@pytest.mark.slow
def test_a_status_change_in_status_history_is_read_as_of_a_date(cli, db, day, status):
    ok(cli("load", str(STATUS)))
    rows = {r["id"]: r for r in as_json(cli("instruments", "--as-of", day, "-f", "json"))}
    assert rows["US-EO-14110"]["status"] == status
    assert rows["US-NIST-RMF"]["status"] == "in_force"  # no history: its status
    page = as_json(cli("topic", "safety", "--as-of", day, "-f", "json"))
    eo = next(c for c in page["coverage"] if c["instrument"]["id"] == "US-EO-14110")
    assert eo["status"] == status


def test_before_its_first_status_an_instrument_is_not_on_the_page(cli, db):
    ok(cli("load", str(STATUS)))
    rows = as_json(cli("instruments", "--as-of", "2023-10-29", "-f", "json"))
    assert [r["id"] for r in rows] == ["US-NIST-RMF"]  # EO 14110 was adopted the next day
    today = {r["id"]: r["status"] for r in as_json(cli("instruments", "-f", "json"))}
    assert today == {"US-EO-14110": "revoked", "US-NIST-RMF": "in_force"}
