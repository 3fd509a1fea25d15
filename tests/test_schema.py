"""The schema is defined once (kb/schema/model.py); everything else follows it."""

from __future__ import annotations

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
