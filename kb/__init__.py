"""kb: a knowledge graph of AI governance, stored in Neo4j."""

__version__ = "0.1.0"
