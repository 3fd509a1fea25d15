"""A tagged catalog's mapping: which of its CSV columns fill which of kb's fields.

A mapping is a YAML file (docs/catalogs.md) read into a ``Mapping``. Every
problem in it is reported at once, as a ``MappingError`` naming the file,
the key and how to fix it; columns are named, never numbered.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kb.errors import Problem, ValidationFailed
from kb.loaders.identifiers import UrlPattern, read_url_patterns
from kb.schema.model import CATALOG_PATTERN, INSTRUMENT_KINDS, STATUSES

BINDING_KINDS = ("binding_regulation", "executive_order", "international_treaty")


@dataclass
class Mapping:
    """How the rows of one catalog's CSV become kb records."""

    path: str
    catalog: str
    title: str  # the catalog's name in words: "AGORA"
    source: dict[str, Any]  # the export as a Source record: id, title, url, publisher
    id_column: str
    id_prefix: str = ""
    id_numeric: bool = False  # order (and check) the ids as numbers
    name: str = ""
    short_name: str | None = None
    url: str | None = None
    notes: str | None = None
    introduced: str | None = None
    adopted: str | None = None
    adopted_when: dict[str, list[str]] = field(default_factory=dict)  # column -> values that make the date an adoption
    status_column: str | None = None
    status_date: str | None = None
    status_values: dict[str, str] = field(default_factory=dict)
    status_default: str = "in_force"
    kind: str = "binding_regulation"
    kind_by_authority: dict[str, str] = field(default_factory=dict)
    jurisdiction_column: str | None = None
    jurisdiction_values: dict[str, str] = field(default_factory=dict)
    jurisdictions_file: str | None = None  # the crosswalk of jurisdiction records kb may have to add
    identifiers_file: str | None = None  # the URL patterns of official identifiers (identifiers.yaml)
    url_patterns: list[UrlPattern] = field(default_factory=list)
    authority_column: str | None = None  # AGORA: the issuing body (kb.loaders.agora)
    tag_pattern: str | None = None  # tags as true/false columns: the columns whose names match
    tag_column: str | None = None  # tags as one column of names ...
    tag_separator: str = ";"  # ... separated by this
    tag_prefix: str = ""
    tag_parent: str | None = None  # "Risk factors: Bias" -> parent "Risk factors" when ": "
    reviewed_column: str | None = None  # true: a tag not given is a reviewed-silent cell; false: no cells
    confidence_high: str | None = None  # true here: cells of confidence high (checked in a primary source)
    confidence_medium: str | None = None  # true here: medium (e.g. validated by the catalog), unless high
    confidence_low: str | None = None  # true here: low (e.g. machine output), unless high or medium
    confidence_default: str = "medium"  # none of them true
    collections_column: str | None = None
    collections_separator: str = ";"
    ignore: list[str] = field(default_factory=list)  # columns known and not used

    def columns(self) -> list[tuple[str, str]]:
        """(key, column) of every column the mapping names."""
        named = [
            ("id", self.id_column),
            ("name", self.name),
            ("short_name", self.short_name),
            ("url", self.url),
            ("notes", self.notes),
            ("introduced", self.introduced),
            ("adopted", self.adopted),
            *(("adopted.when", c) for c in self.adopted_when),
            ("status.column", self.status_column),
            ("status.date", self.status_date),
            ("jurisdiction.column", self.jurisdiction_column),
            ("authority", self.authority_column),
            ("tags.column", self.tag_column),
            ("reviewed", self.reviewed_column),
            ("confidence.high", self.confidence_high),
            ("confidence.medium", self.confidence_medium),
            ("confidence.low", self.confidence_low),
            ("collections.column", self.collections_column),
        ]
        return [(k, c) for k, c in named if c]


TOP_KEYS = {
    "catalog",
    "title",
    "source",
    "id",
    "name",
    "short_name",
    "url",
    "notes",
    "introduced",
    "adopted",
    "status",
    "kind",
    "jurisdiction",
    "authority",
    "tags",
    "reviewed",
    "confidence",
    "collections",
    "identifiers",
    "ignore",
}


