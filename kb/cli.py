"""The `kb` command line: a thin layer over kb's Python API.

This is the only module that imports click. Commands parse options, call the
library, and render what it returns; ``KbGroup.invoke`` is the one place
where kb's errors become a message on stderr and an exit code.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import Any, Callable

import click

from kb.errors import KbError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# -- errors, in one place -----------------------------------------------------
class KbGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KbError as e:
            click.echo(f"Error: {e}", err=True)
            ctx.exit(e.exit_code)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(130)
        except Exception as e:  # a bug: say so, without leaking secrets
            secret = _password(ctx)
            text = "".join(traceback.format_exception(e)) if _verbose(ctx) else f"{type(e).__name__}: {e}"
            if secret:
                text = text.replace(secret, "********")
            click.echo(f"Error: unexpected failure: {text.rstrip()}", err=True)
            if not _verbose(ctx):
                click.echo("Run with --verbose for the full traceback.", err=True)
            ctx.exit(2)


def _root(ctx: click.Context) -> dict[str, Any]:
    return ctx.find_root().obj or {}


def _verbose(ctx: click.Context) -> bool:
    return bool(_root(ctx).get("verbose"))


def _password(ctx: click.Context) -> str | None:
    obj = _root(ctx)
    settings = obj.get("_settings")
    return (settings.password if settings else None) or obj.get("password") or os.environ.get("NEO4J_PASSWORD")


def settings_of(ctx: click.Context):
    from kb.config import resolve_settings

    obj = ctx.find_root().obj
    if obj.get("_settings") is None:
        obj["_settings"] = resolve_settings(obj.get("uri"), obj.get("user"), obj.get("password"), obj.get("database"))
    return obj["_settings"]


def database(ctx: click.Context):
    """An open connection for this command, closed when the command ends."""
    from kb.db import connect

    obj = ctx.find_root().obj
    if obj.get("_db") is None:
        obj["_db"] = connect(settings_of(ctx))
        ctx.find_root().call_on_close(obj["_db"].close)
    return obj["_db"]


# -- shared options -------------------------------------------------------------
def output_option(f: Callable) -> Callable:
    from kb.output import FORMATS

    return click.option(
        "-f", "--format", "fmt", type=click.Choice(FORMATS), default=None,
        help="Output format. Default: table on a terminal, json otherwise.",
    )(f)


def resolve_format(fmt: str | None) -> str:
    from kb.output import default_format

    return fmt or default_format()


# -- the group ----------------------------------------------------------------
@click.group(cls=KbGroup, context_settings=CONTEXT)
@click.option("--uri", envvar="NEO4J_URI", help="Neo4j address, e.g. bolt://host:7687, neo4j+s://xxx.databases.neo4j.io. [env: NEO4J_URI; default: kb's local server]")
@click.option("--user", envvar="NEO4J_USER", help="User name. [env: NEO4J_USER; default: neo4j]")
@click.option("--password", envvar="NEO4J_PASSWORD", help="Password. [env: NEO4J_PASSWORD; default for the local server: its generated password]")
@click.option("--database", envvar="NEO4J_DATABASE", help="Database name. [env: NEO4J_DATABASE; default: neo4j]")
@click.option("-v", "--verbose", is_flag=True, help="Show full tracebacks on unexpected errors.")
@click.version_option(package_name="kb", prog_name="kb")
@click.pass_context
def main(ctx: click.Context, uri, user, password, database, verbose) -> None:
    """kb: a knowledge graph of AI governance, in Neo4j.

    Which laws and frameworks address a topic, which did first, where a
    developer could forum-shop, and which regimes are silent.

    \b
    Get started:
      kb db install && kb db start      # a local Neo4j from Maven Central
      kb db init && kb load             # schema + the curated corpus
      kb topic open_weight_release      # a topic page
    """
    ctx.obj = {"uri": uri, "user": user, "password": password, "database": database, "verbose": verbose}


# -- kb db ----------------------------------------------------------------------
@main.group(context_settings=CONTEXT)
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), envvar="KB_HOME",
              help="Folder for the local server. [env: KB_HOME; default: .kb in the project]")
def db(home: Path | None) -> None:
    """Install, start and stop kb's local Neo4j; install the schema.

    \b
    Examples:
      kb db install           # fetch Neo4j 5.26 + Browser from Maven Central (once)
      kb db start             # run it in the background on 127.0.0.1:7687 / :7474
      kb db status            # exit 0 if it answers
      kb db init              # constraints and indexes
      kb db stop
    """
    if home:
        os.environ["KB_HOME"] = str(home.resolve())


def _local_server():
    from kb.server.local import LocalServer

    return LocalServer.default()


@db.command("install")
def db_install() -> None:
    """Fetch Neo4j Community and Neo4j Browser from Maven Central into KB_HOME.

    A second run finds them there and returns at once. Needs Java 17 and Maven.
    """
    from kb.server.local import pinned_versions

    server = _local_server()
    fetched = server.install(log=lambda m: click.echo(m, err=True))
    v = pinned_versions()
    state = "installed" if fetched else "already installed"
    click.echo(f"Neo4j {v['neo4j']} and Neo4j Browser {v['browser']} {state} in {server.home}")


@db.command("start")
@click.option("--bolt-port", type=int, help="Bolt port (default 7687, or the one used last).")
@click.option("--http-port", type=int, help="HTTP/Browser port (default 7474, or the one used last).")
@click.option("--timeout", type=float, default=120, show_default=True, help="Seconds to wait for Bolt.")
def db_start(bolt_port: int | None, http_port: int | None, timeout: float) -> None:
    """Start the local Neo4j in the background and wait until it answers.

    Installs it first if needed. Listens on 127.0.0.1 only.
    """
    server = _local_server()
    if bolt_port:
        server.bolt_port = bolt_port
    if http_port:
        server.http_port = http_port
    if not server.installed():
        server.install(log=lambda m: click.echo(m, err=True))
    started = server.start(timeout=timeout, log=lambda m: click.echo(m, err=True))
    click.echo(("Neo4j started." if started else "Neo4j is already running.") + "\n"
               f"  Bolt:    {server.bolt_uri}\n"
               f"  Browser: {server.browser_url}\n"
               f"  User:    {server.user}   (password: `kb db password`)")


@db.command("stop")
def db_stop() -> None:
    """Stop the local Neo4j cleanly."""
    server = _local_server()
    click.echo("Neo4j stopped." if server.stop() else "Neo4j was not running.")


@db.command("status")
@click.pass_context
def db_status(ctx: click.Context) -> None:
    """Say whether Neo4j answers; exit 0 if it does, 1 if not."""
    from kb.db import connect

    settings = settings_of(ctx)
    with connect(settings) as conn:
        info = conn.verify()
    click.echo(f"Neo4j {info.get('version')} ({info.get('edition')}) answers at {settings.uri}")
    if settings.local:
        click.echo(f"Browser: {_local_server().browser_url}")


@db.command("password")
def db_password() -> None:
    """Print the local server's password (it is never printed otherwise)."""
    from kb.errors import ConfigError

    server = _local_server()
    pw = os.environ.get("NEO4J_PASSWORD") or server.stored_password()
    if not pw:
        raise ConfigError("the local server has no stored password yet: run `kb db start` first")
    click.echo(pw)


