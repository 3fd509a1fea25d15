"""Authoring without traps: optional catalog ranks, every problem of every
file in one run, dates and statuses checked against each other and against
today, a dry run that says what a load would change, a load that asks
before it renames or moves a stored instrument, and `kb new instrument`."""

from __future__ import annotations

import json
from datetime import date

import pytest
from helpers import MINI, NOW, T1, T2, graph_dump, write

from kb.errors import IdentityChange, ValidationFailed
from kb.load import load
from kb.preview import preview

MINI_TEXT = (MINI / "catalog.yaml").read_text(encoding="utf-8")
FIELDS_HINT = (
    "instruments fields are: id, catalog, name, short_name, kind, binding, status, introduced, adopted, "
    "effective, ended, date_source, date_note, citation, url, locator, catalog_rank, wikidata, "
    "identifiers, identifiers_source, notes, "
    "source, claimed_kind, claimed_status, claimed_adopted, claimed_effective, claimed_jurisdiction, "
    "claimed_by, jurisdiction, issued_by, authority, status_history"
)


def ranks(db) -> dict[str, int]:
    rows = db.read(
        f"MATCH (n:Instrument)-[:HAS_STATE]->(s) WHERE s.recorded_to = {NOW} RETURN n.id AS id, s.catalog_rank AS r"
    )
    return {r["id"]: r["r"] for r in rows}


def instrument(iid: str, rank: int | None = None, **fields: str) -> str:
    """One instrument record of the mini catalog, as YAML lines."""
    record = {
        "id": iid,
        "name": f"Instrument {iid}",
        "kind": "voluntary_code",
        "binding": "false",
        "status": "in_force",
        "jurisdiction": "AA",
        **({"catalog_rank": str(rank)} if rank is not None else {}),
        "source": "test:one",
        **fields,
    }
    first, *rest = record.items()
    return "\n".join([f"  - {first[0]}: {first[1]}", *(f"    {k}: {v}" for k, v in rest)]) + "\n"


def problems_of(db, *paths, dry_run: bool = False) -> list[str]:
    before = graph_dump(db)
    with pytest.raises(ValidationFailed) as e:
        load(db, list(paths), dry_run=dry_run)
    assert graph_dump(db) == before, "a failed load changed the graph"
    return [str(p) for p in e.value.problems]


# -- 1. catalog_rank is optional ----------------------------------------------------------------------


@pytest.mark.slow
def test_new_instruments_without_a_rank_go_after_the_last_in_file_order(db, tmp_path):
    load(db, [MINI])
    path = write(tmp_path / "new.yaml", "instruments:\n" + instrument("CC-ONE") + instrument("CC-TWO"))
    assert [(c.key, c.change) for c in preview(db, [path]).changes] == [("CC-ONE", "added"), ("CC-TWO", "added")]
    load(db, [path])
    assert ranks(db) == {"AA-LAW-2020": 1, "BB-CODE-2021": 2, "AA-N-BILL": 3, "CC-ONE": 4, "CC-TWO": 5}
    # after the last rank of the graph and the files, whichever is higher
    more = write(tmp_path / "more.yaml", "instruments:\n" + instrument("CC-THREE") + instrument("CC-NINE", 9))
    load(db, [more])
    assert ranks(db)["CC-THREE"] == 10 and ranks(db)["CC-NINE"] == 9


@pytest.mark.parametrize("prune", [False, True], ids=["load", "prune"])
@pytest.mark.slow
def test_a_stored_instrument_given_no_rank_keeps_its_own(db, tmp_path, prune):
    load(db, [MINI], at=T1)
    path = write(tmp_path / "catalog.yaml", MINI_TEXT.replace("    catalog_rank: 2\n", ""))
    assert preview(db, [path], prune=prune).changes == []
    report = load(db, [path], at=T2, prune=prune)
    assert report.change_set is None and report.nodes["Instrument"].unchanged == 3
    assert ranks(db) == {"AA-LAW-2020": 1, "BB-CODE-2021": 2, "AA-N-BILL": 3}


@pytest.mark.slow
def test_a_stored_instrument_whose_rank_another_takes_moves_after_the_last(db, tmp_path):
    load(db, [MINI])
    text = MINI_TEXT.replace("    catalog_rank: 2\n", "").replace("    catalog_rank: 3\n", "    catalog_rank: 2\n")
    load(db, [write(tmp_path / "catalog.yaml", text)])
    assert ranks(db) == {"AA-LAW-2020": 1, "AA-N-BILL": 2, "BB-CODE-2021": 4}


