"""kb's own exceptions.

Library code raises these; the CLI (kb/cli.py) is the one place that turns
them into a message on stderr and an exit code. Each message says what went
wrong and how to fix it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass


class KbError(Exception):
    """Base class: a problem kb can explain to its user."""

    exit_code = 1


class ConfigError(KbError):
    """A setting is missing or wrong."""


class ServerError(KbError):
    """The local Neo4j server could not be installed, started or stopped."""


class ConnectionFailed(KbError):
    """No Neo4j server answers at the configured address."""


class AuthFailed(KbError):
    """The server refused the user name or password."""


class NotFound(KbError):
    """An id, slug, code or query name that is not in the graph."""

    def __init__(self, kind: str, key: str, suggestions: list[str] | None = None):
        self.kind, self.key, self.suggestions = kind, key, suggestions or []
        msg = f"no {kind} {key!r}"
        if self.suggestions:
            msg += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        else:
            msg += f"; list them with `kb {kind}s`" if kind in {"topic", "instrument"} else ""
        super().__init__(msg)


class BadParameter(KbError):
    """A parameter of a request that is not one kb takes, or not a value it
    can read (``kb serve``: a 400 that names it)."""

    def __init__(self, parameter: str, message: str, suggestions: list[str] | None = None):
        self.parameter, self.suggestions = parameter, suggestions or []
        if self.suggestions:
            message += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(message)


class QueryError(KbError):
    """A query was refused or failed on the server."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a data file: where, which field, what, how to fix."""

    file: str
    line: int | None
    field: str | None
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        field = f" {self.field}:" if self.field else ""
        hint = f" ({self.hint})" if self.hint else ""
        return printable(f"{where}:{field} {self.message}{hint}")


def printable(text: str) -> str:
    """``text`` with every character ``repr`` would escape (control and format
    characters, bidi overrides, zero-width joiners, lone surrogates) written
    as its escape, so a field name or file name read from a data file can
    neither break a message's lines, nor reorder it on screen, nor fail to
    print."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


class ValidationFailed(KbError):
    """Input files have problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        n = len(problems)
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{n} problem{'s' if n != 1 else ''} found; nothing was written:\n{lines}")


class IdentityChange(KbError):
    """A load would change a stored instrument's name or jurisdiction, and
    was not told to (``--yes``); nothing was written."""

    def __init__(self, changes: list[Problem]):
        self.changes = changes
        n = len(changes)
        lines = "\n".join(f"  {c}" for c in changes)
        super().__init__(
            f"this load changes {n} stored instrument name{'s' if n != 1 else ''} or "
            f"jurisdiction{'s' if n != 1 else ''}; nothing was written:\n{lines}\n"
            "If a record is a new instrument, give it an id of its own (`kb new instrument ID`); "
            "if the change is meant, load again with --yes."
        )


def closest(key: str, candidates: list[str], n: int = 3) -> list[str]:
    """Up to ``n`` candidates that look like ``key``, best first."""
    by_folded: dict[str, str] = {}
    for c in candidates:
        by_folded.setdefault(c.casefold(), c)
    folded = key.casefold()
    hits = difflib.get_close_matches(folded, list(by_folded), n=n, cutoff=0.5)
    # a key typed in part ("14110", "open_weight") is a match too
    for c in by_folded:
        if len(hits) >= n:
            break
        if len(folded) >= 3 and folded in c and c not in hits:
            hits.append(c)
    return [by_folded[h] for h in hits]
