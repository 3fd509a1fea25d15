"""A named query's parameters: their declaration and the values given for them.

A query's header declares each parameter as ``NAME (TYPE, required|optional)
doc`` (``kb.queries.registry``); ``check_params`` turns what a caller gives
(Python values, or the strings of ``--param key=value``) into the values
sent to the server, and refuses unknown names, missing required ones and
values of the wrong type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kb.errors import KbError
from kb.queries.clocks import to_date, to_datetime, to_instant
from kb.schema.model import CURATED_CATALOG

PARAM_TYPES = ("string", "strings", "date", "datetime", "integer", "boolean")
CLOCK_PARAMS = ("as_of", "as_recorded")  # the two clocks (kb.queries.clocks); today and now when not given
DEFAULTS = {"catalog": CURATED_CATALOG}  # what an optional parameter is when not given (else null)


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    required: bool
    doc: str = ""

    def describe(self) -> str:
        return f"{self.name} ({self.type}, {'required' if self.required else 'optional'}) {self.doc}".rstrip()

    def convert(self, value: Any, query: str) -> Any:
        """``value`` as this parameter's type; None stays None."""
        if value is None:
            return None
        where = f"parameter {self.name!r} of query {query!r}"
        if self.type == "date":
            return to_date(value, where)
        if self.type == "datetime":
            return to_instant(value, where) if self.name == "as_recorded" else to_datetime(value, where)
        if self.type == "integer":
            if isinstance(value, bool):
                raise KbError(f"{where}: expected an integer, got {value!r}")
            if isinstance(value, int):
                return value
            if isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value.strip()):
                return int(value)
            raise KbError(f"{where}: expected an integer, got {value!r}")
        if self.type == "boolean":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.strip().lower() in ("true", "false"):
                return value.strip().lower() == "true"
            raise KbError(f"{where}: expected true or false, got {value!r}")
        if self.type == "strings":  # a list; from --param, comma-separated
            if isinstance(value, str):
                return [v.strip() for v in value.split(",") if v.strip()]
            if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
                return list(value)
            raise KbError(f"{where}: expected a list of strings (a,b,c), got {value!r}")
        if not isinstance(value, str):
            raise KbError(f"{where}: expected a string, got {value!r}")
        return value


def check_params(q: Any, given: dict[str, Any]) -> dict[str, Any]:
    """The parameters to send to the named query ``q`` (a
    ``kb.queries.registry.NamedQuery``): every declared one (None when
    optional and not given), converted to its type. Unknown or missing
    names are errors."""
    declared: tuple[Param, ...] = q.params
    unknown = sorted(set(given) - {p.name for p in declared})
    if unknown:
        known = ", ".join(p.name for p in declared) or "none"
        raise KbError(
            f"query {q.name!r} has no parameter {', '.join(repr(u) for u in unknown)}; its parameters are: {known}"
        )
    missing = [p for p in declared if p.required and given.get(p.name) in (None, "")]
    if missing:
        raise KbError(
            f"query {q.name!r} needs {', '.join(repr(p.name) for p in missing)}: "
            + "; ".join(p.describe() for p in missing)
            + f" (e.g. --param {missing[0].name}=...)"
        )
    values = {p.name: p.convert(given.get(p.name), q.name) for p in declared}
    for name, default in DEFAULTS.items():
        if name in values and values[name] in (None, ""):
            values[name] = default
    return values


def parse_assignments(pairs: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``["slug=open_weight_release", "as_of=2024-06-01"]`` -> a dict."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise KbError(f"--param {pair!r}: write it as key=value, e.g. --param slug=open_weight_release")
        out[key.strip()] = value
    return out
