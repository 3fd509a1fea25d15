"""Pages at the two clocks, rebuilt from the catalog's history, against a real Neo4j.

A first load at T1 (the mini fixture plus one more instrument), then a
corrected load at T2 with --prune: a cell's mode and pinpoint changed, an
adoption date corrected, an instrument's status changed, a cell removed, and
a new instrument, topic and conflict added. A page as recorded on a day
between T1 and T2 (--as-recorded) must be the page kb showed right after
the first load; a page as recorded after T2 shows the corrections and only
those. The legal clock (--as-of) is one day after both loads, so it keeps
the same dated instruments on every page and leaves out the undated bill.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from helpers import MINI, T1, T2

from kb.load import load
from kb.queries import load_queries, run
from kb.queries.clocks import Clocks
from kb.render.formats import to_jsonable

MINI_CATALOG = MINI / "catalog.yaml"

LEGAL = "2026-04-01"  # --as-of on every page below: every dated fixture instrument adopted by then
BEFORE_T1 = Clocks.resolve(as_of=LEGAL, as_recorded="2026-01-05")  # nothing recorded yet
BETWEEN = Clocks.resolve(as_of=LEGAL, as_recorded="2026-02-01")  # the catalog as the first load left it
AFTER_T2 = Clocks.resolve(as_of=LEGAL, as_recorded="2026-04-01")  # the corrected catalog

EXTRA_T1 = """\
instruments:
  - id: BB-ACT-2022
    name: Bland AI Act
    kind: binding_regulation
    binding: true
    status: in_force
    adopted: 2022-05-05
    jurisdiction: BB
    catalog_rank: 4
    source: test:one
treats:
  - {instrument: BB-ACT-2022, topic: alpha, mode: implicit, pinpoint: s. 3, confidence: medium, source: test:one}
"""

# T2: BB-ACT-2022's status corrected and its alpha cell removed (pruned); a new
# instrument with two cells, a new topic and a new conflict.
EXTRA_T2 = """\
topics:
  - {slug: gamma, name: Gamma, definition: A topic recorded later., rank: 3, source: test:one}
instruments:
  - id: BB-ACT-2022
    name: Bland AI Act
    kind: binding_regulation
    binding: true
    status: adopted_not_in_force
    adopted: 2022-05-05
    jurisdiction: BB
    catalog_rank: 4
    source: test:one
  - id: AA-CODE-2023
    name: Aland AI Code
    kind: voluntary_code
    binding: false
    status: in_force
    adopted: 2023-02-02
    jurisdiction: AA
    catalog_rank: 5
    source: test:one
treats:
  - {instrument: AA-CODE-2023, topic: alpha, mode: implicit, pinpoint: Part 2, confidence: low, source: test:one}
  - {instrument: AA-CODE-2023, topic: gamma, mode: explicit, pinpoint: Part 9, confidence: low, source: test:one}
conflicts:
  - {instrument: AA-CODE-2023, other: BB-CODE-2021, topic: alpha, basis: Recorded later., source: test:one}
