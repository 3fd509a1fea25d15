"""Import a tagged catalog: one CSV row per instrument, its tags as columns.

``read_tagged`` turns the rows of a catalog's CSV (``kb import csv FILE
--mapping MAPPING.yaml``; AGORA's export through ``kb.loaders.agora``) into
the very records a data file holds (sources, jurisdictions, topics,
instruments, cells ...), each remembering its file and row, so that they
take kb's one load path: checked by ``kb.validate``, written by ``kb.load``
with their record-time history and a change set. The mapping
(``kb.loaders.mapping``) says which column fills which field:

* each row is the instrument ``<prefix><id>`` in the mapping's catalog;
* each tag is the topic ``<prefix><tag>`` (``kb.loaders.mapping.slug_of``),
  named by the tag's last part, BROADER its parent tag when the tags nest;
* a tag given is an explicit cell; on a row reviewed (the ``reviewed``
  column true) a tag not given is a reviewed-silent cell; a row not
  reviewed has no cells (unreviewed);
* every record cites the export (a Source holding the file's SHA-256 and
  the export's date) and says where in it it was read.

Every problem with the file (a missing column, a value that is not a
boolean, a bad date, a duplicate id, an empty or cut-off file) is reported
with its file, row and column, all in one run; nothing is written then.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from kb.errors import Problem
from kb.loaders.identifiers import identifiers_in_url
from kb.loaders.mapping import BINDING_KINDS, Mapping, slug_of
from kb.loaders.records import LinedDict, ReadResult, Record

csv.field_size_limit(1 << 24)
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
TRUE, FALSE = "true", "false"


@dataclass
class Table:
    """A CSV file read whole: its header and rows, each with its line."""

    path: Path
    name: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]
    sha256: str


@dataclass
class Imported:
    """What an import read: the records for the load, and notes worth
    telling (unknown columns ignored, authorities placed by their parent)."""

    result: ReadResult
    notes: list[Problem] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_table(path: Path, problems: list[Problem], required: bool = True) -> Table | None:
    """The CSV at ``path`` (UTF-8, with or without a byte-order mark), its
    header and rows; None, with the problem added, when it is missing,
    empty, not text, or cut off (a quoted value never closed, a row with
    fewer or more values than the header)."""
    name = str(path)
    if not path.is_file():
        if required:
            problems.append(Problem(name, None, None, "no such file", "check the export's folder"))
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        problems.append(Problem(name, None, None, f"not UTF-8 text ({e.reason} at byte {e.start})", "save as UTF-8"))
        return None
    if not text.strip():
        problems.append(Problem(name, None, None, "the file is empty", "export it again"))
        return None
    reader = csv.reader(text.splitlines(keepends=True), strict=True)
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        header = [h.strip() for h in next(reader)]
        dupes = sorted({h for h in header if header.count(h) > 1})
        if dupes:
            problems.append(Problem(name, 1, dupes[0], f"column {dupes[0]!r} appears twice", "keep one"))
        line = reader.line_num + 1
        for values in reader:
            if not any(v.strip() for v in values):
                line = reader.line_num + 1
                continue
            if len(values) != len(header):
                cut = len(values) < len(header)
                problems.append(
                    Problem(
                        name,
                        line,
                        header[min(len(values), len(header)) - 1] if cut else None,
                        f"row has {len(values)} values, the header {len(header)}"
                        + (": the file looks cut off" if cut and reader.line_num >= text.count("\n") else ""),
                        "export the file again" if cut else "quote values that hold a comma",
                    )
                )
            else:
                rows.append((line, dict(zip(header, values))))
            line = reader.line_num + 1
    except csv.Error as e:
        problems.append(
            Problem(name, reader.line_num, None, f"the file is cut off or malformed ({e})", "export it again")
        )
        return None
    if not rows and not problems:
        problems.append(Problem(name, None, None, "the file has a header and no rows", "export it again"))
    return Table(path, name, header, rows, sha256_of(path))


def make_record(section: str, data: dict[str, Any], file: str, line: int | None) -> Record:
    return Record(section, LinedDict({k: v for k, v in data.items() if v not in (None, "")}, line=line), file, True)


def _boolean(value: str) -> bool | None:
    v = value.strip().lower()
    return True if v == TRUE else False if v in (FALSE, "") else None


class Rows:
    """Reads a mapped catalog's rows into records, gathering every problem."""

    def __init__(self, m: Mapping, table: Table, problems: list[Problem], exported: date):
        self.m, self.table, self.problems, self.exported = m, table, problems, exported
        self.source = m.source["id"]

    def bad(self, line: int | None, column: str | None, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.table.name, line, column, message, hint))

    def check_columns(self, notes: list[Problem]) -> list[str]:
        """The tag columns; a problem for each named column missing, a note for unknown ones."""
        header = self.table.header
        for key, column in self.m.columns():
            if column not in header:
                close = difflib.get_close_matches(column, header, n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                self.bad(1, column, f"missing column {column!r} (the mapping's {key})", hint + f"see {self.m.path}")
        tags = [h for h in header if self.m.tag_pattern and re.fullmatch(self.m.tag_pattern, h)]
        known = {c for _, c in self.m.columns()} | set(tags) | set(self.m.ignore)
        extra = [h for h in header if h not in known]
        if extra:
            notes.append(
                Problem(
                    self.table.name,
                    1,
                    None,
                    f"{len(extra)} column(s) the mapping does not use, ignored: " + ", ".join(extra),
                    f"list them under ignore: in {self.m.path} to silence this",
                )
            )
        return tags

    def date(self, line: int, row: dict[str, str], column: str | None) -> str | None:
        value = (row.get(column) or "").strip() if column else ""
        if not value:
            return None
        try:
            if not DATE_RE.fullmatch(value):
                raise ValueError
            date.fromisoformat(value)
        except ValueError:
            self.bad(line, column, f"bad date {value!r}", "write YYYY-MM-DD, or leave it empty")
            return None
        return value

    def flag(self, line: int, row: dict[str, str], column: str | None) -> bool:
        if not column:
            return False
        value = _boolean(row.get(column, ""))
        if value is None:
            self.bad(line, column, f"{row.get(column)!r} is not true or false", "write true or false")
            return False
        return value

    def key(self, line: int, row: dict[str, str], seen: dict[str, int]) -> tuple[str, Any] | None:
        raw = (row.get(self.m.id_column) or "").strip()
        if not raw:
            self.bad(line, self.m.id_column, "missing id", "every row needs one")
            return None
        if self.m.id_numeric and not raw.isdigit():
            self.bad(line, self.m.id_column, f"id {raw!r} is not a number", "ids of this catalog are numbers")
            return None
        if raw in seen:
            self.bad(line, self.m.id_column, f"duplicate id {raw!r}", f"first at row {seen[raw]}; keep one")
            return None
        seen[raw] = line
        return self.m.id_prefix + raw, (int(raw) if self.m.id_numeric else raw)

    def instrument(
        self, line: int, row: dict[str, str], key: str, code: str | None, authority: tuple[str, str] | None
    ) -> dict[str, Any]:
        """The instrument record of a row (its jurisdiction ``code``, its
        ``authority`` as (id, kind) when the catalog names one)."""
        m = self.m
        introduced = self.date(line, row, m.introduced)
        when = self.date(line, row, m.adopted)
        adopting = all((row.get(c) or "").strip() in vals for c, vals in m.adopted_when.items())
        adopted = when if adopting else None
        status = m.status_default
        history = None
        if m.status_column:
            text = (row.get(m.status_column) or "").strip()
            status = m.status_values.get(text) or ""
            if not status:
                self.bad(
                    line,
                    m.status_column,
                    f"unknown status {text!r}",
                    "one of: " + ", ".join(m.status_values) + f" (or add it to {m.path})",
                )
            dated = self.date(line, row, m.status_date)
            if status and dated:
                history = f"{dated}:{status}:{self.source}"
        notes = []
        if introduced:
            notes.append(f"introduced: the {m.introduced!r} column")
        if adopted:
            rule = ", ".join(f"{c} {row.get(c, '').strip()}" for c in m.adopted_when)
            notes.append(f"adopted: the {m.adopted!r} column" + (f" ({rule})" if rule else ""))
        if history:
            notes.append(f"status: the {m.status_column!r} column, dated by {m.status_date!r}")
        kind = m.kind_by_authority.get(authority[1], m.kind) if authority else m.kind
        url = (row.get(m.url) or "").strip() if m.url else None
        identifiers = identifiers_in_url(url, m.url_patterns)
        return {
            "id": key,
            "catalog": m.catalog,
            "name": (row.get(m.name) or "").strip(),
            "short_name": (row.get(m.short_name) or "").strip() if m.short_name else None,
            "kind": kind,
            "binding": TRUE if kind in BINDING_KINDS else FALSE,
            "status": status,
            "status_history": history,
            "introduced": introduced,
            "adopted": adopted,
            "date_note": "; ".join(notes) or None,
            "jurisdiction": code,
            "authority": authority[0] if authority else None,
            "url": url,
            "identifiers": identifiers or None,
            "identifiers_source": self.source if identifiers else None,
            "notes": (row.get(m.notes) or "").strip() if m.notes else None,
            "locator": f"{self.table.path.name}, {m.id_column} {key[len(m.id_prefix) :]}",
            "source": self.source,
        }

    def tags_of(self, line: int, row: dict[str, str], tag_columns: list[str]) -> list[str]:
        """The tags a row gives (true in their columns, or listed in the tag column)."""
        if self.m.tag_column:
            return [t.strip() for t in (row.get(self.m.tag_column) or "").split(self.m.tag_separator) if t.strip()]
        given = []
        for column in tag_columns:
            value = _boolean(row.get(column, ""))
            if value is None:
                self.bad(line, column, f"tag value {row.get(column)!r} is not True or False", "write True or False")
            elif value:
                given.append(column)
        return given

    def confidence(self, line: int, row: dict[str, str]) -> str:
        if self.flag(line, row, self.m.confidence_high):
            return "high"
        if self.flag(line, row, self.m.confidence_medium):
            return "medium"
        if self.flag(line, row, self.m.confidence_low):
            return "low"
        return self.m.confidence_default


def topic_records(m: Mapping, tags: list[str], file: str, source: str) -> list[Record]:
    """The topics of ``tags`` (and of their parents, when tags nest), in
    order, parents first, with their BROADER edges."""
    out: list[Record] = []
    order: list[str] = []
    for tag in tags:
        parts = tag.split(m.tag_parent) if m.tag_parent else [tag]
        for i in range(1, len(parts) + 1):
            name = m.tag_parent.join(parts[:i]) if m.tag_parent else tag
            if name not in order:
                order.append(name)
    for rank, tag in enumerate(order, 1):
        parts = tag.split(m.tag_parent) if m.tag_parent else [tag]
        slug = slug_of(m.tag_prefix, tag)
        topic = {
            "slug": slug,
            "catalog": m.catalog,
            "name": parts[-1].strip(),
            "definition": f"{m.title} tag {tag!r}.",
            "rank": str(rank),
            "source": source,
        }
        out.append(make_record("topics", topic, file, None))
        if len(parts) > 1:
            parent = slug_of(m.tag_prefix, m.tag_parent.join(parts[:-1]))
            out.append(make_record("broader", {"topic": slug, "broader": parent, "source": source}, file, None))
    return out


def source_record(m: Mapping, tables: list[Table], exported: date) -> Record:
    hashes = "; ".join(f"{t.path.name} SHA-256 {t.sha256}" for t in tables)
    data = {
        "id": m.source["id"],
        "title": m.source.get("title"),
        "url": m.source.get("url"),
        "publisher": m.source.get("publisher"),
        "kind": "catalog",
        "accessed": exported.isoformat(),
        "note": f"The export of {exported.isoformat()}: {hashes}.",
    }
    return make_record("sources", data, tables[0].name, None)


def jurisdiction_records(
    crosswalk: dict[str, dict[str, Any]], codes: set[str], known: set[str], file: str, source: str
) -> list[Record]:
    """The crosswalk's jurisdictions the instruments name (and those they are
    part of) that the graph does not hold yet."""
    wanted: list[str] = []
    todo = sorted(codes)
    while todo:
        code = todo.pop(0)
        if code in known or code in wanted or code not in crosswalk:
            continue
        wanted.append(code)
        parent = crosswalk[code].get("part_of")
        if parent:
            todo.append(parent)
    return [
        make_record("jurisdictions", {"code": c, **crosswalk[c], "source": source}, file, None)
        for c in sorted(wanted, key=lambda c: (c.count("-"), c))
    ]


def read_crosswalk(path: Path, problems: list[Problem]) -> dict[str, Any]:
    """A crosswalk file (data/crosswalks/*.yaml): ``jurisdictions`` (code ->
    name, kind, part_of) and, for AGORA, ``authorities`` (name -> jurisdiction, kind)."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        problems.append(Problem(str(path), None, None, f"cannot read the crosswalk: {e}", "fix the file"))
        return {}
    if not isinstance(doc, dict):
        problems.append(Problem(str(path), None, None, "a crosswalk is a YAML mapping", "see docs/catalogs.md"))
        return {}
    return doc


def crosswalk_source(path: Path) -> Record:
    data = {
        "id": f"kb:crosswalk:{path.stem}",
        "title": f"kb's crosswalk {path.name}: authorities and jurisdictions of imported catalogs",
        "kind": "secondary",
        "note": "Written by kb's maintainers; an authority missing from it is reported on import.",
    }
    return make_record("sources", data, str(path), None)


Resolver = Callable[[Rows, int, dict[str, str]], tuple[str | None, tuple[str, str] | None]]


def read_rows(
    m: Mapping,
    table: Table,
    known: dict[str, Any],
    exported: date,
    problems: list[Problem],
    notes: list[Problem],
    resolve: Resolver,
    crosswalk: dict[str, Any],
    codes: set[str] | None = None,
    described: dict[str, str] | None = None,
) -> Iterator[Record]:
    """The records of a mapped table's rows: instruments in id order, their
    cells, collections and memberships, the topics and the jurisdictions
    the graph lacks (of the instruments, and of ``codes``, which ``resolve``
    may add to). ``resolve(rows, line, row)`` gives a row's jurisdiction
    code and authority (id, kind); ``described``: collections' descriptions."""
    rows = Rows(m, table, problems, exported)
    tag_columns = rows.check_columns(notes)
    if any(p.line == 1 and p.file == table.name and p.message.startswith("missing column") for p in problems):
        return
    source = m.source["id"]
    seen: dict[str, int] = {}
    instruments: list[tuple[Any, int, dict[str, Any]]] = []
    cells: list[tuple[int, dict[str, Any]]] = []
    members: list[tuple[int, dict[str, Any]]] = []
    tags: list[str] = list(tag_columns)
    codes = codes if codes is not None else set()
    collections: dict[str, str] = {}
    reviewed_rows: set[str] = set()
    for line, row in table.rows:
        ident = rows.key(line, row, seen)
        code, authority = resolve(rows, line, row)
        if code:
            codes.add(code)
        given = rows.tags_of(line, row, tag_columns)
        reviewed = rows.flag(line, row, m.reviewed_column) if m.reviewed_column else False
        confidence = rows.confidence(line, row)
        if ident is None:
            continue
        key, order = ident
        record = rows.instrument(line, row, key, code, authority)  # its dates are checked too
        if code is None:  # its problem is reported
            continue
        instruments.append((order, line, record))
        if reviewed:
            reviewed_rows.add(key)
        for tag in given:
            if tag not in tags:
                tags.append(tag)
        for tag in tags if reviewed else given:
            mode = "explicit" if tag in given else "silent"
            cell = {"instrument": key, "topic": slug_of(m.tag_prefix, tag), "mode": mode, "confidence": confidence}
            cells.append((line, {**cell, "source": source}))
        if m.collections_column:
            for name in (row.get(m.collections_column) or "").split(m.collections_separator):
                if name.strip():
                    collection = slug_of(f"{m.catalog}:", name.strip())
                    collections.setdefault(collection, name.strip())
                    members.append((line, {"instrument": key, "collection": collection, "source": source}))
    if m.reviewed_column and m.tag_column:  # tags met after a reviewed row: silent there too
        done = {(c["instrument"], c["topic"]) for _, c in cells}
        for _, line, inst in instruments:
            if inst["id"] not in reviewed_rows:
                continue
            for tag in tags:
                pair = (inst["id"], slug_of(m.tag_prefix, tag))
                if pair not in done:
                    silent = {"instrument": pair[0], "topic": pair[1], "mode": "silent", "confidence": "medium"}
                    cells.append((line, {**silent, "source": source}))
    yield from topic_records(m, tags, table.name, source)
    for key, name in collections.items():
        about = (described or {}).get(name)
        data = {"id": key, "catalog": m.catalog, "name": name, "description": about, "source": source}
        yield make_record("collections", data, table.name, None)
    yield from jurisdiction_records(
        crosswalk.get("jurisdictions") or {}, codes, set(known.get("jurisdictions") or ()), table.name, source
    )
    for _, line, inst in sorted(instruments, key=lambda x: x[0]):
        yield make_record("instruments", inst, table.name, line)
    for line, cell in cells:
        yield make_record("treats", cell, table.name, line)
    for line, member in members:
        yield make_record("in_collection", member, table.name, line)


def column_resolver(m: Mapping, crosswalk: dict[str, Any]) -> Resolver:
    """A row's jurisdiction from the mapping's jurisdiction column: a value
    the mapping's ``values`` (or the crosswalk) names, or a code itself."""
    codes = set(crosswalk.get("jurisdictions") or {})

    def resolve(rows: Rows, line: int, row: dict[str, str]) -> tuple[str | None, tuple[str, str] | None]:
        value = (row.get(m.jurisdiction_column or "") or "").strip()
        code = m.jurisdiction_values.get(value) or (crosswalk.get("names") or {}).get(value)
        if code is None and value in codes:
            code = value
        if code is None:
            rows.bad(
                line,
                m.jurisdiction_column,
                f"no jurisdiction code for {value!r}",
                f"add {value!r} to the jurisdiction values of {m.path}",
            )
        return code, None

    return resolve


def read_tagged(
    path: Path, m: Mapping, known: dict[str, Any], exported: date | None = None, crosswalk_path: Path | None = None
) -> Imported:
    """``kb import csv``: the records of the CSV at ``path`` read with the
    mapping ``m`` (problems in ``result.problems``)."""
    result = ReadResult()
    notes: list[Problem] = []
    table = read_table(path, result.problems)
    crosswalk: dict[str, Any] = {}
    if crosswalk_path is not None:
        crosswalk = read_crosswalk(crosswalk_path, result.problems)
    if table is None:
        return Imported(result, notes)
    exported = exported or date.fromtimestamp(path.stat().st_mtime)
    result.files, result.hashes = [table.name], [table.sha256]
    result.records.append(source_record(m, [table], exported))
    if crosswalk_path is not None:
        result.records.append(crosswalk_source(crosswalk_path))
    records = list(
        read_rows(m, table, known, exported, result.problems, notes, column_resolver(m, crosswalk), crosswalk)
    )
    if crosswalk_path is not None:
        src = f"kb:crosswalk:{crosswalk_path.stem}"
        for r in records:
            if r.section == "jurisdictions":
                r.data["source"] = src
    result.records.extend(records)
    return Imported(result, notes)
