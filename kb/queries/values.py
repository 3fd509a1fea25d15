"""The values named queries return, as Python values.

The driver gives Neo4j temporal values (``neo4j.time.Date`` ...); kb's
pages, JSON and comparisons want Python's (``datetime.date`` ...), and
datetimes in ``timezone.utc``. ``row`` converts one record.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from typing import Any


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
