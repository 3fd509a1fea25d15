"""Official identifiers read from a document's URL.

``data/crosswalks/identifiers.yaml`` lists URL patterns, each giving one
identifier scheme (``kb.schema.model.IDENTIFIER_SCHEMES``): an EUR-Lex URL
carries a CELEX number, a Federal Register URL its document number, a
doi.org URL a DOI. An import gives each instrument the identifiers its URL
carries (docs/catalogs.md, "Identifiers").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from kb.errors import Problem
from kb.schema.model import IDENTIFIER_SCHEMES, IDENTIFIER_SEPARATOR


@dataclass(frozen=True)
class UrlPattern:
    scheme: str
    pattern: re.Pattern[str]
    value: str = "{id}"


def read_url_patterns(path: Path, problems: list[Problem]) -> list[UrlPattern]:
    """The URL patterns of an identifiers file; each problem in ``problems``."""
    where = str(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        problems.append(Problem(where, None, None, f"cannot read the identifiers file: {e}", "fix the file"))
        return []
    entries = doc.get("url_patterns") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        problems.append(Problem(where, None, "url_patterns", "no url_patterns list", "see docs/catalogs.md"))
        return []
    out = []
    for n, entry in enumerate(entries, 1):
        field = f"url_patterns[{n}]"
        if not isinstance(entry, dict) or entry.get("scheme") not in IDENTIFIER_SCHEMES:
            scheme = entry.get("scheme") if isinstance(entry, dict) else None
            problems.append(
                Problem(
                    where, None, field, f"unknown scheme {scheme!r}", "use one of: " + ", ".join(IDENTIFIER_SCHEMES)
                )
            )
            continue
        try:
            pattern = re.compile(str(entry.get("pattern")))
        except re.error as e:
            problems.append(Problem(where, None, field, f"bad pattern: {e}", "a Python regular expression"))
            continue
        out.append(UrlPattern(entry["scheme"], pattern, str(entry.get("value") or "{id}")))
    return out


def identifiers_in_url(url: str | None, patterns: list[UrlPattern]) -> list[str]:
    """The "scheme:value" identifiers ``url`` carries, sorted; a value not in
    its scheme's form is left out."""
    found = set()
    for p in patterns if url else ():
        m = p.pattern.search(url)
        if m is None:
            continue
        try:
            value = p.value.format(**m.groupdict())
        except (KeyError, IndexError):
            continue
        if re.fullmatch(IDENTIFIER_SCHEMES[p.scheme][0], value):
            found.add(f"{p.scheme}{IDENTIFIER_SEPARATOR}{value}")
    return sorted(found)
