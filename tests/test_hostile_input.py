"""Hostile and malformed data files.

Every case must end in one of two ways:
- a clear error: ``ValidationFailed`` (or another ``KbError``) whose every
  line names the file and says what is wrong, printable as is (no raw control,
  bidi or zero-width characters, no lone surrogates), and a graph unchanged;
- a correct load: the text stored byte for byte as the file gave it.
Never another exception type, never a traceback.

Most generated cases are read and validated without the database, by the
product's own first step (``kb.load.prepare``, which ``kb load`` and
``kb load --dry-run`` run); a smaller sample is loaded into the real Neo4j
with ``kb.load.load``. The run prints how many
cases it tried (see ``_report_cases``).
"""

from __future__ import annotations

import copy
import csv
import json
import re
import tempfile
import textwrap
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import MINI, NOW, RUN_FIGURES, catalog_dump, examples, graph_dump
from hypothesis import HealthCheck, assume, example, given, note, settings
from hypothesis import strategies as st

from kb.errors import KbError, Problem, ValidationFailed
from kb.load import load, prepare
from kb.loaders import MAX_DOCUMENT_BYTES
from kb.validate import CONTROL_RE, MAX_TEXT, Catalog

MINI_DOC: dict[str, list[dict[str, Any]]] = yaml.safe_load((MINI / "catalog.yaml").read_text(encoding="utf-8"))
# A command a data file might try to smuggle in: if it ever ran, this file would appear.
PWNED = Path(tempfile.gettempdir()) / "kb-hostile-input-pwned"
SMUGGLE = f"touch {PWNED}"


def _tried(loaded: bool = False) -> None:
    """Count a hostile case (printed at the end of the run by conftest.py)."""
    RUN_FIGURES["hostile tried"] += 1
    RUN_FIGURES["hostile loaded"] += loaded


@pytest.fixture(scope="module", autouse=True)
def _no_shell_command_ran():
    PWNED.unlink(missing_ok=True)
    yield
    assert not PWNED.exists(), "a data file ran a shell command"


# -- hostile values ------------------------------------------------------------------
CYPHER = [
    "'}) DETACH DELETE n //",
    "'}) MATCH (n) DETACH DELETE n //",
    '"}) MATCH (n) DETACH DELETE n //',
    "x` {id: 1}) DETACH DELETE n //",
    "`Instrument`",
    "$rows",
    "{key: 'x'}",
    "' OR 1=1 //",
    "CALL dbms.killQueries(['1']) //",
    "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l",
    "MATCH (n) SET n.pwned = true",
    "\\u0027}) DETACH DELETE n //",
]
ODD = [
    "\u202e",
    "\u202d",
    "\u2066",
    "\u200d",
    "\u200b",
    "\ufeff",
    "\u00ad",
    "\u00a0",
    "\u2028",
    "\u2029",
    "\x85",
    "\x00",
    "\x07",
    "\x1b[31m",
    "\x7f",
    "\r",
    "\n",
    "\r\n",
    "\t",
    "\\",
    '"',
    "'",
    "`",
    "``",
    "🙂",
    "👩‍👩‍👧",
    "𝕏",
    "ﷺ",
    "Ǆ",
    "İ",
    "ß",
    "\u0301",
    "e\u0301",
    "\ue000",
    "\U0010fffd",
]
YAMLISH = [
    "null",
    "~",
    "yes",
    "no",
    "on",
    "0x1F",
    "010",
    "1:30",
    "1_000",
    ".inf",
    ".nan",
    "1e3",
    "1.10",
    "2020-02-30",
    "2001-12-14t21:59:43.10-05:00",
    "*alias",
    "&anchor x",
    "!!python/object/apply:os.system",
    "<<",
    "---",
    "...",
    "# comment",
    "- item",
    "key: value",
    "[a, b]",
    "{a: b}",
    "|",
    ">",
    "%YAML 1.2",
    "@",
    "?",
]
FRAGMENTS = CYPHER + ODD + YAMLISH

hostile_text = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.text(max_size=40),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), min_size=1, max_size=6).map("".join),
    st.integers(MAX_TEXT - 2, MAX_TEXT + 2).map(lambda n: "x" * n),  # around the length limit
    st.sampled_from(["é" * (MAX_TEXT + 1), "🙂" * MAX_TEXT, "'}) DETACH DELETE n //" * 900]),
)

hostile_key = st.one_of(
    st.sampled_from(
        [
            "'}) DETACH DELETE n //",
            "AA`) DETACH DELETE n //",
            "`",
            "a`b",
            "AA-LAW-2020\n",
            "alpha\n",
            "AA LAW",
            "aa\u202e",
            "a\u200db",
            "",
            " ",
            "x" * 201,
            "ü",
            "a;b",
            "a'b",
            'a"b',
            "a{b}",
            "$x",
            "a\x00",
            "-lead",
        ]
    ),
    st.text(max_size=12),
)

