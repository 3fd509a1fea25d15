"""Check records read from data files against the schema, before anything is
written.

Every problem is collected (not just the first) with its file, line, field,
what is wrong and how to fix it. Types, required fields and allowed values
come from the neomodel classes (``kb.schema.model``); keys and references
from ``kb.schema.sections``. neomodel silently drops keys a class does not
declare, so unknown fields are caught here.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from neomodel import ArrayProperty, BooleanProperty, IntegerProperty, StringProperty
from neomodel.properties import DateTimeNeo4jFormatProperty, Property

from kb.errors import Problem
from kb.loaders.records import Record
from kb.schema.model import (
    CATALOG_PATTERN,
    CHECKED_CONFIDENCE,
    CLAIM_PREFIX,
    CLAIMED_BY,
    IDENTIFIER_SCHEMES,
    IDENTIFIER_SEPARATOR,
    PRIMARY_SOURCE_KIND,
    STATUSES,
    NativeDateProperty,
)
from kb.schema.sections import (
    INFORMATIONAL_FIELDS,
    NODE_SECTION_BY_NAME,
    NODE_SECTIONS,
    EdgeSection,
    NodeSection,
    Ref,
    data_fields,
    required_fields,
)

MAX_TEXT = 20_000
RANKS = "instruments.catalog_rank"  # in ``known``: the stored current instruments' ranks, rank -> id
SOURCE_KINDS = "sources.kind"  # in ``known``: the stored current sources' kinds, id -> kind
KEY_PATTERNS = {
    "id": (
        re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/+-]{0,199}$"),
        "letters, digits and . _ : / + - only, starting with a letter or digit, at most 200 characters",
    ),
    "code": (
        re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$"),
        "letters, digits, _ and - only, starting with a letter, at most 64 characters",
    ),
    "slug": (
        re.compile(r"^[a-z][a-z0-9_]{0,99}$"),
        "lowercase letters, digits and _ only, starting with a letter, e.g. open_weight_release",
    ),
}
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
INT_RE = re.compile(r"[+-]?[0-9]+")  # CSV cells: no '1_000', no non-ASCII digits
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _blank(text: str) -> bool:
    """Empty, or only white space that is allowed in text (a control character
    such as U+001F, white space to Python, is reported as what it is)."""
    return not text or (text.isspace() and len(text) <= MAX_TEXT and not CONTROL_RE.search(text))


SURROGATE_RE = re.compile("[\ud800-\udfff]")  # from a \ud800 escape: not a character, cannot be stored
BAD_CHAR_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")  # either of the two above


@dataclass
class Catalog:
    """Validated rows, ready to write. Node rows: {key, props, refs, source};
    edge rows: {start, end, props}, grouped by (section, start label, end label)."""

    nodes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], list[dict[str, Any]]] = field(default_factory=dict)
    stage: Any = None  # kb.staging.EdgeStage: edge rows on disk instead of in ``edges``
    warnings: list[Problem] = field(default_factory=list)  # worth checking, but not stopping the load

    def close(self) -> None:
        if self.stage is not None:
            self.stage.close()

    def count(self) -> int:
        staged = len(self.stage) if self.stage is not None else 0
        return sum(map(len, self.nodes.values())) + sum(map(len, self.edges.values())) + staged


class _Checker:
    def __init__(self, known: dict[str, set[str]] | None):
        self.known = known or {}
        self.problems: list[Problem] = []
        self.defined: dict[str, dict[str, tuple[str, int | None]]] = {s.name: {} for s in NODE_SECTIONS}

    def problem(self, rec: Record, fld: str | None, message: str, hint: str = "") -> None:
        line = rec.line_of(fld) if fld else rec.line
        where = f"{rec.section}.{fld}" if fld else rec.section
        self.problems.append(Problem(rec.file, line, where, message, hint))

    # -- values -----------------------------------------------------------
    def text(self, rec: Record, fld: str, value: Any) -> str | None:
        if type(value) is str and len(value) <= MAX_TEXT and not BAD_CHAR_RE.search(value):
            return value  # the common case, checked at once
        if isinstance(value, bool):
            self.problem(
                rec,
                fld,
                f"expected text, got the boolean {str(value).lower()}",
                f'quote it: {fld}: "{"yes" if value else "no"}" (or the word you meant)',
            )
            return None
        if getattr(value, "written", None) is not None:  # a number or date, as the file wrote it
            value = value.written
        elif isinstance(value, (int, float)):
            value = str(value)
        elif isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, date):
            value = value.isoformat()
        if not isinstance(value, str):
            self.problem(rec, fld, f"expected text, got {_kind(value)}", "write a single value")
            return None
        if len(value) > MAX_TEXT:
            self.problem(
                rec,
                fld,
                f"text is {len(value)} characters long; the limit is {MAX_TEXT}",
                "shorten it or link to the full text with a url",
            )
            return None
        if CONTROL_RE.search(value):
            self.problem(
                rec,
                fld,
                "text contains a control character (e.g. NUL)",
                "remove it; only tabs and line breaks are allowed",
            )
            return None
        bad = SURROGATE_RE.search(value)
        if bad:
            self.problem(
                rec,
                fld,
                f"text contains a lone surrogate \\u{ord(bad.group()):04x}, which is not a character",
                "write the character itself, or in YAML its \\U0001XXXX escape",
            )
            return None
        return value

    def identifiers(self, rec: Record, fld: str, value: Any) -> list[str] | None:
        """An instrument's official identifiers: a mapping {scheme: value}, or
        a list (in CSV, ;-joined) of "scheme:value"; each scheme known and
        each value in its scheme's form. Sorted "scheme:value" texts."""
        if rec.textual and isinstance(value, str):
            value = [v.strip() for v in value.split(";") if v.strip()]
        if isinstance(value, list):
            pairs = []
            for item in value:
                text = self.text(rec, fld, item)
                if text is None:
                    return None
                scheme, _, ident = text.partition(IDENTIFIER_SEPARATOR)
                pairs.append((scheme.strip(), ident.strip()))
        elif isinstance(value, dict):
            pairs = [(str(k), v) for k, v in value.items()]
        else:
            self.problem(
                rec, fld, f"expected a mapping, got {_kind(value)}", "write identifiers: {celex: 32024R1689, ...}"
            )
            return None
        out, ok = [], True
        for scheme, ident in pairs:
            if scheme not in IDENTIFIER_SCHEMES:
                close = difflib.get_close_matches(scheme, list(IDENTIFIER_SCHEMES), n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                self.problem(
                    rec,
                    fld,
                    f"unknown identifier scheme {_show(scheme)}",
                    f"{hint}use one of: {', '.join(IDENTIFIER_SCHEMES)}",
                )
                ok = False
                continue
            text = self.text(rec, f"{fld}.{scheme}", ident)
            if text is None:
                ok = False
                continue
            pattern, example = IDENTIFIER_SCHEMES[scheme]
            if not _identifier_re(scheme).fullmatch(text.strip()):
                self.problem(
                    rec,
                    fld,
                    f"bad {scheme} identifier {_show(text)}",
                    f"write it in the form {example} (pattern {pattern})",
                )
                ok = False
                continue
            out.append(f"{scheme}{IDENTIFIER_SEPARATOR}{text.strip()}")
        return sorted(out) if ok else None

    def convert(self, rec: Record, fld: str, prop: Property, value: Any) -> Any:
        if fld == "identifiers":
            return self.identifiers(rec, fld, value)
        if type(prop) is StringProperty:  # most fields: text, plain or one of a few choices
            if prop.choices is None:
                return self.text(rec, fld, value)
            if type(value) is str and value in prop.choices:
                return self.text(rec, fld, value)
        if isinstance(prop, ArrayProperty):
            if rec.textual and isinstance(value, str):
                value = [v.strip() for v in value.split(";") if v.strip()]
            if not isinstance(value, list):
                self.problem(
                    rec,
                    fld,
                    f"expected a list, got {_kind(value)}",
                    "write a YAML list ([a, b]) or, in CSV, values separated by ;",
                )
                return None
            out = [self.convert(rec, fld, prop.base_property, v) for v in value]
            return None if any(v is None for v in out) else out
        if isinstance(prop, BooleanProperty):
            if rec.textual and isinstance(value, str):
                low = value.strip().lower()
                if low in ("true", "yes", "1"):
                    return True
                if low in ("false", "no", "0"):
                    return False
            if isinstance(value, bool):
                return value
            self.problem(rec, fld, f"expected true or false, got {_show(value)}", "write true or false")
            return None
        if isinstance(prop, IntegerProperty):
            if rec.textual and isinstance(value, str) and INT_RE.fullmatch(value.strip()):
                try:
                    value = int(value.strip())
                except ValueError:  # more than 4300 digits
                    pass
            if isinstance(value, int) and not isinstance(value, bool):
                if not -(2**63) <= value < 2**63:
                    self.problem(rec, fld, f"number {_show(value)} is out of range", "use a smaller number")
                    return None
                return int(value)
            self.problem(rec, fld, f"expected a whole number, got {_show(value)}", "write digits only, e.g. 3")
            return None
        if isinstance(prop, NativeDateProperty):
            if isinstance(value, datetime):
                self.problem(rec, fld, f"expected a date, got a date and time {value.isoformat()}", "write YYYY-MM-DD")
                return None
            if isinstance(value, date):
                return date(value.year, value.month, value.day)
            if isinstance(value, str) and DATE_RE.match(value.strip()):
                try:
                    return date.fromisoformat(value.strip())
                except ValueError:
                    pass
            self.problem(rec, fld, f"bad date {_show(value)}", "write a real calendar date as YYYY-MM-DD")
            return None
        if isinstance(prop, DateTimeNeo4jFormatProperty):
            return value
        if isinstance(prop, StringProperty):
            value = self.text(rec, fld, value)
            if value is None:
                return None
            if prop.choices is not None and value not in prop.choices:
                close = difflib.get_close_matches(value, list(prop.choices), n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                self.problem(rec, fld, f"bad value {_show(value)}", f"{hint}use one of: {', '.join(prop.choices)}")
                return None
            return value
        return value

    # -- records ----------------------------------------------------------
    def fields(self, rec: Record, section: NodeSection | EdgeSection) -> bool:
        """Are the record's fields all known, and the required ones there?"""
        allowed = data_fields(section)
        ok = True
        for key in () if rec.data.keys() <= _known_fields(section) else rec.data:
            if key not in allowed and key not in INFORMATIONAL_FIELDS:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                self.problem(
                    rec, key, f"unknown field {_show(key)}", f"{hint}{section.name} fields are: {', '.join(allowed)}"
                )
                ok = False
        for req in required_fields(section):
            value = rec.data.get(req)
            if value is None or (isinstance(value, str) and _blank(value)):
                self.problem(rec, req, f"missing required field {req!r}", _required_hint(section, req, req in rec.data))
                ok = False
        return ok

    def props(self, rec: Record, section: NodeSection | EdgeSection) -> tuple[dict[str, Any], bool]:
        """The record's properties, converted to the schema's types (None
        where a value is missing or has a problem), and whether all were
        right."""
        out: dict[str, Any] = {}
        ok = True
        for name, prop in section.properties().items():
            value = rec.data.get(name)
            if value is None or value == "":  # an empty text is no value, in every format (CSV cannot tell them apart)
                out[name] = prop.default_value() if prop.has_default else None  # catalog: the curated one
                continue
            converted = self.convert(rec, name, prop, value)
            if converted is None:
                ok = False
            out[name] = converted
        return out, ok

    def key(self, rec: Record, section: NodeSection, value: Any) -> str | None:
        if not isinstance(value, str):
            if getattr(value, "written", None) is not None:
                value = value.written
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                value = str(value)
            else:
                self.problem(rec, section.key, f"expected text, got {_kind(value)}", "write the key as text")
                return None
        pattern, rule = KEY_PATTERNS[section.key]
        if not pattern.fullmatch(value):  # not match: '$' would let a trailing newline through
            self.problem(rec, section.key, f"bad {section.key} {_show(value)}", f"use {rule}")
            return None
        return value

    def claims(
        self, rec: Record, section: NodeSection | EdgeSection, props: dict[str, Any], refs: dict[str, Any] | None = None
    ) -> bool:
        """A record's departures from a source: each claimed_<field> the
        source claimed_by gives, which must differ from the record's own
        <field> (a property, or a reference in ``refs``); claimed_by and at
        least one claimed value come together."""
        fields = _claim_fields(section)
        if not fields:
            return True
        by = props.get(CLAIMED_BY)
        claimed = {k: props[k] for k in fields if props.get(k) is not None}
        if not claimed and by is None:
            return True
        ok = True
        if by is None:
            first = next(iter(claimed))
            self.problem(
                rec,
                first,
                f"{first} has no claimed_by",
                "add claimed_by: <id of the source that gives the claimed value>",
            )
            ok = False
        if not claimed and all(rec.data.get(k) in (None, "") for k in fields):  # not merely a bad one
            self.problem(
                rec,
                CLAIMED_BY,
                f"claimed_by {_show(by)} names the source of no claimed value",
                f"add the value it gives ({', '.join(fields)}) or remove claimed_by",
            )
            ok = False
        for fld, value in claimed.items():
            own_field = fld[len(CLAIM_PREFIX) :]
            own = props.get(own_field) if own_field in props else (refs or {}).get(own_field)
            if own == value:
                shown = value.isoformat() if isinstance(value, date) else _show(value)
                self.problem(
                    rec,
                    fld,
                    f"{fld} {shown} is the record's own {own_field}",
                    f"a claimed value records a departure: remove {fld}, or correct {own_field}",
                )
                ok = False
        return ok

    def status_history(self, rec: Record, value: Any, status: str | None) -> dict[str, list] | None:
        if value is None:
            return {"status_dates": [], "status_values": [], "status_sources": []}
        fld = "status_history"
        if rec.textual and isinstance(value, str):
            items = []
            for part in (p.strip() for p in value.split(";") if p.strip()):
                bits = part.split(":", 2)
                if len(bits) != 3:
                    self.problem(rec, fld, f"bad status_history entry {_show(part)}", "write date:status:source; ...")
                    return None
                items.append({"date": bits[0], "status": bits[1], "source": bits[2]})
            value = items
        if not isinstance(value, list) or not value:
            self.problem(rec, fld, "expected a list of {date, status, source}", "see docs/data-format.md")
            return None
        dates, values, sources = [], [], []
        for item in value:
            if (
                not isinstance(item, dict)
                or set(item) - {"date", "status", "source"}
                or not {"date", "status", "source"} <= set(item)
            ):
                self.problem(
                    rec,
                    fld,
                    f"bad entry {_show(dict(item) if isinstance(item, dict) else item)}",
                    "each entry has exactly date, status and source",
                )
                return None
            d = self.convert(rec, fld, NativeDateProperty(), item["date"])
            s = item["status"]
            if s not in STATUSES:
                self.problem(rec, fld, f"bad status {_show(s)}", "use one of: " + ", ".join(STATUSES))
                return None
            src = self.text(rec, fld, item["source"])
            if d is None or src is None:
                return None
            dates.append(d), values.append(s), sources.append(src)
        if dates != sorted(dates):
            self.problem(rec, fld, "dates are not in order", "list the statuses oldest first")
            return None
        if status is not None and values[-1] != status:
            self.problem(
                rec,
                fld,
                f"last status {values[-1]!r} differs from status {status!r}",
                "make the newest entry match the current status",
            )
            return None
        return {"status_dates": dates, "status_values": values, "status_sources": sources}


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    kind = next((t for t in (bool, int, float, datetime, date, bytes, str) if isinstance(value, t)), type(value))
    return f"{kind.__name__} {_show(value)}"


def _show(value: Any, limit: int = 80) -> str:
    """A value for a message: as the file wrote it, or its repr (which escapes
    control, format and bidi characters); cut short when long."""
    written = getattr(value, "written", None)
    if written is not None:
        text = written
    else:
        try:
            text = repr(value)
        except (ValueError, RecursionError):  # a huge int, a deeply nested list
            text = f"a {type(value).__name__}"
    if len(text) > limit:
        text = f"{text[: limit - 20]}... ({len(text)} characters)"
    return text


def _required_hint(section: NodeSection | EdgeSection, fld: str, empty: bool = False) -> str:
    """How to give a required field: add it, or (``empty``) fill it in."""
    if fld == "source":
        if empty:
            return "every fact needs a source: fill in the id of a record in sources"
        return "every fact needs a source: add source: <id of a record in sources>"
    if empty:
        prop = section.properties().get(fld)
        ref = next((r for r in getattr(section, "refs", ()) if r.field == fld), None)
        if ref is not None:
            target = NODE_SECTION_BY_NAME[ref.targets[0]]
            return f"fill in the {target.key} of a {target.singular}"
        if isinstance(prop, BooleanProperty):
            return "fill in true or false"
        if getattr(prop, "choices", None):
            return f"fill in one of: {', '.join(prop.choices)}"
        return "fill in its value"
    return f"add {fld}: to this {section.singular} record"


def _suggest(value: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, sorted(candidates), n=3, cutoff=0.6)
    return ("did you mean " + ", ".join(repr(c) for c in close) + "?") if close else ""


class Validator:
    """Checks records in two steps: every node record at once (``nodes``),
    then edge records one at a time (``edge``), so edges may come from a
    stream that is never held in memory. ``finish`` checks the references
    left pending and returns every problem found."""

    def __init__(self, known: dict[str, Any] | None = None, prune: bool = False, today: date | None = None):
        self.chk = _Checker(known)
        self.catalog = Catalog()
        self.pending_refs: list[tuple[Record, Ref, str]] = []
        self.ranks: dict[int, tuple[str, str, int | None]] = {}  # catalog_rank -> (id, file, line) in the files
        self.unranked: list[tuple[Record, dict[str, Any]]] = []  # valid instrument rows with no catalog_rank
        self._catalogs: dict[tuple[str, str], str | None] | None = None  # (section, key) -> catalog, for the cells
        self.prune = prune  # the graph ends up equal to the files: stored instruments not in them go
        self.today = today or date.today()
        self.source_kinds: dict[str, str | None] = {}  # the files' sources: id -> kind (None: the record has a problem)

    @property
    def problems(self) -> list[Problem]:
        return self.chk.problems

    def nodes(self, by_section: dict[str, list[Record]]) -> None:
        """Validate all node records (keys must be known before any
        reference is checked) into ``self.catalog.nodes``. Every check runs
        on every record, so one run reports all of a record's problems; a
        record with a problem is still known by its key, so references to it
        are not reported as unknown too."""
        chk, pending_refs = self.chk, self.pending_refs
        for section in NODE_SECTIONS:
            rows = self.catalog.nodes.setdefault(section.name, [])
            for rec in by_section.get(section.name, ()):
                ok = chk.fields(rec, section)
                raw_key = rec.data.get(section.key)
                key = chk.key(rec, section, raw_key) if raw_key is not None else None
                props, props_ok = chk.props(rec, section)
                ok &= props_ok and key is not None
                for ref in section.prop_refs:
                    if props.get(ref.field) is not None:
                        pending_refs.append((rec, ref, props[ref.field]))
                props.pop(section.key, None)
                catalog = props.get("catalog")
                if catalog is not None and not re.fullmatch(CATALOG_PATTERN, catalog):
                    chk.problem(
                        rec,
                        "catalog",
                        f"bad catalog {_show(catalog)}",
                        "use lowercase letters, digits and _, starting with a letter (at most 32)",
                    )
                    ok = False
                if key is not None:
                    first = chk.defined[section.name].get(key)
                    if first:
                        chk.problem(
                            rec,
                            section.key,
                            f"duplicate {section.singular} {section.key} {key!r}",
                            f"first defined at {first[0]}:{first[1]}; keep one",
                        )
                        continue
                    chk.defined[section.name][key] = (rec.file, rec.line)
                if section.name == "instruments":
                    hist = chk.status_history(rec, rec.data.get("status_history"), props.get("status"))
                    if hist is None:
                        ok = False
                    else:
                        props.update(hist)
                        for src in hist["status_sources"] or ():
                            pending_refs.append((rec, Ref("status_history", ("sources",)), src))
                    if props.get("identifiers") and props.get("identifiers_source") is None:
                        chk.problem(
                            rec,
                            "identifiers",
                            "identifiers have no identifiers_source",
                            "add identifiers_source: <id of the official record that gives them>",
                        )
                        ok = False
                if section.name == "jurisdictions":
                    part_of = rec.data.get("part_of")
                    if props.get("kind") == "sub_national" and not part_of:
                        chk.problem(
                            rec,
                            "part_of",
                            "a sub_national jurisdiction needs part_of",
                            "add part_of: <code of its country>",
                        )
                        ok = False
                    elif part_of is not None and part_of == key:
                        chk.problem(rec, "part_of", "a jurisdiction cannot be part of itself", "fix part_of")
                        ok = False
                refs: dict[str, Any] = {}
                for ref in section.refs:
                    value = rec.data.get(ref.field)
                    if value is None:
                        refs[ref.field] = None
                        continue
                    text = chk.text(rec, ref.field, value)
                    if text is None:
                        ok = False
                        continue
                    refs[ref.field] = text
                    pending_refs.append((rec, ref, text))
                if section.name == "instruments":
                    ok &= self._rank(rec, key, props.get("catalog_rank")) if key is not None else True
                    ok &= self._dates_in_order(rec, props) & self._dates_and_status(rec, props)
                ok &= chk.claims(rec, section, props, refs)
                if not ok or key is None:
                    continue
                row = {"key": key, "props": props, "refs": refs, "source": props.get("source"), "where": rec}
                if section.name == "instruments" and props.get("catalog_rank") is None:
                    self.unranked.append((rec, row))
                rows.append(row)
        for key in self.chk.defined["sources"]:
            self.source_kinds[key] = None
        for row in self.catalog.nodes.get("sources", ()):
            self.source_kinds[row["key"]] = row["props"].get("kind")
        self._assign_ranks()
        if not self.prune:
            self._stored_ranks()

    def _assign_ranks(self) -> None:
        """Give each valid instrument row without a catalog_rank one: a
        stored instrument keeps its stored rank (unless the files give that
        rank to another), a new one takes the rank after the last in the
        graph and the files, in the order the files list them."""
        stored = {key: rank for rank, key in (self.chk.known.get(RANKS) or {}).items()}
        following = self._free_rank()
        for rec, row in self.unranked:
            key = row["key"]
            rank = stored.get(key)
            if rank is None or rank in self.ranks:
                rank, following = following, following + 1
            row["props"]["catalog_rank"] = rank
            self.ranks[rank] = (key, rec.file, rec.line_of("catalog_rank"))
        self.unranked = []

    def _rank(self, rec: Record, key: str, rank: int | None) -> bool:
        """An instrument's catalog_rank: 1 or more, and its own in the files."""
        if rank is None:
            return True
        if rank < 1:
            self.chk.problem(
                rec,
                "catalog_rank",
                f"catalog_rank {rank} is below 1",
                "ranks count from 1 (the first instrument in catalog order)",
            )
            return False
        first = self.ranks.get(rank)
        if first is not None:
            self.chk.problem(
                rec,
                "catalog_rank",
                f"catalog_rank {rank} is also held by {first[0]} ({first[1]}:{first[2]})",
                f"give each instrument its own rank, e.g. {self._free_rank()} (the next free one)",
            )
            return False
        self.ranks[rank] = (key, rec.file, rec.line_of("catalog_rank"))
        return True

    # An instrument's legal dates, in the order its life takes them.
    DATE_ORDER = (("introduced", "adopted"), ("adopted", "effective"), ("adopted", "ended"), ("effective", "ended"))

    def _dates_in_order(self, rec: Record, props: dict[str, Any]) -> bool:
        ok = True
        for earlier, later in self.DATE_ORDER:
            a, b = props.get(earlier), props.get(later)
            if a is not None and b is not None and b < a:
                self.chk.problem(
                    rec,
                    later,
                    f"{later} {b.isoformat()} is before {earlier} {a.isoformat()}",
                    f"check both dates: an instrument's {later} date cannot precede its {earlier} date",
                )
                ok = False
        return ok

    IN_FORCE = ("in_force", "partially_in_force")
    ENDED = ("revoked", "vetoed")
    ADOPTED = ("in_force", "partially_in_force", "adopted_not_in_force", "revoked")  # statuses taken once adopted
    LIFE_DATES = ("introduced", "adopted", "effective", "ended")

    def _dates_and_status(self, rec: Record, props: dict[str, Any]) -> bool:
        """An instrument's status against its dates and today: a proposed
        instrument is not adopted after today (one adopted earlier is a
        warning: its status may be out of date); no status an adopted instrument
        takes is dated before its adoption; an instrument in force was
        adopted and took effect by today, one revoked or vetoed ended by
        today. Any other date after today is a warning (a planned date, or
        a typo)."""
        chk, today = self.chk, self.today
        status, adopted = props.get("status"), props.get("adopted")
        ok = True
        future: set[str] = set()
        if status == "proposed" and adopted is not None and adopted > today:
            chk.problem(
                rec,
                "adopted",
                f"status is proposed, but adopted {adopted.isoformat()} is after today ({today.isoformat()})",
                "a proposed instrument is not adopted yet: leave adopted empty (write a planned date in "
                "date_note), or set status to the one it has now",
            )
            ok = False
            future.add("adopted")
        elif status == "proposed" and adopted is not None:
            self.warn(
                rec,
                "adopted",
                f"status is proposed, but adopted {adopted.isoformat()} is given",
                "if it was adopted, set status (and status_history) to what it became",
            )
        for when, value in zip(props.get("status_dates") or (), props.get("status_values") or ()):
            if adopted is not None and value in self.ADOPTED and when < adopted:
                chk.problem(
                    rec,
                    "status_history",
                    f"status {value} dated {when.isoformat()} is before adopted {adopted.isoformat()}",
                    f"an instrument is {value} only once adopted: fix that entry's date or adopted",
                )
                ok = False
        checks = [("adopted", self.IN_FORCE), ("effective", self.IN_FORCE), ("ended", self.ENDED)]
        for fld, statuses in checks:
            value = props.get(fld)
            if value is not None and value > today and status in statuses:
                chk.problem(
                    rec,
                    fld,
                    f"{fld} {value.isoformat()} is after today ({today.isoformat()}), but status is {status}",
                    f"fix {fld}, or set status to the one it has today (a planned {fld} date goes with status "
                    f"{'adopted_not_in_force or proposed' if status in self.IN_FORCE else 'in_force'})",
                )
                ok = False
                future.add(fld)
        for fld in self.LIFE_DATES:
            value = props.get(fld)
            if value is not None and value > today and fld not in future:
                self.warn(
                    rec,
                    fld,
                    f"{fld} {value.isoformat()} is after today ({today.isoformat()})",
                    "kept as a planned date: pages as of an earlier day do not count it; if it is a typo, fix it",
                )
        later = [d for d in props.get("status_dates") or () if d > today]
        if later:
            self.warn(
                rec,
                "status_history",
                f"a status is dated {later[0].isoformat()}, after today ({today.isoformat()})",
                "kept as a planned change: pages show it from that date on; if it is a typo, fix it",
            )
        return ok

    def warn(self, rec: Record, fld: str, message: str, hint: str) -> None:
        """Something to check that does not stop the load."""
        self.catalog.warnings.append(Problem(rec.file, rec.line_of(fld), f"{rec.section}.{fld}", message, hint))

    def _stored_ranks(self) -> None:
        """A rank the files give that a stored instrument, not in the files,
        holds now (the files may swap or move the ranks of instruments they
        hold)."""
        stored = self.chk.known.get(RANKS) or {}
        loaded = set(self.chk.defined["instruments"])
        for rank, (key, file, line) in sorted(self.ranks.items()):
            holder = stored.get(rank)
            if holder is not None and holder != key and holder not in loaded:
                self.chk.problems.append(
                    Problem(
                        file,
                        line,
                        "instruments.catalog_rank",
                        f"catalog_rank {rank} is held by {holder}, already in the catalog",
                        f"give {key} a free rank, e.g. {self._free_rank()}, or include {holder} with its new rank",
                    )
                )

    def _free_rank(self) -> int:
        stored = self.chk.known.get(RANKS) or {}
        return max([0, *self.ranks, *stored]) + 1

    def edge(self, rec: Record, section: EdgeSection) -> tuple[tuple[str, str, str], tuple, dict[str, Any]] | None:
        """One edge record (after ``nodes``): its group (section, start label,
        end label), its identity (for finding duplicates) and the row to
        write; None if it has a problem. Its references are checked now."""
        chk = self.chk
        ok = chk.fields(rec, section)  # every check runs: all of a record's problems in one run
        props, props_ok = chk.props(rec, section)
        start_value, end_value = rec.data.get(section.start.field), rec.data.get(section.end.field)
        start = chk.text(rec, section.start.field, start_value) if start_value is not None else None
        end = chk.text(rec, section.end.field, end_value) if end_value is not None else None
        start_sec = _resolve(chk, rec, section.start, start) if start is not None else None
        end_sec = _resolve(chk, rec, section.end, end) if end is not None else None
        for ref in section.prop_refs:
            if props.get(ref.field) is not None:
                _resolve(chk, rec, ref, props[ref.field])
        claims_ok = chk.claims(rec, section, props)
        if section.name == "treats":
            ok &= self._confidence(rec, props)
        if not (ok and props_ok and claims_ok) or start_sec is None or end_sec is None:
            return None
        assert start is not None and end is not None
        if section.name in ("conflicts", "similar") and start == end:
            chk.problem(
                rec,
                section.end.field,
                f"{section.singular} edge from {_show(start)} to itself",
                "name two different records",
            )
            return None
        if section.name in ("treats", "broader") and not self._same_catalog(rec, section, start_sec, start, end):
            return None
        ident = (section.name, start_sec, start, end_sec, end, *(props.get(k) for k in section.key_props))
        if section.name == "conflicts":  # CONFLICTS_WITH reads both ways
            ident = (section.name, *sorted([start, end]), props.get("topic"))
        group = (section.name, NODE_SECTION_BY_NAME[start_sec].label, NODE_SECTION_BY_NAME[end_sec].label)
        return group, ident, {"start": start, "end": end, "props": props}

    def _same_catalog(self, rec: Record, section: EdgeSection, start_sec: str, start: str, end: str) -> bool:
        """A cell (or a BROADER edge) joins records of one catalog, where the
        files hold both (docs/catalogs.md)."""
        if self._catalogs is None:
            self._catalogs = {
                (name, row["key"]): row["props"].get("catalog")
                for name in ("instruments", "topics")
                for row in self.catalog.nodes.get(name) or ()
            }
        a = self._catalogs.get((start_sec, start))
        b = self._catalogs.get(("topics", end))
        if a is None or b is None or a == b:
            return True
        self.chk.problem(
            rec,
            section.end.field,
            f"{start} is of catalog {a}, topic {end} of catalog {b}",
            "a cell joins an instrument and a topic of one catalog",
        )
        return False

    def _confidence(self, rec: Record, props: dict[str, Any]) -> bool:
        """The confidence rule: a cell at confidence high cites a primary
        source (a source of the files, or else of the graph, of kind
        primary). An unknown source, or one whose record has a problem, is
        reported where it is named or defined, not again here."""
        source = props.get("source")
        if props.get("confidence") != CHECKED_CONFIDENCE or source is None:
            return True
        if source in self.source_kinds:
            kind = self.source_kinds[source]
        else:
            kind = (self.chk.known.get(SOURCE_KINDS) or {}).get(source)
        if kind is None or kind == PRIMARY_SOURCE_KIND:
            return True
        self.chk.problem(
            rec,
            "confidence",
            f"confidence {CHECKED_CONFIDENCE} needs a primary source, but source {_show(source)} is of kind {kind}",
            f"cite the primary text the mode and pinpoint were checked in (a source with kind: "
            f"{PRIMARY_SOURCE_KIND}), or set confidence: medium (the confidence rule in docs/data-format.md)",
        )
        return False

    def duplicate(
        self, where: tuple[str, int | None], section: EdgeSection, ident: tuple[str, ...], first: tuple[str, int | None]
    ) -> None:
        """Report a second record with the identity ``ident`` (as ``edge``
        gives it, each part as text) at ``where``."""
        shown = ident[1:] if section.name == "conflicts" else (ident[2], ident[4], *ident[5:])
        what = "(" + ", ".join(part for part in shown if part) + ")"
        self.chk.problems.append(
            Problem(
                where[0],
                where[1],
                section.name,
                f"duplicate {section.singular} record for {what}",
                f"first at {first[0]}:{first[1]}; keep one",
            )
        )

    def finish(self) -> list[Problem]:
        for rec, ref, value in self.pending_refs:
            _resolve(self.chk, rec, ref, value)
        self.pending_refs = []
        return self.chk.problems


@functools.cache
def _claim_fields(section: NodeSection | EdgeSection) -> tuple[str, ...]:
    """The claimed_<field> properties of ``section`` (claimed_by aside)."""
    return tuple(k for k in section.properties() if k.startswith(CLAIM_PREFIX) and k != CLAIMED_BY)


@functools.cache
def _known_fields(section: NodeSection | EdgeSection) -> frozenset[str]:
    """The fields a record of ``section`` may have, as a set (a record whose
    keys all are in it needs no field-by-field check)."""
    return frozenset((*data_fields(section), *INFORMATIONAL_FIELDS))


def _resolve(chk: _Checker, rec: Record, ref: Ref, value: str) -> str | None:
    """The section a referenced key belongs to, or None (and a problem)."""
    if len(ref.targets) == 1:  # the common case: one section it can be in, and it is there
        target = ref.targets[0]
        if value in chk.defined[target] or value in chk.known.get(target, ()):
            return target
    hits = [t for t in ref.targets if value in chk.defined[t] or value in chk.known.get(t, ())]
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        chk.problem(
            rec,
            ref.field,
            f"{_show(value)} is both a {' and a '.join(NODE_SECTION_BY_NAME[t].singular for t in hits)}",
            "rename one of them",
        )
        return None
    names = " or ".join(NODE_SECTION_BY_NAME[t].singular for t in ref.targets)
    candidates = {k for t in ref.targets for k in (*chk.defined[t], *chk.known.get(t, ()))}
    hint = _suggest(value, candidates) or f"define it in a `{ref.targets[0]}:` section or fix the {ref.field}"
    chk.problem(rec, ref.field, f"unknown {names} {_show(value)}", hint)
    return None


@functools.cache
def _identifier_re(scheme: str) -> re.Pattern[str]:
    return re.compile(IDENTIFIER_SCHEMES[scheme][0])
