"""The two clocks a question is asked at (docs/history.md).

* ``as_of`` (legal time, a date): the law as it stood that day: the
  instruments adopted by then, with the status they had then.
* ``as_recorded`` (record time, an instant): the catalog as it stood then:
  the facts recorded by then and not yet changed or removed.

Both are resolved once, where a request enters (the CLI; a web request
later), into a ``Clocks`` value that is passed down; every named query that
reads the catalog takes both as parameters, today and now by default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from kb.errors import KbError

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def to_date(value: Any, name: str = "date") -> date:
    """A date from a ``datetime.date`` or a ``YYYY-MM-DD`` string."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if hasattr(value, "to_native"):  # neo4j.time.Date
        return value.to_native()
    if isinstance(value, str) and _DATE_RE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise KbError(f"{name}: {value!r} is not a date; write it as YYYY-MM-DD, e.g. 2024-06-01")


def to_datetime(value: Any, name: str = "datetime") -> datetime:
    """An aware datetime from a datetime or an ISO 8601 string (UTC when no
    offset is given)."""
    if hasattr(value, "to_native"):
        value = value.to_native()
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise KbError(
                f"{name}: {value!r} is not a date and time; write it as YYYY-MM-DDTHH:MM:SS, e.g. 2026-06-01T12:00:00Z"
            ) from None
    if not isinstance(value, datetime):
        raise KbError(f"{name}: expected a date and time, got {value!r}")
    # in timezone.utc: Neo4j does not order a named zone ('UTC') against an offset
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def to_instant(value: Any, name: str = "--as-recorded") -> datetime:
    """A record-time instant: a date stands for the end of that day (UTC),
    so ``--as-recorded 2026-02-01`` is the catalog as that day left it."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, time.max, tzinfo=UTC)
    if isinstance(value, str) and _DATE_RE.match(value.strip()):
        return datetime.combine(to_date(value, name), time.max, tzinfo=UTC)
    return to_datetime(value, name)


@dataclass(frozen=True)
class Clocks:
    """The instants a page is read at, and whether each was asked for (a
    page says which it shows; today's pages may read kept counts)."""

    as_of: date
    as_recorded: datetime
    as_of_given: bool = False
    as_recorded_given: bool = False

    @classmethod
    def resolve(cls, as_of: Any = None, as_recorded: Any = None) -> Clocks:
        """From the options as typed (None: today, now)."""
        now = datetime.now(UTC)
        return cls(
            as_of=now.date() if as_of in (None, "") else to_date(as_of, "--as-of"),
            as_recorded=now if as_recorded in (None, "") else to_instant(as_recorded),
            as_of_given=as_of not in (None, ""),
            as_recorded_given=as_recorded not in (None, ""),
        )

    @property
    def today(self) -> bool:
        """Today's law as the catalog knows it now (neither clock asked for)."""
        return not (self.as_of_given or self.as_recorded_given)

    def params(self) -> dict[str, Any]:
        """The two query parameters."""
        return {"as_of": self.as_of, "as_recorded": self.as_recorded}

    def describe(self) -> str:
        """'as of 2024-06-01, as recorded 2026-02-01T23:59:59Z' (empty for today's)."""
        parts = []
        if self.as_of_given:
            parts.append(f"as of {self.as_of.isoformat()}")
        if self.as_recorded_given:
            parts.append("as recorded " + self.as_recorded.isoformat().replace("+00:00", "Z"))
        return ", ".join(parts)

    def bracketed(self) -> str:
        """' (as of 2024-06-01)' for a title; empty for today's."""
        text = self.describe()
        return f" ({text})" if text else ""