# Any value a YAML or JSON file can hold, and some a tired curator might write.
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=2**63 - 2, max_value=2**70),
    st.floats(),
    st.text(max_size=20),
    hostile_text,
    st.dates(),
    st.datetimes(),
)
any_value = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=8,
)


# -- writing catalogs --------------------------------------------------------------------
def _jsonable(v: Any) -> Any:
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    raise TypeError(type(v).__name__)


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, list):
        return ";".join(
            f"{_cell(i['date'])}:{i['status']}:{i['source']}"
            if isinstance(i, dict) and set(i) == {"date", "status", "source"}
            else _cell(i)
            for i in v
        )
    return str(v)


def write_catalog(doc: dict[str, Any], folder: Path, fmt: str, ascii_only: bool = False) -> list[Path]:
    """``doc`` as files kb reads: one YAML or JSON file, or one CSV per section."""
    folder.mkdir(parents=True, exist_ok=True)
    if fmt == "yaml":
        p = folder / "catalog.yaml"
        p.write_text(yaml.safe_dump(doc, allow_unicode=not ascii_only, sort_keys=False), encoding="utf-8")
        return [p]
    if fmt == "json":
        p = folder / "catalog.json"
        p.write_text(json.dumps(doc, default=_jsonable, ensure_ascii=ascii_only, indent=1), encoding="utf-8")
        return [p]
    paths = []
    for section, records in doc.items():
        p = folder / f"{section}.csv"
        fields = list(dict.fromkeys(k for r in records for k in r))
        with p.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(fields)
            for r in records:
                w.writerow([_cell(r.get(k)) for k in fields])
        paths.append(p)
    return paths


def check_problems(problems: list) -> None:
    """Every problem is a Problem whose message is one printable line naming
    where it is; the whole error prints in UTF-8."""
    for p in problems:
        assert isinstance(p, Problem), p
        text = str(p)
        assert text.isprintable(), repr(text)
        assert p.file and p.message
    if problems:
        str(ValidationFailed(problems)).encode("utf-8")


def read_and_validate(paths: list[Path]):
    """What ``kb load`` does before it writes (``kb.load.prepare``, with no
    database); returns (catalog, problems): the catalog with its edge rows
    read back from the stage into memory, or None when there are problems."""
    _tried()
    try:
        staged, _, _, _ = prepare(paths)
    except ValidationFailed as e:
        problems = e.problems
        check_problems(problems)
        return None, problems
    try:
        stage = staged.stage
        edges = {group: [r for _, batch in stage.rows(group, 1 << 30) for r in batch] for group in stage.counts}
    finally:
        staged.close()
    return Catalog(nodes=staged.nodes, edges=edges), []


def row_of(catalog, section: str, index: int, doc: dict) -> dict[str, Any]:
    """The validated row of ``doc[section][index]``."""
    from kb.schema.sections import NODE_SECTION_BY_NAME, SECTIONS

    rec = doc[section][index]
    sec = SECTIONS[section]
    if section in NODE_SECTION_BY_NAME:
        return next(r for r in catalog.nodes[section] if r["key"] == rec[sec.key])["props"]
    rows = [r for rows in catalog.edges.values() for r in rows]
    return next(
        r
        for r in rows
        if r["start"] == rec[sec.start.field]
        and r["end"] == rec[sec.end.field]
        and all(r["props"].get(k) == rec.get(k) for k in sec.key_props)
    )["props"]


# -- 1. hostile text in text fields -----------------------------------------------------------
TEXT_FIELDS = [  # (section, record index, field, required)
    ("instruments", 0, "name", True),
    ("instruments", 0, "notes", False),
    ("instruments", 1, "short_name", False),
    ("instruments", 2, "citation", False),
    ("topics", 0, "definition", True),
    ("topics", 1, "question", False),
    ("sources", 0, "title", True),
    ("papers", 0, "title", True),
    ("treats", 0, "note", False),
    ("treats", 1, "pinpoint", False),
    ("conflicts", 0, "basis", True),
    ("developers", 0, "note", False),
]


def expected_outcome(value: str, required: bool, fmt: str) -> str | None:
    """'missing', 'too long', 'control', 'surrogate', or the stored value (None: absent)."""
    if value == "":  # no value, in every format (a CSV cell cannot tell empty from missing)
        return "missing" if required else None
    if len(value) > MAX_TEXT:
        return "too long"
    if CONTROL_RE.search(value):
        return "control"
    if required and not value.strip():
        return "missing"
    return value


