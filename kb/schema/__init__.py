"""The graph schema: neomodel classes (model), data-file sections (sections)
and the Cypher DDL derived from them (statements)."""

from kb.schema.model import (  # noqa: F401
    NODE_CLASSES,
    Developer,
    Instrument,
    Jurisdiction,
    Paper,
    Source,
    Topic,
)
