"""Read a CSV data file: one section per file, one record per row.

The section comes from the file name: ``treats.csv`` or ``<anything>.treats.csv``.
Values are text; the validator converts them to the schema's types. Empty
cells are absent values.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

from kb.errors import Problem
from kb.loaders.records import LinedDict, ReadResult, Record

csv.field_size_limit(1 << 24)


def csv_section(path: Path) -> str:
    return path.name[: -len(".csv")].rsplit(".", 1)[-1]


def read_csv(path: Path, name: str, result: ReadResult) -> None:
    result.records.extend(iter_csv(path, name, result.problems))


def _counted(lines: Iterator[str], read: Callable[[int], None]) -> Iterator[str]:
    """``lines``, calling ``read(n)`` every MiB or so with the characters read."""
    n = 0
    for line in lines:
        n += len(line)
        if n >= 1 << 20:
            read(n)
            n = 0
        yield line
    if n:
        read(n)


def iter_csv(path: Path, name: str, problems: list, read: Callable[[int], None] | None = None) -> Iterator[Record]:
    """The records of one CSV file, one row at a time (a large file is never
    held in memory); problems found while reading go to ``problems``, and
    ``read`` (if given) hears how many characters were read, now and then."""
    from kb.schema.sections import SECTIONS

    section = csv_section(path)
    if section not in SECTIONS:
        problems.append(
            Problem(
                name,
                None,
                None,
                f"cannot tell which section this CSV file holds ({section!r})",
                "name it <section>.csv or <anything>.<section>.csv, with section one of: " + ", ".join(SECTIONS),
            )
        )
        return
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f if read is None else _counted(f, read))
        try:
            header = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            problems.append(Problem(name, 1, None, f"invalid CSV: {e}", "fix the header row"))
            return
        header = [h.strip() for h in header]
        seen: set[str] = set()
        for h in header:
            if h in seen:
                problems.append(Problem(name, 1, h, f"column {h!r} appears twice in the header", "keep one"))
                return
            seen.add(h)
        index = 0
        while True:
            line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as e:
                problems.append(Problem(name, line, None, f"invalid CSV: {e}", "fix the quoting on this row"))
                return
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                problems.append(
                    Problem(
                        name,
                        line,
                        None,
                        f"row has {len(row)} cells but the header has {len(header)}",
                        "quote cells that contain commas",
                    )
                )
                continue
            data = LinedDict(((h, v) for h, v in zip(header, row) if v != ""), line=line)
            yield Record(section, data, name, textual=True, index=index)
            index += 1
