"""Loads built for large catalogs: edge files streamed through an on-disk
stage, and ``--commit-every`` for catalogs too large for one transaction."""

from __future__ import annotations

import tempfile
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers import (
    CLASH,
    CORPUS,
    MINI,
    NEW_INSTRUMENT,
    NOW,
    T1,
    T2,
    catalog_dump,
    graph_dump,
    versions_at,
    write,
)

from kb.errors import KbError, ValidationFailed
from kb.load import load
from kb.loaders import read_paths
from kb.schema.model import FOREVER


def change_sets(db) -> list[dict]:
    return db.read(
        "MATCH (s:ChangeSet) RETURN s.created AS created, s.updated AS updated, "
        "s.removed AS removed, s.at AS at ORDER BY s.at"
    )


@pytest.mark.slow
def test_commit_every_writes_the_same_graph_as_one_transaction(db):
    load(db, [CORPUS])
    one = catalog_dump(db)
    db.write("MATCH (n) DETACH DELETE n")

    report = load(db, [CORPUS], commit_every=40, at=T1)
    assert catalog_dump(db) == one
    assert len(change_sets(db)) == 1  # one change set for the whole load, whatever the parts
    assert change_sets(db)[0]["created"] == report.totals().created > 0
    # and one instant: every part opened its versions at the change set's
    assert versions_at(db, T1) == {"created": report.totals().created, "updated": 0, "removed": 0}
    assert db.read("MATCH (x) WHERE x.recorded_from IS NOT NULL RETURN collect(DISTINCT x.recorded_from) AS at")[0][
        "at"
    ] == [change_sets(db)[0]["at"]]

    again = load(db, [CORPUS], commit_every=40)
    assert (again.totals().created, again.totals().updated, again.totals().unchanged) == (0, 0, report.totals().created)
    assert again.change_set is None and len(change_sets(db)) == 1


def test_commit_every_records_changes_made_in_any_part(db, tmp_path):
    load(db, [MINI], at=T1)
    changed = tmp_path / "mini"
    changed.mkdir()
    text = (MINI / "catalog.yaml").read_text()
    assert "pinpoint: § 2" in text
    (changed / "catalog.yaml").write_text(text.replace("pinpoint: § 2", "pinpoint: § 2(1)"))
    report = load(db, [changed], commit_every=3, at=T2)
    assert report.totals().updated == 1
    assert change_sets(db)[-1]["updated"] == 1 and versions_at(db, T2) == {"created": 0, "updated": 1, "removed": 0}
    # the version the change set closed and the one it opened, at its instant
    rows = db.read(
        "MATCH (:Instrument {id: 'AA-N-BILL'})-[t:TREATS]->(:Topic {slug: 'alpha'}) "
        "RETURN t.pinpoint AS p, t.recorded_from AS f, t.recorded_to AS to ORDER BY f"
    )
    assert [(r["p"], r["f"].to_native(), r["to"].to_native()) for r in rows] == [
        ("§ 2", T1, T2),
        ("§ 2(1)", T2, FOREVER),
    ]


@pytest.mark.slow
def test_a_failed_part_says_what_stayed_committed_and_a_rerun_finishes(unique_instrument_names, tmp_path):
    db = unique_instrument_names  # the server refuses CLASH's instrument (its name is taken)
    load(db, [MINI])
    clash = write(tmp_path / "clash.yaml", CLASH)
    with pytest.raises(
        KbError, match=r"already exists.*2 rows in earlier parts stay committed; load the same files again"
    ):
        load(db, [clash], commit_every=1)
    # the parts before the failing one (the source, the topic) were committed
    assert (
        db.read(
            f"MATCH (t:Topic {{slug: 'gamma'}})-[:HAS_STATE]->(s) WHERE s.recorded_to = {NOW} RETURN count(t) AS n"
        )[0]["n"]
        == 1
    )

    clash.write_text(clash.read_text().replace("name: Aland AI Law", "name: New instrument"))
    report = load(db, [clash], commit_every=1)
    assert report.nodes["Instrument"].created == 1
    assert report.nodes["Topic"].unchanged == 1


