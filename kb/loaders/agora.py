"""Import an AGORA export: ``kb import agora DIR``.

AGORA (the AI Governance and Regulatory Archive of the Emerging Technology
Observatory) publishes its data as CSV files: ``documents.csv`` (one row per
document, a column per thematic tag), ``authorities.csv`` (``Name``,
``Jurisdiction``, ``Parent authority``), ``collections.csv`` (``Name``,
``Description``) and, optionally, ``segments.csv`` (read for its hash
only). The documents are read with the mapping kb ships
(data/crosswalks/agora.yaml) by the general mechanism of
``kb.loaders.tagged``; this module adds what is AGORA's own: each
document's authority is the issuing body (an Authority, ISSUED_BY), and
gives its jurisdiction through kb's crosswalk
(data/crosswalks/agora-authorities.yaml). An authority missing from the
crosswalk is reported as a note and placed under its parent authority's
jurisdiction, or else the one its ``Jurisdiction`` column names; a document
whose authority authorities.csv lacks is a problem.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from kb.errors import Problem
from kb.loaders.mapping import read_mapping, slug_of
from kb.loaders.records import ReadResult
from kb.loaders.tagged import (
    Imported,
    Rows,
    Table,
    crosswalk_source,
    make_record,
    read_crosswalk,
    read_rows,
    read_table,
    source_record,
)

MAPPING = "agora.yaml"
CROSSWALK = "agora-authorities.yaml"
AUTHORITY_COLUMNS = ("Name", "Jurisdiction", "Parent authority")
COLLECTION_COLUMNS = ("Name", "Description")


def authority_id(name: str) -> str:
    return slug_of("agora:authority:", name)


def _columns(table: Table, wanted: tuple[str, ...], problems: list[Problem]) -> bool:
    missing = [c for c in wanted if c not in table.header]
    for c in missing:
        problems.append(Problem(table.name, 1, c, f"missing column {c!r}", "AGORA's export has it: export it again"))
    return not missing


class Authorities:
    """authorities.csv and the crosswalk: each authority's jurisdiction."""

    def __init__(self, table: Table | None, crosswalk: dict[str, Any], notes: list[Problem], source: str):
        self.rows: dict[str, tuple[int, dict[str, str]]] = {}
        if table is not None:
            self.rows = {row["Name"].strip(): (line, row) for line, row in table.rows if row.get("Name", "").strip()}
        self.table, self.notes, self.source = table, notes, source
        self.known: dict[str, dict[str, Any]] = crosswalk.get("authorities") or {}
        self.names: dict[str, str] = crosswalk.get("names") or {}
        self.codes = set(crosswalk.get("jurisdictions") or {})
        self.used: dict[str, dict[str, Any]] = {}  # name -> the authority record
        self.noted: set[str] = set()

    def code_of(self, name: str, seen: tuple[str, ...] = ()) -> str | None:
        """The jurisdiction of the authority ``name``: the crosswalk's, else its
        parent's, else its Jurisdiction column's (by name or code)."""
        if name in self.known:
            return self.known[name].get("jurisdiction")
        line, row = self.rows.get(name, (None, {}))
        parent = (row.get("Parent authority") or "").strip()
        where = (row.get("Jurisdiction") or "").strip()
        if parent and parent not in seen and parent in self.rows:
            code = self.code_of(parent, (*seen, name))
            how = f"under its parent authority {parent!r}"
        else:
            code = self.names.get(where) or (where if where in self.codes else None)
            how = f"under its Jurisdiction {where!r}"
        if code and name not in self.noted:
            self.noted.add(name)
            file = self.table.name if self.table else "authorities.csv"
            self.notes.append(
                Problem(
                    file,
                    line,
                    "Name",
                    f"authority {name!r} is not in kb's crosswalk; placed in {code} {how}",
                    f"add it to data/crosswalks/{CROSSWALK}",
                )
            )
        return code

    def record(self, name: str) -> str:
        """The authority's id, its record (and its parents') kept to write."""
        key = authority_id(name)
        if name in self.used:
            return key
        line, row = self.rows.get(name, (None, {}))
        parent = (row.get("Parent authority") or "").strip()
        data = {
            "id": key,
            "name": name,
            "kind": (self.known.get(name) or {}).get("kind", "other"),
            "jurisdiction": self.code_of(name),
            "parent": authority_id(parent) if parent in self.rows and parent != name else None,
            "note": None if name in self.known else "not in kb's crosswalk: placed by authorities.csv",
            "source": self.source,
        }
        self.used[name] = data
        if data["parent"]:
            self.record(parent)
        return key

    def resolver(self, codes: set[str]):
        def resolve(rows: Rows, line: int, row: dict[str, str]) -> tuple[str | None, tuple[str, str] | None]:
            name = (row.get("Authority") or "").strip()
            if not name:
                rows.bad(line, "Authority", "missing authority", "every document names the body that issued it")
                return None, None
            if self.table is not None and name not in self.rows:
                rows.bad(
                    line,
                    "Authority",
                    f"authority {name!r} is not in authorities.csv",
                    "the export's authorities.csv lists every authority: export it again",
                )
                return None, None
            code = self.code_of(name)
            if code is None and self.table is None:
                return None, None  # authorities.csv could not be read: that problem is reported
            if code is None:
                rows.bad(
                    line,
                    "Authority",
                    f"no jurisdiction for authority {name!r}: not in kb's crosswalk, and neither its parent "
                    "authority nor its Jurisdiction is",
                    f"add it to data/crosswalks/{CROSSWALK}",
                )
                return None, None
            key = self.record(name)
            for data in self.used.values():
                if data["jurisdiction"]:
                    codes.add(data["jurisdiction"])
            return code, (key, self.used[name]["kind"])

        return resolve