def read_mapping(path: Path) -> Mapping:
    """The mapping in ``path``; every problem in it raised at once."""
    name = str(path)
    problems: list[Problem] = []

    def bad(key: str, message: str, hint: str = "see docs/catalogs.md") -> None:
        problems.append(Problem(name, None, key, message, hint))

    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise ValidationFailed([Problem(name, None, None, f"cannot read the mapping: {e}", "fix the YAML")]) from None
    if not isinstance(doc, dict):
        raise ValidationFailed([Problem(name, None, None, "a mapping file is a YAML mapping", "see docs/catalogs.md")])
    for key in sorted(set(doc) - TOP_KEYS, key=str):
        bad(str(key), f"unknown key {key!r}", "keys are: " + ", ".join(sorted(TOP_KEYS)))

    def text(key: str, value: Any, required: bool = False) -> str | None:
        if value is None:
            if required:
                bad(key, f"missing {key}")
            return None
        if not isinstance(value, str) or not value:
            bad(key, f"{key} is a column name (text), not {value!r}")
            return None
        return value

    def section(key: str) -> dict[str, Any]:
        value = doc.get(key)
        if value is None:
            return {}
        if isinstance(value, str):
            return {"column": value}
        if not isinstance(value, dict):
            bad(key, f"{key} is a column name or a mapping")
            return {}
        return value

    catalog = doc.get("catalog")
    if not isinstance(catalog, str) or not re.fullmatch(CATALOG_PATTERN, catalog):
        bad("catalog", f"bad catalog {catalog!r}", "a name of lowercase letters, digits and _, e.g. oecd")
        catalog = "x"
    if catalog == "kb":
        bad("catalog", "kb is the curated catalog; an import has a catalog of its own", "name it, e.g. oecd")
    source = section("source")
    if not isinstance(source.get("title"), str):
        bad("source.title", "the source needs a title (the catalog's export, in words)")
    ident = section("id")
    status = section("status")
    for value in (status.get("values") or {}).values():
        if value not in STATUSES:
            bad("status.values", f"bad status {value!r}", "use one of: " + ", ".join(STATUSES))
    default_status = status.get("default", "in_force")
    if default_status not in STATUSES:
        bad("status.default", f"bad status {default_status!r}", "use one of: " + ", ".join(STATUSES))
    kind = section("kind") if isinstance(doc.get("kind"), dict) else {"default": doc.get("kind", "binding_regulation")}
    for value in [kind.get("default"), *(kind.get("by_authority_kind") or {}).values()]:
        if value not in INSTRUMENT_KINDS:
            bad("kind", f"bad kind {value!r}", "use one of: " + ", ".join(INSTRUMENT_KINDS))
    jurisdiction = section("jurisdiction")
    tags = section("tags")
    if bool(tags.get("columns")) == bool(tags.get("column")):
        bad("tags", "name the tags either as columns (a pattern their names match) or as one column", "")
    if tags.get("columns"):
        try:
            re.compile(tags["columns"])
        except (re.error, TypeError) as e:
            bad("tags.columns", f"bad pattern: {e}", "a Python regular expression")
    adopted = section("adopted")
    when = adopted.get("when") or {}
    if not isinstance(when, dict) or not all(isinstance(v, list) for v in when.values()):
        bad("adopted.when", "write when: {COLUMN: [VALUE, ...]}")
        when = {}
    confidence = section("confidence")
    if confidence.get("default", "medium") not in ("high", "medium", "low"):
        bad("confidence.default", f"bad confidence {confidence.get('default')!r}", "use high, medium or low")
    collections = section("collections")
    m = Mapping(
        path=name,
        catalog=catalog,
        title=str(doc.get("title") or catalog),
        source={k: v for k, v in source.items() if k in ("id", "title", "url", "publisher")},
        id_column=text("id.column", ident.get("column"), required=True) or "",
        id_prefix=str(ident.get("prefix") or ""),
        id_numeric=bool(ident.get("numeric")),
        name=text("name", doc.get("name"), required=True) or "",
        short_name=text("short_name", doc.get("short_name")),
        url=text("url", doc.get("url")),
        notes=text("notes", doc.get("notes")),
        introduced=text("introduced", doc.get("introduced")),
        adopted=text("adopted.column", adopted.get("column")),
        adopted_when={str(k): [str(x) for x in v] for k, v in when.items()},
        status_column=text("status.column", status.get("column")),
        status_date=text("status.date", status.get("date")),
        status_values={str(k): str(v) for k, v in (status.get("values") or {}).items()},
        status_default=str(default_status),
        kind=str(kind.get("default") or "binding_regulation"),
        kind_by_authority={str(k): str(v) for k, v in (kind.get("by_authority_kind") or {}).items()},
        jurisdiction_column=text("jurisdiction.column", jurisdiction.get("column")),
        jurisdiction_values={str(k): str(v) for k, v in (jurisdiction.get("values") or {}).items()},
        jurisdictions_file=jurisdiction.get("crosswalk"),
        identifiers_file=text("identifiers", doc.get("identifiers")),
        authority_column=text("authority", doc.get("authority")),
        tag_pattern=tags.get("columns"),
        tag_column=tags.get("column"),
        tag_separator=str(tags.get("separator") or ";"),
        tag_prefix=str(tags.get("prefix") or ""),
        tag_parent=tags.get("parent"),
        reviewed_column=text("reviewed", doc.get("reviewed")),
        confidence_high=text("confidence.high", confidence.get("high")),
        confidence_medium=text("confidence.medium", confidence.get("medium")),
        confidence_low=text("confidence.low", confidence.get("low")),
        confidence_default=str(confidence.get("default") or "medium"),
        collections_column=text("collections.column", collections.get("column")),
        collections_separator=str(collections.get("separator") or ";"),
        ignore=[str(c) for c in doc.get("ignore") or []],
    )
    if not m.jurisdiction_column and not m.authority_column:
        bad("jurisdiction", "name the column that gives each instrument's jurisdiction")
    if m.source.get("id") is None:
        m.source["id"] = f"{m.catalog}:export"
    if m.identifiers_file and (path.parent / m.identifiers_file).is_file():
        m.url_patterns = read_url_patterns(path.parent / m.identifiers_file, problems)
    if problems:
        raise ValidationFailed(problems)
    return m


@functools.cache
def slug_of(prefix: str, tag: str) -> str:
    """``agora_`` + ``Risk factors: Bias`` -> ``agora_risk_factors_bias``: lower-cased, every run
    of other characters than letters and digits one underscore."""
    return prefix + re.sub(r"[^a-z0-9]+", "_", tag.lower()).strip("_")