MESSAGES = {
    "missing": "missing required field",
    "too long": f"the limit is {MAX_TEXT}",
    "control": "text contains a control character",
}


def hostile_text_case(value: str, target: tuple, fmt: str, ascii_only: bool, folder: Path):
    section, index, fld, required = target
    doc = copy.deepcopy(MINI_DOC)
    doc[section][index][fld] = value
    paths = write_catalog(doc, folder, fmt, ascii_only)
    given_value = value
    if fmt == "yaml":
        # what a YAML file says is what YAML's reference SafeLoader reads (PyYAML's
        # emitter writes a raw NEL, a line break in YAML 1.1, into single quotes)
        given_value = yaml.safe_load(paths[0].read_text(encoding="utf-8"))[section][index][fld]
        if given_value != value:
            note(f"PyYAML round trip: {value!r} -> {given_value!r}")
    return paths, expected_outcome(given_value, required, fmt)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    value=hostile_text,
    target=st.sampled_from(TEXT_FIELDS),
    fmt=st.sampled_from(["yaml", "json", "csv"]),
    ascii_only=st.booleans(),
)
# U+001F is white space to Python's str.strip(): one problem (a control character), not "missing" too
@example(value="\x1f", target=("instruments", 0, "name", True), fmt="yaml", ascii_only=False)
@pytest.mark.slow
def test_hostile_text_is_refused_clearly_or_kept_verbatim(tmp_path, value, target, fmt, ascii_only):
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    paths, outcome = hostile_text_case(value, target, fmt, ascii_only, folder)
    catalog, problems = read_and_validate(paths)
    section, index, fld, _ = target
    if outcome in MESSAGES:
        mine = [p for p in problems if p.field == f"{section}.{fld}"]
        assert len(mine) == 1 and MESSAGES[outcome] in mine[0].message, problems
        # the refused record is left out, so references to it are reported too
        assert all(p.message.startswith("unknown ") for p in problems if p not in mine), problems
    else:
        assert problems == []
        stored = row_of(catalog, section, index, MINI_DOC)[fld]
        assert stored == outcome and type(stored) is type(outcome)


class MiniDb:
    """The test database, holding the mini catalog to begin with. Cases that
    load change it; cases that are refused must leave it as it was."""

    def __init__(self, db):
        self.db = db
        load(db, [MINI])

    def read(self, query: str, **params):
        return self.db.read(query, **params)

    def load_or_refuse(self, paths: list[Path]) -> KbError | None:
        """Load ``paths``. On any error, the error is a KbError and the graph
        is unchanged. Returns the error, or None after a load."""
        before = graph_dump(self.db)
        _tried(loaded=True)
        try:
            load(self.db, paths)
        except KbError as e:
            if isinstance(e, ValidationFailed):
                check_problems(e.problems)
            assert graph_dump(self.db) == before, "a failed load changed the graph"
            return e
        return None


@pytest.fixture
def mini_db(db) -> MiniDb:
    return MiniDb(db)


@settings(max_examples=examples(20), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    value=hostile_text,
    target=st.sampled_from(TEXT_FIELDS),
    fmt=st.sampled_from(["yaml", "json", "csv"]),
    ascii_only=st.booleans(),
)
@pytest.mark.slow
def test_hostile_text_in_neo4j_is_stored_byte_for_byte(mini_db, tmp_path, value, target, fmt, ascii_only):
    from kb.schema.sections import NODE_SECTION_BY_NAME, SECTIONS

    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    paths, outcome = hostile_text_case(value, target, fmt, ascii_only, folder)
    error = mini_db.load_or_refuse(paths)
    if outcome in MESSAGES:
        assert isinstance(error, ValidationFailed) and MESSAGES[outcome] in str(error)
        return
    assert error is None, str(error)
    section, index, fld, _ = target
    rec, sec = MINI_DOC[section][index], SECTIONS[section]
    if section in NODE_SECTION_BY_NAME:  # the record's current state
        rows = mini_db.read(
            f"MATCH (:{sec.label} {{{sec.key}: $key}})-[:HAS_STATE]->(x) WHERE x.recorded_to = {NOW} "
            "RETURN x[$fld] AS v",
            key=rec[sec.key],
            fld=fld,
        )
    else:  # the current edge
        start = NODE_SECTION_BY_NAME[sec.start.targets[0]]
        end = NODE_SECTION_BY_NAME[sec.end.targets[0]]
        rows = mini_db.read(
            f"MATCH (:{start.label} {{{start.key}: $a}})-[x:{sec.rel_type}]->(:{end.label} {{{end.key}: $b}}) "
            f"WHERE x.recorded_to = {NOW} RETURN x[$fld] AS v",
            a=rec[sec.start.field],
            b=rec[sec.end.field],
            fld=fld,
        )
    assert rows == [{"v": outcome}]
    # matched as data, too: the value finds its record and nothing else
    if outcome:
        found = (
            mini_db.read("MATCH (x) WHERE x[$fld] = $v RETURN count(x) AS n", fld=fld, v=outcome)[0]["n"]
            + mini_db.read("MATCH ()-[x]->() WHERE x[$fld] = $v RETURN count(x) AS n", fld=fld, v=outcome)[0]["n"]
        )
        assert found >= 1


