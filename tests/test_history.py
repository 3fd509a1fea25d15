"""The catalog's change history: change sets, `kb changes`, pages as the
catalog recorded them (--as-recorded), `kb diff` in record time, and the
per-cell CSV export."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import UTC, date, datetime

import pytest
from helpers import CORPUS, NOW, T1, T2, catalog_dump, change_set_counts, versions_at

from kb.changes import changes
from kb.load import load
from kb.queries.clocks import Clocks
from kb.render.formats import to_jsonable
from kb.schema.model import FOREVER

BETWEEN, AFTER = "2026-02-01", "2026-04-01"  # record time: a day between the loads, a day after both


def corrected_corpus(tmp_path):
    """The corpus with two corrections: Meta's open-weight cell gets a
    pinpoint and China's measures an earlier adoption date."""
    out = tmp_path / "corrected"
    shutil.copytree(CORPUS, out)
    cov = out / "coverage.yaml"
    text = cov.read_text()
    marker = '  - instrument: "META-FRONTIER-2024"\n    topic: "open_weight_release"\n    mode: "explicit"\n'
    assert marker in text
    cov.write_text(text.replace(marker, marker + '    pinpoint: "§ 3 (open release)"\n'))
    inst = out / "instruments.yaml"
    text = inst.read_text()
    assert "adopted: 2023-07-10" in text
    inst.write_text(text.replace("adopted: 2023-07-10", "adopted: 2023-07-09", 1))
    return out


def recorded(day: str) -> Clocks:
    """Today's law as the catalog recorded it at the end of ``day``."""
    return Clocks.resolve(as_recorded=day)


def page(db, clocks: Clocks):
    """The open-weight topic page's JSON face, every row."""
    from kb.queries.topic import topic_data

    return to_jsonable(topic_data(db, "open_weight_release", clocks, limit=None))


@pytest.fixture
def two_loads(shared_graph, tmp_path_factory):
    """The corpus loaded at T1, then corrected (corrected_corpus) at T2: the
    database, the page recorded between the loads and the second load's report."""

    def build(db):
        load(db, [CORPUS], at=T1)
        first = page(db, recorded(BETWEEN))
        return first, load(db, [corrected_corpus(tmp_path_factory.mktemp("two-loads"))], at=T2)

    first, report = shared_graph.holding("test_history.two_loads", build)
    return shared_graph.db, first, report


@pytest.mark.slow
def test_a_load_records_a_change_set_with_file_hashes(db):
    report = load(db, [CORPUS], at=T1)
    rows = db.read("MATCH (s:ChangeSet) RETURN s")
    assert len(rows) == 1
    s = rows[0]["s"]
    assert s["id"] == report.change_set == "cs-20260110T120000.000000Z"
    assert s["at"].to_native() == T1
    assert len(s["files"]) == len(s["hashes"]) == 8
    assert all(len(h) == 64 for h in s["hashes"])
    assert s["created"] == report.totals().created > 500
    assert change_set_counts(db, report.change_set) == versions_at(db, T1)
    # a second identical load changes nothing and records nothing
    assert load(db, [CORPUS]).change_set is None
    assert db.read("MATCH (s:ChangeSet) RETURN count(s) AS n")[0]["n"] == 1


def test_history_cannot_be_written_out_of_order(db):
    from kb.errors import KbError

    load(db, [CORPUS], at=T2)
    with pytest.raises(KbError, match="history in time order"):
        load(db, [CORPUS], at=T1, prune=True)


def test_a_load_cannot_be_recorded_in_the_future(db):
    from kb.errors import KbError

    with pytest.raises(KbError, match="is in the future"):
        load(db, [CORPUS], at=datetime(2999, 1, 1, tzinfo=UTC))
    assert db.read("MATCH (n) RETURN count(n) AS n")[0]["n"] == 0


def test_the_page_recorded_between_two_loads_equals_the_first(two_loads):
    db, first, report = two_loads
    assert report.totals().updated == 2
    assert change_set_counts(db, report.change_set) == versions_at(db, T2) == {"created": 0, "updated": 2, "removed": 0}
    assert page(db, recorded(BETWEEN)) == first
    later = page(db, recorded(AFTER))
    assert later != first
    meta = next(c for c in later["coverage"] if c["instrument"]["id"] == "META-FRONTIER-2024")
    assert meta["pinpoint"] == "§ 3 (open release)"
    assert later["primacy"]["date"] == "2023-07-09"
    assert first["primacy"]["date"] == "2023-07-10"
    # today's page (neither clock given) is the corrected one
    assert {k: v for k, v in page(db, Clocks.resolve()).items() if k not in ("as_of", "as_recorded")} == {
        k: v for k, v in later.items() if k not in ("as_of", "as_recorded")
    }


def test_the_old_versions_are_kept_closed_at_the_second_load(two_loads):
    db, _, _ = two_loads
    rows = db.read(
        "MATCH (:Instrument {id: 'META-FRONTIER-2024'})-[t:TREATS]->(:Topic {slug: 'open_weight_release'}) "
        "RETURN t.pinpoint AS p, t.recorded_from AS f, t.recorded_to AS to ORDER BY f"
    )
    assert [(r["p"], r["f"].to_native(), r["to"].to_native()) for r in rows] == [
        (None, T1, T2),
        ("§ 3 (open release)", T2, FOREVER),
    ]
    rows = db.read(
        "MATCH (:Instrument {id: 'CN-GENAI-2023'})-[:HAS_STATE]->(s) "
        "RETURN s.adopted AS a, s.recorded_from AS f, s.recorded_to AS to ORDER BY f"
    )
    assert [(r["a"].to_native(), r["f"].to_native(), r["to"].to_native()) for r in rows] == [
        (date(2023, 7, 10), T1, T2),
        (date(2023, 7, 9), T2, FOREVER),
    ]