def read_agora(folder: Path, known: dict[str, Any], exported: date | None, crosswalks: Path) -> Imported:
    """The records of the AGORA export in ``folder`` (problems in
    ``result.problems``; notes on what was ignored or placed by a rule),
    read with the mapping and crosswalk in ``crosswalks`` (data/crosswalks)."""
    result = ReadResult()
    notes: list[Problem] = []
    problems = result.problems
    if not folder.is_dir():
        problems.append(Problem(str(folder), None, None, "no such folder", "point kb at the unzipped export"))
        return Imported(result, notes)
    mapping = read_mapping(crosswalks / MAPPING)
    crosswalk_path = crosswalks / CROSSWALK
    crosswalk = read_crosswalk(crosswalk_path, problems)
    documents = read_table(folder / "documents.csv", problems)
    authorities = read_table(folder / "authorities.csv", problems)
    collections = read_table(folder / "collections.csv", problems)
    segments = read_table(folder / "segments.csv", problems, required=False)
    if authorities is not None and not _columns(authorities, AUTHORITY_COLUMNS, problems):
        authorities = None
    if collections is not None and not _columns(collections, COLLECTION_COLUMNS, problems):
        collections = None
    tables = [t for t in (documents, authorities, collections, segments) if t is not None]
    if documents is None:
        return Imported(result, notes)
    if segments is not None:
        notes.append(Problem(segments.name, None, None, "segments are not imported (its hash is kept)", ""))
    exported = exported or date.fromtimestamp(documents.path.stat().st_mtime)
    result.files, result.hashes = [t.name for t in tables], [t.sha256 for t in tables]
    crosswalk_key = f"kb:crosswalk:{crosswalk_path.stem}"
    result.records += [source_record(mapping, tables, exported), crosswalk_source(crosswalk_path)]
    by_name = Authorities(authorities, crosswalk, notes, crosswalk_key)
    described = {row["Name"].strip(): row.get("Description", "") for _, row in collections.rows} if collections else {}
    codes: set[str] = set()
    rows = list(
        read_rows(
            mapping,
            documents,
            known,
            exported,
            problems,
            notes,
            by_name.resolver(codes),
            crosswalk,
            codes=codes,
            described=described,
        )
    )
    for r in rows:
        if r.section == "jurisdictions":
            r.data["source"] = crosswalk_key
    result.records += rows
    result.records += [
        make_record("authorities", data, str(folder / "authorities.csv"), None) for data in by_name.used.values()
    ]
    return Imported(result, notes)