# -- 2. malformed records: wrong types, missing and extra fields, bad keys and references ------------
SECTION_NAMES = list(MINI_DOC)


@st.composite
def mutated_catalog(draw) -> dict[str, Any]:
    from kb.schema.sections import SECTIONS, data_fields

    doc = copy.deepcopy(MINI_DOC)
    for _ in range(draw(st.integers(1, 3))):
        section = draw(st.sampled_from(SECTION_NAMES))
        records = doc[section]
        if not isinstance(records, list) or not records:
            continue
        i = draw(st.integers(0, len(records) - 1))
        rec = records[i]
        if not isinstance(rec, dict):
            continue
        sec = SECTIONS[section]
        what = draw(
            st.sampled_from(
                ["drop", "extra", "retype", "key", "ref", "dup", "record", "section", "unknown section", "history"]
            )
        )
        fields = data_fields(sec)
        if what == "drop" and rec:
            rec.pop(draw(st.sampled_from(sorted(rec))))
        elif what == "extra":
            rec[
                draw(
                    st.one_of(
                        st.sampled_from(["colour", "Name", "name ", "id\u200d", "`", "source\u202e"]),
                        st.text(max_size=8),
                    )
                )
            ] = draw(any_value)
        elif what == "retype":
            rec[draw(st.sampled_from(fields))] = draw(any_value)
        elif what == "key" and hasattr(sec, "key"):
            rec[sec.key] = draw(hostile_key)
        elif what == "ref":
            refs = [
                f
                for f in (
                    "source",
                    "jurisdiction",
                    "topic",
                    "instrument",
                    "other",
                    "paper",
                    "developer",
                    "home",
                    "part_of",
                    "issued_by",
                    "from",
                    "to",
                    "revoked",
                )
                if f in fields
            ]
            if refs:
                rec[draw(st.sampled_from(refs))] = draw(
                    st.one_of(
                        hostile_key,
                        st.sampled_from(["AA-LAW-2021", "test:two", "gamma", "ZZ", "dev-b", "arXiv:0000.00002"]),
                    )
                )
        elif what == "dup":
            records.append(copy.deepcopy(rec))
        elif what == "record":
            records[i] = draw(any_value)
        elif what == "section":
            doc[section] = draw(any_value)
        elif what == "unknown section":
            doc[draw(st.sampled_from(["instrument", "Topics", "edges", "`x`", "\u202etopics"]))] = [copy.deepcopy(rec)]
        elif what == "history" and section == "instruments":
            rec["status_history"] = draw(
                st.one_of(
                    any_value,
                    st.lists(
                        st.fixed_dictionaries(
                            {
                                "date": st.one_of(st.dates(), any_value),
                                "status": st.sampled_from(["in_force", "revoked", "x"]),
                                "source": st.sampled_from(["test:one", "nowhere"]),
                            }
                        ),
                        max_size=3,
                    ),
                )
            )
    return doc


def write_any(doc: dict, folder: Path, fmt: str) -> list[Path] | None:
    try:
        return write_catalog(doc, folder, fmt)
    except (TypeError, ValueError, AttributeError, yaml.YAMLError):
        return None  # the generator made something this format cannot hold


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=mutated_catalog(), fmt=st.sampled_from(["yaml", "json", "csv"]))
def test_malformed_records_give_clear_problems(tmp_path, doc, fmt):
    paths = write_any(doc, Path(tempfile.mkdtemp(dir=tmp_path)), fmt)
    assume(paths is not None)
    catalog, problems = read_and_validate(paths)
    if not problems:  # the mutation kept the catalog valid: every record made it through
        assert catalog.count() > 0


@settings(max_examples=examples(15), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=mutated_catalog(), fmt=st.sampled_from(["yaml", "json", "csv"]))
def test_malformed_records_against_neo4j(mini_db, tmp_path, doc, fmt):
    paths = write_any(doc, Path(tempfile.mkdtemp(dir=tmp_path)), fmt)
    assume(paths is not None)
    error = mini_db.load_or_refuse(paths)
    if error is None:
        assert graph_dump(mini_db.db)[0], "a load that succeeded left no nodes"