# -- 2. every problem of every file in one run --------------------------------------------------------


@pytest.mark.slow
def test_every_problem_in_all_files_in_one_run_nothing_written(db, tmp_path):
    load(db, [MINI])
    a = write(
        tmp_path / "a.yaml",
        """
        instruments:
          - id: CC-BAD
            name: A bad record
            kind: policy_statment
            binding: maybe
            status: in_force
            jurisdiction: ZZ
            catalog_rank: 2
            source: pw:nope
            colour: red
          - id: CC-OK
            name: A good record
            kind: voluntary_code
            binding: false
            status: in_force
            jurisdiction: AA
            catalog_rank: 7
            source: test:one
        treats:
          - {instrument: CC-BAD, topic: alpha, mode: explicit, confidence: medium, source: test:one}
          - {instrument: CC-OK, topic: alpah, mode: explicit, confidence: high, source: pw:nothere}
        """,
    )
    b = write(
        tmp_path / "b.yaml",
        """
        instruments:
          - id: CC-OK
            name: The same id again
            kind: voluntary_code
            binding: false
            status: in_force
            jurisdiction: AA
            source: test:one
          - id: CC-SEVEN
            name: Another at rank 7
            kind: voluntary_code
            binding: false
            status: in_force
            jurisdiction: AA
            catalog_rank: 7
            source: test:one
        """,
    )
    for dry_run in (True, False):
        assert problems_of(db, a, b, dry_run=dry_run) == [
            f"{a}:10: instruments.colour: unknown field 'colour' ({FIELDS_HINT})",
            f"{a}:4: instruments.kind: bad value 'policy_statment' (did you mean 'policy_statement'? use one of: "
            "binding_regulation, executive_order, policy_statement, voluntary_code, international_treaty, "
            "memorandum_of_understanding, resolution, technical_standard)",
            f"{a}:5: instruments.binding: expected true or false, got 'maybe' (write true or false)",
            f"{b}:2: instruments.id: duplicate instrument id 'CC-OK' (first defined at {a}:11; keep one)",
            f"{b}:15: instruments.catalog_rank: catalog_rank 7 is also held by CC-OK ({a}:17) "
            "(give each instrument its own rank, e.g. 8 (the next free one))",
            f"{a}:8: instruments.catalog_rank: catalog_rank 2 is held by BB-CODE-2021, already in the catalog "
            "(give CC-BAD a free rank, e.g. 8, or include BB-CODE-2021 with its new rank)",
            # CC-BAD's cell: CC-BAD is known (if invalid), so the cell has no problem of its own
            f"{a}:21: treats.topic: unknown topic 'alpah' (did you mean 'alpha'?)",
            f"{a}:21: treats.source: unknown source 'pw:nothere' (define it in a `sources:` section or fix the source)",
            f"{a}:9: instruments.source: unknown source 'pw:nope' (define it in a `sources:` section or fix the "
            "source)",
            f"{a}:7: instruments.jurisdiction: unknown jurisdiction 'ZZ' (define it in a `jurisdictions:` section "
            "or fix the jurisdiction)",
        ]


def test_a_record_with_an_unknown_field_gets_all_its_other_checks(db, tmp_path):
    load(db, [MINI])
    path = write(
        tmp_path / "bad.yaml",
        "instruments:\n" + instrument("CC-X", 0, colour="red", adopted="2020-02-30", source="nowhere"),
    )
    assert problems_of(db, path) == [
        f"{path}:10: instruments.colour: unknown field 'colour' ({FIELDS_HINT})",
        f"{path}:11: instruments.adopted: bad date '2020-02-30' (write a real calendar date as YYYY-MM-DD)",
        f"{path}:8: instruments.catalog_rank: catalog_rank 0 is below 1 (ranks count from 1 (the first instrument "
        "in catalog order))",
        f"{path}:9: instruments.source: unknown source 'nowhere' (define it in a `sources:` section or fix the source)",
    ]


# -- 3. dates and statuses ----------------------------------------------------------------------------


