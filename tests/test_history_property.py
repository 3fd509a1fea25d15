"""History as a property (issue 13): sequences of dated loads, generated.

A hypothesis state machine keeps a small catalog (built from
tests/fixtures/mini) as Python data. Each rule changes it the way a curator
would (add an instrument, change one of its fields or its rank, prune it
away, re-add it, change or remove a cell, add or remove a conflict, move a
jurisdiction's PART_OF, add or remove a signature, change a status history,
or nothing) and then loads the whole catalog, written to a fresh folder,
with ``kb.load.load(db, [folder], at=T, prune=True)`` at a record time T
later than the last. The machine keeps the catalog each load wrote (its
snapshot at T_i). After every load:

* the graph as recorded at each T_i (the one predicate, read straight from
  the states and edges) holds exactly the snapshot of T_i, and no fact has
  two versions valid at once;
* the new load's pages as of each legal date D (the instrument list, the
  topic pages) list the snapshot's instruments adopted by D (the undated
  ones from today on), in catalog order, each with its status on D and its
  cell: legal time follows the dates of the version read, whatever the
  order the loads recorded them in;
* every page read at an earlier T_i reads the same again (the instrument
  lists after every load, the topic pages of the load before; all of them
  once more after the last load);
* today's topic pages (which may read the counts kb load keeps) are the
  pages read with today's clocks given.
"""

from __future__ import annotations

import copy
import shutil
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import FIXTURES
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from kb.load import load
from kb.queries import native, run
from kb.queries.clocks import Clocks
from kb.render.formats import to_jsonable

MINI_DOC: dict[str, list[dict[str, Any]]] = yaml.safe_load(
    (FIXTURES / "mini" / "catalog.yaml").read_text(encoding="utf-8")
)
T0 = datetime(2026, 1, 1, tzinfo=UTC)
STEP = timedelta(hours=1)

TODAY = datetime.now(UTC).date()
ADOPTED = [date(2019, 6, 1), date(2021, 3, 4), date(2022, 5, 5), date(2023, 9, 9), date(2025, 1, 21), None]
# the legal dates pages are read at: between the adoption dates above, and far ahead (the undated count then);
# topic pages (slower) at the last two
LEGAL_DAYS = [date(2020, 1, 1), date(2022, 6, 1), date(2024, 1, 1), date(2100, 1, 1)]
TOPIC_DAYS = LEGAL_DAYS[-2:]
TOPICS = ("alpha", "beta")
MODES = ("explicit", "implicit", "conflicts", "silent")
JURISDICTIONS = ("AA", "AA-N", "BB")
STATUS_HISTORIES = [  # (status, history); the newest entry is the status
    ("in_force", []),
    ("proposed", []),
    ("in_force", [(date(2021, 3, 4), "in_force")]),
    ("revoked", [(date(2021, 3, 4), "in_force"), (date(2023, 1, 1), "revoked")]),
    (
        "partially_in_force",
        [(date(2020, 6, 1), "proposed"), (date(2022, 1, 1), "in_force"), (date(2024, 6, 1), "partially_in_force")],
    ),
]
SRC = "test:one"
TAKEN_ONCE_ADOPTED = ("in_force", "partially_in_force", "adopted_not_in_force", "revoked")


def fits(adopted: date | None, history: list[tuple[date, str]]) -> bool:
    """An instrument adopted on ``adopted`` may have ``history``: no status it
    takes only once adopted is dated before its adoption (kb load refuses that)."""
    first = min((d for d, s in history if s in TAKEN_ONCE_ADOPTED), default=None)
    return adopted is None or first is None or adopted <= first


def adoptions_before(history: list[tuple[date, str]]) -> list[date | None]:
    """The adoption dates (of ADOPTED) an instrument with ``history`` may have."""
    return [d for d in ADOPTED if fits(d, history)]


