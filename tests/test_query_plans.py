"""Every lookup in a named query is backed by an index or constraint.

Each named query is EXPLAINed with its example parameters. A pattern that
names a node by its key, `(x:Label {key: $param})`, must be planned as an
index seek on Label(key), never as a scan of every Label node or every
relationship; and no query but the history report scans all nodes.
"""

from __future__ import annotations

import re

import pytest

from kb.queries import check_params, load_queries

QUERIES = load_queries()
KEYED = re.compile(r"\(\s*\w*\s*:\s*(\w+)\s*\{\s*(\w+)\s*:\s*\$(\w+)\s*\}\s*\)")
# Reports over the whole history: they read every fact added since a day.
FULL_SCAN_ALLOWED = {"changes"}


def operators(plan) -> list[tuple[str, str]]:
    out = [(plan["operatorType"].split("@")[0], plan.get("args", {}).get("Details", ""))]
    for child in plan.get("children", []):
        out += operators(child)
    return out


def explain(db, query) -> list[tuple[str, str]]:
    params = check_params(query, query.example)

    def work(tx):
        return tx.run("EXPLAIN " + query.text, params).consume().plan

    return operators(db.read_tx(work))


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_keyed_lookups_use_an_index(corpus_db, name):
    query = QUERIES[name]
    ops = explain(corpus_db, query)
    seeks = [d for op, d in ops if "Seek" in op]
    for label, prop, _ in KEYED.findall(query.text):
        assert any(f":{label}({prop})" in d for d in seeks), (
            f"{name}: ({label} {{{prop}: ...}}) is not planned as an index seek; plan: {ops}")
    if name not in FULL_SCAN_ALLOWED:
        assert not [op for op, _ in ops if op == "AllNodesScan"], f"{name} scans every node: {ops}"


def test_the_check_catches_a_scan(corpus_db):
    """The rule above fails on a query whose key lookup cannot use an index."""
    from dataclasses import replace

    q = replace(QUERIES["paper_profile"],
                text="MATCH (p:Paper) WHERE toLower(p.id) = toLower($id) RETURN p.id AS id")
    ops = explain(corpus_db, q)
    assert not any(":Paper(id)" in d for op, d in ops if "Seek" in op)
