"""The schema is defined once (kb/schema/model.py); everything else follows it."""

from __future__ import annotations

import pytest
from helpers import ROOT

from kb.schema.statements import schema_cypher, schema_statements


def test_schema_cypher_file_is_in_step_with_the_classes():
    on_disk = (ROOT / "cypher" / "schema.cypher").read_text()
    assert on_disk == schema_cypher(), "regenerate it: kb db schema > cypher/schema.cypher"


def test_db_init_installs_every_constraint_and_index_idempotently(cli, db):
    first = cli("db", "init")
    second = cli("db", "init")
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    names = {r["name"] for r in db.read("SHOW CONSTRAINTS YIELD name")} | {
        r["name"] for r in db.read("SHOW INDEXES YIELD name")
    }
    expected = {s.split()[2] for s in schema_statements()}
    assert expected <= names
    assert "constraint_unique_Instrument_id" in names
    assert "index_TREATS_mode" in names
    # the record-time reads: a current state by its key, or by recorded_to
    assert {"index_InstrumentState_id", "index_InstrumentState_recorded_to", "index_TopicState_slug"} <= names


def test_keys_are_unique_on_identities_and_nothing_else_of_a_record(db):
    """Identities hold the unique keys. States repeat their record's key and
    properties (an instrument's states all have its catalog_rank), so no
    state property is unique: a rank clash is found by validation."""
    on = db.read(
        "SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type RETURN labelsOrTypes[0] AS label, "
        "properties AS props, type"
    )
    unique = {(r["label"], tuple(r["props"])) for r in on if r["type"] == "UNIQUENESS"}
    assert ("Instrument", ("id",)) in unique and ("Topic", ("slug",)) in unique
    assert not [u for u in unique if u[0].endswith("State")]
    assert ("Instrument", ("catalog_rank",)) not in unique
    db.write("CREATE (:InstrumentState {id: 'X', catalog_rank: 1}), (:InstrumentState {id: 'X', catalog_rank: 1})")


def test_unique_constraint_holds_on_the_server(db):
    import pytest

    from kb.errors import QueryError

    db.write("CREATE (:Topic {slug: 'dup'})")
    with pytest.raises(QueryError, match="already exists"):
        db.write("CREATE (:Topic {slug: 'dup'})")


def test_data_format_doc_lists_every_field():
    """docs/data-format.md documents every field the schema accepts."""
    from kb.schema.sections import SECTIONS, data_fields

    doc = (ROOT / "docs" / "data-format.md").read_text()
    for section in SECTIONS.values():
        assert f"`{section.name}`" in doc or f"### {section.name}" in doc
        for field in data_fields(section):
            assert f"`{field}`" in doc or f"{field}," in doc or f"{{{field}," in doc or f", {field}" in doc, (
                section.name,
                field,
            )


def _declared(cls: type) -> set[str]:
    """The graph names of the properties a neomodel class declares."""
    return {(p.db_property or k) for k, p in cls.defined_properties(aliases=False, rels=False).items()}


@pytest.mark.slow
def test_every_property_the_graph_holds_is_declared_on_its_class(db, tmp_path):
    """What kb writes (kb load, its change sets and counts, kb db init) is
    what kb/schema/model.py declares: no label, relationship type or
    property the classes do not name. Read from the server's own schema,
    after two loads (closed versions too) and kb db init."""
    import shutil

    from helpers import CORPUS

    from kb.load import load
    from kb.schema import model
    from kb.schema.statements import schema_statements

    for s in schema_statements():
        db.write(s)
    from kb.graph_format import MARK

    db.write(MARK, version=model.FORMAT_VERSION)
    load(db, [CORPUS])
    changed = tmp_path / "corpus"
    shutil.copytree(CORPUS, changed)
    first = sorted(changed.rglob("*.yaml"))[0]
    first.write_text(first.read_text(encoding="utf-8").replace("source:", "source: ", 1), encoding="utf-8")
    load(db, [changed], prune=True)

    classes = (*model.NODE_CLASSES, *model.STATE_CLASSES, *model.HISTORY_CLASSES, *model.KEPT_CLASSES)
    nodes = {c.__label__: _declared(c) for c in classes}
    rels: dict[str, set[str]] = {}
    for c in model.NODE_CLASSES:
        for r in c.defined_properties(aliases=False, properties=False, rels=True).values():
            rels.setdefault(r.definition["relation_type"], set()).update(_declared(r.definition["model"]))

    undeclared = set()
    for r in db.read("CALL db.schema.nodeTypeProperties() YIELD nodeLabels, propertyName RETURN *"):
        for label in r["nodeLabels"]:
            if label not in nodes or (r["propertyName"] and r["propertyName"] not in nodes[label]):
                undeclared.add((label, r["propertyName"]))
    for r in db.read("CALL db.schema.relTypeProperties() YIELD relType, propertyName RETURN *"):
        rel_type = r["relType"].strip(":`")
        if rel_type not in rels or (r["propertyName"] and r["propertyName"] not in rels[rel_type]):
            undeclared.add((rel_type, r["propertyName"]))
    assert undeclared == set()
    found = {label for r in db.read("CALL db.labels() YIELD label RETURN label") for label in [r["label"]]}
    assert {"Instrument", "InstrumentState", "ChangeSet", "LoadLock", "GraphFormat", "Topic"} <= found
