"""What today's gaps page and the topic counts read instead of walking every
cell, checked against the plain answers over a history of dated loads:

* kb load keeps each jurisdiction's own instruments and the topics none of
  them addresses (jurisdiction_gaps_kept), as it keeps each topic's cell
  counts; today's gaps page reads them, and the per-topic counts kept on
  the topics, only when they hold, and gives the walked answer either way;
* topic_counts counts the instruments at any two clocks from the indexes;
  its figures are those of one plain filter over every instrument state.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers import FIXTURES

from kb.load import load
from kb.queries import get, run, run_one
from kb.queries.clocks import Clocks
from kb.queries.gaps import gaps_data, jurisdictions_from_kept, topics_from_kept
from kb.schema.model import FOREVER

MINI = FIXTURES / "mini"
T1, T2, T3 = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC))

# The instruments at two clocks, by one plain filter over every state.
PLAIN_INSTRUMENTS = """
MATCH (i:InstrumentState)
WHERE i.recorded_from <= $as_recorded < i.recorded_to AND coalesce(i.adopted, date()) <= $as_of
RETURN count(i) AS tracked, count(CASE WHEN i.adopted IS NULL THEN 1 END) AS undated,
       [d IN collect(i.adopted) WHERE d IS NOT NULL] AS dates
