"""`kb renumber`: catalog ranks rewritten 1..n in the files, in the current
order, with only the numbers changed; every problem in one run, nothing
written while one stands. The renumbered files load into a real Neo4j."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.errors import ValidationFailed
from kb.load import load
from kb.renumber import plan_renumber, write_plan
from kb.schema.model import FOREVER_CYPHER

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini" / "catalog.yaml"

# ranks with a gap (after the mini's 1-3, 5) and a clash (7 twice); block and flow
# style, a comment on a rank line, CRLF line ends in part
GAPPY = (
    "# instruments with a gap, a clash and a rank 0\n"
    "instruments:\n"
    "  - id: CC-LAW-2024   # a law\n"
    "    name: C Law\n"
    "    kind: binding_regulation\n"
    "    binding: true\n"
    "    status: in_force\n"
    "    jurisdiction: AA\n"
    "    catalog_rank: 7      # after the code\r\n"
    "    source: test:one\n"
    "  - {id: CC-CODE-2024, name: C Code, kind: voluntary_code, binding: false, status: in_force,\n"
    "     jurisdiction: BB, catalog_rank: 5, source: test:one}\n"
    "  - id: CC-NEW-2025\n"
    "    name: C New\n"
    "    kind: voluntary_code\n"
    "    binding: false\n"
    "    status: in_force\n"
    "    jurisdiction: BB\n"
    "    source: test:one\n"
    "  - id: CC-TOO-2024\n"
    "    name: C Too\n"
    "    kind: voluntary_code\n"
    "    binding: false\n"
    "    status: in_force\n"
    "    jurisdiction: BB\n"
    "    catalog_rank: 7\n"
    "    source: test:one\n"
)
# the mini fixture holds ranks 1, 2, 3 of AA-LAW-2020, BB-CODE-2021, AA-N-BILL
RENUMBERED = (
    GAPPY.replace("catalog_rank: 7      # after", "catalog_rank: 5      # after")
    .replace("catalog_rank: 5, source", "catalog_rank: 4, source")
    .replace("    catalog_rank: 7\n", "    catalog_rank: 6\n")
)


def test_ranks_run_1_to_n_in_the_current_order_and_only_the_numbers_change(cli, tmp_path):
    folder = tmp_path / "cat"
    folder.mkdir()
    mini = (folder / "a-mini.yaml").write_text(MINI.read_text(encoding="utf-8"), encoding="utf-8")
    assert mini
    gappy = folder / "b-gappy.yaml"
    gappy.write_bytes(GAPPY.encode("utf-8"))
    lines = GAPPY.splitlines(keepends=True)
    law, code, too = (
        next(i for i, line in enumerate(lines, 1) if k in line) for k in ("7      #", "rank: 5,", "rank: 7\n")
    )

    dry = cli("renumber", "--dry-run", "-f", "csv", str(folder))
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.splitlines() == [
        "file,line,id,old,new",
        f"{gappy},{code},CC-CODE-2024,5,4",
        f"{gappy},{law},CC-LAW-2024,7,5",
        f"{gappy},{too},CC-TOO-2024,7,6",
    ]
    assert (
        dry.stderr
        == "Would renumber 3 of 6 ranked instruments in 1 file; 1 without a rank (a load puts them after the last).\n"
    )
    assert gappy.read_bytes() == GAPPY.encode("utf-8")  # a dry run writes nothing

    done = cli("renumber", "-f", "json", str(folder))
    assert done.exit_code == 0, done.output
    assert done.stderr.startswith("Renumbered 3 of 6 ranked instruments in 1 file;")
    assert gappy.read_bytes() == RENUMBERED.encode("utf-8")  # CRLF, comments, flow style kept
    assert (folder / "a-mini.yaml").read_text(encoding="utf-8") == MINI.read_text(encoding="utf-8")
    again = cli("renumber", str(folder))
    assert (again.exit_code, again.stdout) == (0, "")
    assert (
        again.stderr
        == "Ranks already run 1..6; nothing to change; 1 without a rank (a load puts them after the last).\n"
    )


@pytest.mark.slow
def test_renumbered_files_load_with_the_ranks_they_give(db, tmp_path):
    folder = tmp_path / "cat"
    folder.mkdir()
    (folder / "a-mini.yaml").write_text(MINI.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "b-gappy.yaml").write_text(GAPPY.replace("catalog_rank: 7\n", "catalog_rank: 0\n"), encoding="utf-8")
    with pytest.raises(ValidationFailed):  # rank 0 and the clash are refused before renumbering
        load(db, [folder], dry_run=True)
    write_plan(plan_renumber([folder]))
    load(db, [folder])
    rows = db.read(
        f"MATCH (x:InstrumentState) WHERE x.recorded_to = {FOREVER_CYPHER} RETURN x.id AS id, x.catalog_rank AS rank "
        "ORDER BY rank"
    )
    assert [(r["id"], r["rank"]) for r in rows] == [
        ("CC-TOO-2024", 1),  # rank 0 came first
        ("AA-LAW-2020", 2),
        ("BB-CODE-2021", 3),
        ("AA-N-BILL", 4),
        ("CC-CODE-2024", 5),
        ("CC-LAW-2024", 6),
        ("CC-NEW-2025", 7),  # no rank: after the last
    ]


def test_every_problem_in_one_run_and_nothing_written(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    text = (
        "instruments:\n"
        "  - {id: DD-ONE, catalog_rank: 4}\n"
        "  - {id: DD-TWO, catalog_rank: four}\n"
        "  - {id: DD-ONE, catalog_rank: 9}\n"
        "  - id: DD-SPLIT\n"
        "    catalog_rank:\n"
        "      8\n"
    )
    bad.write_text(text, encoding="utf-8")
    csv = tmp_path / "more.instruments.csv"
    csv.write_text("id,name,catalog_rank\nDD-CSV,D,12\n", encoding="utf-8")
    result = cli("renumber", str(bad), str(csv))
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: 4 problems found; nothing was written:\n"
        f"  {bad}:3: instruments.catalog_rank: catalog_rank 'four' is not a whole number "
        "(write a whole number, e.g. catalog_rank: 1, or remove it)\n"
        f"  {bad}:4: instruments.id: duplicate instrument id 'DD-ONE' (first defined at {bad}:2; keep one)\n"
        f"  {bad}:6: instruments.catalog_rank: cannot find DD-SPLIT's catalog_rank: 8 on this line "
        "(write it on one line as catalog_rank: 8, then renumber again)\n"
        f"  {csv}:2: instruments.catalog_rank: DD-CSV would move from rank 12 to 3, but a CSV file is not "
        "rewritten (set catalog_rank to 3 in the file by hand, then renumber again)\n"
    )
    assert bad.read_text(encoding="utf-8") == text
    assert csv.read_text(encoding="utf-8") == "id,name,catalog_rank\nDD-CSV,D,12\n"