def test_dates_and_statuses_that_contradict_each_other(db, tmp_path):
    load(db, [MINI])
    text = "instruments:\n" + "".join(
        [
            instrument("CC-ORDER", 4, adopted="2024-05-01", effective="2024-01-01", ended="2023-01-01"),
            instrument("CC-PROPOSED", 5, status="proposed", adopted="2999-01-01"),
            instrument(
                "CC-HISTORY",
                6,
                adopted="2024-05-01",
                status_history="\n      - {date: 2024-01-01, status: in_force, source: test:one}",
            ),
            instrument("CC-NOT-YET", 7, adopted="2020-01-01", effective="2999-01-01"),
            instrument("CC-ENDS", 8, status="revoked", adopted="2020-01-01", ended="2999-01-01"),
        ]
    )
    path = write(tmp_path / "dates.yaml", text)
    today = date.today().isoformat()
    assert problems_of(db, path) == [
        f"{path}:11: instruments.effective: effective 2024-01-01 is before adopted 2024-05-01 (check both dates: "
        "an instrument's effective date cannot precede its adopted date)",
        f"{path}:12: instruments.ended: ended 2023-01-01 is before adopted 2024-05-01 (check both dates: "
        "an instrument's ended date cannot precede its adopted date)",
        f"{path}:12: instruments.ended: ended 2023-01-01 is before effective 2024-01-01 (check both dates: "
        "an instrument's ended date cannot precede its effective date)",
        f"{path}:21: instruments.adopted: status is proposed, but adopted 2999-01-01 is after today ({today}) "
        "(a proposed "
        "instrument is not adopted yet: leave adopted empty (write a planned date in date_note), or set status "
        "to the one it has now)",
        f"{path}:31: instruments.status_history: status in_force dated 2024-01-01 is before adopted 2024-05-01 "
        "(an instrument is in_force only once adopted: fix that entry's date or adopted)",
        f"{path}:42: instruments.effective: effective 2999-01-01 is after today ({today}), but status is in_force "
        "(fix effective, or set status to the one it has today (a planned effective date goes with status "
        "adopted_not_in_force or proposed))",
        f"{path}:52: instruments.ended: ended 2999-01-01 is after today ({today}), but status is revoked "
        "(fix ended, or set status to the one it has today (a planned ended date goes with status in_force))",
    ]


@pytest.mark.slow
def test_a_planned_date_is_a_warning_and_loads(db, tmp_path, cli):
    load(db, [MINI])
    path = write(
        tmp_path / "later.yaml",
        "instruments:\n"
        + instrument("CC-LATER", status="adopted_not_in_force", adopted="2999-01-01")
        + instrument("CC-STALE", status="proposed", adopted="2020-01-01"),
    )
    today = date.today().isoformat()
    warnings = [
        f"{path}:9: instruments.adopted: adopted 2999-01-01 is after today ({today}) (kept as a planned date: "
        "pages as of an earlier day do not count it; if it is a typo, fix it)",
        f"{path}:17: instruments.adopted: status is proposed, but adopted 2020-01-01 is given (if it was adopted, "
        "set status (and status_history) to what it became)",
    ]
    assert [str(w) for w in preview(db, [path]).warnings] == warnings
    result = cli("load", "-f", "json", str(path))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        f"Warning: {warnings[0]}\nWarning: {warnings[1]}\nLoaded 2 records from 1 file: 4 created,"
    )
    assert (ranks(db)["CC-LATER"], ranks(db)["CC-STALE"]) == (4, 5)


# -- 4. what a load would change ------------------------------------------------------------------------


