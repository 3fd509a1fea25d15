"""Each topic's cell counts, kept on its Topic node by kb load
(kb.cell_counts): after every kind of load they equal the topic's current
cells, and the pages, which read them (topic_counts_kept, with the
CellCounts each load keeps at its instant), answer as the plain query
(topic_counts) does, on the corpus and on a synthetic catalog loaded twice,
an instrument adopted after today included."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers import CLASH, CORPUS, MINI, write

from kb import cell_counts
from kb.errors import KbError
from kb.load import load
from kb.queries import run, run_one
from kb.queries.clocks import Clocks
from kb.queries.topic import SALIENCE_COLUMNS, salience
from kb.schema.model import FOREVER_CYPHER

MODES = ("explicit", "implicit", "conflicts", "silent")


def cells(db) -> dict[str, dict[str, int]]:
    """Every topic's current cells counted here, in Python, from the edges
    themselves (dated: their instrument's current state has an adoption date)."""
    counted = {r["slug"]: Counter() for r in db.read("MATCH (t:Topic) RETURN t.slug AS slug")}
    for r in db.read(
        f"MATCH (n:Instrument)-[r:TREATS]->(t:Topic) WHERE r.recorded_to = {FOREVER_CYPHER} "
        f"MATCH (n)-[:HAS_STATE]->(i:InstrumentState) WHERE i.recorded_to = {FOREVER_CYPHER} "
        "RETURN t.slug AS slug, r.mode AS mode, i.adopted IS NOT NULL AS dated"
    ):
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


@pytest.mark.slow
def test_a_load_recounts_the_topics_it_changed_and_no_others(db, tmp_path):
    load(db, [MINI])
    assert load(db, [MINI]).recounted == 0  # nothing changed

    # one cell changes mode: its topic alone
    report = load(db, [mini_copy(tmp_path, "mode: implicit", "mode: explicit")])
    assert report.recounted == 1
    assert stored(db) == cells(db)


def test_an_adoption_date_removed_recounts_the_instruments_topics(db, tmp_path):
    load(db, [MINI])
    instrument = db.read(
        "MATCH (i:InstrumentState)<-[:HAS_STATE]-(:Instrument)-[:TREATS]->(t:Topic) "
        "WHERE i.adopted IS NOT NULL "
        "RETURN i.id AS id, i.adopted AS adopted, count(t) AS topics ORDER BY topics DESC LIMIT 1"
    )[0]
    text = (MINI / "catalog.yaml").read_text()
    adopted = f"adopted: {instrument['adopted'].isoformat()}"
    assert text.count(adopted) == 1, "the fixture names this date once"
    before = stored(db)

    report = load(db, [mini_copy(tmp_path, adopted, "")])
    assert report.recounted == instrument["topics"]
    assert stored(db) == cells(db) != before  # some cells are no longer dated


@pytest.mark.slow
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


@pytest.mark.slow  # loads in parts, one failing, and a rerun: seconds
def test_a_failed_part_leaves_no_stale_counts_and_a_rerun_restores_them(unique_instrument_names, tmp_path):
    db = unique_instrument_names
    load(db, [MINI])
    clash = write(tmp_path / "clash.yaml", CLASH)
    with pytest.raises(KbError, match="already exists"):
        load(db, [clash], commit_every=1)
    # the committed parts dropped the stored counts, so the queries count the cells themselves
    assert all(v is None for counts in stored(db).values() for v in counts.values())
    alpha = run_one(db, "topic_counts", slug="alpha")
    assert alpha["explicit"] == cells(db)["alpha"]["cells_explicit"]
    assert run_one(db, "topic_counts_kept", slug="alpha")["kept"] is False  # so today's page reads topic_counts
    assert page_counts(db, "alpha") == alpha

    clash.write_text(clash.read_text().replace("name: Aland AI Law", "name: Another AI Law"))
    load(db, [clash], commit_every=1)
    assert stored(db) == cells(db)


def page_counts(db, slug: str, clocks: Clocks | None = None, timeline: bool = False) -> dict:
    """The counts today's topic page reads (the kept counts when they hold)."""
    from kb.queries.reader import Reader
    from kb.queries.topic import _counts

    return _counts(Reader(db), slug, clocks or Clocks.resolve(), timeline=timeline)


def plain_counts(db, slug: str, clocks: Clocks | None = None, timeline: bool = False) -> dict:
    return run_one(db, "topic_counts", slug=slug, timeline=timeline, **(clocks or Clocks.resolve()).params())


def answers(db) -> dict:
    """What every query that reads the stored counts answers today."""
    out = {
        ("counts", s, timeline): page_counts(db, s, timeline=timeline) for s in cells(db) for timeline in (True, False)
    }
    for name in ("topic_salience", "topic_gaps", "silent_share"):
        out[name] = run(db, name)
    return out


@pytest.mark.slow  # every topic's counts three times over: seconds
def test_the_queries_answer_the_same_with_the_stored_counts_and_without(corpus_db):
    with_counts = answers(corpus_db)
    assert with_counts[("counts", "open_weight_release", True)]["explicit"] == 3
    assert with_counts["silent_share"][0]["explicit"] > 0
    assert all(run_one(corpus_db, "topic_counts_kept", slug=s)["kept"] for s in cells(corpus_db))
    # the kept counts give the plain query's rows
    assert {k: v for k, v in with_counts.items() if k[0] == "counts"} == {
        k: plain_counts(corpus_db, k[1], timeline=k[2]) for k in with_counts if k[0] == "counts"
    }

    # one topic without its counts (the whole-catalog queries then count every cell)
    corpus_db.write(
        "MATCH (t:Topic {slug: 'open_weight_release'})-[:HAS_COUNTS]->(c) DETACH DELETE c REMOVE t.cells_explicit"
    )
    assert run_one(corpus_db, "topic_counts_kept", slug="open_weight_release")["kept"] is False
    assert answers(corpus_db) == with_counts
    # none with them (closed now, as the first part of a load in parts does)
    corpus_db.write(cell_counts.FORGET, now=datetime.now(UTC))
    assert not any(run_one(corpus_db, "topic_counts_kept", slug=s)["kept"] for s in cells(corpus_db))
    assert answers(corpus_db) == with_counts


# What kb load keeps once the Topic class declares cells_silent (kb.cell_counts counts it already):
# the topic's current cells reviewed and found silent.
KEEP_SILENT = (
    f"MATCH (t:Topic) SET t.cells_silent = COUNT {{ (t)<-[r:TREATS]-() "
    f"WHERE r.mode = 'silent' AND r.recorded_to = {FOREVER_CYPHER} }}"
)


@pytest.mark.slow  # the synthetic catalog, loaded twice
def test_kept_counts_answer_as_the_plain_query_after_a_second_dated_load(synth_db):
    """On a synthetic catalog loaded twice (the second load changes cells,
    statuses and adoption dates), every topic's kept counts are its current
    cells, and today's counts read from them are the plain query's; other
    clocks read the plain query."""
    assert stored(synth_db) == cells(synth_db)
    for slug in cells(synth_db):
        for timeline in (True, False):
            kept = run_one(synth_db, "topic_counts_kept", slug=slug, timeline=timeline, **Clocks.resolve().params())
            assert kept.pop("kept") is True
            assert (
                kept
                == plain_counts(synth_db, slug, timeline=timeline)
                == page_counts(synth_db, slug, timeline=timeline)
            )
    before = Clocks.resolve(None, "2026-01-15")  # between the two loads
    changed = [s for s in cells(synth_db) if plain_counts(synth_db, s, before) != plain_counts(synth_db, s)]
    assert changed and all(page_counts(synth_db, s, before) == plain_counts(synth_db, s, before) for s in changed)

    # with the silent cells kept too, the topic's cells are not walked at all, and kb topics reads them
    synth_db.write(KEEP_SILENT)
    for slug in cells(synth_db):
        kept = run_one(synth_db, "topic_counts_kept", slug=slug, timeline=True, **Clocks.resolve().params())
        assert kept.pop("kept") is True and kept == plain_counts(synth_db, slug, timeline=True)
    kept = run(synth_db, "topic_salience_kept")
    assert all(r.pop("kept") for r in kept) and kept == run(synth_db, "topic_salience")
    assert salience(synth_db) == [{k: r[k] for k in SALIENCE_COLUMNS} for r in run(synth_db, "topic_salience")]


FUTURE = """
instruments:
  - {id: XX-LATER-2099, name: A Law Adopted Later, kind: binding_regulation, binding: true,
     status: adopted_not_in_force, adopted: 2099-01-01, jurisdiction: EU, catalog_rank: 27, source: pw:hub}
treats:
  - {instrument: XX-LATER-2099, topic: open_weight_release, mode: explicit, confidence: medium, source: pw:hub}
"""


@pytest.mark.slow
def test_kept_counts_count_an_instrument_adopted_after_today_from_its_date(db, tmp_path):
    """The kept counts on the Topic count every current cell; today's page
    does not count the cells of an instrument adopted after today, so the
    whole-catalog queries read the cells while there is one, and the topic's
    counts are read from the adoption dates its CellCounts keep."""
    later = tmp_path / "later.yaml"
    later.write_text(FUTURE)
    load(db, [CORPUS, later])
    assert stored(db)["open_weight_release"]["cells_explicit"] == 4
    for clocks in (Clocks.resolve(), Clocks.resolve("2099-06-01"), Clocks.resolve("2024-06-01")):
        kept = run_one(db, "topic_counts_kept", slug="open_weight_release", timeline=True, **clocks.params())
        assert kept.pop("kept") is True
        assert kept == plain_counts(db, "open_weight_release", clocks, timeline=True)
    counts = page_counts(db, "open_weight_release", timeline=True)
    assert counts == plain_counts(db, "open_weight_release", timeline=True)
    assert (counts["tracked"], counts["explicit"], counts["silent"]) == (26, 3, 16)
    assert page_counts(db, "open_weight_release", Clocks.resolve("2099-06-01"))["explicit"] == 4
    db.write(KEEP_SILENT)
    assert not any(r["kept"] for r in run(db, "topic_salience_kept"))
    owr = next(r for r in salience(db) if r["slug"] == "open_weight_release")
    assert (owr["tracked"], owr["explicit"]) == (26, 3)


@pytest.mark.edits_shared_graph
@pytest.mark.slow
def test_cli_recount_after_cells_edited_by_hand(cli, corpus_db):
    corpus_db.write(
        "MATCH (:Instrument)-[r:TREATS {mode: 'implicit'}]->(:Topic {slug: 'open_weight_release'}) "
        "SET r.mode = 'explicit'"
    )
    assert stored(corpus_db) != cells(corpus_db)  # the edit bypassed kb load
    assert page_counts(corpus_db, "open_weight_release")["explicit"] == 3  # today's page reads the kept counts
    assert plain_counts(corpus_db, "open_weight_release")["explicit"] == 10

    result = cli("db", "recount")
    assert result.exit_code == 0, result.output
    assert result.output == f"Counted the cells of {len(cells(corpus_db))} topics.\n"
    assert stored(corpus_db) == cells(corpus_db)
    assert page_counts(corpus_db, "open_weight_release")["explicit"] == 10
