"""A synthetic catalog of AGORA's size, and the time kb takes to import it.

    .venv/bin/python bench/agora.py --write DIR [--documents 1000 --tags 80]

writes an export in AGORA's shape (documents.csv with a byte-order mark, a
True/False column per tag, authorities.csv, collections.csv): made-up rows,
seeded, with authorities drawn from kb's crosswalk (and some not in it, so
the import places them by their parent or jurisdiction). bench/run.py
(``agora_figures``) imports it into its own server beside nothing else and
times the import end to end (``kb.imports.import_agora``: read, check, write,
counts kept) and the p50 of one of its topic pages (``kb topic``'s data).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

GROUPS = ("Risk factors", "Harms", "Strategies", "Applications", "Incentives")
ACTIVITY = ("Enacted", "Proposed", "Defunct")
AUTHORITIES = (
    ("United States Congress", "United States", ""),
    ("Executive Office of the President", "United States", ""),
    ("Department of Commerce", "United States", ""),
    ("National Institute of Standards and Technology", "United States", "Department of Commerce"),
    ("California State Legislature", "California", ""),
    ("New York State Legislature", "New York", ""),
    ("Texas State Legislature", "Texas", ""),
    ("European Commission", "European Union", ""),
    ("European Parliament", "European Union", ""),
    ("Parliament of the United Kingdom", "United Kingdom", ""),
    ("Cyberspace Administration of China", "China", ""),
    ("Infocomm Media Development Authority", "Singapore", ""),
    ("Example County Board", "Illinois", ""),  # not in the crosswalk: placed by its Jurisdiction
    ("Example Standards Office", "", "Department of Commerce"),  # not in the crosswalk: by its parent
)
COLLECTIONS = ("Federal laws", "State laws", "Executive actions", "International", "Corporate")


def tag_names(tags: int) -> list[str]:
    """``tags`` tag columns in AGORA's style, nested two or three deep."""
    out = []
    for k in range(tags):
        group = GROUPS[k % len(GROUPS)]
        if k % 3 == 0:
            out.append(f"{group}: Area {k // 15}: Tag {k}")
        else:
            out.append(f"{group}: Tag {k}")
    return out


def _csv(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def write_export(folder: Path, documents: int = 1000, tags: int = 80, seed: int = 6) -> Path:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    names = tag_names(tags)
    header = [
        "AGORA ID",
        "Official name",
        "Casual name",
        "Link to document",
        "Authority",
        "Collections",
        "Most recent activity",
        "Most recent activity date",
        "Proposed date",
        "Annotated?",
        "Validated?",
        "Summaries and tags may include unreviewed machine output",
        "Short summary",
        "Long summary",
        "Tags",
        *names,
    ]
    rows = [header]
    start = date(2016, 1, 1)
    for i in range(1, documents + 1):
        proposed = start + timedelta(days=rng.randrange(3000))
        activity = rng.choices(ACTIVITY, weights=(6, 3, 1))[0]
        acted = proposed + timedelta(days=rng.randrange(400))
        annotated = rng.random() < 0.85
        given = [n for n in names if annotated and rng.random() < 0.12]
        rows.append(
            [
                str(i),
                f"Synthetic document {i}",
                f"Doc {i}" if rng.random() < 0.5 else "",
                f"https://example.org/synthetic/{i}",
                rng.choice(AUTHORITIES)[0],
                ";".join(rng.sample(COLLECTIONS, rng.randrange(3))),
                activity,
                acted.isoformat(),
                proposed.isoformat() if rng.random() < 0.7 else "",
                "true" if annotated else "false",
                "true" if annotated and rng.random() < 0.5 else "false",
                "true" if rng.random() < 0.3 else "false",
                f"Synthetic summary {i}.",
                f"Synthetic long summary {i}.",
                ";".join(given),
                *("True" if n in given else "False" for n in names),
            ]
        )
    (folder / "documents.csv").write_text(_csv(rows), encoding="utf-8-sig", newline="")
    authorities = [["Name", "Jurisdiction", "Parent authority"], *map(list, AUTHORITIES)]
    (folder / "authorities.csv").write_text(_csv(authorities), encoding="utf-8-sig", newline="")
    collections = [["Name", "Description"], *([c, f"Synthetic collection {c}"] for c in COLLECTIONS)]
    (folder / "collections.csv").write_text(_csv(collections), encoding="utf-8-sig", newline="")
    return folder


def measure(db, folder: Path, runs: int = 30) -> dict[str, Any]:
    """Import the export in ``folder`` into ``db`` (emptied by the caller) and
    time it end to end, then one of its topic pages (p50 of ``runs``, after a
    warm-up): the most salient tag's."""
    from kb.imports import import_agora
    from kb.queries.topic import salience, topic_data

    t = time.perf_counter()
    report = import_agora(db, folder).report
    seconds = time.perf_counter() - t
    slug = salience(db, catalog="agora")[0]["slug"]
    for _ in range(5):
        topic_data(db, slug)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        topic_data(db, slug)
        times.append((time.perf_counter() - t) * 1000)
    return {
        "documents": sum(1 for _ in (folder / "documents.csv").open(encoding="utf-8-sig")) - 1,
        "records": report.records,
        "import_seconds": round(seconds, 2),
        "topic": slug,
        "topic_page_p50_ms": round(statistics.median(times), 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--write", type=Path, required=True, help="the folder to write the export to")
    ap.add_argument("--documents", type=int, default=1000)
    ap.add_argument("--tags", type=int, default=80)
    ap.add_argument("--seed", type=int, default=6)
    opts = ap.parse_args(argv)
    write_export(opts.write, opts.documents, opts.tags, opts.seed)
    print(opts.write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
