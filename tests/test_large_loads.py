"""Loads built for large catalogs: edge files streamed through an on-disk
stage, and ``--commit-every`` for catalogs too large for one transaction."""

from __future__ import annotations

import tempfile
import textwrap
from pathlib import Path

import pytest

from conftest import CORPUS, FIXTURES
from kb.errors import KbError, ValidationFailed
from kb.load import load
from loaders import read_paths
from test_load import CLASH, graph_dump

MINI = FIXTURES / "mini"


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def change_sets(db) -> list[dict]:
    return db.read("MATCH (s:ChangeSet) RETURN s.created AS created, s.updated AS updated, "
                   "s.removed AS removed ORDER BY s.at")


def test_commit_every_writes_the_same_graph_as_one_transaction(db):
    load(db, [CORPUS])
    one = graph_dump(db)
    db.write("MATCH (n) DETACH DELETE n")

    report = load(db, [CORPUS], commit_every=40)
    assert graph_dump(db) == one
    assert len(change_sets(db)) == 1  # one change set for the whole load, whatever the parts
    assert change_sets(db)[0]["created"] == report.totals().created > 0

    again = load(db, [CORPUS], commit_every=40)
    assert (again.totals().created, again.totals().updated, again.totals().unchanged) == \
        (0, 0, report.totals().created)
    assert again.change_set is None and len(change_sets(db)) == 1


def test_commit_every_records_changes_made_in_any_part(db, tmp_path):
    load(db, [MINI])
    changed = tmp_path / "mini"
    changed.mkdir()
    text = (MINI / "catalog.yaml").read_text()
    assert "pinpoint: § 2" in text
    (changed / "catalog.yaml").write_text(text.replace("pinpoint: § 2", "pinpoint: § 2(1)"))
    report = load(db, [changed], commit_every=3)
    assert report.totals().updated == 1
    rows = db.read("MATCH (c:Change)-[:IN_CHANGE_SET]->(s:ChangeSet {id: $id}) "
                   "RETURN c.key AS key, c.old AS old, c.new AS new", id=report.change_set)
    assert rows == [{"key": "AA-N-BILL -> alpha", "old": '{"pinpoint": "§ 2"}', "new": '{"pinpoint": "§ 2(1)"}'}]


def test_a_failed_part_says_what_stayed_committed_and_a_rerun_finishes(db, tmp_path):
    load(db, [MINI])
    clash = write(tmp_path / "clash.yaml", CLASH)
    with pytest.raises(KbError, match=r"already exists.*2 rows in earlier parts stay committed; load the same files again"):
        load(db, [clash], commit_every=1)
    # the parts before the failing one (the source, the topic) were committed
    assert db.read("MATCH (t:Topic {slug: 'gamma'}) RETURN count(t) AS n")[0]["n"] == 1

    clash.write_text(clash.read_text().replace("catalog_rank: 1", "catalog_rank: 4"))
    report = load(db, [clash], commit_every=1)
    assert report.nodes["Instrument"].created == 1
    assert report.nodes["Topic"].unchanged == 1


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
    csv = write(folder / "more.treats.csv", """
        instrument,topic,mode,confidence,source
        BB-CODE-2021,beta,explicit,high,test:one
        AA-LAW-2020,alpha,implicit,low,test:one
        BB-CODE-2021,beta,implicit,low,test:one
    """)
    yaml_line = next(i for i, line in enumerate(yaml.read_text().splitlines(), 1)
                     if "instrument: AA-LAW-2020, topic: alpha" in line)
    with pytest.raises(ValidationFailed) as e:
        load(db, [folder])
    assert sorted(str(p) for p in e.value.problems) == sorted([
        f"{csv}:3: treats: duplicate treat record for (AA-LAW-2020, alpha) (first at {yaml}:{yaml_line}; keep one)",
        f"{csv}:4: treats: duplicate treat record for (BB-CODE-2021, beta) (first at {csv}:2; keep one)",
    ])
    assert db.read("MATCH (n) RETURN count(n) AS n")[0]["n"] == 0


def test_a_bad_row_deep_in_a_streamed_file_is_named(db, tmp_path):
    folder = tmp_path / "cat"
    folder.mkdir()
    (folder / "catalog.yaml").write_text((MINI / "catalog.yaml").read_text())
    rows = "".join(f"AA-LAW-2020,alpha{i},explicit,high,test:one\n" for i in range(3))
    csv = folder / "more.treats.csv"
    csv.write_text("instrument,topic,mode,confidence,source\n" + rows.replace("alpha1,explicit", "beta,explicitly"))
    with pytest.raises(ValidationFailed) as e:
        load(db, [folder])
    messages = [str(p) for p in e.value.problems]
    assert f"{csv}:3: treats.mode: bad value 'explicitly' (did you mean 'explicit'? use one of: explicit, implicit, " \
           "conflicts, silent)" in messages
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
    write(folder / "more.topics.csv", "slug,name,definition,rank,source\n"
          + "".join(f"t{i},Topic {i},A topic.,{i + 10},test:one\n" for i in range(len(rows))))
    csv = write(folder / "more.treats.csv", "instrument,topic,mode,confidence,source\n" + "\n".join(rows) + "\n")
    return folder, csv


@pytest.mark.parametrize("last", ["AA-N-BILL,t0,implicit,low,test:one", "AA-N-BILL,t3,implicitly,low,test:one"],
                         ids=["duplicate", "bad-mode"])
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
    bad = write(tmp_path / "bad.yaml", "treats:\n  - {instrument: NOPE, topic: alpha, mode: explicit, source: test:one}\n")
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
    db.read("MATCH (t:Topic {slug: 'alpha'}) RETURN t.name AS name")  # a cached plan
    assert refresh_statistics(db) is True
    assert db.read("MATCH (t:Topic {slug: 'alpha'}) RETURN t.name AS name") == [{"name": "Alpha"}]