@pytest.mark.slow
def test_dry_run_lists_what_the_load_would_add_change_and_remove(db, tmp_path, cli):
    load(db, [MINI], at=T1)
    text = (
        MINI_TEXT.replace("    status: proposed\n", "    status: vetoed\n")
        .replace("pinpoint: Art. 9, confidence: low", "pinpoint: Art. 10, confidence: medium")
        .replace("  - {instrument: AA-N-BILL, topic: alpha", "  - {instrument: AA-N-BILL, topic: beta")
        .replace(
            "papers:\n",
            "  - id: CC-NEW\n    name: New\n    kind: voluntary_code\n    binding: false\n"
            "    status: in_force\n    jurisdiction: BB\n    source: test:one\npapers:\n",
        )
    )
    path = write(tmp_path / "catalog.yaml", text)
    before = graph_dump(db)
    result = cli("load", "--dry-run", "--prune", "-f", "json", str(path))
    assert result.exit_code == 0, result.output
    assert graph_dump(db) == before
    lines = result.output.splitlines()
    assert lines[:2] == [
        "OK: 22 records in 1 file are valid; nothing was written.",
        "The load would add 2, change 3 fields and remove 1:",
    ]
    assert json.loads("\n".join(lines[2:])) == [
        {"change": "changed", "record": "instrument", "key": "AA-N-BILL", "field": "status", "old": "proposed",
         "new": "vetoed"},
        {"change": "added", "record": "instrument", "key": "CC-NEW", "field": None, "old": None, "new": None},
        {"change": "added", "record": "cell", "key": "AA-N-BILL → beta", "field": None, "old": None, "new": None},
        {"change": "changed", "record": "cell", "key": "AA-LAW-2020 → beta", "field": "pinpoint", "old": "Art. 9",
         "new": "Art. 10"},
        {"change": "changed", "record": "cell", "key": "AA-LAW-2020 → beta", "field": "confidence", "old": "low",
         "new": "medium"},
        {"change": "removed", "record": "cell", "key": "AA-N-BILL → alpha", "field": None, "old": None,
         "new": None},
    ]  # fmt: skip
    # what the load then does agrees
    report = load(db, [path], at=T2, prune=True)
    assert report.totals().created == 3 and report.totals().removed == 1  # CC-NEW, its ISSUED_IN, the cell


def test_dry_run_of_nothing_new_says_so_in_a_table(db, cli):
    load(db, [MINI])
    result = cli("load", "--dry-run", "-f", "table", str(MINI))
    assert result.exit_code == 0
    assert result.output == (
        "OK: 21 records in 1 file are valid; nothing was written.\nThe load would change nothing.\n"
    )


RENAMED = MINI_TEXT.replace("    name: Aland AI Law\n", "    name: Something Else\n").replace(
    "    jurisdiction: AA\n    catalog_rank: 1\n", "    jurisdiction: BB\n    catalog_rank: 1\n"
)


@pytest.mark.slow
def test_a_load_that_renames_or_moves_an_instrument_needs_yes(db, tmp_path, cli):
    load(db, [MINI])
    path = write(tmp_path / "catalog.yaml", RENAMED)
    before = graph_dump(db)
    expected = (
        f"  {path}:19: instruments.name: AA-LAW-2020 is named 'Aland AI Law' in the catalog; this load renames it "
        "'Something Else' (if this record is another instrument, give it an id of its own)\n"
        f"  {path}:25: instruments.jurisdiction: AA-LAW-2020 is issued in AA in the catalog; this load moves it to "
        "BB (if this record is another instrument, give it an id of its own)\n"
    )
    result = cli("load", str(path))  # stdin is not a terminal
    assert result.exit_code == 1
    assert result.output == (
        "Error: this load changes 2 stored instrument names or jurisdictions; nothing was written:\n"
        + expected
        + "If a record is a new instrument, give it an id of its own (`kb new instrument ID`); if the change is "
        "meant, load again with --yes.\n"
    )
    assert graph_dump(db) == before
    with pytest.raises(IdentityChange):
        load(db, [path], commit_every=1000, identity_changes=False)
    assert graph_dump(db) == before
    dry = cli("load", "--dry-run", "-f", "csv", str(path))
    assert dry.exit_code == 0
    assert ("It changes what stored instruments are, so it asks first (or needs --yes):\n" + expected) in dry.output
    assert "changed,instrument,AA-LAW-2020,name,Aland AI Law,Something Else\n" in dry.output
    assert "changed,instrument,AA-LAW-2020,jurisdiction,AA,BB\n" in dry.output
    result = cli("load", "--yes", str(path))
    assert result.exit_code == 0, result.output
    row = db.read(
        f"MATCH (n:Instrument {{id: 'AA-LAW-2020'}})-[:HAS_STATE]->(s) WHERE s.recorded_to = {NOW} "
        f"MATCH (n)-[j:ISSUED_IN]->(c) WHERE j.recorded_to = {NOW} RETURN s.name AS name, c.code AS code"
    )
    assert row == [{"name": "Something Else", "code": "BB"}]


# -- 5. kb new instrument ------------------------------------------------------------------------------