@pytest.mark.slow
def test_a_load_is_not_recorded_before_the_parts_another_load_committed(unique_instrument_names, tmp_path):
    """A load in parts that failed leaves its first parts committed at its
    instant T2, with no change set yet. A later load dated before T2 must
    not close those versions at an earlier instant than they opened: it is
    refused (history in time order), or at least no version ends before it
    begins."""
    db = unique_instrument_names
    load(db, [MINI], at=T1)
    clash = write(tmp_path / "clash.yaml", CLASH)
    with pytest.raises(KbError, match="earlier parts stay committed"):
        load(db, [clash], commit_every=1, at=T2)
    earlier = write(
        tmp_path / "earlier.yaml",
        CLASH.replace("Another source", "A renamed source").replace("name: Aland AI Law", "name: Another instrument"),
    )
    between = datetime(2026, 2, 1, tzinfo=UTC)
    try:
        load(db, [earlier], at=between)
    except KbError as e:
        assert "time order" in str(e)
    assert (
        db.read(
            "MATCH (x) WHERE x.recorded_from IS NOT NULL AND NOT x.recorded_from < x.recorded_to "
            "RETURN labels(x) AS labels, x.recorded_from AS opened, x.recorded_to AS closed"
        )
        == []
    )
    assert (
        db.read(
            "MATCH ()-[x]->() WHERE x.recorded_from IS NOT NULL AND NOT x.recorded_from < x.recorded_to "
            "RETURN type(x) AS type"
        )
        == []
    )


@pytest.mark.slow
def test_a_rank_clash_is_refused_before_any_part_is_committed(db, tmp_path):
    """A load in parts is checked whole first, the stored ranks too."""
    load(db, [MINI])
    before = graph_dump(db)
    clash = write(
        tmp_path / "clash.yaml",
        "sources:\n  - {id: test:two, title: Another source, kind: primary}\n"
        + textwrap.dedent(NEW_INSTRUMENT.format(rank=1)).lstrip(),
    )
    with pytest.raises(ValidationFailed, match="catalog_rank 1 is held by AA-LAW-2020, already in the catalog"):
        load(db, [clash], commit_every=1)
    assert graph_dump(db) == before


def test_edge_csv_files_are_streamed_not_read_whole(tmp_path):
    folder = tmp_path / "cat"
    folder.mkdir()
    write(folder / "topics.csv", "slug,name,definition,rank,source\nalpha,Alpha,A topic.,1,s\n")
    write(folder / "treats.csv", "instrument,topic,mode,confidence,source\nX,alpha,explicit,high,s\n")
    result = read_paths([folder], stream=frozenset({"treats"}))
    assert [r.section for r in result.records] == ["topics"]
    assert [name for name, _ in result.streams] == [str(folder / "treats.csv")]


def test_duplicate_cells_across_csv_and_yaml_name_both_places(db, tmp_path):
    folder = tmp_path / "cat"
    folder.mkdir()
    yaml = folder / "catalog.yaml"
    yaml.write_text((MINI / "catalog.yaml").read_text())
    csv = write(
        folder / "more.treats.csv",
        """
        instrument,topic,mode,confidence,source
        BB-CODE-2021,beta,explicit,medium,test:one
        AA-LAW-2020,alpha,implicit,low,test:one
        BB-CODE-2021,beta,implicit,low,test:one
    """,
    )
    yaml_line = next(
        i for i, line in enumerate(yaml.read_text().splitlines(), 1) if "instrument: AA-LAW-2020, topic: alpha" in line
    )
    with pytest.raises(ValidationFailed) as e:
        load(db, [folder])
    assert sorted(str(p) for p in e.value.problems) == sorted(
        [
            f"{csv}:3: treats: duplicate treat record for (AA-LAW-2020, alpha) (first at {yaml}:{yaml_line}; keep one)",
            f"{csv}:4: treats: duplicate treat record for (BB-CODE-2021, beta) (first at {csv}:2; keep one)",
        ]
    )
    assert db.read("MATCH (n) RETURN count(n) AS n")[0]["n"] == 0


