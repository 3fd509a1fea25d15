"""The catalog's change history: change sets, `kb changes`, pages as they
stood on a date, `kb diff`, and the per-cell CSV export."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date, datetime, timezone

import pytest

from conftest import CORPUS
from kb.changes import changes
from kb.load import load
from kb.output import to_jsonable

T1 = datetime(2026, 1, 10, 12, 0, tzinfo=timezone.utc)
T2 = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)
BETWEEN, AFTER = date(2026, 2, 1), date(2026, 4, 1)


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


def page(db, as_of):
    from kb.queries.topic import topic_data

    data = to_jsonable(topic_data(db, "open_weight_release", as_of))
    data.pop("as_of")
    data.pop("summary")
    return data


@pytest.fixture
def two_loads(db, tmp_path):
    load(db, [CORPUS], at=T1)
    first = page(db, BETWEEN)
    report = load(db, [corrected_corpus(tmp_path)], at=T2)
    return first, report


def test_a_load_records_a_change_set_with_file_hashes(db):
    report = load(db, [CORPUS], at=T1)
    rows = db.read("MATCH (s:ChangeSet) RETURN s")
    assert len(rows) == 1
    s = rows[0]["s"]
    assert s["id"] == report.change_set == "cs-20260110T120000.000000Z"
    assert len(s["files"]) == len(s["hashes"]) == 8
    assert all(len(h) == 64 for h in s["hashes"])
    assert s["created"] == report.totals().created > 500
    # a second identical load changes nothing and records nothing
    assert load(db, [CORPUS]).change_set is None
    assert db.read("MATCH (s:ChangeSet) RETURN count(s) AS n")[0]["n"] == 1


def test_history_cannot_be_written_out_of_order(db):
    from kb.errors import KbError

    load(db, [CORPUS], at=T2)
    with pytest.raises(KbError, match="history in time order"):
        load(db, [CORPUS], at=T1, prune=True)


def test_the_page_between_two_loads_equals_the_first(db, two_loads):
    first, report = two_loads
    assert report.totals().updated == 2
    assert page(db, BETWEEN) == first
    later = page(db, AFTER)
    assert later != first
    meta = next(c for c in later["coverage"] if c["instrument"]["id"] == "META-FRONTIER-2024")
    assert meta["pinpoint"] == "§ 3 (open release)"
    assert later["primacy"]["date"] == "2023-07-09"
    assert first["primacy"]["date"] == "2023-07-10"


def test_the_change_list_shows_the_correction(db, two_loads):
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


def test_cli_changes_and_diff(cli, db, two_loads):
    out = cli("changes", "--topic", "open_weight_release", "--limit", "1", "--format", "json")
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)
    assert rows[0]["detail"] == "pinpoint (none) → § 3 (open release)"
    diff = cli("diff", "open_weight_release", "--from", BETWEEN.isoformat(), "--to", AFTER.isoformat(),
               "--format", "json")
    assert diff.exit_code == 0, diff.output
    result = json.loads(diff.stdout)
    assert {(c["what"], c["key"]) for c in result["changes"]} == {
        ("primacy", "first addressed by"),
        ("cell", "META-FRONTIER-2024"),
        ("adopted", "CN-GENAI-2023"),
    }


def test_prune_records_removals_and_the_old_page_keeps_them(db, tmp_path):
    load(db, [CORPUS], at=T1)
    before = page(db, BETWEEN)
    out = tmp_path / "pruned"
    shutil.copytree(CORPUS, out)
    cov = out / "coverage.yaml"
    text = cov.read_text()
    cell = ('  - instrument: "SEOUL-2024"\n    topic: "open_weight_release"\n')
    start = text.index(cell)
    end = text.index("  - instrument:", start + 10)
    cov.write_text(text[:start] + text[end:])
    report = load(db, [out], at=T2, prune=True)
    assert report.edges["TREATS"].removed == 1
    removed = [r for r in changes(db, topic="open_weight_release") if r["op"] == "removed"]
    assert [r["key"] for r in removed] == ["SEOUL-2024 -> open_weight_release"]
    assert removed[0]["detail"].startswith("was implicit")
    assert page(db, BETWEEN) == before
    after = page(db, AFTER)
    seoul = next(c for c in after["coverage"] if c["instrument"]["id"] == "SEOUL-2024")
    assert seoul["mode"] == "silent" and seoul["reviewed"] is False


def test_csv_export_is_one_row_per_cell_and_reloads(db, tmp_path):
    from conftest import CORPUS as corpus
    from kb.export import export
    from test_load import graph_dump

    load(db, [corpus], at=T1)
    before = graph_dump(db)
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
        assert graph_dump(db) == before, fmt
