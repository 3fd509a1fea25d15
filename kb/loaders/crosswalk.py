"""The crosswalk's reviewed lists (data/crosswalks, docs/catalogs.md).

``same-as.yaml`` lists pairs of instruments a person judged to be the same
(SAME_AS) where no shared official identifier links them; ``topics.yaml``
lists kb topics related to another catalog's tags. Each entry keeps its
file and line, so a problem found against the graph names where to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb.errors import Problem, ValidationFailed
from kb.loaders.mapping import slug_of
from kb.loaders.yaml_file import parse_yaml


@dataclass(frozen=True)
class ReviewedLink:
    """A curated instrument and another catalog's instrument, judged the same."""

    instrument: str
    catalog: str
    other: str
    reviewed_by: str
    note: str
    file: str
    line: int | None


@dataclass(frozen=True)
class TopicLink:
    """A kb topic and another catalog's tag topic on a related question."""

    topic: str
    catalog: str
    tag: str
    slug: str  # the tag's topic slug in that catalog
    note: str
    file: str
    line: int | None


def _entries(path: Path, section: str, problems: list[Problem]) -> list[Any]:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        problems.append(Problem(name, None, None, f"cannot read the crosswalk: {e}", "fix the file"))
        return []
    doc, found = parse_yaml(text, name)
    problems.extend(found)
    if found:
        return []
    entries = (doc or {}).get(section) if isinstance(doc or {}, dict) else None
    if entries is None:
        return []
    if not isinstance(entries, list):
        problems.append(
            Problem(name, getattr(doc, "line", None), section, f"{section} is a list", "see docs/catalogs.md")
        )
        return []
    return entries


def _fields(
    entry: Any, name: str, section: str, required: tuple[str, ...], optional: tuple[str, ...], problems: list[Problem]
) -> dict[str, str] | None:
    line = getattr(entry, "line", None)
    if not isinstance(entry, dict):
        problems.append(Problem(name, line, section, "an entry is a mapping", "write {" + ", ".join(required) + "}"))
        return None
    ok = True
    for key in entry:
        if key not in required + optional:
            hint = "fields are: " + ", ".join(required + optional)
            problems.append(Problem(name, entry.line_of(key), f"{section}.{key}", f"unknown field {key!r}", hint))
            ok = False
    out = {}
    for key in required + optional:
        value = entry.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if key in required:
                problems.append(
                    Problem(name, line, f"{section}.{key}", f"missing {key}", f"add {key}: ... (docs/catalogs.md)")
                )
                ok = False
            continue
        out[key] = str(value).strip()
    return out if ok else None


def read_same_as(path: Path) -> list[ReviewedLink]:
    """The reviewed SAME_AS list in ``path``; every problem raised at once."""
    problems: list[Problem] = []
    name, out, seen = str(path), [], {}
    for entry in _entries(path, "same_as", problems):
        f = _fields(entry, name, "same_as", ("instrument", "catalog", "other", "reviewed_by"), ("note",), problems)
        if f is None:
            continue
        pair = (f["instrument"], f["catalog"], f["other"])
        if pair in seen:
            problems.append(
                Problem(
                    name, entry.line, "same_as", f"{pair[0]} = {pair[2]} is listed twice", f"first at line {seen[pair]}"
                )
            )
            continue
        seen[pair] = entry.line
        out.append(ReviewedLink(*pair, f["reviewed_by"], f.get("note", ""), name, entry.line))
    if problems:
        raise ValidationFailed(problems)
    return out


def read_topic_links(path: Path) -> list[TopicLink]:
    """The related-topic list in ``path``; every problem raised at once."""
    problems: list[Problem] = []
    name, out = str(path), []
    for entry in _entries(path, "topics", problems):
        f = _fields(entry, name, "topics", ("topic", "catalog", "tag"), ("note",), problems)
        if f is None:
            continue
        slug = slug_of(f"{f['catalog']}_", f["tag"])
        out.append(TopicLink(f["topic"], f["catalog"], f["tag"], slug, f.get("note", ""), name, entry.line))
    if problems:
        raise ValidationFailed(problems)
    return out
