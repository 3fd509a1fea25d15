"""Read a JSON data file (same shape as YAML) into records, keeping the line
each object starts on. Numbers keep the text they were written as
(``kb.loaders.records.written``), so ``1.10`` in a text field stays ``1.10``."""

from __future__ import annotations

import bisect
import json
import json.decoder
import json.scanner
from pathlib import Path

from kb.errors import Problem
from kb.loaders.records import LinedDict, ReadResult, written
from kb.loaders.yaml_file import sections_to_records


class _DuplicateKey(ValueError):
    def __init__(self, key: str, line: int):
        super().__init__(key)
        self.key, self.line = key, line


class _BadNumber(ValueError):
    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


def _int(text: str) -> int:
    try:
        return written(int(text), text)
    except ValueError:  # longer than Python converts (4300 digits)
        raise _BadNumber(text) from None


class _LineDecoder(json.JSONDecoder):
    """A JSON decoder whose objects are LinedDicts carrying their start line."""

    def __init__(self, text: str):
        super().__init__(
            parse_int=_int, parse_float=lambda t: written(float(t), t), parse_constant=lambda t: written(float(t), t)
        )
        newlines = [i for i, c in enumerate(text) if c == "\n"]

        def line_at(pos: int) -> int:
            return bisect.bisect_right(newlines, pos - 1) + 1

        base = json.decoder.JSONObject

        def parse_object(s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo=None):
            line = line_at(s_and_end[1])

            def hook(pairs):
                out = LinedDict(line=line)
                for k, v in pairs:
                    if k in out:
                        raise _DuplicateKey(k, line)
                    out[k] = v
                return out

            return base(s_and_end, strict, scan_once, None, hook, memo)

        self.parse_object = parse_object
        self.scan_once = json.scanner.py_make_scanner(self)


def _line_of(text: str, needle: str) -> int | None:
    pos = text.find(needle)
    return text.count("\n", 0, pos) + 1 if pos >= 0 else None


def read_json(path: Path, name: str, result: ReadResult) -> None:
    text = path.read_text(encoding="utf-8")
    try:
        doc = _LineDecoder(text).decode(text)
    except _DuplicateKey as e:
        result.problems.append(Problem(name, e.line, e.key, f"key {e.key!r} appears twice in one object", "keep one"))
        return
    except _BadNumber as e:
        result.problems.append(
            Problem(
                name,
                _line_of(text, e.text),
                None,
                f"cannot read the number {e.text[:20]}... ({len(e.text)} digits)",
                "quote it if it is text",
            )
        )
        return
    except json.JSONDecodeError as e:
        result.problems.append(
            Problem(name, e.lineno, None, f"invalid JSON: {e.msg} (column {e.colno})", "fix the JSON syntax")
        )
        return
    except RecursionError:
        result.problems.append(
            Problem(
                name,
                None,
                None,
                "invalid JSON: nested too deeply",
                "records are flat mappings; see docs/data-format.md",
            )
        )
        return
    sections_to_records(doc, name, result)