"""

# T2 in the mini catalog: AA-LAW-2020's adoption date corrected, BB-CODE-2021's
# alpha cell re-read as explicit with a pinpoint.
MINI_FIXES = [
    ("    adopted: 2020-01-02\n", "    adopted: 2019-11-05\n"),
    (
        "{instrument: BB-CODE-2021, topic: alpha, mode: silent, confidence: medium,",
        "{instrument: BB-CODE-2021, topic: alpha, mode: explicit, pinpoint: § 4, confidence: medium,",
    ),
]


def _catalog(folder: Path, extra: str, fixes: list[tuple[str, str]] = ()) -> list[Path]:
    folder.mkdir()
    text = MINI_CATALOG.read_text(encoding="utf-8")
    for old, new in fixes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    (folder / "catalog.yaml").write_text(text, encoding="utf-8")
    (folder / "extra.yaml").write_text(extra, encoding="utf-8")
    return [folder / "catalog.yaml", folder / "extra.yaml"]


def _pages(db, clocks: Clocks) -> dict[str, Any]:
    """Every page kb builds, at one pair of clocks, as JSON."""
    from kb.queries.compare import compare_data
    from kb.queries.gaps import gaps_data
    from kb.queries.matrix import matrix_data
    from kb.queries.topic import forum_shopping_data, primacy, salience, topic_data

    return to_jsonable(
        {
            "topic alpha": topic_data(db, "alpha", clocks, limit=None),
            "topic beta": topic_data(db, "beta", clocks, limit=None),
            "primacy alpha": primacy(db, "alpha", clocks, limit=None),
            "forum-shopping --all alpha": forum_shopping_data(db, "alpha", clocks, all_pairs=True),
            "salience": salience(db, clocks),
            "gaps alpha": gaps_data(db, "alpha", clocks),
            "matrix": matrix_data(db, clocks),
            "compare": compare_data(db, "AA-LAW-2020", "BB-CODE-2021", clocks),
            "instruments": run(db, "instrument_list", **clocks.params()),
        }
    )


@pytest.fixture
def history(shared_graph, tmp_path_factory):
    """The graph after both loads, and the pages kb showed right after the first."""

    def build(db):
        tmp_path = tmp_path_factory.mktemp("as-of-history")
        load(db, _catalog(tmp_path / "t1", EXTRA_T1), at=T1)
        first = _pages(db, BETWEEN)
        report = load(db, _catalog(tmp_path / "t2", EXTRA_T2, MINI_FIXES), at=T2, prune=True)
        assert report.change_set == "cs-20260310T120000.000000Z"
        removed = run(db, "changes", topic="alpha")
        assert {(c["op"], c["key"]) for c in removed if c["op"] == "removed"} == {("removed", "BB-ACT-2022 -> alpha")}
        return first

    return shared_graph.db, shared_graph.holding("test_as_of_history.history", build)


def _by_id(rows: list[dict[str, Any]], key: str = "id") -> dict[str, dict[str, Any]]:
    return {r[key]["id"] if isinstance(r[key], dict) else r[key]: r for r in rows}


def _changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {k: (before.get(k), after.get(k)) for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)}


# -- the clocks ------------------------------------------------------------------
def test_a_record_date_is_the_end_of_that_day_and_the_defaults_are_today_and_now():
    c = Clocks.resolve(as_of="2026-02-01", as_recorded="2026-02-01")
    assert c.as_of == date(2026, 2, 1) and c.as_of_given and c.as_recorded_given
    assert c.as_recorded == datetime.combine(date(2026, 2, 1), time.max, tzinfo=UTC)
    assert Clocks.resolve(as_recorded="2026-03-10T12:00:00Z").as_recorded == T2
    today = Clocks.resolve()
    assert today.today and today.as_of == datetime.now(UTC).date()
    assert abs((datetime.now(UTC) - today.as_recorded).total_seconds()) < 60
    assert set(c.params()) == {"as_of", "as_recorded"}


def test_every_query_that_reads_the_catalog_declares_its_clocks():
    """A query at a legal date reads the catalog at a record instant too, so
    declaring as_of means declaring as_recorded; both optional (today, now),
    typed, and set in the Browser line; the old single clock ``at`` is gone."""
    for q in load_queries().values():
        assert q.param("at") is None, q.name
        as_of, as_recorded = q.param("as_of"), q.param("as_recorded")
        if as_of is not None:
            assert as_recorded is not None, q.name
            assert as_of.type == "date" and not as_of.required, q.name
            assert ":param as_of => date()" in q.browser, q.name
        if as_recorded is not None:
            assert as_recorded.type == "datetime" and not as_recorded.required, q.name
            assert ":param as_recorded => datetime()" in q.browser, q.name
    assert load_queries()["instrument_list"].param("as_of") is not None


# -- pages as recorded between the loads are the first load's pages ------------------------------
def test_pages_as_recorded_between_the_loads_are_the_first_loads(history):
    db, first = history
    now = _pages(db, BETWEEN)
    for name, page in first.items():
        assert now[name] == page, name


def test_before_the_first_load_the_catalog_held_nothing(history):
    from kb.queries.lookup import NotRecorded
    from kb.queries.topic import topic_data

    db, _ = history
    assert run(db, "instrument_list", **BEFORE_T1.params()) == []
    with pytest.raises(NotRecorded, match="it was first recorded at 2026-01-10T12:00:00Z"):
        topic_data(db, "alpha", BEFORE_T1)
    # and a topic recorded at T2 is not on pages recorded before it
    with pytest.raises(NotRecorded, match="it was first recorded at 2026-03-10T12:00:00Z"):
        topic_data(db, "gamma", BETWEEN)


def test_topic_page_after_the_correction_differs_in_exactly_the_corrected_facts(history):
    from kb.queries.topic import topic_data

    db, first = history
    before, after = first["topic alpha"], to_jsonable(topic_data(db, "alpha", AFTER_T2, limit=None))
    assert set(before) == set(after)

    assert (before["counts"], after["counts"]) == (
        {"tracked": 3, "explicit": 1, "implicit": 1, "conflicts": 0, "silent": 1, "unreviewed": 0},
        {"tracked": 4, "explicit": 2, "implicit": 1, "conflicts": 0, "silent": 1, "unreviewed": 1},
    )
    assert after["summary"].endswith(
        "across 4 tracked AI-governance instruments, 2 address this "
        "topic explicitly, 1 via general principles, and 1 is silent. (1 of the silent "
        "one has not been reviewed for this topic.)"
    )
    assert "2026-04-01" in after["summary"]  # says which day's law it is

    # coverage: the corrected fields of the corrected instruments, and the new one
    cov_before, cov_after = _by_id(before["coverage"], "instrument"), _by_id(after["coverage"], "instrument")
    assert list(cov_before) == ["AA-LAW-2020", "BB-CODE-2021", "BB-ACT-2022"]
    assert list(cov_after) == ["AA-LAW-2020", "BB-CODE-2021", "BB-ACT-2022", "AA-CODE-2023"]
    assert _changed(cov_before["AA-LAW-2020"], cov_after["AA-LAW-2020"]) == {"adopted": ("2020-01-02", "2019-11-05")}
    assert _changed(cov_before["BB-CODE-2021"], cov_after["BB-CODE-2021"]) == {
        "mode": ("silent", "explicit"),
        "pinpoint": (None, "§ 4"),
    }
    assert _changed(cov_before["BB-ACT-2022"], cov_after["BB-ACT-2022"]) == {
        "mode": ("implicit", "silent"),
        "reviewed": (True, False),
        "pinpoint": ("s. 3", None),
        "confidence": ("medium", None),
        "source": ("test:one", None),
        "source_title": ("Test source one", None),
        "source_url": ("https://example.org/one", None),
        "checked": (False, None),
        "status": ("in_force", "adopted_not_in_force"),
    }
    assert cov_after["AA-CODE-2023"]["mode"] == "implicit"

    assert before["primacy"]["date"] == "2020-01-02" and after["primacy"]["date"] == "2019-11-05"
    assert {k: v for k, v in before["primacy"].items() if k != "date"} == {
        k: v for k, v in after["primacy"].items() if k != "date"
    }
    assert [(t["instrument"]["id"], t["label"], t["reviewed"]) for t in before["timeline"]] == [
        ("BB-CODE-2021", "silent", True),
        ("BB-ACT-2022", "implicit", True),
    ]
    assert [(t["instrument"]["id"], t["label"], t["reviewed"]) for t in after["timeline"]] == [
        ("BB-CODE-2021", "codified", True),
        ("BB-ACT-2022", "silent", False),
        ("AA-CODE-2023", "implicit", True),
    ]
    assert [(p["explicit"]["id"], p["silent"]["id"], p["silent"]["reviewed"]) for p in before["forum_shopping"]] == [
        ("AA-LAW-2020", "BB-CODE-2021", True)
    ]
    assert [(p["explicit"]["id"], p["silent"]["id"], p["silent"]["reviewed"]) for p in after["forum_shopping"]] == [
        ("AA-LAW-2020", "BB-ACT-2022", False)
    ]
    assert [(c["a"]["id"], c["b"]["id"]) for c in before["conflicts"]] == [("AA-LAW-2020", "BB-CODE-2021")]
    assert [(c["a"]["id"], c["b"]["id"]) for c in after["conflicts"]] == [
        ("AA-LAW-2020", "BB-CODE-2021"),
        ("AA-CODE-2023", "BB-CODE-2021"),
    ]
    assert [(s["id"], s["reviewed"]) for s in before["silent"]] == [("BB-CODE-2021", True)]
    assert [(s["id"], s["reviewed"]) for s in after["silent"]] == [("BB-ACT-2022", False)]
    assert [(r["instrument"], r["pinpoint"]) for r in before["references"]] == [
        ("AA-LAW-2020", "Art. 1"),
        ("BB-ACT-2022", "s. 3"),
    ]
    assert [(r["instrument"], r["pinpoint"]) for r in after["references"]] == [
        ("AA-LAW-2020", "Art. 1"),
        ("BB-CODE-2021", "§ 4"),
        ("AA-CODE-2023", "Part 2"),
    ]
    assert before["topic"] == after["topic"]


# -- the other as-of pages between the loads ------------------------------------------------
def test_matrix_between_the_loads_shows_the_first_loads_cells(history):
    from kb.queries.matrix import matrix_data

    db, _ = history
    then, now = matrix_data(db, BETWEEN), matrix_data(db, AFTER_T2)
    # the topic added at T2 is not a column yet; the instrument added at T2 not a row
    assert [t["slug"] for t in then["topics"]] == ["alpha", "beta"]
    assert [t["slug"] for t in now["topics"]] == ["alpha", "beta", "gamma"]
    assert {r["instrument"]["id"]: r["cells"] for r in then["rows"]} == {
        "AA-LAW-2020": {"alpha": "explicit", "beta": "conflicts"},
        "BB-CODE-2021": {"alpha": "silent", "beta": "unreviewed"},
        "BB-ACT-2022": {"alpha": "implicit", "beta": "unreviewed"},
    }
    assert {r["instrument"]["id"]: r["cells"] for r in now["rows"]} == {
        "AA-LAW-2020": {"alpha": "explicit", "beta": "conflicts", "gamma": "unreviewed"},
        "BB-CODE-2021": {"alpha": "explicit", "beta": "unreviewed", "gamma": "unreviewed"},
        "BB-ACT-2022": {"alpha": "unreviewed", "beta": "unreviewed", "gamma": "unreviewed"},
        "AA-CODE-2023": {"alpha": "implicit", "beta": "unreviewed", "gamma": "explicit"},
    }


OVERALL = ("instruments", "topics", "cells", "explicit", "implicit", "conflicts", "reviewed_silent", "unreviewed")


def overall(gaps: dict) -> dict:
    """The overall counts of a gaps page."""
    return {k: gaps["overall"][k] for k in OVERALL}


def test_gaps_between_the_loads_count_the_first_loads_cells(history):
    from kb.queries.gaps import gaps_data

    db, _ = history
    then, now = gaps_data(db, "alpha", BETWEEN), gaps_data(db, "alpha", AFTER_T2)
    assert overall(then) == {
        "instruments": 3,
        "topics": 2,
        "cells": 6,
        "explicit": 1,
        "implicit": 1,
        "conflicts": 1,
        "reviewed_silent": 1,
        "unreviewed": 2,
    }
    assert overall(now) == {
        "instruments": 4,
        "topics": 3,
        "cells": 12,
        "explicit": 3,
        "implicit": 1,
        "conflicts": 1,
        "reviewed_silent": 0,
        "unreviewed": 7,
    }
    assert [(t["slug"], t["silent"], t["total"], t["reviewed_silent"]) for t in then["topics"]] == [
        ("beta", 2, 3, 0),
        ("alpha", 1, 3, 1),
    ]
    assert [(s["id"], s["reviewed"], s["note"]) for s in then["silent_regimes"]] == [
        ("BB-CODE-2021", True, "Not addressed.")
    ]
    assert [(s["id"], s["reviewed"]) for s in now["silent_regimes"]] == [("BB-ACT-2022", False)]
    # BB's own instruments: alpha addressed by BB-ACT-2022 then, by BB-CODE-2021 now
    then_bb = next(j for j in then["jurisdictions"] if j["code"] == "BB")
    now_bb = next(j for j in now["jurisdictions"] if j["code"] == "BB")
    assert (then_bb["instruments"], then_bb["gaps"]) == (2, ["beta"])
    assert (now_bb["instruments"], now_bb["gaps"]) == (2, ["beta", "gamma"])


def test_compare_between_the_loads_shows_the_first_loads_cells_and_dates(history):
    from kb.queries.compare import compare_data

    db, _ = history
    then, now = (compare_data(db, "AA-LAW-2020", "BB-CODE-2021", day) for day in (BETWEEN, AFTER_T2))
    alpha_then = next(t for t in then["topics"] if t["topic"] == "alpha")
    alpha_now = next(t for t in now["topics"] if t["topic"] == "alpha")
    assert (alpha_then["relation"], alpha_then["b"]) == (
        "asymmetric",
        {"mode": "silent", "reviewed": True, "pinpoint": None},
    )
    assert (alpha_now["relation"], alpha_now["b"]) == (
        "converges",
        {"mode": "explicit", "reviewed": True, "pinpoint": "§ 4"},
    )
    assert [t["topic"] for t in then["topics"]] == ["alpha", "beta"]
    assert [t["topic"] for t in now["topics"]] == ["alpha", "beta", "gamma"]


def test_instrument_list_between_the_loads_shows_the_first_loads_dates(history):
    db, _ = history
    then = {r["id"]: r for r in run(db, "instrument_list", **BETWEEN.params())}
    now = {r["id"]: r for r in run(db, "instrument_list", **AFTER_T2.params())}
    assert list(then) == ["AA-LAW-2020", "BB-CODE-2021", "BB-ACT-2022"]
    assert list(now) == ["AA-LAW-2020", "BB-CODE-2021", "BB-ACT-2022", "AA-CODE-2023"]
    assert then["AA-LAW-2020"]["adopted"] == date(2020, 1, 2) and now["AA-LAW-2020"]["adopted"] == date(2019, 11, 5)
    assert then["BB-ACT-2022"]["status"] == "in_force" and now["BB-ACT-2022"]["status"] == "adopted_not_in_force"
    assert (then["BB-CODE-2021"]["topics_addressed"], then["BB-CODE-2021"]["topics_reviewed"]) == (0, 1)
    assert (now["BB-CODE-2021"]["topics_addressed"], now["BB-CODE-2021"]["topics_reviewed"]) == (1, 1)
    assert (then["BB-ACT-2022"]["topics_addressed"], then["BB-ACT-2022"]["topics_reviewed"]) == (1, 1)
    assert (now["BB-ACT-2022"]["topics_addressed"], now["BB-ACT-2022"]["topics_reviewed"]) == (0, 0)


def test_conflicts_between_the_loads_leave_out_those_recorded_later(history):
    db, _ = history
    assert [(r["a_id"], r["b_id"]) for r in run(db, "topic_conflicts", slug="alpha", **BETWEEN.params())] == [
        ("AA-LAW-2020", "BB-CODE-2021")
    ]
    assert len(run(db, "topic_conflicts", slug="alpha", **AFTER_T2.params())) == 2


def test_the_legal_filter_reads_the_dates_as_the_catalog_recorded_them(history):
    """--as-of D lists the instruments adopted by D by the dates of the
    version read (--as-recorded): on 2019-12-31, AA-LAW-2020 was not yet
    adopted by the first load's date (2020-01-02), and was by the corrected
    one (2019-11-05)."""
    db, _ = history
    day = date(2019, 12, 31)
    assert run(db, "instrument_list", as_of=day, as_recorded=BETWEEN.as_recorded) == []
    rows = run(db, "instrument_list", as_of=day, as_recorded=AFTER_T2.as_recorded)
    assert [(r["id"], r["adopted"]) for r in rows] == [("AA-LAW-2020", date(2019, 11, 5))]
    # without --as-recorded: the law on that day as the catalog knows it now
    assert [r["id"] for r in run(db, "instrument_list", as_of=day)] == ["AA-LAW-2020"]


# -- neither clock: today's law as the catalog knows it now ------------------------------
def test_without_clocks_pages_show_todays_law_as_recorded_now(history):
    from kb.queries.topic import topic_data

    db, _ = history
    d = topic_data(db, "alpha", Clocks.resolve())
    assert d["as_of"] is None and d["as_recorded"] is None  # neither was asked for
    cov = _by_id(d["coverage"], "instrument")
    # the undated bill is on today's pages; the T2 corrections are in
    assert list(cov) == ["AA-LAW-2020", "BB-CODE-2021", "AA-N-BILL", "BB-ACT-2022", "AA-CODE-2023"]
    assert cov["AA-LAW-2020"]["adopted"] == date(2019, 11, 5)
    assert (cov["BB-CODE-2021"]["mode"], cov["BB-CODE-2021"]["pinpoint"]) == ("explicit", "§ 4")
    assert cov["BB-ACT-2022"]["reviewed"] is False
    # no separate "now" branch: a query run without clocks answers as with today's and now's given
    now = Clocks.resolve(as_of=date.today().isoformat(), as_recorded=datetime.now(UTC).isoformat())
    for name in ("matrix", "instrument_list", "topic_gaps", "silent_share", "jurisdiction_gaps", "topic_salience"):
        assert run(db, name) == run(db, name, **now.params()), name
    # and a page given today's clocks (which reads no kept count) is today's page (but for saying when)
    when = ("as_of", "as_recorded", "summary")
    assert to_jsonable({k: v for k, v in topic_data(db, "alpha", now).items() if k not in when}) == to_jsonable(
        {k: v for k, v in d.items() if k not in when}
    )
