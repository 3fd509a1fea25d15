"""Every lookup in a named query is backed by an index or constraint.

Each named query is EXPLAINed with its example parameters. A pattern that
names a node by its key, `(x:Label {key: $param})`, must be planned as an
index seek on Label(key), never as a scan of every Label node or every
relationship; and no query but the history report scans all nodes.
"""

from __future__ import annotations

import re

import pytest

from kb.queries import check_params, load_queries, run

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
@pytest.mark.slow
def test_keyed_lookups_use_an_index(corpus_db, name):
    query = QUERIES[name]
    ops = explain(corpus_db, query)
    seeks = [d for op, d in ops if "Seek" in op]
    for label, prop, _ in KEYED.findall(query.text):
        assert any(f":{label}({prop})" in d for d in seeks), (
            f"{name}: ({label} {{{prop}: ...}}) is not planned as an index seek; plan: {ops}"
        )
    if name not in FULL_SCAN_ALLOWED:
        assert not [op for op, _ in ops if op == "AllNodesScan"], f"{name} scans every node: {ops}"


def test_the_check_catches_a_scan(corpus_db):
    """The rule above fails on a query whose key lookup cannot use an index."""
    from dataclasses import replace

    q = replace(QUERIES["paper_profile"], text="MATCH (p:Paper) WHERE toLower(p.id) = toLower($id) RETURN p.id AS id")
    ops = explain(corpus_db, q)
    assert not any(":Paper(id)" in d for op, d in ops if "Seek" in op)


# -- the topic pages' walks -----------------------------------------------------------------
# The index (or count store) each page query reaches its instruments through: catalog order
# (catalog_rank), adoption order (adopted), the kept counts' checks (ChangeSet(at), closed states by
# recorded_to, later ones by recorded_from, every state from the count store), the conflicts by their topic.
WALKS = {
    "topic_coverage": [":InstrumentState(catalog_rank)"],
    "silent_regimes": [":InstrumentState(catalog_rank)"],
    "forum_shopping_stream": [":InstrumentState(catalog_rank)"],
    "topic_primacy": [":InstrumentState(adopted)"],
    "topic_timeline": [":InstrumentState(adopted)", ":InstrumentState(catalog_rank)"],
    "topic_counts": [":InstrumentState(adopted)", ":InstrumentState(recorded_to)"],
    "topic_counts_kept": [
        ":InstrumentState(adopted)",
        ":InstrumentState(recorded_to)",
        ":InstrumentState(recorded_from)",
        "count( (:InstrumentState) )",
    ],
    "topic_salience_kept": [
        ":ChangeSet(at)",
        ":InstrumentState(adopted)",
        ":InstrumentState(recorded_to)",
        "count( (:InstrumentState) )",
    ],
    "topic_conflicts": [":CONFLICTS_WITH(topic)"],
}


@pytest.mark.parametrize("name", sorted(WALKS))
def test_page_queries_reach_instruments_through_their_indexes(corpus_db, name):
    ops = explain(corpus_db, QUERIES[name])
    for wanted in WALKS[name]:
        assert any(wanted in d for op, d in ops if "Index" in op or "CountStore" in op), (name, wanted, ops)
    # never every state node by its label
    assert not [d for op, d in ops if op == "NodeByLabelScan" and "State" in d], (name, ops)


def profile(db, name: str, **params) -> list[tuple[str, str, int]]:
    """(operator, details, rows) of the named query run with PROFILE."""
    from kb.queries.clocks import Clocks

    query = QUERIES[name]
    values = check_params(query, {**Clocks.resolve().params(), **params})

    def walk(plan) -> list[tuple[str, str, int]]:
        out = [(plan["operatorType"].split("@")[0], plan.get("args", {}).get("Details", ""), plan.get("rows", 0))]
        for child in plan.get("children", []):
            out += walk(child)
        return out

    return walk(db.read_tx(lambda tx: tx.run("PROFILE " + query.text, values).consume().profile))


@pytest.mark.slow  # the synthetic catalog, loaded twice
def test_walks_in_order_read_only_what_the_page_shows(synth_db):
    """On a catalog of 300 instruments (and their older states), the page's
    lists of 5 walk the catalog_rank and adopted indexes in order and stop:
    they read a few index entries, not every state."""
    states = synth_db.read("MATCH (i:InstrumentState) RETURN count(i) AS n")[0]["n"]
    assert states > 300
    slug = run(synth_db, "topic_salience")[0]["slug"]  # the most salient topic: its silent regimes are rarest
    for name, params, index in [
        ("topic_coverage", {"limit": 5}, ":InstrumentState(catalog_rank)"),
        ("silent_regimes", {"limit": 5}, ":InstrumentState(catalog_rank)"),
        ("forum_shopping_stream", {"limit": 5}, ":InstrumentState(catalog_rank)"),
        ("topic_primacy", {}, ":InstrumentState(adopted)"),
        ("topic_timeline", {"limit": 5}, ":InstrumentState(adopted)"),
    ]:
        read = [
            rows
            for op, d, rows in profile(synth_db, name, slug=slug, **params)
            if op.startswith("NodeIndex") and index in d
        ]
        assert read and sum(read) <= 60, (name, read, states)
