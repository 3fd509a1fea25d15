"""Each topic's cell counts, kept on its Topic node by kb load
(kb.cell_counts): after every kind of load they equal the topic's cells as
the graph holds them, and the queries answer the same with and without them."""

from __future__ import annotations

import textwrap
from collections import Counter
from pathlib import Path

import pytest

from conftest import CORPUS, FIXTURES
from kb import cell_counts
from kb.errors import KbError
from kb.load import load
from kb.queries import run, run_one
from test_load import CLASH

MINI = FIXTURES / "mini"
MODES = ("explicit", "implicit", "conflicts")


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def cells(db) -> dict[str, dict[str, int]]:
    """Every topic's cells counted here, in Python, from the edges themselves."""
    counted = {r["slug"]: Counter() for r in db.read("MATCH (t:Topic) RETURN t.slug AS slug")}
    for r in db.read("MATCH (n:Instrument)-[r:TREATS]->(t:Topic) "
                     "RETURN t.slug AS slug, r.mode AS mode, n.adopted IS NOT NULL AS dated"):
        if r["mode"] in MODES:
            counted[r["slug"]][f"cells_{r['mode']}"] += 1
            if r["dated"]:
                counted[r["slug"]][f"cells_{r['mode']}_dated"] += 1
    return {slug: {f: c[f] for f in cell_counts.FIELDS} for slug, c in counted.items()}


def stored(db) -> dict[str, dict[str, int | None]]:
    rows = db.read("MATCH (t:Topic) RETURN t.slug AS slug, properties(t) AS p")
    return {r["slug"]: {f: r["p"].get(f) for f in cell_counts.FIELDS} for r in rows}


def mini_copy(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / f"mini-{abs(hash((old, new)))}"
    folder.mkdir()
    text = (MINI / "catalog.yaml").read_text()
    assert old in text
    (folder / "catalog.yaml").write_text(text.replace(old, new, 1))
    return folder


def test_a_load_keeps_every_topics_counts(db):
    report = load(db, [CORPUS])
    assert report.recounted == len(cells(db)) > 0
    assert stored(db) == cells(db)
    assert stored(db)["open_weight_release"]["cells_explicit"] == 3  # the topic page's figure


def test_a_load_recounts_the_topics_it_changed_and_no_others(db, tmp_path):
    load(db, [MINI])
    assert load(db, [MINI]).recounted == 0  # nothing changed

    # one cell changes mode: its topic alone
    report = load(db, [mini_copy(tmp_path, "mode: implicit", "mode: explicit")])
    assert report.recounted == 1
    assert stored(db) == cells(db)


def test_an_adoption_date_removed_recounts_the_instruments_topics(db, tmp_path):
    load(db, [MINI])
    instrument = db.read("MATCH (n:Instrument)-[:TREATS]->(t:Topic) WHERE n.adopted IS NOT NULL "
                         "RETURN n.id AS id, n.adopted AS adopted, count(t) AS topics ORDER BY topics DESC LIMIT 1")[0]
    text = (MINI / "catalog.yaml").read_text()
    adopted = f"adopted: {instrument['adopted'].isoformat()}"
    assert text.count(adopted) == 1, "the fixture names this date once"
    before = stored(db)

    report = load(db, [mini_copy(tmp_path, adopted, "")])
    assert report.recounted == instrument["topics"]
    assert stored(db) == cells(db) != before  # some cells are no longer dated


def test_prune_recounts_the_topics_of_the_cells_it_removed(db, tmp_path):
    load(db, [MINI])
    text = (MINI / "catalog.yaml").read_text()
    cell = next(line for line in text.splitlines() if "mode: explicit" in line)
    folder = tmp_path / "pruned"
    folder.mkdir()
    (folder / "catalog.yaml").write_text(text.replace(cell + "\n", ""))

    report = load(db, [folder], prune=True)
    assert report.edges["TREATS"].removed == 1 and report.recounted == 1
    assert stored(db) == cells(db)


def test_a_load_in_parts_recounts_every_topic(db):
    report = load(db, [CORPUS], commit_every=40)
    assert report.recounted == len(cells(db))
    assert stored(db) == cells(db)


def test_a_failed_part_leaves_no_stale_counts_and_a_rerun_restores_them(db, tmp_path):
    load(db, [MINI])
    clash = write(tmp_path / "clash.yaml", CLASH)
    with pytest.raises(KbError, match="already exists"):
        load(db, [clash], commit_every=1)
    # the committed parts dropped the stored counts, so the queries count the cells themselves
    assert all(v is None for counts in stored(db).values() for v in counts.values())
    alpha = run_one(db, "topic_counts", slug="alpha")
    assert alpha["explicit"] == cells(db)["alpha"]["cells_explicit"]

    clash.write_text(clash.read_text().replace("catalog_rank: 1", "catalog_rank: 4"))
    load(db, [clash], commit_every=1)
    assert stored(db) == cells(db)


def answers(db) -> dict:
    """What every query that reads the stored counts answers on the current catalog."""
    out = {("topic_counts", s): run_one(db, "topic_counts", slug=s, timeline=True) for s in cells(db)}
    for name in ("topic_salience", "topic_gaps", "silent_share"):
        out[name] = run(db, name)
    return out


def test_the_queries_answer_the_same_with_the_stored_counts_and_without(corpus_db):
    with_counts = answers(corpus_db)
    assert with_counts[("topic_counts", "open_weight_release")]["explicit"] == 3
    assert with_counts["silent_share"][0]["explicit"] > 0

    # one topic without its counts (the whole-catalog queries then count every cell)
    corpus_db.write("MATCH (t:Topic {slug: 'open_weight_release'}) REMOVE t.cells_explicit")
    assert answers(corpus_db) == with_counts
    # none with them
    corpus_db.write(cell_counts.FORGET)
    assert answers(corpus_db) == with_counts


def test_cli_recount_after_cells_edited_by_hand(cli, corpus_db):
    corpus_db.write("MATCH (:Instrument)-[r:TREATS {mode: 'implicit'}]->(:Topic {slug: 'open_weight_release'}) "
                    "SET r.mode = 'explicit'")
    assert stored(corpus_db) != cells(corpus_db)  # the edit bypassed kb load

    result = cli("db", "recount")
    assert result.exit_code == 0, result.output
    assert result.output == f"Counted the cells of {len(cells(corpus_db))} topics.\n"
    assert stored(corpus_db) == cells(corpus_db)
    assert run_one(corpus_db, "topic_counts", slug="open_weight_release")["explicit"] == 10
