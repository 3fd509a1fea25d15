"""Import a catalog kb did not write: AGORA's export, or any tagged CSV.

An import is a load (``kb.load.load``) whose records come from an importer
(``kb.loaders.agora``, ``kb.loaders.tagged``) instead of data files: the same
checks, the same record-time history, one change set. It holds its catalog
whole, so a document the export no longer has is closed (not deleted), in
that catalog only (``scope``); the curated catalog is never touched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kb.errors import Problem
from kb.load import LoadReport, load
from kb.loaders.tagged import Imported


@dataclass
class ImportReport:
    catalog: str
    report: Any  # a kb.load.LoadReport, or a kb.preview.Preview for a dry run
    notes: list[Problem] = field(default_factory=list)


def _run(
    db, catalog: str, make: Callable[[dict[str, Any]], Imported], dry_run: bool, at: datetime | None, progress_factory
) -> ImportReport:
    notes: list[Problem] = []

    def read(known: dict[str, Any]):
        imported = make(known)
        notes[:] = imported.notes  # a retried transaction reads again
        return imported.result

    if dry_run:
        from kb.preview import preview

        return ImportReport(catalog, preview(db, [], read=read, scope=catalog), notes)
    report: LoadReport = load(db, [], progress_factory=progress_factory, at=at, read=read, scope=catalog)
    return ImportReport(catalog, report, notes)


def import_agora(
    db,
    folder: Path,
    dry_run: bool = False,
    at: datetime | None = None,
    exported: date | None = None,
    progress_factory=None,
) -> ImportReport:
    """Import the AGORA export in ``folder`` as the catalog ``agora``."""
    from kb.config import crosswalks_dir
    from kb.loaders.agora import read_agora

    shipped = crosswalks_dir()
    return _run(db, "agora", lambda known: read_agora(folder, known, exported, shipped), dry_run, at, progress_factory)


def import_csv(
    db,
    path: Path,
    mapping: Path,
    dry_run: bool = False,
    at: datetime | None = None,
    exported: date | None = None,
    progress_factory=None,
) -> ImportReport:
    """Import the tagged catalog in the CSV ``path`` with the ``mapping`` (docs/catalogs.md)."""
    from kb.config import crosswalks_dir
    from kb.loaders.mapping import read_mapping
    from kb.loaders.tagged import read_tagged

    m = read_mapping(mapping)
    if m.identifiers_file and not m.url_patterns and (crosswalks_dir() / m.identifiers_file).is_file():
        from kb.errors import ValidationFailed
        from kb.loaders.identifiers import read_url_patterns

        problems: list[Problem] = []
        m.url_patterns = read_url_patterns(crosswalks_dir() / m.identifiers_file, problems)
        if problems:
            raise ValidationFailed(problems)
    crosswalk = None
    if m.jurisdictions_file:
        crosswalk = mapping.parent / m.jurisdictions_file
        if not crosswalk.is_file():
            crosswalk = crosswalks_dir() / m.jurisdictions_file
    return _run(
        db, m.catalog, lambda known: read_tagged(path, m, known, exported, crosswalk), dry_run, at, progress_factory
    )
