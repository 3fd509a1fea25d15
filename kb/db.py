"""The one module that owns the Neo4j connection.

It opens the driver from ``Settings``, runs reads and writes in managed
transactions (which retry transient errors), and translates driver errors
into kb's own: an unreachable server, a wrong password, a refused query.
"""

from __future__ import annotations

import contextlib
from typing import Any, Callable, Iterator, TypeVar

from kb.config import Settings
from kb.errors import AuthFailed, ConnectionFailed, QueryError

T = TypeVar("T")


def _redact(text: str, secret: str | None) -> str:
    return text.replace(secret, "********") if secret else text


@contextlib.contextmanager
def translate_errors(settings: Settings) -> Iterator[None]:
    """Turn driver exceptions into kb errors that say how to fix them."""
    from neo4j.exceptions import (
        AuthError,
        ClientError,
        ConfigurationError,
        DriverError,
        Neo4jError,
        ServiceUnavailable,
        SessionExpired,
    )

    try:
        yield
    except AuthError as e:
        how = (
            "the local server's password is in KB_HOME/neo4j/password (shown by "
            "`kb db password`); unset NEO4J_PASSWORD or set it to that"
            if settings.local
            else "check NEO4J_USER and NEO4J_PASSWORD (or --user/--password)"
        )
        raise AuthFailed(
            f"Neo4j at {settings.uri} refused user {settings.user!r}: wrong user name or "
            f"password; {how}"
        ) from None
    except (ServiceUnavailable, SessionExpired, OSError) as e:
        detail = _redact(str(e).splitlines()[0] if str(e) else type(e).__name__, settings.password)
        if settings.local:
            how = "start kb's local server with `kb db start` (or run `docker compose up -d`)"
        else:
            how = "check NEO4J_URI, or unset it to use kb's local server (`kb db start`)"
        raise ConnectionFailed(
            f"cannot reach Neo4j at {settings.uri}: {how}. ({detail})"
        ) from None
    except ConfigurationError as e:
        raise ConnectionFailed(
            f"NEO4J_URI {settings.uri!r} is not a Neo4j address: use bolt://HOST:7687, "
            f"neo4j://HOST:7687 (cluster) or neo4j+s://ID.databases.neo4j.io (Aura). "
            f"({_redact(str(e), settings.password)})"
        ) from None
    except ClientError as e:
        code = e.code or ""
        msg = _redact(e.message or str(e), settings.password)
        if "Database.DatabaseNotFound" in code:
            raise QueryError(
                f"database {settings.database!r} does not exist on {settings.uri}: "
                "check NEO4J_DATABASE (or --database)"
            ) from None
        if "Security.Forbidden" in code or "AccessMode" in code or "WriteOnReadOnlyAccess" in code:
            raise QueryError(f"refused: {msg}") from None
        raise QueryError(f"Neo4j refused the query ({code}): {msg}") from None
    except Neo4jError as e:
        raise QueryError(
            f"Neo4j error ({e.code}): {_redact(e.message or str(e), settings.password)}"
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
            self.driver = GraphDatabase.driver(
                settings.uri,
                auth=(settings.user, settings.password or ""),
                connection_acquisition_timeout=30,
                max_transaction_retry_time=15,
            )

    # -- lifecycle --------------------------------------------------------
    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def verify(self) -> dict[str, str]:
        """Check the server answers; return its name, version and edition."""
        with translate_errors(self.settings):
            self.driver.verify_connectivity()
            rows = self.read(
                "CALL dbms.components() YIELD name, versions, edition "
                "RETURN name, versions[0] AS version, edition"
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
        from neomodel import db as neomodel_db, get_config

        get_config().database_name = self.settings.database
        neomodel_db.set_connection(driver=self.driver)


def connect(settings: Settings | None = None) -> Database:
    """Open a connection and check it answers."""
    from kb.config import resolve_settings

    db = Database(settings or resolve_settings())
    try:
        db.verify()
    except Exception:
        db.close()
        raise
    return db