def test_the_change_list_shows_the_correction(two_loads):
    db, _, _ = two_loads
    rows = changes(db, topic="open_weight_release")
    assert rows[0]["op"] == "changed"
    assert rows[0]["key"] == "META-FRONTIER-2024 -> open_weight_release"
    assert rows[0]["detail"] == "pinpoint (none) → § 3 (open release)"
    assert rows[0]["change_set"] == "cs-20260310T120000.000000Z"
    everything = changes(db, since=date(2026, 3, 1))
    assert [(r["op"], r["entity"], r["key"], r["detail"]) for r in everything] == [
        ("changed", "Instrument", "CN-GENAI-2023", "adopted 2023-07-10 → 2023-07-09"),
        ("changed", "TREATS", "META-FRONTIER-2024 -> open_weight_release", "pinpoint (none) → § 3 (open release)"),
    ]
    # the first load's rows: the topic's 26 cells (and its curated conflict), added
    first = [r for r in rows if r["change_set"] == "cs-20260110T120000.000000Z"]
    assert {r["op"] for r in first} == {"added"}
    assert len([r for r in first if r["entity"] == "TREATS"]) == 26
    assert [r["entity"] for r in first if r["entity"] != "TREATS"] == ["CONFLICTS_WITH"]


def test_cli_changes_and_diff_in_record_time(cli, two_loads):
    out = cli("changes", "--topic", "open_weight_release", "--limit", "1", "--format", "json")
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)
    assert rows[0]["detail"] == "pinpoint (none) → § 3 (open release)"
    diff = cli("diff", "open_weight_release", "--recorded-from", BETWEEN, "--recorded-to", AFTER, "--format", "json")
    assert diff.exit_code == 0, diff.output
    result = json.loads(diff.stdout)
    assert {(c["what"], c["key"]) for c in result["changes"]} == {
        ("primacy", "first addressed by"),
        ("cell", "META-FRONTIER-2024"),
        ("adopted", "CN-GENAI-2023"),
    }
    # in legal time, today against today, as recorded now: nothing differs
    same = cli("diff", "open_weight_release", "--from", date.today().isoformat(), "--format", "json")
    assert same.exit_code == 0, same.output
    assert json.loads(same.stdout)["changes"] == []


@pytest.mark.slow
def test_prune_records_removals_and_the_old_page_keeps_them(db, tmp_path):
    load(db, [CORPUS], at=T1)
    before = page(db, recorded(BETWEEN))
    out = tmp_path / "pruned"
    shutil.copytree(CORPUS, out)
    cov = out / "coverage.yaml"
    text = cov.read_text()
    cell = '  - instrument: "SEOUL-2024"\n    topic: "open_weight_release"\n'
    start = text.index(cell)
    end = text.index("  - instrument:", start + 10)
    cov.write_text(text[:start] + text[end:])
    report = load(db, [out], at=T2, prune=True)
    assert report.edges["TREATS"].removed == 1
    assert change_set_counts(db, report.change_set) == versions_at(db, T2) == {"created": 0, "updated": 0, "removed": 1}
    removed = [r for r in changes(db, topic="open_weight_release") if r["op"] == "removed"]
    assert [r["key"] for r in removed] == ["SEOUL-2024 -> open_weight_release"]
    assert removed[0]["detail"].startswith("was implicit")
    assert page(db, recorded(BETWEEN)) == before
    after = page(db, recorded(AFTER))
    seoul = next(c for c in after["coverage"] if c["instrument"]["id"] == "SEOUL-2024")
    assert seoul["mode"] == "silent" and seoul["reviewed"] is False
    # the cell is closed, not deleted
    rows = db.read(
        "MATCH (:Instrument {id: 'SEOUL-2024'})-[t:TREATS]->(:Topic {slug: 'open_weight_release'}) "
        "RETURN t.mode AS mode, t.recorded_to AS to"
    )
    assert [(r["mode"], r["to"].to_native()) for r in rows] == [("implicit", T2)]


@pytest.mark.slow
def test_csv_export_is_one_row_per_cell_and_reloads(db, tmp_path):
    from kb.export import export

    load(db, [CORPUS], at=T1)
    before = catalog_dump(db)
    export(db, tmp_path / "csv", "csv")
    with (tmp_path / "csv" / "treats.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 313
    assert {"instrument", "topic", "mode", "pinpoint", "confidence", "source", "recorded_at"} <= set(rows[0])
    assert {r["recorded_at"] for r in rows} == {T1.isoformat()}
    export(db, tmp_path / "json", "json")
    assert [p.name for p in (tmp_path / "json").iterdir()] == ["catalog.json"]
    for fmt in ("csv", "json"):
        db.write("MATCH (n) DETACH DELETE n")
        load(db, [tmp_path / fmt])
        assert catalog_dump(db) == before, fmt
    assert db.read(f"MATCH ()-[t:TREATS]->() WHERE t.recorded_to = {NOW} RETURN count(t) AS n")[0]["n"] == 313