@pytest.mark.slow
def test_kb_new_instrument_writes_a_skeleton_that_loads_once_filled_in(db, tmp_path, cli):
    load(db, [MINI])
    out = tmp_path / "new.yaml"
    result = cli("new", "instrument", "CC-FRESH", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote {out}; fill it in, then: kb load --dry-run {out}\n"
    text = out.read_text()
    assert text.endswith(
        "treats:\n"
        "  # alpha: Alpha (unreviewed)\n"
        '  # - {instrument: "CC-FRESH", topic: "alpha", mode: , confidence: , source: }\n'
        "  # beta: Beta (unreviewed)\n"
        '  # - {instrument: "CC-FRESH", topic: "beta", mode: , confidence: , source: }\n'
    )
    assert "    # catalog_rank: 4     # position in the catalog; left out, it comes after the last (4 now)\n" in text
    assert cli("new", "instrument", "CC-FRESH").output == text  # to stdout without -o
    # as it is, the dry run lists every field still to fill in, in one run
    lines = {name: i for i, line in enumerate(text.splitlines(), 1) for name in [line.split(":")[0].strip()]}
    assert problems_of(db, out, dry_run=True) == [
        f"{out}:{lines['name']}: instruments.name: missing required field 'name' (fill in its value)",
        f"{out}:{lines['kind']}: instruments.kind: missing required field 'kind' (fill in one of: "
        "binding_regulation, executive_order, policy_statement, voluntary_code, international_treaty, "
        "memorandum_of_understanding, resolution, technical_standard)",
        f"{out}:{lines['binding']}: instruments.binding: missing required field 'binding' (fill in true or false)",
        f"{out}:{lines['status']}: instruments.status: missing required field 'status' (fill in one of: in_force, "
        "partially_in_force, adopted_not_in_force, proposed, vetoed, revoked)",
        f"{out}:{lines['source']}: instruments.source: missing required field 'source' (every fact needs a "
        "source: fill in the id of a record in sources)",
        f"{out}:{lines['jurisdiction']}: instruments.jurisdiction: missing required field 'jurisdiction' "
        "(fill in the code of a jurisdiction)",
    ]
    filled = (
        text.replace("    name: ", "    name: A Fresh Code ")
        .replace("    kind: ", "    kind: voluntary_code ")
        .replace("    binding: ", "    binding: false ")
        .replace("    status: ", "    status: in_force ")
        .replace("    jurisdiction: ", "    jurisdiction: BB ")
        .replace("    source: ", "    source: test:one ")
        .replace("    # adopted: YYYY-MM-DD", "    adopted: 2026-01-05")
        .replace(
            '  # - {instrument: "CC-FRESH", topic: "alpha", mode: , confidence: , source: }',
            '  - {instrument: "CC-FRESH", topic: "alpha", mode: implicit, confidence: low, source: test:one}',
        )
    )
    out.write_text(filled)
    report = load(db, [out])
    assert (report.nodes["Instrument"].created, report.edges["TREATS"].created) == (1, 1)
    assert ranks(db)["CC-FRESH"] == 4
    cells = db.read("MATCH (:Instrument {id: 'CC-FRESH'})-[t:TREATS]->(x:Topic) RETURN x.slug AS slug, t.mode AS mode")
    assert cells == [{"slug": "alpha", "mode": "implicit"}]  # beta left unreviewed


def test_kb_new_instrument_refuses_a_stored_id_a_bad_id_and_an_existing_file(db, tmp_path, cli):
    load(db, [MINI])
    result = cli("new", "instrument", "AA-LAW-2020")
    assert (result.exit_code, result.output) == (
        1,
        "Error: instrument 'AA-LAW-2020' is already in the catalog: edit its record (kb export DIR writes it "
        "out), or choose another id\n",
    )
    result = cli("new", "instrument", "bad id")
    assert (result.exit_code, result.output) == (
        1,
        "Error: bad instrument id 'bad id': use letters, digits and . _ : / + - only, starting with a letter or "
        "digit, at most 200 characters, e.g. EU-AIA-2024\n",
    )
    taken = write(tmp_path / "taken.yaml", "# mine\n")
    result = cli("new", "instrument", "CC-FRESH", "-o", str(taken))
    assert (result.exit_code, result.output) == (1, f"Error: {taken} exists; choose another file or remove it first\n")
    assert taken.read_text() == "# mine\n"
