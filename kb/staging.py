"""Validated edge rows on disk, between validation and the write.

A large catalog has millions of edge records (one TREATS cell each); held in
memory as Python objects they would take gigabytes. ``EdgeStage`` keeps them
in a temporary SQLite file instead: rows are appended as they are validated,
duplicates are found at the end with one sorted pass, and the write reads
them back a batch at a time. The file is deleted when the stage is closed.
"""

from __future__ import annotations

import os
import pickle
import sqlite3
import tempfile
from collections.abc import Iterator
from typing import Any

from kb.schema.sections import SEP

Group = tuple[str, str, str]  # (section, start label, end label)

_FLUSH = 10_000


class EdgeStage:
    """``keep_rows=False`` keeps only what finding duplicates needs (a load
    that writes its rows as they are checked does not read them back)."""

    def __init__(self, directory: str | None = None, keep_rows: bool = True):
        self.keep_rows = keep_rows
        fd, self.path = tempfile.mkstemp(prefix="kb-load-", suffix=".sqlite", dir=directory)
        os.close(fd)
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.executescript(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA temp_store = FILE;"
            "PRAGMA cache_size = -65536;"
            "CREATE TABLE edges (grp INTEGER, h INTEGER, ident TEXT, file INTEGER, line INTEGER, row BLOB);"
            "BEGIN;"
        )
        self.groups: dict[Group, int] = {}
        self.files: dict[str, int] = {}
        self.counts: dict[Group, int] = {}
        self._pending: list[tuple] = []
        self._indexed = False

    # -- filling ------------------------------------------------------------
    def add(self, group: Group, ident: tuple, file: str, line: int | None, row: dict[str, Any]) -> None:
        g = self.groups.setdefault(group, len(self.groups))
        f = self.files.setdefault(file, len(self.files))
        self.counts[group] = self.counts.get(group, 0) + 1
        text = SEP.join("" if part is None else str(part) for part in ident)
        blob = pickle.dumps(row, pickle.HIGHEST_PROTOCOL) if self.keep_rows else None
        self._pending.append((g, hash(text), text, f, line, blob))
        if len(self._pending) >= _FLUSH:
            self._flush()

    def _index(self) -> None:
        self._flush()
        if not self._indexed:
            self.db.execute("CREATE INDEX edges_h ON edges (h)")
            self.db.execute("CREATE INDEX edges_grp ON edges (grp)")
            self._indexed = True

    def _flush(self) -> None:
        if self._pending:
            self.db.executemany("INSERT INTO edges VALUES (?, ?, ?, ?, ?, ?)", self._pending)
            self._pending = []

    def duplicates(self) -> Iterator[tuple[Group, tuple[str, ...], tuple[str, int | None], tuple[str, int | None]]]:
        """Each record whose identity an earlier record already had: its group,
        its identity (each part as text, '' for none), where it is, and
        where the first one is."""
        self._flush()
        self._index()
        groups = {g: group for group, g in self.groups.items()}
        files = {f: name for name, f in self.files.items()}
        clashes = self.db.execute("SELECT h FROM edges GROUP BY h HAVING count(*) > 1").fetchall()
        for (h,) in clashes:
            first_by_ident: dict[str, tuple[str, int | None]] = {}
            for g, ident, f, line in self.db.execute(
                "SELECT grp, ident, file, line FROM edges WHERE h = ? ORDER BY rowid", (h,)
            ):
                where = (files[f], line)
                if ident in first_by_ident:
                    yield groups[g], tuple(ident.split(SEP)), where, first_by_ident[ident]
                else:
                    first_by_ident[ident] = where

    # -- reading back ---------------------------------------------------------
    def rows(self, group: Group, size: int, after: int | None = None) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        """The rows of one group in the order they were added, ``size`` at a
        time, each batch with the position to resume after it (``after``)."""
        if not self.keep_rows:
            raise ValueError("this stage keeps no rows (keep_rows=False)")
        self._index()
        g = self.groups.get(group)
        if g is None:
            return
        cursor = self.db.execute(
            "SELECT rowid, row FROM edges WHERE grp = ? AND rowid > ? ORDER BY rowid",
            (g, -1 if after is None else after),
        )
        while True:
            chunk = cursor.fetchmany(size)
            if not chunk:
                return
            yield chunk[-1][0], [pickle.loads(blob) for _, blob in chunk]

    def __len__(self) -> int:
        return sum(self.counts.values())

    def close(self) -> None:
        try:
            self.db.close()
        finally:
            try:
                os.unlink(self.path)
            except FileNotFoundError:
                pass

    def __enter__(self) -> EdgeStage:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
