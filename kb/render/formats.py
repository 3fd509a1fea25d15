"""Rows (a list of dicts) as a table, JSON, CSV or Markdown: what the list
commands (kb topics, kb instruments, kb query, kb cypher ...) write.

Data goes to stdout; progress and messages go to stderr, so output can be
piped. A table is the default on a terminal, JSON otherwise. ``cell`` is
how one value reads in a table, CSV or Markdown cell; ``to_jsonable`` how
it reads in JSON (pages use both, kb.render.pages).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, TextIO

FORMATS = ("table", "json", "csv", "md")


def default_format(stream: TextIO | None = None) -> str:
    stream = stream or sys.stdout
    return "table" if stream.isatty() else "json"


def to_jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if hasattr(value, "iso_format"):  # neo4j.time types
        return value.iso_format()
    return value


def dumps(value: Any) -> str:
    return json.dumps(to_jsonable(value), ensure_ascii=False, indent=2)


def cell(value: Any) -> str:
    value = to_jsonable(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def columns_of(rows: list[dict[str, Any]], columns: Iterable[str] | None) -> list[str]:
    if columns:
        return list(columns)
    cols: list[str] = []
    for r in rows:
        for k in r:
            if k not in cols:
                cols.append(k)
    return cols


def render_rows(
    rows: list[dict[str, Any]],
    fmt: str,
    columns: Iterable[str] | None = None,
    title: str | None = None,
    stream: TextIO | None = None,
) -> None:
    """Write rows to ``stream`` (stdout) in ``fmt``."""
    out = stream or sys.stdout
    cols = columns_of(rows, columns)
    if fmt == "json":
        out.write(dumps(rows) + "\n")
    elif fmt == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow(cols)
        for r in rows:
            w.writerow([cell(r.get(c)) for c in cols])
    elif fmt == "md":
        out.write(markdown_table(rows, cols, title))
    else:
        print_table(rows, cols, title, out)


def markdown_table(rows: list[dict[str, Any]], cols: list[str], title: str | None = None) -> str:
    buf = io.StringIO()
    if title:
        buf.write(f"**{title}**\n\n")
    buf.write("| " + " | ".join(cols) + " |\n")
    buf.write("|" + "|".join("---" for _ in cols) + "|\n")
    for r in rows:
        buf.write("| " + " | ".join(cell(r.get(c)).replace("|", "\\|").replace("\n", " ") for c in cols) + " |\n")
    return buf.getvalue()


def console(stream: TextIO | None = None):
    from rich.console import Console

    out = stream or sys.stdout
    return Console(file=out, highlight=False, soft_wrap=False, width=None if out.isatty() else 160)


def print_table(rows: list[dict[str, Any]], cols: list[str], title: str | None, stream: TextIO) -> None:
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_lines=False, header_style="bold")
    for c in cols:
        table.add_column(c, overflow="fold")
    for r in rows:
        table.add_row(*(cell(r.get(c)) for c in cols))
    console(stream).print(table)