# -- 3. raw files: YAML tricks, broken syntax, bytes that are not UTF-8 -----------------------------------------
YAML_TRICKS = [
    "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n",
    f"instruments: !!python/object/apply:os.system ['{SMUGGLE}']\n",
    f"instruments:\n  - !!python/object/apply:os.system {{args: ['{SMUGGLE}']}}\n",
    f"topics:\n  - {{slug: a, name: !!python/object/apply:os.system '{SMUGGLE}'}}\n",
    "topics:\n  - {slug: a, name: !!python/name:os.system }\n",
    f"topics:\n  - {{!!python/object/apply:os.system ['{SMUGGLE}']: x}}\n",
    "topics:\n  - !!python/object/new:subprocess.Popen [[touch, /tmp/x]]\n",
    "topics: [{<<: {slug: a}, name: x}]\n",
    "topics: !!set {a, b}\n",
    "topics: !!omap [{a: 1}]\n",
    "topics:\n  - {slug: !!binary aGVsbG8=, name: !!str 1}\n",
    "topics:\n  - {? [a, b]: c}\n",
    "topics:\n  - {slug: a, slug: b}\n",
    "--- {topics: []}\n--- {topics: []}\n",
    "topics: [" * 600 + "]" * 600 + "\n",
    "topics:\n  - {slug: a, rank: " + "9" * 5000 + "}\n",
    "topics:\n  - {slug: a, rank: 0x" + "f" * 5000 + ", name: 0x" + "f" * 5000 + "}\n",
    'topics:\n  - {slug: a, name: "\\ud800\\udc00", "\\ud800": x}\n',
    "topics:\n\t- {slug: a}\n",
    "%YAML 1.1\n%TAG ! tag:yaml.org,2002:python/\n---\ntopics: !object/apply:os.system [ls]\n",
    "topics: *undefined\n",
    "? \n: \n",
    "- a\n- b\n",
    "just text\n",
    "topics: {slug: a}\n",
    "topics:\n  - 42\n",
    "instruments:\n  - id: X\n    status_history: [{date: 2020-01-01, status: in_force}]\n",
]
JSON_TRICKS = [
    '{"topics": [{"slug": "a", "slug": "b"}]}',
    '{"topics": [' * 3000 + "]" * 3000 + "}",
    '{"topics": [{"slug": "a", "rank": ' + "9" * 5000 + "}]}",
    '{"topics": [{"slug": "a", "name": "\\ud800", "\\udc00": 1, "rank": NaN, "definition": Infinity}]}',
    '{"topics": [{"slug": "a\\u0000", "name": "x\\u202e"}]}',
    "[1, 2, 3]",
    '"text"',
    "null",
    '{"topics": null}',
    '{"topics": {"slug": "a"}}',
    "{",
    "",
]
CSV_TRICKS = [
    "slug,name,slug\na,b,c\n",
    'slug,name\n"a,b\n',
    "slug,name\na,b,c\n",
    'slug,name,definition,rank,source\na,"x\x00y",d,1_0,s\n',
    "\ufeffslug,name\n`,'}) DETACH DELETE n //\n",
    "slug,name\n" + "a," + "x" * (1 << 16) + "\n",
]


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    parts=st.lists(
        st.one_of(
            st.sampled_from(YAML_TRICKS),
            st.sampled_from(FRAGMENTS),
            st.text(max_size=30),
            st.sampled_from([": ", "\n", "  ", "- ", "[", "]", "{", "}", ",", "&a ", "*a", "!!"]),
        ),
        min_size=1,
        max_size=8,
    ),
    kind=st.sampled_from(["yaml", "json", "csv", "bytes"]),
    wrap=st.booleans(),
)
def test_raw_files_never_crash_the_reader(tmp_path, parts, kind, wrap):
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    text = "".join(parts)
    if kind == "json" and wrap:  # valid JSON holding the text as a value and as a key
        text = json.dumps({"topics": [{"slug": "a", "name": text, text: 1}]}, ensure_ascii=len(parts) % 2 == 0)
    path = folder / {"yaml": "catalog.yaml", "json": "catalog.json", "csv": "topics.csv", "bytes": "catalog.yaml"}[kind]
    if kind == "bytes":  # not UTF-8
        path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le", "surrogatepass"))
    else:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
    read_and_validate([path])
    assert not PWNED.exists()


@pytest.mark.parametrize("text", YAML_TRICKS, ids=lambda t: re.sub(r"\W+", "_", t[:30]))
def test_yaml_tricks_are_refused_or_read_safely(tmp_path, text):
    path = tmp_path / "trick.yaml"
    path.write_text(text, encoding="utf-8")
    _, problems = read_and_validate([path])
    assert problems, "a trick file passed validation"
    assert not PWNED.exists()


