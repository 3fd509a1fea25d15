"""`kb cypher` without --write cannot change the graph, and `kb query`
parameters are data, never Cypher."""

from __future__ import annotations

import json

import pytest
from helpers import graph_dump

REFUSED = [
    "CREATE (n:Instrument {id: 'X'}) RETURN n",
    "create (n) return n",
    "MERGE (t:Topic {slug: 'open_weight_release'}) SET t.name = 'x'",
    "MATCH (t:Topic {slug: 'open_weight_release'}) SET t.name = 'hacked'",
    "MATCH (t:TopicState {slug: 'open_weight_release'}) SET t.recorded_to = datetime()",
    "MATCH (t:TopicState {slug: 'open_weight_release'}) REMOVE t.name",
    "MATCH (t:Topic {slug: 'open_weight_release'}) DETACH DELETE t",
    "MATCH ()-[r:TREATS]->() DELETE r",
    "MATCH (t:Topic) FOREACH (_ IN [1] | SET t.x = 1)",
    "MATCH (t:Topic) CALL (t) { SET t.x = 1 } RETURN count(*)",
    "CALL () { MATCH (n) DETACH DELETE n } IN TRANSACTIONS",
    "/* a comment */ CREATE ()",
    "PROFILE CREATE ()",
    "CALL db.createLabel('Hacked')",
    "CALL db.createProperty('hacked')",
    "CALL db.createRelationshipType('HACKED')",
    "CALL tx.setMetaData({who: 'me'})",
    "CREATE INDEX hacked IF NOT EXISTS FOR (n:Topic) ON (n.name)",
    "DROP CONSTRAINT constraint_unique_Topic_slug",
    "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
    "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
]


@pytest.mark.parametrize("statement", REFUSED)
def test_writes_are_refused_without_write(cli, corpus_db, statement):
    before = graph_dump(corpus_db)
    schema = corpus_db.read("SHOW INDEXES YIELD name RETURN collect(name) AS n")[0]["n"]
    result = cli("cypher", statement)
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: read-only: ")
    assert "--write" in result.output
    assert graph_dump(corpus_db) == before
    assert corpus_db.read("SHOW INDEXES YIELD name RETURN collect(name) AS n")[0]["n"] == schema


@pytest.mark.parametrize(
    "statement,expected",
    [
        ("RETURN 'CREATE' AS x", [{"x": "CREATE"}]),
        (
            "MATCH (t:TopicState {slug: 'open_weight_release'}) RETURN t.name AS name // CREATE",
            [{"name": "Open-Weight Frontier Release"}],
        ),
        (
            "MATCH (i:InstrumentState {id: 'EU-AIA-2024'}) WHERE i.recorded_from <= $as_recorded < i.recorded_to "
            "RETURN i.name AS name // SET i.name = 'x'",
            [{"name": "EU AI Act"}],
        ),
    ],
)
def test_reads_that_mention_writes_still_run(cli, corpus_db, statement, expected):
    result = cli("cypher", statement, "--param", "as_recorded=9000-01-01T00:00:00Z", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == expected


def test_write_runs_with_write(cli, db):
    result = cli("cypher", "--write", "CREATE (n:Scratch {x: 1}) RETURN n.x AS x", "--format", "json")
    assert result.exit_code == 0, result.output
    assert db.read("MATCH (n:Scratch) RETURN n.x AS x") == [{"x": 1}]


HOSTILE = "x'}) MATCH (n) DETACH DELETE n //"


def test_query_param_values_are_data(cli, corpus_db):
    before = graph_dump(corpus_db)
    result = cli("query", "topic_counts", "--param", f"slug={HOSTILE}", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []
    result = cli("topic", HOSTILE)
    assert result.exit_code == 1 and "no topic" in result.output
    assert graph_dump(corpus_db) == before


def test_query_param_names_carrying_cypher_are_unknown(cli, corpus_db):
    result = cli("query", "topic_counts", "--param", "slug=open_weight_release", "--param", "x}) DETACH DELETE n //=1")
    assert result.exit_code == 1
    assert "has no parameter" in result.output


def test_cypher_params_are_data(cli, corpus_db):
    before = graph_dump(corpus_db)
    result = cli(
        "cypher", "MATCH (t:TopicState {slug: $s}) RETURN t.slug AS slug", "--param", f"s={HOSTILE}", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []
    assert graph_dump(corpus_db) == before
