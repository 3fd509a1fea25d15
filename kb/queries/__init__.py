"""Named, read-only Cypher queries: one ``.cypher`` file each in ``cypher/queries/``.

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
query runs unchanged in Neo4j Browser after ``:param``. ``run()`` checks what
it is given against the declaration (unknown names, missing required ones,
values of the wrong type) and runs the query in a READ transaction, so a named
query can never change the graph.

This package knows nothing of click: the CLI (kb/cli.py) calls it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from kb.errors import KbError, NotFound, closest
from kb.queries.clocks import Clocks, to_date, to_datetime, to_instant  # noqa: F401  (to_date: part of this API)

PAGE_LIMIT = 50  # rows a page lists of each long list (coverage, timeline, silent regimes); None = all
ALL_PAIRS_LIMIT = 100  # pairs `kb forum-shopping --all` lists, best first; None = every pair

PARAM_TYPES = ("string", "date", "datetime", "integer", "boolean")
HEADER_KEYS = ("name", "title", "description", "param", "example", "returns", "browser")
REQUIRED_KEYS = ("name", "title", "description", "example", "returns", "browser")

_PARAM_RE = re.compile(r"^(?P<name>[a-z_][a-z0-9_]*)\s*\((?P<type>\w+),\s*(?P<req>required|optional)\)\s*(?P<doc>.*)$")
_USED_RE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def queries_dir() -> Path:
    from kb.config import cypher_dir

    return cypher_dir() / "queries"


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    required: bool
    doc: str = ""

    def describe(self) -> str:
        return f"{self.name} ({self.type}, {'required' if self.required else 'optional'}) {self.doc}".rstrip()


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


# -- parameters -------------------------------------------------------------
CLOCK_PARAMS = ("as_of", "as_recorded")  # the two clocks (kb.queries.clocks); today and now when not given


def _convert(p: Param, value: Any, query: str) -> Any:
    if value is None:
        return None
    where = f"parameter {p.name!r} of query {query!r}"
    if p.type == "date":
        return to_date(value, where)
    if p.type == "datetime":
        return to_instant(value, where) if p.name == "as_recorded" else to_datetime(value, where)
    if p.type == "integer":
        if isinstance(value, bool):
            raise KbError(f"{where}: expected an integer, got {value!r}")
        if isinstance(value, int):
            return value
        if isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value.strip()):
            return int(value)
        raise KbError(f"{where}: expected an integer, got {value!r}")
    if p.type == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        raise KbError(f"{where}: expected true or false, got {value!r}")
    if not isinstance(value, str):
        raise KbError(f"{where}: expected a string, got {value!r}")
    return value


def check_params(q: NamedQuery, given: dict[str, Any]) -> dict[str, Any]:
    """The parameters to send: every declared one (None when optional and not
    given), converted to its type. Unknown or missing names are errors."""
    unknown = sorted(set(given) - {p.name for p in q.params})
    if unknown:
        known = ", ".join(p.name for p in q.params) or "none"
        raise KbError(
            f"query {q.name!r} has no parameter {', '.join(repr(u) for u in unknown)}; its parameters are: {known}"
        )
    missing = [p.name for p in q.params if p.required and given.get(p.name) in (None, "")]
    if missing:
        raise KbError(
            f"query {q.name!r} needs {', '.join(repr(m) for m in missing)}: "
            + "; ".join(q.param(m).describe() for m in missing)  # type: ignore[union-attr]
            + f" (e.g. --param {missing[0]}=...)"
        )
    return {p.name: _convert(p, given.get(p.name), q.name) for p in q.params}


def parse_assignments(pairs: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``["slug=open_weight_release", "as_of=2024-06-01"]`` -> a dict."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise KbError(f"--param {pair!r}: write it as key=value, e.g. --param slug=open_weight_release")
        out[key.strip()] = value
    return out


# -- running ----------------------------------------------------------------
def quiet_driver() -> None:
    """Keep the driver's notification log (e.g. "label does not exist" on an
    empty graph) off stderr; kb cypher reports warnings itself."""
    import logging

    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)


@cache
def _temporal_types() -> tuple[type, ...]:
    from neo4j.time import Date, DateTime, Duration, Time

    return (Date, DateTime, Duration, Time)


class _NotPlain(Exception):
    """A value ``plain`` leaves to the driver's own conversion (a node, a path ...)."""