@pytest.mark.parametrize("text", JSON_TRICKS, ids=lambda t: re.sub(r"\W+", "_", t[:30]))
def test_json_tricks_are_refused(tmp_path, text):
    path = tmp_path / "trick.json"
    path.write_text(text, encoding="utf-8")
    _, problems = read_and_validate([path])
    assert problems or text in ('{"topics": null}', "null")  # an empty catalog, like an empty YAML file


@pytest.mark.parametrize("text", CSV_TRICKS, ids=lambda t: re.sub(r"\W+", "_", t[:30]))
def test_csv_tricks_are_refused(tmp_path, text):
    path = tmp_path / "topics.csv"
    path.write_text(text, encoding="utf-8")
    _, problems = read_and_validate([path])
    assert problems


# -- the named tricks, with their exact message -------------------------------------------------------
def only_problem(path: Path) -> str:
    _, problems = read_and_validate([path])
    assert len(problems) == 1, problems
    return str(problems[0])


def test_billion_laughs_is_refused_at_the_first_alias(tmp_path):
    lines = ['lol0: &lol0 "lol"'] + [
        f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * 10) + "]" for i in range(1, 10)
    ]
    path = tmp_path / "laughs.yaml"
    path.write_text("\n".join(lines) + "\n")
    assert only_problem(path) == (
        f"{path}:2: invalid YAML: aliases (*name) are not allowed in kb data files; write the value out "
        "(fix the YAML syntax)"
    )


@pytest.mark.parametrize(
    "snippet,message",
    [
        (
            f"papers: !!python/object/apply:os.system ['{SMUGGLE}']",
            "the tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
        ),
        (
            f"papers:\n  - !!python/object/apply:os.system {{args: ['{SMUGGLE}']}}",
            "the tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
        ),
        (
            f"papers:\n  - {{id: p, title: !!python/object/apply:os.system '{SMUGGLE}'}}",
            "could not determine a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'",
        ),
        (
            "papers:\n  - {!!python/name:os.system x: 1}",
            "could not determine a constructor for the tag 'tag:yaml.org,2002:python/name:os.system'",
        ),
    ],
)
def test_python_tags_are_refused_and_never_run(tmp_path, snippet, message):
    path = tmp_path / "tag.yaml"
    path.write_text(snippet + "\n")
    problem = only_problem(path)
    assert problem.startswith(f"{path}:")
    assert f"invalid YAML: {message}" in problem
    assert problem.endswith("(kb data files use plain YAML values only; remove the tag)")
    assert not PWNED.exists()


def test_deep_nesting_is_a_problem_not_a_recursion_error(tmp_path):
    y, j = tmp_path / "deep.yaml", tmp_path / "deep.json"
    y.write_text("topics: " + "[" * 5000 + "]" * 5000 + "\n")
    j.write_text('{"topics": ' + "[" * 5000 + "]" * 5000 + "}")
    assert only_problem(y) == (
        f"{y}: invalid YAML: nested too deeply (records are flat mappings; see docs/data-format.md)"
    )
    assert only_problem(j) == (
        f"{j}: invalid JSON: nested too deeply (records are flat mappings; see docs/data-format.md)"
    )


def test_numbers_too_long_for_python_are_problems(tmp_path):
    y, j = tmp_path / "n.yaml", tmp_path / "n.json"
    y.write_text("topics:\n  - {slug: a, rank: " + "9" * 5000 + "}\n")
    j.write_text('{"topics": [{"slug": "a",\n "rank": ' + "9" * 5000 + "}]}")
    assert only_problem(y) == (
        f"{y}:2: invalid YAML: cannot read the number 99999999999999999999... "
        "(5000 characters) (quote it if it is text)"
    )
    assert only_problem(j) == (
        f"{j}:2: cannot read the number 99999999999999999999... (5000 digits) (quote it if it is text)"
    )


def test_control_characters_in_a_yaml_file_name_their_line(tmp_path):
    path = tmp_path / "nul.yaml"
    path.write_text("topics:\n  - {slug: a, name: x\x00y}\n")
    assert only_problem(path) == (
        f"{path}:2: invalid YAML: the character U+0000 is not allowed "
        "(remove it; YAML files cannot hold control characters such as NUL)"
    )


