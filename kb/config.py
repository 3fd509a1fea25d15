"""Settings: where kb keeps its local server and how it reaches Neo4j.

Connection settings use the names Neo4j's own tools use: NEO4J_URI,
NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE. With NEO4J_URI unset kb talks to
its local server (``kb db start``), whose password lives in KB_HOME;
``kb.db.resolve_settings`` merges them. This module imports nothing of kb.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent

DEFAULT_BOLT_PORT = 7687
DEFAULT_HTTP_PORT = 7474
DEFAULT_USER = "neo4j"
DEFAULT_DATABASE = "neo4j"


def kb_home() -> Path:
    """The folder holding the local Neo4j install, its data and its password.

    KB_HOME if set; else ``.kb`` in the project checkout (git-ignored); else
    ``~/.local/share/kb`` when kb runs from an installed wheel.
    """
    env = os.environ.get("KB_HOME")
    if env:
        return Path(env).expanduser().resolve()
    if (PROJECT_DIR / "pyproject.toml").is_file():
        return PROJECT_DIR / ".kb"
    return Path.home() / ".local" / "share" / "kb"


def corpus_dir() -> Path:
    """The bundled curated corpus."""
    return PROJECT_DIR / "data" / "corpus"


def crosswalks_dir() -> Path:
    """The mappings and crosswalks kb ships for imported catalogs (docs/catalogs.md)."""
    return PROJECT_DIR / "data" / "crosswalks"


def cypher_dir() -> Path:
    return PROJECT_DIR / "cypher"


@dataclass
class Settings:
    """How to reach Neo4j. ``password`` is never shown in ``repr``."""

    uri: str
    user: str = DEFAULT_USER
    password: str | None = field(default=None, repr=False)
    database: str = DEFAULT_DATABASE
    local: bool = False  # True when uri points at kb's own local server

    def describe(self) -> str:
        return f"{self.uri} (user {self.user}, database {self.database})"


_URI_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/@\s:]*:)[^/@\s]*@")


def redact(text: str, password: str | None) -> str:
    """``text`` without the password, nor a password written into a URI
    (``bolt://user:secret@host``)."""
    if password:
        text = text.replace(password, "********")
    return _URI_CREDENTIALS.sub(r"\1********@", text)
