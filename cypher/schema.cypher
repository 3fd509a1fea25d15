// kb graph schema: constraints and indexes.
// Generated from the neomodel classes in kb/schema/model.py by `kb db schema`;
// `kb db init` runs the same statements. Safe to run more than once.
// Paste into Neo4j Browser (http://127.0.0.1:7474/browser/) to set up a database by hand.

CREATE CONSTRAINT constraint_unique_Source_id IF NOT EXISTS FOR (n:Source) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT constraint_unique_Jurisdiction_code IF NOT EXISTS FOR (n:Jurisdiction) REQUIRE n.code IS UNIQUE;
CREATE CONSTRAINT constraint_unique_Topic_slug IF NOT EXISTS FOR (n:Topic) REQUIRE n.slug IS UNIQUE;
CREATE CONSTRAINT constraint_unique_Developer_id IF NOT EXISTS FOR (n:Developer) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT constraint_unique_Authority_id IF NOT EXISTS FOR (n:Authority) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT constraint_unique_Collection_id IF NOT EXISTS FOR (n:Collection) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT constraint_unique_Instrument_id IF NOT EXISTS FOR (n:Instrument) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT constraint_unique_Paper_id IF NOT EXISTS FOR (n:Paper) REQUIRE n.id IS UNIQUE;
CREATE INDEX index_SourceState_recorded_to IF NOT EXISTS FOR (n:SourceState) ON (n.recorded_to);
CREATE INDEX index_SourceState_id IF NOT EXISTS FOR (n:SourceState) ON (n.id);
CREATE INDEX index_JurisdictionState_recorded_to IF NOT EXISTS FOR (n:JurisdictionState) ON (n.recorded_to);
CREATE INDEX index_JurisdictionState_code IF NOT EXISTS FOR (n:JurisdictionState) ON (n.code);
CREATE INDEX index_TopicState_recorded_to IF NOT EXISTS FOR (n:TopicState) ON (n.recorded_to);
CREATE INDEX index_TopicState_slug IF NOT EXISTS FOR (n:TopicState) ON (n.slug);
CREATE INDEX index_TopicState_catalog IF NOT EXISTS FOR (n:TopicState) ON (n.catalog);
CREATE INDEX index_TopicState_rank IF NOT EXISTS FOR (n:TopicState) ON (n.rank);
CREATE INDEX index_DeveloperState_recorded_to IF NOT EXISTS FOR (n:DeveloperState) ON (n.recorded_to);
CREATE INDEX index_DeveloperState_id IF NOT EXISTS FOR (n:DeveloperState) ON (n.id);
CREATE INDEX index_AuthorityState_recorded_to IF NOT EXISTS FOR (n:AuthorityState) ON (n.recorded_to);
CREATE INDEX index_AuthorityState_id IF NOT EXISTS FOR (n:AuthorityState) ON (n.id);
CREATE INDEX index_CollectionState_recorded_to IF NOT EXISTS FOR (n:CollectionState) ON (n.recorded_to);
CREATE INDEX index_CollectionState_id IF NOT EXISTS FOR (n:CollectionState) ON (n.id);
CREATE INDEX index_CollectionState_catalog IF NOT EXISTS FOR (n:CollectionState) ON (n.catalog);
CREATE INDEX index_InstrumentState_recorded_from IF NOT EXISTS FOR (n:InstrumentState) ON (n.recorded_from);
CREATE INDEX index_InstrumentState_recorded_to IF NOT EXISTS FOR (n:InstrumentState) ON (n.recorded_to);
CREATE INDEX index_InstrumentState_id IF NOT EXISTS FOR (n:InstrumentState) ON (n.id);
CREATE INDEX index_InstrumentState_catalog IF NOT EXISTS FOR (n:InstrumentState) ON (n.catalog);
CREATE INDEX index_InstrumentState_adopted IF NOT EXISTS FOR (n:InstrumentState) ON (n.adopted);
CREATE INDEX index_InstrumentState_catalog_rank IF NOT EXISTS FOR (n:InstrumentState) ON (n.catalog_rank);
CREATE INDEX index_PaperState_recorded_to IF NOT EXISTS FOR (n:PaperState) ON (n.recorded_to);
CREATE INDEX index_PaperState_id IF NOT EXISTS FOR (n:PaperState) ON (n.id);
CREATE CONSTRAINT constraint_unique_ChangeSet_id IF NOT EXISTS FOR (n:ChangeSet) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT constraint_unique_ChangeSet_at IF NOT EXISTS FOR (n:ChangeSet) REQUIRE n.at IS UNIQUE;
CREATE CONSTRAINT constraint_unique_LoadLock_id IF NOT EXISTS FOR (n:LoadLock) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT constraint_unique_GraphFormat_id IF NOT EXISTS FOR (n:GraphFormat) REQUIRE n.id IS UNIQUE;
CREATE INDEX index_CONFLICTS_WITH_topic IF NOT EXISTS FOR ()-[r:CONFLICTS_WITH]-() ON (r.topic);
CREATE INDEX index_TREATS_mode IF NOT EXISTS FOR ()-[r:TREATS]-() ON (r.mode);