def test_lone_surrogates_are_refused_and_field_names_print_escaped(tmp_path):
    """A \\ud800 escape (JSON or YAML) makes a string Neo4j cannot store, and a
    key with a bidi override would reorder the message on screen."""
    topic = {"name": "x", "definition": "y", "rank": 1, "source": "s"}
    doc = {
        "sources": [{"id": "s", "title": "t", "kind": "primary"}],
        "topics": [{**topic, "slug": "a", "name": "\ud800"}, {**topic, "slug": "b", "\u202ename\ud800": "x"}],
    }
    path = tmp_path / "s.json"
    path.write_text(json.dumps(doc), encoding="ascii")  # the file holds the escapes
    yaml_path = tmp_path / "s.yaml"
    yaml_path.write_text('topics: [{slug: c, name: "\\ud83d\\ude00", definition: y, rank: 1, source: s}]\n')
    _, problems = read_and_validate([path, yaml_path])
    assert [str(p) for p in problems] == [
        f"{path}:1: topics.name: text contains a lone surrogate \\ud800, which is not a character "
        "(write the character itself, or in YAML its \\U0001XXXX escape)",
        f"{path}:1: topics.\\u202ename\\ud800: unknown field '\\u202ename\\ud800' "
        "(did you mean 'name'? topics fields are: slug, catalog, name, definition, question, rank, source)",
        f"{yaml_path}:1: topics.name: text contains a lone surrogate \\ud83d, which is not a character "
        "(write the character itself, or in YAML its \\U0001XXXX escape)",
    ]


def test_a_file_over_the_size_limit_is_refused_unread(db, tmp_path):
    """A sparse file: its size is over the limit, its disk use is nothing."""
    load(db, [MINI])
    before = graph_dump(db)
    paths = []
    for name in ("huge.yaml", "huge.json"):
        p = tmp_path / name
        with p.open("wb") as f:
            f.write(b"topics:\n" if name.endswith("yaml") else b"{")
            f.truncate(MAX_DOCUMENT_BYTES + 1)
        paths.append(p)
    _tried(loaded=True)
    with pytest.raises(ValidationFailed) as e:
        load(db, paths)
    assert [str(p) for p in e.value.problems] == [
        f"{p}: file is larger than 64 MiB (split it, or use CSV files for large catalogs)" for p in paths
    ]
    assert graph_dump(db) == before


@pytest.mark.slow
def test_numbers_and_dates_in_text_fields_keep_their_spelling(db, tmp_path):
    """YAML 1.1 reads 010 as 8 and 1:30 as 90, JSON 1.10 as 1.1: a text field
    stores what the file wrote."""
    load(db, [MINI])
    text = (MINI / "catalog.yaml").read_text()
    text = (
        text.replace("pinpoint: Art. 1,", "pinpoint: 1.10,")
        .replace("note: Not addressed.", "note: 1:30")
        .replace("name: Bland Voluntary Code", "name: 010")
        .replace(
            "    name: North Aland Bill\n", "    name: North Aland Bill\n    short_name: 2020-1-2\n    citation: 0x1F\n"
        )
    )
    path = tmp_path / "catalog.yaml"
    path.write_text(text)
    _tried(loaded=True)
    load(db, [path])
    assert db.read(
        f"MATCH (i:InstrumentState) WHERE i.id IN ['BB-CODE-2021', 'AA-N-BILL'] AND i.recorded_to = {NOW} "
        "RETURN i.id AS id, i.name AS name, i.short_name AS short, i.citation AS cit ORDER BY id"
    ) == [
        {"id": "AA-N-BILL", "name": "North Aland Bill", "short": "2020-1-2", "cit": "0x1F"},
        {"id": "BB-CODE-2021", "name": "010", "short": None, "cit": None},
    ]
    cells = {
        r["t"]: (r["p"], r["n"])
        for r in db.read(
            f"MATCH (i:Instrument)-[t:TREATS]->(:Topic {{slug: 'alpha'}}) WHERE t.recorded_to = {NOW} "
            "RETURN i.id AS t, t.pinpoint AS p, t.note AS n"
        )
    }
    assert cells["AA-LAW-2020"][0] == "1.10" and cells["BB-CODE-2021"][1] == "1:30"
    # and numbers still load as numbers where the schema wants one
    assert db.read("MATCH (t:TopicState {slug: 'beta'}) RETURN t.rank AS r")[0]["r"] == 2


# -- injection: Cypher in data is stored and matched as data ------------------------------------------
INJECTION = "'}) MATCH (n) DETACH DELETE n //"