"""


def native(value):
    """A date as Python's (the driver's own type has to_native)."""
    return value.to_native() if hasattr(value, "to_native") else value


def edited(tmp_path: Path, name: str, *changes: tuple[str, str]) -> Path:
    """A copy of the mini catalog with each (old, new) text replaced once."""
    text = (MINI / "catalog.yaml").read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    folder = tmp_path / name
    folder.mkdir()
    (folder / "catalog.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def history(shared_graph, tmp_path_factory):
    """Three dated loads of the mini catalog: as it is; then the bill given an
    adoption date and the code's silent cell made implicit; then the law
    moved to another jurisdiction, its conflict cell made silent, and the
    bill undated again (with --prune)."""

    def build(db):
        tmp_path = tmp_path_factory.mktemp("kept-gaps")
        load(db, [MINI], at=T1)
        load(
            db,
            [
                edited(
                    tmp_path,
                    "two",
                    ("status: proposed\n", "status: proposed\n    adopted: 2023-05-05\n"),
                    ("topic: alpha, mode: silent,", "topic: alpha, mode: implicit,"),
                )
            ],
            at=T2,
        )
        load(
            db,
            [
                edited(
                    tmp_path,
                    "three",
                    ("    jurisdiction: AA\n    catalog_rank: 1", "    jurisdiction: BB\n    catalog_rank: 1"),
                    ("topic: beta, mode: conflicts,", "topic: beta, mode: silent,"),
                )
            ],
            at=T3,
            prune=True,
        )

    shared_graph.holding("test_kept_gaps.history", build)
    return shared_graph.db


INSTANTS = (None, "2025-12-31T00:00:00Z", "2026-01-15T00:00:00Z", "2026-02-15T00:00:00Z", "2026-03-15T00:00:00Z")
DATES = (None, "2019-01-01", "2020-03-01", "2021-06-01", "2023-06-01", "2099-01-01")


def test_topic_counts_count_the_instruments_as_one_plain_filter_does(history):
    seen = set()
    for as_recorded in INSTANTS:
        for as_of in DATES:
            clocks = Clocks.resolve(as_of, as_recorded)
            plain = history.read(PLAIN_INSTRUMENTS, **clocks.params())[0]
            for slug in ("alpha", "beta"):
                row = run_one(history, "topic_counts", slug=slug, timeline=True, **clocks.params())
                if row is None:  # the topic was not recorded yet
                    assert as_recorded == INSTANTS[1]
                    continue
                assert row["tracked"] == plain["tracked"], (slug, as_of, as_recorded)
                if row["first_date"] is None:
                    assert row["timeline_total"] == 0
                    continue
                first = row["first_date"]
                after_first = sum(1 for d in plain["dates"] if native(d) >= first) - 1
                assert row["undated"] == plain["undated"], (slug, as_of, as_recorded)
                assert row["timeline_total"] == after_first + plain["undated"], (slug, as_of, as_recorded)
                seen.add((plain["tracked"], plain["undated"], row["timeline_total"]))
    assert len(seen) >= 4  # the clocks gave different answers, not one answer many times


def walked(db, clocks: Clocks) -> tuple[list[dict], list[dict]]:
    return run(db, "topic_gaps", **clocks.params()), run(db, "jurisdiction_gaps", **clocks.params())


def test_todays_gaps_read_what_kb_load_keeps_and_answer_as_the_cells_do(history):
    today = Clocks.resolve()
    topics, jurisdictions = walked(history, today)
    kept = run(history, "jurisdiction_gaps_kept", **today.params())
    assert all(r["kept"] for r in kept)
    assert jurisdictions_from_kept(kept) == jurisdictions
    # after the third load the law is Bland's and silent on beta; Aland has no instrument of its own
    assert [(r["code"], r["instruments"], r["gaps"]) for r in jurisdictions] == [
        ("AA-N", 1, ["beta"]),
        ("BB", 2, ["beta"]),
    ]
    salience = run(history, "topic_salience_kept", **today.params())
    assert topics_from_kept(salience) == [{k: r[k] for k in topics_from_kept(salience)[0]} for r in topics]
    data = gaps_data(history)
    assert data["jurisdictions"] == jurisdictions
    assert data["topics"] == [{k: r[k] for k in data["topics"][0]} for r in topics]


@pytest.mark.parametrize(
    "as_of, as_recorded",
    [("2021-06-01", None), (None, "2026-01-15T00:00:00Z"), ("2023-06-01", "2026-02-15T00:00:00Z")],
)
def test_gaps_at_other_clocks_walk_the_cells(history, as_of, as_recorded):
    clocks = Clocks.resolve(as_of, as_recorded)
    kept = run(history, "jurisdiction_gaps_kept", **clocks.params())
    # an earlier date (the undated bill counts as adopted today), or a change set recorded after the instant
    assert not any(r["kept"] for r in kept)
    topics, jurisdictions = walked(history, clocks)
    data = gaps_data(history, clocks=clocks)
    assert data["jurisdictions"] == jurisdictions
    assert data["topics"] == [{k: r[k] for k in data["topics"][0]} for r in topics]


def test_the_second_load_is_read_at_its_instant(history):
    """Between the second and the third load Aland's law still conflicted on
    beta and the code addressed alpha: the walked answer at that instant."""
    clocks = Clocks.resolve(None, "2026-02-15T00:00:00Z")
    rows = {r["code"]: (r["instruments"], r["gaps"]) for r in run(history, "jurisdiction_gaps", **clocks.params())}
    assert rows == {"AA": (1, []), "AA-N": (1, ["beta"]), "BB": (1, ["beta"])}


@pytest.mark.edits_shared_graph
def test_recount_keeps_the_jurisdictions_again_after_an_edit_by_hand(cli, corpus_db):
    corpus_db.write("MATCH (j:Jurisdiction) REMOVE j.own_instruments, j.own_gaps")
    today = Clocks.resolve()
    assert not any(r["kept"] for r in run(corpus_db, "jurisdiction_gaps_kept", **today.params()))
    result = cli("db", "recount")
    assert result.exit_code == 0, result.output
    kept = run(corpus_db, "jurisdiction_gaps_kept", **today.params())
    assert all(r["kept"] for r in kept)
    assert jurisdictions_from_kept(kept) == run(corpus_db, "jurisdiction_gaps", **today.params())


def test_topic_counts_kept_at_each_load_answer_as_the_cells_do_at_any_two_clocks(history):
    """The CellCounts each load keeps (closed and opened at its instant) give
    topic_counts's row at every instant and date of the history: a cell made
    implicit, a conflict made silent, an adoption date added and removed, a
    prune."""
    seen = set()
    for as_recorded in INSTANTS:
        for as_of in DATES:
            clocks = Clocks.resolve(as_of, as_recorded)
            for slug in ("alpha", "beta"):
                for timeline in (True, False):
                    walked_row = run_one(history, "topic_counts", slug=slug, timeline=timeline, **clocks.params())
                    kept_row = run_one(history, "topic_counts_kept", slug=slug, timeline=timeline, **clocks.params())
                    if walked_row is None:  # the topic was not recorded yet
                        assert kept_row is None and as_recorded == INSTANTS[1]
                        continue
                    assert kept_row.pop("kept") is True, (slug, as_of, as_recorded)
                    assert kept_row == walked_row, (slug, as_of, as_recorded, timeline)
                    figures = ("explicit", "implicit", "conflicts", "silent", "unreviewed")
                    seen.add(tuple(walked_row[k] for k in figures))
    assert len(seen) >= 4  # the clocks gave different answers, not one answer many times
    # each load that changed a topic's counts closed its CellCounts and opened new ones at its instant:
    # alpha's changed at every load (a cell made implicit, the bill dated, then undated again)
    for slug, starts in (("alpha", [T1, T2, T3]), ("beta", [T1, T3])):
        intervals = history.read(
            "MATCH (:Topic {slug: $slug})-[:HAS_COUNTS]->(c) "
            "RETURN c.recorded_from AS f, c.recorded_to AS t ORDER BY f",
            slug=slug,
        )
        assert [r["f"].to_native() for r in intervals] == starts, slug
        assert [r["t"].to_native() for r in intervals] == [*starts[1:], FOREVER], slug


def test_topic_counts_are_walked_where_nothing_was_kept(history):
    """A graph written by other means has no CellCounts: kept is false and
    the page walks the cells (kb.queries.topic)."""
    before = Clocks.resolve("2023-06-01", "2026-02-15T00:00:00Z")
    row = run_one(history, "topic_counts_kept", slug="beta", timeline=True, **before.params())
    assert row["kept"] is True
    with history.session() as session:  # the graph as it was before kb kept counts, then rolled back
        tx = session.begin_transaction()
        try:
            tx.run("MATCH (c:CellCounts) DETACH DELETE c").consume()
            rows = tx.run(get("topic_counts_kept").text, slug="beta", timeline=True, **before.params()).data()
            assert [r["kept"] for r in rows] == [False]
        finally:
            tx.rollback()
