"""The named queries: one ``.cypher`` file each in ``cypher/queries/``, read once.

A file starts with a header of ``//`` comment lines, one ``key: value`` each
(an indented ``//`` line continues the previous value)::

    // name: topic_coverage
    // title: Coverage of a topic
    // description: Every tracked instrument with its mode and pinpoint for one topic ...
    // param: slug (string, required) topic slug, e.g. open_weight_release
    // param: as_of (date, optional) only instruments adopted by then
    // example: {"slug": "open_weight_release"}
    // returns: on the shipped corpus, 26 rows: 3 explicit, 7 implicit, 16 silent
    // browser: :param slug => 'open_weight_release'   :param as_of => null

The declared parameters must be exactly the ``$names`` the query uses, so a
query runs unchanged in Neo4j Browser after ``:param``. This module parses
the files (``parse``) and finds a query by name (``get``); its parameters
are checked in ``kb.queries.params`` and it is run by ``kb.queries.reader``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from kb.errors import KbError, NotFound, closest
from kb.queries.params import PARAM_TYPES, Param, check_params

HEADER_KEYS = ("name", "title", "description", "param", "example", "returns", "browser")
REQUIRED_KEYS = ("name", "title", "description", "example", "returns", "browser")

_PARAM_RE = re.compile(r"^(?P<name>[a-z_][a-z0-9_]*)\s*\((?P<type>\w+),\s*(?P<req>required|optional)\)\s*(?P<doc>.*)$")
_USED_RE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def queries_dir() -> Path:
    from kb.config import cypher_dir

    return cypher_dir() / "queries"


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    example: dict[str, Any]
    returns: str
    browser: str
    text: str
    path: Path = field(compare=False)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "params": ", ".join(p.name + ("" if p.required else "?") + ":" + p.type for p in self.params),
            "description": self.description,
        }


class QueryFileError(KbError):
    """A .cypher file whose header is missing or wrong."""


def parse(text: str, path: Path) -> NamedQuery:
    """Parse one query file: its header and its body."""
    header: dict[str, list[str]] = {}
    order: list[tuple[str, str]] = []  # (key, value) in file order, for params
    body_start = 0
    lines = text.splitlines()
    last: tuple[str, int] | None = None
    for n, line in enumerate(lines):
        if not line.startswith("//"):
            body_start = n
            break
        content = line[2:]
        if content.startswith("   ") and last is not None:  # continuation line
            key, idx = last
            order[idx] = (key, order[idx][1] + " " + content.strip())
            continue
        m = re.match(r"^\s*([a-z_]+):\s?(.*)$", content)
        if not m or m.group(1) not in HEADER_KEYS:
            raise QueryFileError(
                f"{path}:{n + 1}: header line {line!r} is not `// key: value` with key one of {', '.join(HEADER_KEYS)}"
            )
        order.append((m.group(1), m.group(2).strip()))
        last = (m.group(1), len(order) - 1)
    else:
        body_start = len(lines)
    for key, value in order:
        header.setdefault(key, []).append(value)

    missing = [k for k in REQUIRED_KEYS if k not in header]
    if missing:
        raise QueryFileError(f"{path}: header lacks {', '.join(missing)}")
    for k, values in header.items():
        if k != "param" and len(values) > 1:
            raise QueryFileError(f"{path}: header has {k!r} {len(values)} times")

    name = header["name"][0]
    if name != path.stem:
        raise QueryFileError(f"{path}: header name {name!r} differs from the file name {path.stem!r}")

    params = []
    for spec in header.get("param", []):
        m = _PARAM_RE.match(spec)
        if not m or m.group("type") not in PARAM_TYPES:
            raise QueryFileError(
                f"{path}: param {spec!r} is not `NAME (TYPE, required|optional) doc` with TYPE one of "
                f"{', '.join(PARAM_TYPES)}"
            )
        params.append(Param(m.group("name"), m.group("type"), m.group("req") == "required", m.group("doc")))

    body = "\n".join(lines[body_start:]).strip() + "\n"
    if not body.strip():
        raise QueryFileError(f"{path}: no query after the header")
    body_code = "\n".join(line for line in body.splitlines() if not line.lstrip().startswith("//"))
    used = set(_USED_RE.findall(body_code))
    declared = {p.name for p in params}
    if used != declared:
        parts = []
        if used - declared:
            parts.append(f"uses undeclared ${', $'.join(sorted(used - declared))}")
        if declared - used:
            parts.append(f"declares unused {', '.join(sorted(declared - used))}")
        raise QueryFileError(f"{path}: the query {' and '.join(parts)}")

    try:
        example = json.loads(header["example"][0])
    except json.JSONDecodeError as e:
        raise QueryFileError(f"{path}: example is not a JSON object: {e}") from None
    if not isinstance(example, dict):
        raise QueryFileError(f"{path}: example is not a JSON object")

    q = NamedQuery(
        name=name,
        title=header["title"][0],
        description=header["description"][0],
        params=tuple(params),
        example=example,
        returns=header["returns"][0],
        browser=header["browser"][0],
        text=body,
        path=path,
    )
    check_params(q, example)  # the example must itself be valid
    return q


@lru_cache(maxsize=4)
def _load(directory: str) -> dict[str, NamedQuery]:
    d = Path(directory)
    if not d.is_dir():
        raise QueryFileError(f"no query folder at {d}")
    found = {}
    for path in sorted(d.glob("*.cypher")):
        q = parse(path.read_text(encoding="utf-8"), path)
        found[q.name] = q
    return found


def load_queries(directory: Path | None = None) -> dict[str, NamedQuery]:
    """Every named query, by name (parsed once per process)."""
    return dict(_load(str(directory or queries_dir())))


def get(name: str) -> NamedQuery:
    queries = load_queries()
    if name not in queries:
        raise NotFound("query", name, closest(name, list(queries)))
    return queries[name]


def list_queries() -> list[dict[str, Any]]:
    return [q.summary() for q in load_queries().values()]
