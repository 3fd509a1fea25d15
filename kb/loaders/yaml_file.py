"""Read a YAML data file into records, keeping line numbers.

Only YAML's safe types are accepted: a tag such as ``!!python/object`` is an
error (on a scalar, a list or a mapping), and so are aliases (``*name``) and
merge keys (``<<``), which kb data files never need and which can blow up
memory ("billion laughs"). Keys are plain scalars. Numbers and dates keep the
text they were written as (``kb.loaders.records.written``), so a text field
stores exactly what the file says.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from kb.errors import Problem
from kb.loaders.records import LinedDict, ReadResult, Record, written


class _Loader(yaml.SafeLoader):
    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None,
                None,
                "aliases (*name) are not allowed in kb data files; write the value out",
                event.start_mark,
            )
        return super().compose_node(parent, index)


def _timestamp_or_text(loader: _Loader, node: ScalarNode):
    """A date-like scalar that is not a real date (2020-02-30) stays text, so
    the validator can report it with its line."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return node.value


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


class _Dup(Exception):
    def __init__(self, key: str, line: int, first: int):
        self.key, self.line, self.first = key, line, first


MAP_TAG = "tag:yaml.org,2002:map"
SEQ_TAG = "tag:yaml.org,2002:seq"
MERGE_TAG = "tag:yaml.org,2002:merge"


class _Refused(yaml.constructor.ConstructorError):
    """Something kb data files do not allow, with how to fix it."""

    def __init__(self, message: str, node: Any, hint: str):
        super().__init__(None, None, message, node.start_mark)
        self.hint = hint


def _error(message: str, node: Any, hint: str = "kb data files use plain YAML values only; remove the tag") -> _Refused:
    return _Refused(message, node, hint)


def _scalar(node: ScalarNode, loader: _Loader) -> Any:
    if node.tag == MERGE_TAG:
        raise _error("merge keys (<<) are not allowed in kb data files", node, "write the fields out")
    try:
        value = loader.construct_object(node, deep=True)
    except ValueError:  # e.g. an integer longer than Python converts (4300 digits)
        raise _error(
            f"cannot read the number {node.value[:20]}... ({len(node.value)} characters)",
            node,
            "quote it if it is text",
        ) from None
    return written(value, node.value)


def _to_python(node: Any, loader: _Loader) -> Any:
    if isinstance(node, MappingNode):
        if node.tag != MAP_TAG:
            raise _error(f"the tag {node.tag!r} is not allowed", node)
        out = LinedDict(line=node.start_mark.line + 1)
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise _error(
                    "a key must be a single word, not a list or a mapping", key_node, "write field names as plain words"
                )
            _scalar(key_node, loader)  # refuses tags such as !!python/name
            key = key_node.value  # as written: `1.10:` is the key '1.10', `null:` is 'null'
            kline = key_node.start_mark.line + 1
            if key in out:
                raise _Dup(key, kline, out.lines[key])
            out[key] = _to_python(value_node, loader)
            out.lines[key] = kline
        return out
    if isinstance(node, SequenceNode):
        if node.tag != SEQ_TAG:
            raise _error(f"the tag {node.tag!r} is not allowed", node)
        return [_to_python(v, loader) for v in node.value]
    if isinstance(node, ScalarNode):
        return _scalar(node, loader)
    raise _error(f"unexpected YAML node {node.id}", node)


def parse_yaml(text: str, name: str) -> tuple[Any, list[Problem]]:
    try:
        loader = _Loader(text)  # the reader refuses control characters here
    except yaml.reader.ReaderError as e:
        line = text.count("\n", 0, e.position) + 1
        char = e.character if isinstance(e.character, str) else chr(e.character)
        return None, [
            Problem(
                name,
                line,
                None,
                f"invalid YAML: the character U+{ord(char):04X} is not allowed",
                "remove it; YAML files cannot hold control characters such as NUL",
            )
        ]
    try:
        node = loader.get_single_node()
        if node is None:
            return None, []
        return _to_python(node, loader), []
    except _Dup as d:
        return None, [
            Problem(
                name, d.line, d.key, f"key {d.key!r} appears twice in one mapping", f"first at line {d.first}; keep one"
            )
        ]
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        what = " ".join(x for x in (e.context, e.problem) if x)
        if isinstance(e, _Refused):
            hint = e.hint
        elif isinstance(e, yaml.constructor.ConstructorError) and "tag" in (e.problem or ""):
            hint = "kb data files use plain YAML values only; remove the tag"
        else:
            hint = "fix the YAML syntax"
        return None, [Problem(name, line, None, f"invalid YAML: {what}", hint)]
    except yaml.YAMLError as e:
        return None, [Problem(name, None, None, f"invalid YAML: {e}", "fix the YAML syntax")]
    except RecursionError:
        return None, [
            Problem(
                name,
                None,
                None,
                "invalid YAML: nested too deeply",
                "records are flat mappings; see docs/data-format.md",
            )
        ]
    finally:
        loader.dispose()


def sections_to_records(doc: Any, name: str, result: ReadResult) -> None:
    """Split a parsed YAML or JSON document into records of its sections."""
    from kb.schema.sections import SECTIONS

    if doc is None:
        return
    if not isinstance(doc, dict):
        result.problems.append(
            Problem(
                name,
                getattr(doc, "line", 1),
                None,
                "the file must be a mapping of sections (instruments:, treats:, ...)",
                "see docs/data-format.md",
            )
        )
        return
    lines = getattr(doc, "lines", {})
    for section, items in doc.items():
        line = lines.get(section)
        if section not in SECTIONS:
            result.problems.append(
                Problem(
                    name,
                    line,
                    section,
                    f"unknown section {section!r}",
                    "sections are: " + ", ".join(SECTIONS),
                )
            )
            continue
        if items is None:
            continue
        if not isinstance(items, list):
            result.problems.append(
                Problem(name, line, section, "a section must be a list of records", "start each record with '- '")
            )
            continue
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                result.problems.append(
                    Problem(
                        name,
                        getattr(item, "line", line),
                        section,
                        f"record {i + 1} is not a mapping",
                        "write it as 'field: value' pairs",
                    )
                )
                continue
            if not isinstance(item, LinedDict):
                item = LinedDict(item, line=line)
            result.records.append(Record(section, item, name, index=i))


def read_yaml(path: Path, name: str, result: ReadResult) -> None:
    doc, problems = parse_yaml(path.read_text(encoding="utf-8"), name)
    result.problems.extend(problems)
    if not problems:
        sections_to_records(doc, name, result)