def test_a_bad_row_deep_in_a_streamed_file_is_named(db, tmp_path):
    folder = tmp_path / "cat"
    folder.mkdir()
    (folder / "catalog.yaml").write_text((MINI / "catalog.yaml").read_text())
    rows = "".join(f"AA-LAW-2020,alpha{i},explicit,medium,test:one\n" for i in range(3))
    csv = folder / "more.treats.csv"
    csv.write_text("instrument,topic,mode,confidence,source\n" + rows.replace("alpha1,explicit", "beta,explicitly"))
    with pytest.raises(ValidationFailed) as e:
        load(db, [folder])
    messages = [str(p) for p in e.value.problems]
    assert (
        f"{csv}:3: treats.mode: bad value 'explicitly' (did you mean 'explicit'? use one of: explicit, implicit, "
        "conflicts, silent)" in messages
    )
    assert any(m.startswith(f"{csv}:2: treats.topic: unknown topic 'alpha0'") for m in messages)


def _spy_on_sent_rows(monkeypatch) -> list[tuple[str, int]]:
    """(step name, rows) of every write statement kb.load sends."""
    import kb.load

    sent: list[tuple[str, int]] = []
    real = kb.load._Sender._run

    def run(self, step, statement, params):
        sent.append((step.name, len(params.get("rows") or ())))
        return real(self, step, statement, params)

    monkeypatch.setattr(kb.load._Sender, "_run", run)
    return sent


def _cells(tmp_path, rows: list[str]) -> tuple[Path, Path]:
    """A folder with topics t0, t1, ... (one per row) and ``rows`` as
    treats.csv lines; the folder and the CSV file."""
    folder = tmp_path / "cat"
    folder.mkdir()
    write(
        folder / "more.topics.csv",
        "slug,name,definition,rank,source\n"
        + "".join(f"t{i},Topic {i},A topic.,{i + 10},test:one\n" for i in range(len(rows))),
    )
    csv = write(folder / "more.treats.csv", "instrument,topic,mode,confidence,source\n" + "\n".join(rows) + "\n")
    return folder, csv


@pytest.mark.parametrize(
    "last",
    ["AA-N-BILL,t0,implicit,low,test:one", "AA-N-BILL,t3,implicitly,low,test:one"],
    ids=["duplicate", "bad-mode"],
)
@pytest.mark.slow
def test_a_problem_found_after_rows_were_written_rolls_the_whole_load_back(db, tmp_path, monkeypatch, last):
    """Rows are written while the files are read; a problem in the last row
    (a bad value, or a duplicate only known at the end) still leaves the
    graph exactly as it was."""
    import kb.load

    load(db, [MINI])
    before = graph_dump(db)
    monkeypatch.setattr(kb.load, "BATCH", 2)
    sent = _spy_on_sent_rows(monkeypatch)
    folder, csv = _cells(tmp_path, [f"AA-N-BILL,t{i},implicit,low,test:one" for i in range(6)] + [last])
    with pytest.raises(ValidationFailed) as e:
        load(db, [MINI, folder])
    assert [p.line for p in e.value.problems] == [8]
    assert str(e.value.problems[0]).startswith(f"{csv}:8: treats")
    assert sum(n for name, n in sent if name == "TREATS") >= 4  # written before the problem was found
    assert graph_dump(db) == before


