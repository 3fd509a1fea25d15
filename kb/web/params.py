"""A request's parameters, checked before any query runs.

Each route declares the parameters it takes (``Param``); ``check`` reads
them from the query string, refuses a name the route does not take (with
the closest ones it does), a value given twice where one is read, and a
value of the wrong shape, each as a ``BadParameter`` that names the
parameter (a 400). The clocks, ``asOf`` and ``asRecorded``, are resolved
here, once, into the ``Clocks`` the page is read at.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kb.errors import BadParameter, KbError, closest
from kb.queries.clocks import Clocks, to_date, to_instant
from kb.queries.limits import PAGE_LIMIT

KEY_MAX = 300  # characters of a key in a path (an id, slug or code)


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # date | instant | string | limit | count | format
    description: str
    required: bool = False
    repeat: bool = False
    choices: tuple[str, ...] = ()
    default: Any = None

    def schema(self) -> dict[str, Any]:
        """Its JSON Schema (OpenAPI 3.1)."""
        one: dict[str, Any] = {
            "date": {"type": "string", "format": "date"},
            "instant": {"type": "string", "description": "YYYY-MM-DD (the end of that day, UTC) or ISO 8601"},
            "string": {"type": "string"},
            "limit": {"oneOf": [{"type": "integer", "minimum": 1}, {"type": "string", "enum": ["all"]}]},
            "count": {"type": "integer", "minimum": 0},
            "format": {"type": "string"},
        }[self.type]
        if self.choices:
            one = {**one, "enum": list(self.choices)}
        if self.default is not None:
            one = {**one, "default": self.default}
        return {"type": "array", "items": one} if self.repeat else one


AS_OF = Param("asOf", "date", "Legal time: the law on this date (YYYY-MM-DD); default: today.")
AS_RECORDED = Param(
    "asRecorded",
    "instant",
    "Record time: the catalog as recorded then (a date: the end of that day, UTC); default: now.",
)
CLOCKS = (AS_OF, AS_RECORDED)
CATALOG = Param("catalog", "string", "The catalog: kb (the curated one, the default) or one imported (kb import).")


def format_param(formats: tuple[str, ...]) -> Param:
    return Param("format", "format", "The answer's format.", choices=formats, default=formats[0])


LIMIT = Param(
    "limit",
    "limit",
    f"How many rows each long list shows (coverage, timeline, silent regimes): a number, or 'all'; "
    f"default {PAGE_LIMIT}.",
    default=PAGE_LIMIT,
)


def check_key(name: str, value: str) -> str:
    """A key from the path (an id, slug or code)."""
    if not value or len(value) > KEY_MAX or not value.isprintable():
        raise BadParameter(name, f"{name}: {value[:40]!r} is not a key kb holds (at most {KEY_MAX} characters)")
    return value


def _value(p: Param, raw: str) -> Any:
    text = raw.strip()
    if p.type == "date":
        return to_date(text, p.name)
    if p.type == "instant":
        return to_instant(text, p.name)
    if p.type == "limit":
        if text.lower() == "all":
            return None
        if text.isdigit() and int(text) > 0:
            return int(text)
        raise KbError(f"{p.name}: {raw!r} is not a positive whole number or 'all'")
    if p.type == "count":
        if text.isdigit():
            return int(text)
        raise KbError(f"{p.name}: {raw!r} is not a whole number (0 or more)")
    if p.choices and text not in p.choices:
        raise KbError(f"{p.name}: {raw!r} is not one of {', '.join(p.choices)}")
    if len(text) > KEY_MAX or not text.isprintable():
        raise KbError(f"{p.name}: the value is longer than {KEY_MAX} characters or holds a control character")
    return text


def check(items: list[tuple[str, str]], params: tuple[Param, ...]) -> dict[str, Any]:
    """The values of ``items`` (the query string's name, value pairs) for
    the route taking ``params``, by name; those not given are their
    default (a list for a repeatable one)."""
    by_name = {p.name: p for p in params}
    given: dict[str, list[str]] = {}
    for name, value in items:
        if name not in by_name:
            takes = ", ".join(by_name) or "none"
            raise BadParameter(
                name, f"unknown parameter {name!r}; this page takes: {takes}", closest(name, list(by_name))
            )
        given.setdefault(name, []).append(value)
    values: dict[str, Any] = {}
    for p in params:
        raw = [v for v in given.get(p.name, []) if v.strip() != ""]
        if len(raw) > 1 and not p.repeat:
            raise BadParameter(p.name, f"{p.name} is given {len(raw)} times; give it once")
        if not raw:
            if p.required:
                raise BadParameter(p.name, f"{p.name} is missing: {p.description}")
            values[p.name] = [] if p.repeat else p.default
            continue
        try:
            converted = [_value(p, v) for v in raw]
        except KbError as e:
            raise BadParameter(p.name, str(e)) from None
        values[p.name] = converted if p.repeat else converted[0]
    return values


def clocks_of(values: dict[str, Any]) -> Clocks:
    """The page's clocks from its checked ``asOf`` and ``asRecorded``."""
    return Clocks.resolve(values.get("asOf"), values.get("asRecorded"))


def instant_text(t: datetime) -> str:
    """'2026-12-04T22:40:01Z' (microseconds kept when there are any)."""
    return t.isoformat().replace("+00:00", "Z")


def pinned(clocks: Clocks) -> dict[str, str]:
    """Both clocks, as the query parameters that read the page again."""
    return {"asOf": clocks.as_of.isoformat(), "asRecorded": instant_text(clocks.as_recorded)}


def given(clocks: Clocks) -> dict[str, str]:
    """The clocks that were asked for, as query parameters (links keep them)."""
    out = {}
    if clocks.as_of_given:
        out["asOf"] = clocks.as_of.isoformat()
    if clocks.as_recorded_given:
        out["asRecorded"] = instant_text(clocks.as_recorded)
    return out


def iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, (date, datetime)) else str(value)
