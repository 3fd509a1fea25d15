"""The one module that owns the Neo4j connection.

It opens the driver from ``Settings``, runs reads and writes in managed
transactions (which retry transient errors), and translates driver errors
into kb's own: an unreachable server, a wrong password, a refused query.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator
from typing import Any, TypeVar
from urllib.parse import urlsplit

from kb.config import Settings, redact
from kb.errors import AuthFailed, ConnectionFailed, KbError, QueryError

T = TypeVar("T")

# The driver logs each retry and dropped connection as a warning; with no
# logging configured, Python would print them on stderr before kb's own
# one-line error. kb reports the outcome; an application embedding kb that
# configures logging still receives them.
logging.getLogger("neo4j").addHandler(logging.NullHandler())

RETRY_SECONDS = 15  # how long a managed transaction retries transient errors


def _redact(text: str, secret: str | None) -> str:
    return redact(text, secret)


def _not_an_address(settings: Settings, detail: str) -> ConnectionFailed:
    return ConnectionFailed(
        f"NEO4J_URI {settings.uri!r} is not a Neo4j address: use bolt://HOST:7687, "
        f"neo4j://HOST:7687 (cluster) or neo4j+s://ID.databases.neo4j.io (Aura). ({detail})"
    )


def check_uri(settings: Settings) -> None:
    """Refuse a URI whose port or host cannot be parsed, before the driver
    tries it (it would fail with a bare ValueError on first use)."""
    try:
        parts = urlsplit(settings.uri)
        parts.port, parts.hostname  # noqa: B018  (these raise ValueError)
    except ValueError as e:
        raise _not_an_address(settings, str(e)) from None


@contextlib.contextmanager
def translate_errors(settings: Settings) -> Iterator[None]:
    """Turn driver exceptions into kb errors that say how to fix them. No
    message carries the password, nor credentials written into the URI."""
    try:
        with _translate(settings):
            yield
    except KbError as e:
        clean = redact(str(e), settings.password)
        if clean != str(e):
            e.args = (clean,)
        raise


@contextlib.contextmanager
def _translate(settings: Settings) -> Iterator[None]:
    from neo4j.exceptions import (
        AuthError,
        ClientError,
        ConfigurationError,
        ConstraintError,
        DriverError,
        IncompleteCommit,
        Neo4jError,
        ServiceUnavailable,
        SessionExpired,
        TransientError,
    )

    try:
        yield
    except AuthError:
        how = (
            "the local server's password is in KB_HOME/neo4j/password (shown by "
            "`kb db password`); unset NEO4J_PASSWORD or set it to that"
            if settings.local
            else "check NEO4J_USER and NEO4J_PASSWORD (or --user/--password)"
        )
        raise AuthFailed(
            f"Neo4j at {settings.uri} refused user {settings.user!r}: wrong user name or password; {how}"
        ) from None
    except IncompleteCommit:
        raise ConnectionFailed(
            f"the connection to Neo4j at {settings.uri} was lost while the transaction committed, so "
            "it may or may not have been written: check with `kb stats`, or run the command again "
            "(loading the same files twice changes nothing)"
        ) from None
    except (ServiceUnavailable, SessionExpired, OSError) as e:
        detail = _redact(str(e).splitlines()[0] if str(e) else type(e).__name__, settings.password)
        if settings.local:
            how = "start kb's local server with `kb db start` (or run `docker compose up -d`)"
        else:
            how = "check NEO4J_URI, or unset it to use kb's local server (`kb db start`)"
        raise ConnectionFailed(f"cannot reach Neo4j at {settings.uri}: {how}. ({detail})") from None
    except ConfigurationError as e:
        raise _not_an_address(settings, _redact(str(e), settings.password)) from None
    except ConstraintError as e:
        raise QueryError(
            f"Neo4j refused the write: {_redact(e.message or str(e), settings.password)}. Nothing was "
            "written (the transaction was rolled back). That unique value (an id, code, slug or "
            "catalog_rank) is held by another record: if another load was writing at the same time, "
            "run this one again; otherwise give the record a value of its own"
        ) from None
    except TransientError as e:
        if "MemoryPoolOutOfMemoryError" in (e.code or "") or "MemoryPoolOutOfMemoryError" in (e.message or ""):
            raise QueryError(
                "the transaction needs more memory than Neo4j allows it "
                f"({_redact(e.message or str(e), settings.password)}); nothing was written. For a large "
                "load, commit in parts with `kb load --commit-every 100000`; or give the server more "
                "heap (server.memory.heap.max_size, or db.memory.transaction.total.max)"
            ) from None
        raise QueryError(
            f"Neo4j could not finish the transaction ({e.code}: {_redact(e.message or str(e), settings.password)}); "
            f"kb retried it for {RETRY_SECONDS} s and nothing was written. If another load or write was "
            "running at the same time, run the command again"
        ) from None
    except ClientError as e:
        code = e.code or ""
        msg = _redact(e.message or str(e), settings.password)
        if "AuthenticationRateLimit" in code:
            raise AuthFailed(
                f"Neo4j at {settings.uri} refuses user {settings.user!r} for a few seconds after too many "
                "wrong passwords in a row (the server's dbms.security.auth_lock_time): wait, then check "
                "NEO4J_USER and NEO4J_PASSWORD (or --user/--password)"
            ) from None
        if "Database.DatabaseNotFound" in code:
            raise QueryError(
                f"database {settings.database!r} does not exist on {settings.uri}: check NEO4J_DATABASE (or --database)"
            ) from None
        if "Security.Forbidden" in code or "AccessMode" in code or "WriteOnReadOnlyAccess" in code:
            raise QueryError(f"refused: {msg}") from None
        raise QueryError(f"Neo4j refused the query ({code}): {msg}") from None
    except Neo4jError as e:
        raise QueryError(f"Neo4j error ({e.code}): {_redact(e.message or str(e), settings.password)}") from None
    except UnicodeEncodeError as e:  # a parameter holding a lone surrogate (\ud800, undecodable argv)
        bad = e.object[e.start : e.end] if isinstance(e.object, str) else ""
        raise QueryError(
            f"a value cannot be sent to Neo4j: it holds {bad!r}, which is not a character (a lone "
            "surrogate, from a \\ud800 escape or text that was not UTF-8); remove it or write the "
            "character itself"
        ) from None
    except DriverError as e:
        raise ConnectionFailed(
            f"Neo4j driver error talking to {settings.uri}: {_redact(str(e), settings.password)}"
        ) from None


class Database:
    """A connection to one Neo4j database."""

    def __init__(self, settings: Settings):
        from neo4j import GraphDatabase

        self.settings = settings
        with translate_errors(settings):
            check_uri(settings)
            self.driver = GraphDatabase.driver(
                settings.uri,
                auth=(settings.user, settings.password or ""),
                connection_acquisition_timeout=30,
                max_transaction_retry_time=RETRY_SECONDS,
            )

    # -- lifecycle --------------------------------------------------------
    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def verify(self) -> dict[str, str]:
        """Check the server answers; return its name, version and edition."""
        with translate_errors(self.settings):
            self.driver.verify_connectivity()
            rows = self.read(
                "CALL dbms.components() YIELD name, versions, edition RETURN name, versions[0] AS version, edition"
            )
        return rows[0] if rows else {}

    # -- queries ----------------------------------------------------------
    def session(self, **kw: Any):
        return self.driver.session(database=self.settings.database, **kw)

    def read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """Run a query in a read transaction; return rows as dicts."""

        def work(tx):
            return [r.data() for r in tx.run(query, params)]

        return self.read_tx(work)

    def write(self, query: str, **params: Any) -> list[dict[str, Any]]:
        def work(tx):
            return [r.data() for r in tx.run(query, params)]

        return self.write_tx(work)

    def autocommit(self, query: str, **params: Any) -> None:
        """Run a query in an auto-commit transaction (what CALL { ... } IN
        TRANSACTIONS needs); not retried."""
        with translate_errors(self.settings), self.session() as s:
            s.run(query, params).consume()

    def read_tx(self, work: Callable[..., T]) -> T:
        with translate_errors(self.settings), self.session() as s:
            return s.execute_read(work)

    def write_tx(self, work: Callable[..., T]) -> T:
        """Run ``work(tx)`` in one managed write transaction: all or nothing,
        retried on transient errors."""
        with translate_errors(self.settings), self.session() as s:
            return s.execute_write(work)

    # -- neomodel ---------------------------------------------------------
    def bind_neomodel(self) -> None:
        """Point neomodel's global connection at this driver."""
        from neomodel import db as neomodel_db
        from neomodel import get_config

        get_config().database_name = self.settings.database
        neomodel_db.set_connection(driver=self.driver)


def resolve_settings(
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> Settings:
    """Merge CLI options (given here) over environment variables over the
    local server's defaults."""
    from kb.config import DEFAULT_DATABASE, DEFAULT_USER
    from kb.server.local import LocalServer  # local import: keeps start-up light

    uri = uri or os.environ.get("NEO4J_URI") or None
    user = user or os.environ.get("NEO4J_USER") or DEFAULT_USER
    password = password or os.environ.get("NEO4J_PASSWORD") or None
    database = database or os.environ.get("NEO4J_DATABASE") or DEFAULT_DATABASE
    if uri:
        return Settings(uri=uri, user=user, password=password, database=database)
    server = LocalServer.default()
    return Settings(
        uri=server.bolt_uri,
        user=user,
        password=password or server.stored_password(),
        database=database,
        local=True,
    )


def connect(settings: Settings | None = None) -> Database:
    """Open a connection and check it answers."""
    db = Database(settings or resolve_settings())
    try:
        db.verify()
    except Exception:
        db.close()
        raise
    return db