def test_once_a_problem_is_found_no_more_rows_are_sent(db, tmp_path, monkeypatch):
    import kb.load

    monkeypatch.setattr(kb.load, "BATCH", 2)
    sent = _spy_on_sent_rows(monkeypatch)
    rows = [f"AA-N-BILL,t{i},implicit,low,test:one" for i in range(10)]
    rows[4] = "AA-N-BILL,t4,implicit,lowish,test:one"
    folder, _ = _cells(tmp_path, rows)
    with pytest.raises(ValidationFailed) as e:
        load(db, [MINI, folder])
    assert [p.line for p in e.value.problems] == [6]
    mini_cells = sum(1 for r in read_paths([MINI]).records if r.section == "treats")
    assert sum(n for name, n in sent if name == "TREATS") <= mini_cells + 4  # none after the bad row
    assert db.read("MATCH (n) RETURN count(n) AS n")[0]["n"] == 0


def test_the_stage_file_is_removed_after_a_load_and_after_a_failed_one(db, tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    load(db, [MINI])
    assert list(scratch.iterdir()) == []
    bad = write(
        tmp_path / "bad.yaml", "treats:\n  - {instrument: NOPE, topic: alpha, mode: explicit, source: test:one}\n"
    )
    with pytest.raises(ValidationFailed):
        load(db, [MINI, bad])
    assert list(scratch.iterdir()) == []


def test_cli_commit_every(cli, db):
    ok = cli("load", "--commit-every", "1000")
    assert ok.exit_code == 0, ok.output
    assert "Recorded change set" in ok.output
    bad = cli("load", "--commit-every", "10")
    assert bad.exit_code == 2
    assert "--commit-every" in bad.output and "1000" in bad.output


def _progress_catalog(tmp_path):
    folder = tmp_path / "cat"
    folder.mkdir()
    (folder / "catalog.yaml").write_text((MINI / "catalog.yaml").read_text())
    topics = "".join(f"t{i},Topic {i},A topic.,{i + 10},test:one\n" for i in range(300))
    (folder / "more.topics.csv").write_text("slug,name,definition,rank,source\n" + topics)
    cells = "".join(f"AA-N-BILL,t{i},implicit,low,test:one\n" for i in range(300))
    csv = folder / "more.treats.csv"
    csv.write_text("instrument,topic,mode,confidence,source\n" + cells)
    return folder, csv


def _listening():
    heard: dict[str, list] = {}

    def factory(total, label="Writing", at_least=0):
        calls = heard.setdefault(label, [total])
        return calls.append

    return heard, factory


def test_progress_of_a_load_in_one_transaction_follows_the_streamed_files(db, tmp_path):
    folder, csv = _progress_catalog(tmp_path)
    heard, factory = _listening()
    load(db, [folder], progress_factory=factory)
    assert list(heard) == ["Loading", "Committing"]  # checked and written in one pass, then committed
    assert heard["Committing"] == [None, None]  # of unknown length, and ended
    loading = heard["Loading"]
    assert loading[0] == csv.stat().st_size
    assert loading[-1] is None and sum(loading[1:-1]) == len(csv.read_text())  # ASCII: characters = bytes


def test_progress_of_a_load_in_parts_is_reported_while_checking_and_while_writing(db, tmp_path):
    folder, csv = _progress_catalog(tmp_path)
    heard, factory = _listening()
    report = load(db, [folder], progress_factory=factory, commit_every=1000)
    checking, writing = heard["Checking"], heard["Writing"]
    assert checking[0] == csv.stat().st_size
    assert checking[-1] is None and sum(checking[1:-1]) == len(csv.read_text())
    assert writing[-1] is None and sum(writing[1:-1]) == writing[0] >= report.totals().created


def test_statistics_are_refreshed_after_a_large_load(db):
    from kb.load import refresh_statistics

    load(db, [MINI])
    query = f"MATCH (t:Topic {{slug: 'alpha'}})-[:HAS_STATE]->(s) WHERE s.recorded_to = {NOW} RETURN s.name AS name"
    db.read(query)  # a cached plan
    assert refresh_statistics(db) is True
    assert db.read(query) == [{"name": "Alpha"}]