def _instrument(rec: dict[str, Any]) -> dict[str, Any]:
    """The fields the machine keeps of a mini instrument record."""
    hist = [(h["date"], h["status"]) for h in rec.get("status_history") or []]
    return {
        "name": rec["name"],
        "kind": rec["kind"],
        "binding": rec["binding"],
        "status": rec["status"],
        "history": hist,
        "adopted": rec.get("adopted"),
        "jurisdiction": rec["jurisdiction"],
        "issued_by": rec.get("issued_by"),
        "rank": rec["catalog_rank"],
    }


class _PlainDumper(yaml.SafeDumper):
    """YAML without anchors and aliases (kb data files refuse them): a value
    used twice is written out twice."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


class Catalog:
    """The curated catalog the machine loads: a copy of the mini fixture's
    records, with the parts the rules change held as plain data."""

    def __init__(self) -> None:
        self.part_of = "AA"  # North Aland's country
        self.instruments = {r["id"]: _instrument(r) for r in MINI_DOC["instruments"]}
        self.cells = {(c["instrument"], c["topic"]): (c["mode"], c.get("pinpoint")) for c in MINI_DOC["treats"]}
        self.conflicts = {(c["instrument"], c["other"], c["topic"]) for c in MINI_DOC["conflicts"]}
        self.signed = {s["instrument"] for s in MINI_DOC["signed"]}
        self.pruned: dict[str, dict[str, Any]] = {}  # instruments pruned away, as they were

    def copy(self) -> Catalog:
        return copy.deepcopy(self)

    def free_rank(self) -> int:
        ranks = {i["rank"] for i in self.instruments.values()}
        return next(r for r in range(1, len(ranks) + 2) if r not in ranks)

    def drop(self, iid: str) -> None:
        self.pruned[iid] = self.instruments.pop(iid)
        self.cells = {k: v for k, v in self.cells.items() if k[0] != iid}
        self.conflicts = {c for c in self.conflicts if iid not in c[:2]}
        self.signed.discard(iid)

    # -- as files ----------------------------------------------------------------------
    def doc(self) -> dict[str, list[dict[str, Any]]]:
        doc = {
            k: copy.deepcopy(MINI_DOC[k])
            for k in ("sources", "jurisdictions", "topics", "developers", "papers", "addresses")
        }
        for j in doc["jurisdictions"]:
            if j["code"] == "AA-N":
                j["part_of"] = self.part_of
        doc["instruments"] = []
        for iid, i in sorted(self.instruments.items(), key=lambda kv: kv[1]["rank"]):
            rec = {"id": iid, "name": i["name"], "kind": i["kind"], "binding": i["binding"], "status": i["status"]}
            if i["history"]:
                rec["status_history"] = [{"date": d, "status": s, "source": SRC} for d, s in i["history"]]
            if i["adopted"] is not None:
                rec["adopted"] = i["adopted"]
            rec["jurisdiction"] = i["jurisdiction"]
            if i.get("issued_by"):
                rec["issued_by"] = i["issued_by"]
            rec.update({"catalog_rank": i["rank"], "source": SRC})
            doc["instruments"].append(rec)
        doc["treats"] = [
            {
                "instrument": a,
                "topic": t,
                "mode": m,
                **({"pinpoint": p} if p else {}),
                "confidence": "medium",
                "source": SRC,
            }
            for (a, t), (m, p) in sorted(self.cells.items())
        ]
        doc["conflicts"] = [
            {"instrument": a, "other": b, "topic": t, "basis": f"{a} and {b} pull apart.", "source": SRC}
            for a, b, t in sorted(self.conflicts)
        ]
        doc["signed"] = [{"developer": "dev-a", "instrument": i, "source": SRC} for i in sorted(self.signed)]
        have = set(self.instruments) | {p["id"] for p in MINI_DOC["papers"]}  # what cites and revokes may name
        doc["cites"] = [c for c in MINI_DOC["cites"] if c["from"] in have and c["to"] in have]
        doc["revokes"] = [r for r in MINI_DOC["revokes"] if r["instrument"] in have and r["revoked"] in have]
        return doc

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True)
        (folder / "catalog.yaml").write_text(
            yaml.dump(self.doc(), Dumper=_PlainDumper, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        return folder

    # -- what pages must say ---------------------------------------------------------------
    def status_on(self, iid: str, day: date) -> str:
        i = self.instruments[iid]
        then = [s for d, s in i["history"] if d <= day]
        return then[-1] if then else i["status"]

    def adopted_by(self, day: date) -> list[str]:
        """The instruments on pages as of ``day``, in catalog order (the
        undated count from today on)."""
        return [
            iid
            for iid, i in sorted(self.instruments.items(), key=lambda kv: kv[1]["rank"])
            if (i["adopted"] or TODAY) <= day
        ]

    def instrument_list(self, day: date) -> list[tuple]:
        return [
            (iid, self.instruments[iid]["adopted"], self.status_on(iid, day), self.instruments[iid]["jurisdiction"])
            for iid in self.adopted_by(day)
        ]

    def coverage(self, topic: str, day: date) -> list[tuple]:
        return [
            (
                iid,
                self.cells.get((iid, topic), ("silent", None))[0],
                (iid, topic) in self.cells,
                self.status_on(iid, day),
            )
            for iid in self.adopted_by(day)
        ]

    # -- what the graph must hold as recorded then -----------------------------------------------
    def facts(self) -> dict[str, set]:
        doc = self.doc()
        return {
            "instruments": {
                (
                    r["id"],
                    r["name"],
                    r.get("adopted"),
                    r["status"],
                    r["catalog_rank"],
                    tuple((h["date"], h["status"]) for h in r.get("status_history") or []),
                )
                for r in doc["instruments"]
            },
            "jurisdictions": {j["code"] for j in doc["jurisdictions"]},
            "TREATS": {(r["instrument"], r["topic"], r["mode"], r.get("pinpoint")) for r in doc["treats"]},
            "CONFLICTS_WITH": {(r["instrument"], r["other"], r["topic"]) for r in doc["conflicts"]},
            "SIGNED": {("dev-a", r["instrument"]) for r in doc["signed"]},
            "ISSUED_IN": {(r["id"], r["jurisdiction"]) for r in doc["instruments"]},
            "ISSUED_BY": {(r["id"], r["issued_by"]) for r in doc["instruments"] if r.get("issued_by")},
            "BASED_IN": {(d["id"], d["home"]) for d in doc["developers"]},
            "ADDRESSES": {(a["paper"], a["topic"]) for a in doc["addresses"]},
            "PART_OF": {("AA-N", self.part_of)},
            "CITES": {(r["from"], r["to"]) for r in doc["cites"]},
            "REVOKES": {(r["instrument"], r["revoked"]) for r in doc["revokes"]},
        }


GRAPH_AT = """
CALL () {
  MATCH (n:Instrument)-[:HAS_STATE]->(s) WHERE s.recorded_from <= $t < s.recorded_to
  RETURN 'instruments' AS kind, [n.id, s.name, s.adopted, s.status, s.catalog_rank,
         [k IN range(0, size(s.status_dates) - 1) | [s.status_dates[k], s.status_values[k]]]] AS fact
  UNION ALL
  MATCH (n:Jurisdiction)-[:HAS_STATE]->(s) WHERE s.recorded_from <= $t < s.recorded_to
  RETURN 'jurisdictions' AS kind, [n.code] AS fact
  UNION ALL
  MATCH (a)-[r]->(b) WHERE type(r) <> 'HAS_STATE' AND r.recorded_from <= $t < r.recorded_to
  RETURN type(r) AS kind, [coalesce(a.id, a.code, a.slug), coalesce(b.id, b.code, b.slug)]
         + CASE type(r) WHEN 'TREATS' THEN [r.mode, r.pinpoint] WHEN 'CONFLICTS_WITH' THEN [r.topic] ELSE [] END AS fact
}
RETURN kind, fact
"""

OVERLAPS = """
CALL () {
  MATCH (n)-[:HAS_STATE]->(x), (n)-[:HAS_STATE]->(y)
  WHERE elementId(x) < elementId(y) AND x.recorded_from < y.recorded_to AND y.recorded_from < x.recorded_to
  RETURN 'state of ' + coalesce(n.id, n.code, n.slug) AS what
  UNION ALL
  MATCH (a)-[x]->(b), (a)-[y]->(b)
  WHERE type(x) = type(y) AND type(x) <> 'HAS_STATE' AND elementId(x) < elementId(y)
    AND coalesce(x.topic, '') = coalesce(y.topic, '')
    AND x.recorded_from < y.recorded_to AND y.recorded_from < x.recorded_to
  RETURN type(x) + ' ' + coalesce(a.id, a.code, a.slug) + ' -> ' + coalesce(b.id, b.code, b.slug) AS what
  UNION ALL
  MATCH (x) WHERE x.recorded_from IS NOT NULL AND NOT x.recorded_from < x.recorded_to
  RETURN 'an empty interval' AS what
}
RETURN what
"""


def _fact(kind: str, fact: list) -> tuple:
    if kind == "instruments":
        iid, name, adopted, status, rank, hist = fact
        return (iid, name, adopted, status, rank, tuple((d, s) for d, s in hist))
    return fact[0] if kind == "jurisdictions" else tuple(fact)


def graph_at(db, t: datetime) -> dict[str, set]:
    out: dict[str, set] = {}
    for r in native(db.read(GRAPH_AT, t=t)):
        out.setdefault(r["kind"], set()).add(_fact(r["kind"], r["fact"]))
    return out


def pages(db, t: datetime, topics: bool = True) -> dict[tuple, Any]:
    """The pages the machine reads as recorded at ``t``: the instrument list
    at each legal day and (with ``topics``) the topic pages at some; as JSON."""
    from kb.queries.topic import topic_data

    out: dict[tuple, Any] = {}
    for day in LEGAL_DAYS:
        clocks = Clocks.resolve(as_of=day, as_recorded=t)
        out["instruments", day] = to_jsonable(run(db, "instrument_list", **clocks.params()))
        if topics and day in TOPIC_DAYS:
            for topic in TOPICS:
                out[topic, day] = to_jsonable(topic_data(db, topic, clocks, limit=None))
    return out


def follows_the_catalog(page: dict[tuple, Any], catalog: Catalog) -> None:
    """Pages as of a legal date list the catalog's instruments adopted by
    then, in catalog order, with their status then and their cells."""
    for (what, day), data in page.items():
        if what == "instruments":
            got = [(r["id"], r["adopted"], r["status"], r["jurisdiction"]) for r in data]
            assert got == [tuple(to_jsonable(list(x))) for x in catalog.instrument_list(day)], day
        else:
            got = [(c["instrument"]["id"], c["mode"], c["reviewed"], c["status"]) for c in data["coverage"]]
            assert got == catalog.coverage(what, day), (what, day)


class DatedLoads(RuleBasedStateMachine):
    """One catalog, loaded again after each change at a later record time."""

    db = None  # set by the test

    def __init__(self) -> None:
        super().__init__()
        self.catalog = Catalog()
        self.loads: list[tuple[datetime, Catalog]] = []  # (T_i, the catalog loaded then)
        self.seen: dict[datetime, dict[str, Any]] = {}  # T_i -> its pages when first read
        self.folder = Path(tempfile.mkdtemp(prefix="kb-history-"))
        self.serial = 0

    # -- loading ------------------------------------------------------------------------------
    def _load(self) -> None:
        at = T0 + STEP * len(self.loads)
        folder = self.catalog.write(self.folder / f"load-{len(self.loads)}")
        load(self.db, [folder], at=at, prune=True)
        self.loads.append((at, self.catalog.copy()))

    @initialize()
    def first_load(self) -> None:
        self.db.write("MATCH (n) DETACH DELETE n")
        self._load()

    def _instrument(self, data: st.DataObject) -> str:
        return data.draw(st.sampled_from(sorted(self.catalog.instruments)), label="instrument")

    # -- rules: one change, then a load ----------------------------------------------------------
    @rule(
        adopted=st.sampled_from(ADOPTED),
        jurisdiction=st.sampled_from(JURISDICTIONS),
        mode=st.sampled_from(MODES + (None,)),
    )
    def add_instrument(self, adopted, jurisdiction, mode) -> None:
        self.serial += 1
        iid = f"NEW-{self.serial}"
        self.catalog.instruments[iid] = {
            "name": f"New instrument {self.serial}",
            "kind": "voluntary_code",
            "binding": False,
            "status": "in_force",
            "history": [],
            "adopted": adopted,
            "jurisdiction": jurisdiction,
            "rank": self.catalog.free_rank(),
        }
        if mode is not None:
            self.catalog.cells[(iid, "alpha")] = (mode, f"§ {self.serial}")
        self._load()

    @precondition(lambda self: self.catalog.instruments)
    @rule(data=st.data(), field=st.sampled_from(["name", "adopted", "jurisdiction", "rank"]))
    def change_instrument(self, data, field) -> None:
        iid = self._instrument(data)
        inst = self.catalog.instruments[iid]
        if field == "name":
            inst["name"] = inst["name"] + " (amended)"
        elif field == "adopted":
            others = [d for d in adoptions_before(inst["history"]) if d != inst["adopted"]]
            inst["adopted"] = data.draw(st.sampled_from(others), label="adopted") if others else None
        elif field == "jurisdiction":
            inst["jurisdiction"] = data.draw(
                st.sampled_from([j for j in JURISDICTIONS if j != inst["jurisdiction"]]), label="jurisdiction"
            )
        else:  # swap ranks with another instrument, or move to a free rank
            others = [o for o in self.catalog.instruments if o != iid]
            if others:
                other = data.draw(st.sampled_from(sorted(others)), label="swap with")
                o = self.catalog.instruments[other]
                inst["rank"], o["rank"] = o["rank"], inst["rank"]
            else:
                inst["rank"] = self.catalog.free_rank()
        self._load()

    @precondition(lambda self: self.catalog.instruments)
    @rule(data=st.data())
    def prune_instrument(self, data) -> None:
        self.catalog.drop(self._instrument(data))
        self._load()

    @precondition(lambda self: self.catalog.pruned)
    @rule(data=st.data())
    def readd_instrument(self, data) -> None:
        iid = data.draw(st.sampled_from(sorted(self.catalog.pruned)), label="pruned instrument")
        inst = self.catalog.pruned.pop(iid)
        adopted = data.draw(st.sampled_from(adoptions_before(inst["history"])), label="adopted")
        self.catalog.instruments[iid] = {**inst, "adopted": adopted, "rank": self.catalog.free_rank()}
        self._load()

    @precondition(lambda self: self.catalog.instruments)
    @rule(
        data=st.data(),
        topic=st.sampled_from(TOPICS),
        mode=st.sampled_from(MODES),
        pinpoint=st.sampled_from([None, "Art. 2", "Art. 3"]),
    )
    def set_cell(self, data, topic, mode, pinpoint) -> None:
        self.catalog.cells[(self._instrument(data), topic)] = (mode, pinpoint)
        self._load()

    @precondition(lambda self: self.catalog.cells)
    @rule(data=st.data())
    def remove_cell(self, data) -> None:
        del self.catalog.cells[data.draw(st.sampled_from(sorted(self.catalog.cells)), label="cell")]
        self._load()

    @precondition(lambda self: len(self.catalog.instruments) >= 2)
    @rule(data=st.data(), topic=st.sampled_from(TOPICS))
    def add_conflict(self, data, topic) -> None:
        # written one way only (A before B): the loader does not yet read a restated (B, A) as the same fact
        # (test_load.test_a_conflict_restated_the_other_way_round_is_the_same_fact)
        a, b = sorted(
            data.draw(
                st.lists(st.sampled_from(sorted(self.catalog.instruments)), min_size=2, max_size=2, unique=True),
                label="pair",
            )
        )
        self.catalog.conflicts.add((a, b, topic))
        self._load()

    @precondition(lambda self: self.catalog.conflicts)
    @rule(data=st.data())
    def remove_conflict(self, data) -> None:
        self.catalog.conflicts.discard(data.draw(st.sampled_from(sorted(self.catalog.conflicts)), label="conflict"))
        self._load()

    @rule()
    def move_part_of(self) -> None:
        self.catalog.part_of = "BB" if self.catalog.part_of == "AA" else "AA"
        self._load()

    @precondition(lambda self: self.catalog.instruments)
    @rule(data=st.data())
    def toggle_signature(self, data) -> None:
        iid = self._instrument(data)
        (self.catalog.signed.discard if iid in self.catalog.signed else self.catalog.signed.add)(iid)
        self._load()

    @precondition(lambda self: self.catalog.instruments)
    @rule(data=st.data())
    def change_status(self, data) -> None:
        inst = self.catalog.instruments[self._instrument(data)]
        histories = [h for h in STATUS_HISTORIES if fits(inst["adopted"], h[1])]  # ("in_force", []) fits all
        history = data.draw(st.sampled_from(histories), label="status history")
        inst["status"], inst["history"] = history[0], list(history[1])
        self._load()

    @rule()
    def load_unchanged(self) -> None:
        self._load()

    # -- invariants -----------------------------------------------------------------------------
    @invariant()
    def the_graph_as_recorded_then_is_the_catalog_loaded_then(self) -> None:
        assert self.db.read(OVERLAPS) == []
        for at, catalog in self.loads:
            expected = {k: v for k, v in catalog.facts().items() if v}
            assert graph_at(self.db, at) == expected, at
        assert graph_at(self.db, T0 - STEP) == {}  # before the first load: nothing

    @invariant()
    def pages_follow_legal_dates_and_read_the_same_later(self) -> None:
        """A new load's pages follow its catalog; every earlier load's read as
        they did when first read: the instrument lists of all, the topic
        pages of the one before (the one a load closes versions just after);
        the teardown reads every earlier page again."""
        for n, (at, catalog) in enumerate(self.loads):
            if at not in self.seen:
                self.seen[at] = pages(self.db, at)
                follows_the_catalog(self.seen[at], catalog)
                continue
            again = pages(self.db, at, topics=n == len(self.loads) - 2)
            assert again == {k: v for k, v in self.seen[at].items() if k in again}, at

    def teardown(self) -> None:
        try:
            for at, page in self.seen.items():  # after the last load, every page read earlier
                assert pages(self.db, at) == page, at
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    @invariant()
    def todays_pages_are_the_pages_at_todays_clocks(self) -> None:
        from kb.queries.topic import topic_data

        when = ("as_of", "as_recorded", "summary")
        now = Clocks.resolve(as_of=TODAY.isoformat(), as_recorded=datetime.now(UTC).isoformat())
        for topic in TOPICS:
            today = topic_data(self.db, topic, Clocks.resolve(), limit=None)
            given = topic_data(self.db, topic, now, limit=None)
            assert to_jsonable({k: v for k, v in today.items() if k not in when}) == to_jsonable(
                {k: v for k, v in given.items() if k not in when}
            ), topic


@pytest.mark.slow  # 25-60 s: about 15 sequences of up to 7 loads, each page read again after later loads
def test_history_is_kept_whatever_the_sequence_of_dated_loads(db):
    DatedLoads.db = db
    try:
        run_state_machine_as_test(
            DatedLoads,
            settings=settings(
                max_examples=15,
                stateful_step_count=6,
                deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
            ),
        )
    finally:
        DatedLoads.db = None
