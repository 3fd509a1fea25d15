// kb graph schema: constraints and indexes.
// Generated from the neomodel classes in kb/schema/model.py by `kb db schema`;
// `kb db init` runs the same statements. Safe to run more than once.
// Paste into Neo4j Browser (http://127.0.0.1:7474/browser/) to set up a database by hand.

CREATE CONSTRAINT constraint_unique_Source_id IF NOT EXISTS FOR (n:Source) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT constraint_unique_Jurisdiction_code IF NOT EXISTS FOR (n:Jurisdiction) REQUIRE n.code IS UNIQUE;
CREATE CONSTRAINT constraint_unique_Topic_slug IF NOT EXISTS FOR (n:Topic) REQUIRE n.slug IS UNIQUE;
CREATE INDEX index_Topic_rank IF NOT EXISTS FOR (n:Topic) ON (n.rank);
CREATE CONSTRAINT constraint_unique_Developer_id IF NOT EXISTS FOR (n:Developer) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT constraint_unique_Instrument_id IF NOT EXISTS FOR (n:Instrument) REQUIRE n.id IS UNIQUE;
CREATE INDEX index_Instrument_adopted IF NOT EXISTS FOR (n:Instrument) ON (n.adopted);
CREATE CONSTRAINT constraint_unique_Instrument_catalog_rank IF NOT EXISTS FOR (n:Instrument) REQUIRE n.catalog_rank IS UNIQUE;
CREATE CONSTRAINT constraint_unique_Paper_id IF NOT EXISTS FOR (n:Paper) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT constraint_unique_ChangeSet_id IF NOT EXISTS FOR (n:ChangeSet) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT constraint_unique_ChangeSet_at IF NOT EXISTS FOR (n:ChangeSet) REQUIRE n.at IS UNIQUE;
CREATE INDEX index_Change_at IF NOT EXISTS FOR (n:Change) ON (n.at);
CREATE INDEX index_Change_topic IF NOT EXISTS FOR (n:Change) ON (n.topic);
CREATE INDEX index_InstrumentVersion_id IF NOT EXISTS FOR (n:InstrumentVersion) ON (n.id);
CREATE INDEX index_InstrumentVersion_recorded_to IF NOT EXISTS FOR (n:InstrumentVersion) ON (n.recorded_to);
CREATE CONSTRAINT constraint_unique_LoadLock_id IF NOT EXISTS FOR (n:LoadLock) REQUIRE n.id IS UNIQUE;
CREATE INDEX index_CONFLICTS_WITH_topic IF NOT EXISTS FOR ()-[r:CONFLICTS_WITH]-() ON (r.topic);
CREATE INDEX index_TREATS_mode IF NOT EXISTS FOR ()-[r:TREATS]-() ON (r.mode);
