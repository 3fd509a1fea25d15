"""What every file reader produces: records that remember where they came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class LinedDict(dict):
    """A mapping read from a file, with the line it starts on and the line of
    each key."""

    line: int | None = None
    lines: dict[str, int]

    def __init__(self, *args: Any, line: int | None = None, lines: dict | None = None, **kw: Any):
        super().__init__(*args, **kw)
        self.line = line
        self.lines = lines or {}

    def line_of(self, key: str) -> int | None:
        return self.lines.get(key, self.line)


@dataclass
class Record:
    """One record of one section, as read from a file, before validation.

    ``textual`` is True for CSV rows, whose values are all text and are
    converted to the schema's types by the validator.
    """

    section: str
    data: LinedDict
    file: str
    textual: bool = False
    index: int = 0  # position in its section in its file

    @property
    def line(self) -> int | None:
        return self.data.line

    def line_of(self, key: str) -> int | None:
        return self.data.line_of(key)


@dataclass
class ReadResult:
    records: list[Record] = field(default_factory=list)
    problems: list = field(default_factory=list)  # list[kb.errors.Problem]
    files: list[str] = field(default_factory=list)