def test_cypher_in_names_and_notes_is_stored_verbatim(db, tmp_path):
    load(db, [MINI])
    before_nodes, before_edges = catalog_dump(db)
    hostile = {
        "name": f"Aland AI Law {INJECTION}",
        "notes": f"`Instrument`) DETACH DELETE n // $rows {{id: 'x'}} \u202e {INJECTION}",
        "citation": '"}) CALL dbms.killQueries([]) //',
    }
    text = (
        (MINI / "catalog.yaml")
        .read_text()
        .replace("    name: Aland AI Law\n", "".join(f"    {k}: {json.dumps(v)}\n" for k, v in hostile.items()))
    )
    path = tmp_path / "catalog.yaml"
    path.write_text(text)
    _tried(loaded=True)
    load(db, [path])
    row = db.read(
        f"MATCH (:Instrument {{id: 'AA-LAW-2020'}})-[:HAS_STATE]->(i) WHERE i.recorded_to = {NOW} "
        "RETURN i.name AS name, i.notes AS notes, i.citation AS citation"
    )[0]
    assert row == hostile
    # matched as data: a parameter holding the same text finds exactly that state
    assert db.read("MATCH (i:InstrumentState {name: $name}) RETURN i.id AS id", name=hostile["name"]) == [
        {"id": "AA-LAW-2020"}
    ]
    # and the rest of the catalog is intact: the same records and edges as before
    nodes, edges = catalog_dump(db)
    assert len(nodes) == len(before_nodes) and edges == before_edges
    changed = set(nodes) - set(before_nodes)
    assert len(changed) == 1 and "AA-LAW-2020" in changed.pop()


def test_cypher_in_references_is_an_unknown_reference(db, tmp_path):
    load(db, [MINI])
    before = graph_dump(db)
    path = tmp_path / "treats.csv"
    path.write_text(
        "instrument,topic,mode,confidence,source\n"
        f'"AA-LAW-2020{INJECTION}",alpha,explicit,medium,test:one\n'
        f"AA-LAW-2020,\"beta` {{slug: 'x'}}) DETACH DELETE n //\",explicit,medium,test:one\n"
    )
    _tried(loaded=True)
    with pytest.raises(ValidationFailed) as e:
        load(db, [path])
    messages = [p.message for p in e.value.problems]
    assert messages == [
        f"unknown instrument {'AA-LAW-2020' + INJECTION!r}",
        "unknown topic \"beta` {slug: 'x'}) DETACH DELETE n //\"",
    ]
    assert graph_dump(db) == before


KEY_RULES = {
    "id": "letters, digits and . _ : / + - only, starting with a letter or digit, at most 200 characters",
    "code": "letters, digits, _ and - only, starting with a letter, at most 64 characters",
    "slug": "lowercase letters, digits and _ only, starting with a letter, e.g. open_weight_release",
}


@pytest.mark.parametrize(
    "section,index,key_field",
    [
        ("instruments", 0, "id"),
        ("sources", 0, "id"),
        ("jurisdictions", 0, "code"),
        ("topics", 0, "slug"),
        ("developers", 0, "id"),
        ("papers", 0, "id"),
    ],
)
@pytest.mark.parametrize(
    "key",
    [
        INJECTION,
        "AA`) DETACH DELETE n //",
        "a`b",
        "x'}) SET n.pwned = true //",
        "alpha\n",
        "AA-LAW-2020\n",
        "a\u202eb",
        "a\u200db",
        "a b",
        "$rows",
        "-x",
    ],
)
def test_hostile_keys_are_refused_with_the_rule(tmp_path, section, index, key_field, key):
    doc = copy.deepcopy(MINI_DOC)
    doc[section][index][key_field] = key
    (path,) = write_catalog(doc, tmp_path, "yaml")
    _, problems = read_and_validate([path])
    bad = [p for p in problems if p.field == f"{section}.{key_field}"]
    assert len(bad) == 1, problems
    assert bad[0].message == f"bad {key_field} {key!r}"
    assert bad[0].hint == f"use {KEY_RULES[key_field]}"


def test_cli_reports_hostile_files_without_a_traceback(cli, db, tmp_path):
    files = {
        "laughs.yaml": "a: &a [x]\nb: [*a, *a]\n",
        "tag.yaml": f"topics: !!python/object/apply:os.system ['{SMUGGLE}']\n",
        "deep.json": '{"topics": ' + "[" * 5000 + "]" * 5000 + "}",
        "bidi.json": json.dumps({"topics": [{"slug": "a", "\u202ename\u200d": "x", "name": "\ud800"}]}),
        "key.yaml": textwrap.dedent(f"""\
            topics:
              - {{slug: {json.dumps(INJECTION)}, name: x, definition: y, rank: 1, source: nowhere}}
        """),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    _tried(loaded=True)
    result = cli("load", str(tmp_path))
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "Traceback" not in result.output
    assert all(line.isprintable() for line in result.output.splitlines())
    for name in files:
        assert str(tmp_path / name) in result.output
    assert 'bad slug "\'}) MATCH (n) DETACH DELETE n //"' in result.output
    assert "topics.\\u202ename\\u200d: unknown field" in result.output
    assert not PWNED.exists()
