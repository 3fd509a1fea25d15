"""Loader scripts: read catalog files (YAML, JSON, CSV) into records.

``read_paths`` walks files and folders and hands each file to the reader for
its format. Validation (``kb.validate``) and writing (``kb.load``) come after;
``python -m kb.loaders PATH...`` runs the whole load, like ``kb load``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from kb.errors import Problem
from kb.loaders.csv_file import csv_section, iter_csv, read_csv  # noqa: F401
from kb.loaders.json_file import read_json
from kb.loaders.records import LinedDict, ReadResult, Record  # noqa: F401
from kb.loaders.yaml_file import read_yaml

READERS = {".yaml": read_yaml, ".yml": read_yaml, ".json": read_json, ".csv": read_csv}
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024  # YAML/JSON; CSV streams


def data_files(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    files: list[Path] = []
    problems: list[Problem] = []
    for p in paths:
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in READERS)
            if not found:
                problems.append(
                    Problem(
                        str(p),
                        None,
                        None,
                        "folder holds no .yaml, .yml, .json or .csv file",
                        "point kb at a folder of data files",
                    )
                )
            files.extend(found)
        elif p.is_file():
            if p.suffix.lower() not in READERS:
                problems.append(
                    Problem(str(p), None, None, f"unsupported file type {p.suffix!r}", "use .yaml, .yml, .json or .csv")
                )
            else:
                files.append(p)
        else:
            problems.append(Problem(str(p), None, None, "no such file or folder", "check the path"))
    return files, problems


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return ""
    return h.hexdigest()


def read_paths(paths: list[Path], stream: frozenset[str] = frozenset()) -> ReadResult:
    """Read every data file under ``paths``. CSV files of the sections in
    ``stream`` are not read here but listed in ``result.streams``, for the
    caller to read row by row with ``iter_csv``."""
    result = ReadResult()
    files, result.problems = data_files(paths)
    for f in files:
        name = str(f)
        result.files.append(name)
        result.hashes.append(_sha256(f))
        reader = READERS[f.suffix.lower()]
        if reader is read_csv and csv_section(f) in stream:
            result.streams.append((name, f))
            continue
        try:
            if reader is not read_csv and f.stat().st_size > MAX_DOCUMENT_BYTES:
                result.problems.append(
                    Problem(
                        name,
                        None,
                        None,
                        f"file is larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MiB",
                        "split it, or use CSV files for large catalogs",
                    )
                )
                continue
            reader(f, name, result)
        except (UnicodeDecodeError, OSError) as e:
            result.problems.append(unreadable(name, e))
    return result


def unreadable(name: str, e: UnicodeDecodeError | OSError) -> Problem:
    """The problem to report for a file that cannot be read or decoded."""
    if isinstance(e, UnicodeDecodeError):
        return Problem(name, None, None, f"not UTF-8 text ({e.reason} at byte {e.start})", "save the file as UTF-8")
    return Problem(name, None, None, f"cannot read: {e.strerror}", "check permissions")