def utc(value: Any) -> Any:
    """An aware datetime in ``timezone.utc``. The driver gives UTC datetimes
    a named zone ('UTC'), and Neo4j does not order a value with a named zone
    against one with an offset ('Z'), even at the same instant; kb writes
    and compares offsets only."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC)
    return value


def _to_python(value: Any, strict: bool) -> Any:
    # Exact type checks, no ``hasattr`` per value: rows of plain strings and
    # numbers pass through at the cost of one ``type()`` each.
    t = type(value)
    if t in (str, int, float, bool) or value is None:
        return value
    if t is dict:
        return {k: _to_python(v, strict) for k, v in value.items()}
    if t is list:
        return [_to_python(v, strict) for v in value]
    if t in _temporal_types():
        return utc(value.to_native())
    if strict:
        raise _NotPlain
    if hasattr(value, "to_native") and not isinstance(value, date):  # a subclass or another temporal type
        return value.to_native()
    return value


def native(value: Any) -> Any:
    """Neo4j temporal values to Python ones, recursively."""
    return _to_python(value, strict=False)


def plain(value: Any) -> Any:
    """``native`` for the values named queries return (strings, numbers,
    temporal values, lists and maps of them); raises _NotPlain on anything
    else (nodes, relationships, paths, points)."""
    return _to_python(value, strict=True)


def row(record) -> dict[str, Any]:
    """One record as a dict with Python dates: ``native(record.data())``,
    without the driver's per-value graph conversion when the record holds
    none (several times faster on a page's rows)."""
    try:
        return {k: plain(v) for k, v in zip(record.keys(), record)}
    except _NotPlain:
        return native(record.data())


class _OneRead:
    """A stand-in for kb's Database whose reads all run in one open read
    transaction (see ``in_one_read``); anything else goes to the database."""

    def __init__(self, db, tx):
        self._db, self._tx = db, tx

    def read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """Rows as dicts, with Python dates already (see ``row``)."""
        return self.send(query, params)()

    def send(self, query: str, params: dict[str, Any]) -> Callable[[], list[dict[str, Any]]]:
        """Send the query now; the function returned reads its rows (once).
        Queries sent one after another are pipelined: the server runs each
        while kb reads the rows of the ones before."""
        result = self._tx.run(query, params)
        rows: list[dict[str, Any]] | None = None

        def fetch() -> list[dict[str, Any]]:
            nonlocal rows
            if rows is None:
                rows = [row(r) for r in result]
            return rows

        return fetch

    def read_tx(self, work):
        return work(self._tx)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)


def in_one_read(db, fn):
    """``fn(db)`` with every named query it runs in one read transaction: one
    snapshot of the graph and one BEGIN/COMMIT for a whole page. Retried as a
    whole on transient errors; nested calls share the outer transaction."""
    if isinstance(db, _OneRead):
        return fn(db)
    return db.read_tx(lambda tx: fn(_OneRead(db, tx)))


def run(db, name: str, **params: Any) -> list[dict[str, Any]]:
    """Run the named query in a read transaction; rows as dicts with Python dates.

    A query that reads the catalog declares the two clocks, ``as_of`` and
    ``as_recorded``; pages pass them (``Clocks.params()``), and those not
    given are today and now."""
    return send(db, name, **params)()


def send(db, name: str, **params: Any) -> Callable[[], list[dict[str, Any]]]:
    """``run``, in two steps: the query is sent now, and the function
    returned reads its rows. Inside ``in_one_read``, a page can send several
    queries before it reads any, and the server runs them one after another
    while kb reads the rows of the first; elsewhere the query runs at once."""
    q = get(name)
    missing = [c for c in CLOCK_PARAMS if q.param(c) is not None and params.get(c) in (None, "")]
    if missing:
        params.update({c: v for c, v in Clocks.resolve().params().items() if c in missing})
    values = check_params(q, params)
    quiet_driver()
    if isinstance(db, _OneRead):
        return db.send(q.text, values)
    rows = [native(r) for r in db.read(q.text, **values)]
    return lambda: rows


def run_one(db, name: str, **params: Any) -> dict[str, Any] | None:
    rows = run(db, name, **params)
    return rows[0] if rows else None
