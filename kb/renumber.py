"""Renumber the instruments' catalog ranks in data files: 1..n in the
catalog's current order, with no gaps and no two instruments on one rank.

The current order is the ranks' order; instruments on the same rank keep
the order the files list them in (files in the order given, folders sorted
by name, as ``kb load`` reads them). An instrument with no ``catalog_rank``
is left without one: a load gives it the rank after the last.

The files are rewritten line by line: only the number on each changed
``catalog_rank:`` line changes, so comments, quoting, key order and layout
stay as they are. YAML and JSON files are rewritten; a change that falls
in a CSV file is a problem, and nothing is written while any problem
stands.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from kb.errors import Problem, ValidationFailed

FIELD = "catalog_rank"
RANK_LINE = re.compile(
    r"""(?P<key>(?P<q>["']?)catalog_rank(?P=q)\s*:[ \t]*)(?P<vq>["']?)(?P<value>[^\s,}\]"'#]+)(?P=vq)"""
)
BREAKS = "\r\n\x85\u2028\u2029"  # the line breaks YAML counts
LINE = re.compile(f"[^{BREAKS}]*(?:\r\n|[{BREAKS}])|[^{BREAKS}]+\\Z")
REWRITTEN_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class RankChange:
    """One instrument whose rank changes: where its rank is written, old → new."""

    file: str
    line: int
    id: str
    old: int
    new: int

    def row(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "id": self.id, "old": self.old, "new": self.new}


@dataclass
class RenumberPlan:
    """What renumbering the files would do: the changes, the ranked and
    unranked instruments, and each changed file's new text."""

    changes: list[RankChange] = field(default_factory=list)
    ranked: int = 0
    unranked: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # file -> its text after renumbering


def plan_renumber(paths: list[Path]) -> RenumberPlan:
    """Read the instruments in ``paths`` and work out the new ranks and the
    new text of each file whose ranks change; raise ValidationFailed with
    every problem (nothing is written)."""
    from kb.loaders import read_paths

    result = read_paths(paths)
    problems: list[Problem] = list(result.problems)
    entries: list[tuple[int, int, str, int, str]] = []  # (rank, position, id, line, file)
    seen: dict[str, tuple[str, int | None]] = {}
    plan = RenumberPlan()
    position = 0
    for rec in result.records:
        if rec.section != "instruments":
            continue
        position += 1
        key, value = rec.data.get("id"), rec.data.get(FIELD)
        ident = str(key) if key is not None else f"(record at line {rec.line})"
        if key is not None:
            first = seen.get(ident)
            if first is not None:
                problems.append(
                    Problem(
                        rec.file,
                        rec.line,
                        "instruments.id",
                        f"duplicate instrument id {ident!r}",
                        f"first defined at {first[0]}:{first[1]}; keep one",
                    )
                )
                continue
            seen[ident] = (rec.file, rec.line)
        if value is None or value == "":
            plan.unranked.append(ident)
            continue
        rank = _integer(value)
        if rank is None:
            problems.append(
                Problem(
                    rec.file,
                    rec.line_of(FIELD),
                    f"instruments.{FIELD}",
                    f"{FIELD} {value!r} is not a whole number",
                    f"write a whole number, e.g. {FIELD}: 1, or remove it",
                )
            )
            continue
        entries.append((rank, position, ident, rec.line_of(FIELD) or 0, rec.file))
    entries.sort(key=lambda e: (e[0], e[1]))
    plan.ranked = len(entries)
    lines_of: dict[str, list[str]] = {}
    for new, (old, _, ident, line, file) in enumerate(entries, start=1):
        if old == new:
            continue
        change = RankChange(file, line, ident, old, new)
        if not file.lower().endswith(REWRITTEN_SUFFIXES):
            problems.append(
                Problem(
                    file,
                    line,
                    f"instruments.{FIELD}",
                    f"{ident} would move from rank {old} to {new}, but a CSV file is not rewritten",
                    f"set {FIELD} to {new} in the file by hand, then renumber again",
                )
            )
            continue
        if file not in lines_of:
            with open(file, encoding="utf-8", newline="") as f:  # line ends kept as written
                lines_of[file] = LINE.findall(f.read())
        text_lines = lines_of[file]
        at = line - 1
        hits = list(RANK_LINE.finditer(text_lines[at])) if 0 <= at < len(text_lines) else []
        if len(hits) != 1 or _integer(hits[0].group("value")) != old:
            problems.append(
                Problem(
                    file,
                    line,
                    f"instruments.{FIELD}",
                    f"cannot find {ident}'s {FIELD}: {old} on this line",
                    f"write it on one line as {FIELD}: {old}, then renumber again",
                )
            )
            continue
        hit = hits[0]
        text_lines[at] = text_lines[at][: hit.start("value")] + str(new) + text_lines[at][hit.end("value") :]
        plan.changes.append(change)
    if problems:
        raise ValidationFailed(problems)
    plan.texts = {file: "".join(lines) for file, lines in lines_of.items()}
    return plan


def write_plan(plan: RenumberPlan) -> None:
    """Write each changed file whole: a new file beside it, then renamed over
    it, so a file is never left half written."""
    staged: list[tuple[str, Path]] = []
    try:
        for file, text in plan.texts.items():
            target = Path(file)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
                out.write(text)
            os.chmod(tmp, target.stat().st_mode & 0o777)
            staged.append((tmp, target))
        for tmp, target in staged:
            os.replace(tmp, target)
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)


def _integer(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return int(value)
    text = str(getattr(value, "written", value)).strip()
    return int(text) if re.fullmatch(r"[+-]?[0-9]+", text) else None
