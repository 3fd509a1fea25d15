"""Cypher DDL derived from the schema classes.

``kb db init`` runs these statements; ``cypher/schema.cypher`` holds the same
text for Neo4j Browser users (``kb db schema > cypher/schema.cypher``
regenerates it, and a test keeps the two in step). Names follow neomodel's
own: ``constraint_unique_<Label>_<property>``, ``index_<Label>_<property>``,
``index_<TYPE>_<property>``. Every statement is idempotent (IF NOT EXISTS).
"""

from __future__ import annotations

from kb.schema.model import HISTORY_CLASSES, NODE_CLASSES, STATE_CLASSES

HEADER = """\
// kb graph schema: constraints and indexes.
// Generated from the neomodel classes in kb/schema/model.py by `kb db schema`;
// `kb db init` runs the same statements. Safe to run more than once.
// Paste into Neo4j Browser (http://127.0.0.1:7474/browser/) to set up a database by hand.
"""


def schema_statements() -> list[str]:
    statements: list[str] = []
    rel_indexes: dict[tuple[str, str], str] = {}
    for cls in (*NODE_CLASSES, *STATE_CLASSES, *HISTORY_CLASSES):
        label = cls.__label__
        props = cls.defined_properties(aliases=False, rels=False)
        for attr, prop in props.items():
            name = prop.db_property or attr
            if prop.unique_index:
                statements.append(
                    f"CREATE CONSTRAINT constraint_unique_{label}_{name} IF NOT EXISTS "
                    f"FOR (n:{label}) REQUIRE n.{name} IS UNIQUE"
                )
            elif prop.index:
                statements.append(f"CREATE INDEX index_{label}_{name} IF NOT EXISTS FOR (n:{label}) ON (n.{name})")
        for rel in cls.defined_properties(aliases=False, rels=True, properties=False).values():
            rel_type = rel.definition["relation_type"]
            rel_model = rel.definition.get("model")
            if rel_model is None:
                continue
            for attr, prop in rel_model.defined_properties(aliases=False, rels=False).items():
                name = prop.db_property or attr
                if prop.index:
                    rel_indexes[(rel_type, name)] = (
                        f"CREATE INDEX index_{rel_type}_{name} IF NOT EXISTS FOR ()-[r:{rel_type}]-() ON (r.{name})"
                    )
    statements.extend(rel_indexes[k] for k in sorted(rel_indexes))
    return statements


def schema_names() -> list[str]:
    """The names of the constraints and indexes ``schema_statements()``
    creates, in the same order."""
    return [s.split()[2] for s in schema_statements()]


def schema_cypher() -> str:
    """The text of cypher/schema.cypher."""
    return HEADER + "\n" + "".join(f"{s};\n" for s in schema_statements())
