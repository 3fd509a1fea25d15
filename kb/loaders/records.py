"""What every file reader produces: records that remember where they came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
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


class WrittenInt(int):
    """An int read from YAML or JSON that remembers how it was written."""

    written: str


class WrittenFloat(float):
    written: str


class WrittenDate(date):
    written: str


class WrittenDateTime(datetime):
    written: str


def written(value: Any, text: str) -> Any:
    """``value`` (a number or date a YAML/JSON reader made of a scalar), with
    ``.written`` holding the text as it was written. A text field then stores
    that text verbatim: ``1.10`` stays ``1.10``, YAML 1.1's ``010`` does not
    become ``8`` nor ``1:30`` become ``90``. Other values come back as they are."""
    kind = type(value)
    if kind is int:
        out: Any = WrittenInt(value)
    elif kind is float:
        out = WrittenFloat(value)
    elif kind is datetime:
        out = WrittenDateTime.combine(value.date(), value.timetz())
    elif kind is date:
        out = WrittenDate(value.year, value.month, value.day)
    else:
        return value
    out.written = text
    return out


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
    hashes: list[str] = field(default_factory=list)  # sha256 of each file, taken as it is read
    # CSV files of edge sections left to be read row by row (``kb.loaders.iter_csv``)
    # by whoever asked ``read_paths`` to stream them: (name, path)
    streams: list = field(default_factory=list)
