"""The package's imports point one way (docs/architecture.md).

Every ``import`` inside kb counts, at the top of a module or inside a
function (an import inside a function hides a cycle; it does not remove it).
A package's ``__init__`` is a module like any other: ``kb.queries`` importing
``kb.queries.lookup`` while ``kb.queries.lookup`` imports ``kb.queries`` is a
cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

from helpers import ROOT

PACKAGE = ROOT / "kb"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, name: str) -> set[str]:
    """The kb modules ``path`` imports, anywhere in it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        graph[name] = {t for t in imports_of(path, name) if t in modules and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_inside_kb():
    assert cycles(import_graph()) == []


def test_only_the_cli_imports_click():
    users = sorted(n for n, p in ((module_name(p), p) for p in PACKAGE.rglob("*.py")) if "click" in imports_of(p, n))
    assert users == ["kb.cli"]


def test_the_file_readers_sit_below_load_and_validate():
    """kb.loaders is read by kb.load and kb.validate and reads only kb.errors
    and the schema's sections (which file holds which section), never what
    sits above it. Its ``__main__`` (``python -m kb.loaders``) is an entry
    point like the CLI's, and runs the CLI."""
    graph = import_graph()
    readers = {n for n in graph if n == "kb.loaders" or n.startswith("kb.loaders.")} - {"kb.loaders.__main__"}
    assert {"kb.loaders", "kb.loaders.records", "kb.loaders.yaml_file", "kb.loaders.csv_file"} <= readers
    used = {t for n in readers for t in graph[n]} - readers
    assert "kb.errors" in used and all(t == "kb.errors" or t.startswith("kb.schema") for t in used), used
    assert "kb.loaders" in graph["kb.load"] and "kb.loaders.records" in graph["kb.validate"]


def _package(graph: dict[str, set[str]], name: str) -> set[str]:
    return {n for n in graph if n == name or n.startswith(name + ".")}


def test_imports_point_from_the_cli_to_render_to_queries():
    """kb.cli -> kb.render -> kb.queries -> the database: kb.queries returns
    plain data and never imports kb.render or kb.cli; kb.render lays out
    that data and never imports kb.cli, nor reads the graph itself (no
    kb.db, no reader: it is given data)."""
    graph = import_graph()
    queries, render = _package(graph, "kb.queries"), _package(graph, "kb.render")
    assert {"kb.queries.registry", "kb.queries.reader", "kb.render.pages", "kb.render.topic_page"} <= queries | render
    upward = {(n, t) for n in queries for t in graph[n] if t.startswith(("kb.render", "kb.cli"))}
    assert upward == set()
    from_render = {t for n in render for t in graph[n]} - render
    assert "kb.cli" not in from_render and "kb.db" not in from_render, from_render
    assert not {t for t in from_render if t in ("kb.queries.reader", "kb.queries.registry")}, from_render
    assert any(t.startswith("kb.render") for t in graph["kb.cli"])


def test_the_web_layer_sits_above_render_and_queries():
    """kb.web -> kb.render -> kb.queries: kb serve answers with the same
    layouts and questions as the CLI; kb.web never imports kb.cli (the CLI
    imports kb.web to start it), and nothing below imports kb.web. Only
    kb.web imports the web stack (Starlette, Jinja2, uvicorn)."""
    graph = import_graph()
    web = _package(graph, "kb.web")
    assert {"kb.web.app", "kb.web.pages", "kb.web.params", "kb.web.routes"} <= web
    from_web = {t for n in web for t in graph[n]} - web
    assert not {t for t in from_web if t == "kb.cli" or t.startswith("kb.cli.")}, from_web
    assert any(t.startswith("kb.render") for t in from_web) and any(t.startswith("kb.queries") for t in from_web)
    below = _package(graph, "kb.render") | _package(graph, "kb.queries") | _package(graph, "kb.schema")
    assert not {(n, t) for n in below for t in graph[n] if t.startswith("kb.web")}
    stack = ("starlette", "jinja2", "markupsafe", "uvicorn")
    users = sorted(
        n
        for n, p in ((module_name(p), p) for p in PACKAGE.rglob("*.py"))
        if any(m == s or m.startswith(s + ".") for m in imports_of(p, n) for s in stack)
    )
    assert users and all(u.startswith("kb.web.") for u in users), users