@db.command("init")
@click.pass_context
def db_init(ctx: click.Context) -> None:
    """Install the constraints and indexes of the schema (idempotent)."""
    from kb.schema.statements import schema_statements

    conn = database(ctx)
    statements = schema_statements()
    for s in statements:
        conn.write(s)
    click.echo(f"Schema installed: {len(statements)} constraints and indexes.")


@db.command("schema")
def db_schema() -> None:
    """Print the schema as Cypher (the text of cypher/schema.cypher)."""
    from kb.schema.statements import schema_cypher

    click.echo(schema_cypher(), nl=False)


@db.command("clear")
@click.option("--yes", is_flag=True, help="Confirm: delete every node and relationship.")
@click.pass_context
def db_clear(ctx: click.Context, yes: bool) -> None:
    """Delete all data (keeps constraints and indexes)."""
    if not yes:
        raise click.UsageError("this deletes the whole graph; add --yes to confirm")
    conn = database(ctx)
    conn.write("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS")
    click.echo("Graph cleared.")


# -- loading --------------------------------------------------------------------
@main.command("load")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate only; write nothing.")
@output_option
@click.pass_context
def load_cmd(ctx: click.Context, paths: tuple[Path, ...], dry_run: bool, fmt: str | None) -> None:
    """Validate catalog files and load them into the graph.

    PATHS are files (.yaml, .yml, .json, .csv) or folders of them; the
    default is the bundled corpus in data/corpus. Everything is checked
    first and every problem reported; if there is any, nothing is written.
    Otherwise the whole catalog is written in one transaction, so loading
    twice changes nothing. See docs/data-format.md for the format.

    \b
    Examples:
      kb load                                   # the curated corpus
      kb load data/corpus data/examples/later-instruments
      kb load --dry-run my-instruments.yaml     # check a file
    """
    from kb.config import corpus_dir
    from kb.load import load
    from kb.output import render

    conn = database(ctx)
    targets = list(paths) or [corpus_dir()]
    report = load(conn, targets, dry_run=dry_run, progress_factory=_progress_factory())
    if dry_run:
        click.echo(f"OK: {_n(report.records, 'record')} in {_n(len(report.files), 'file')} are valid; "
                   "nothing was written.", err=True)
        return
    t = report.totals()
    click.echo(f"Loaded {_n(report.records, 'record')} from {_n(len(report.files), 'file')}: "
               f"{t.created} created, {t.updated} updated, {t.unchanged} unchanged, {t.removed} removed.", err=True)
    render(report.rows(), resolve_format(fmt), title="Load summary")


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _progress_factory():
    """A rich progress bar on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None

    def factory(total: int):
        if total < 20_000:
            return None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        progress = Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                            TimeRemainingColumn(), console=Console(file=sys.stderr), transient=True)
        task = progress.add_task("Writing", total=total)
        progress.start()
        done = [0]

        def advance(n: int) -> None:
            done[0] += n
            progress.update(task, advance=n)
            if done[0] >= total:
                progress.stop()

        return advance

    return factory


@main.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["yaml", "json", "csv"]), default="yaml", show_default=True,
              help="File format: one file per section.")
@click.pass_context
def export_cmd(ctx: click.Context, directory: Path, fmt: str) -> None:
    """Write the graph to DIRECTORY as files `kb load` accepts.

    Loading the export into an empty database gives the same graph.

    \b
    Examples:
      kb export backup/                 # YAML, one file per section
      kb export --format csv catalog/   # CSV, e.g. catalog/treats.csv
    """
    from kb.export import export

    files = export(database(ctx), directory, fmt)
    for f in files:
        click.echo(str(f))
    click.echo(f"Exported {len(files)} files to {directory}", err=True)


@main.command("stats")
@output_option
@click.pass_context
def stats_cmd(ctx: click.Context, fmt: str | None) -> None:
    """Count nodes per label and relationships per type."""
    from kb.output import render
    from kb.stats import stats

    render(stats(database(ctx)), resolve_format(fmt), title="Graph")


if __name__ == "__main__":  # pragma: no cover  (python -m kb.cli)
    main()
