"""The `kb` command line: a thin layer over kb's Python API.

This is the only module that imports click. Commands parse options, call the
library, and render what it returns; ``KbGroup.invoke`` is the one place
where kb's errors become a message on stderr and an exit code.
"""

from __future__ import annotations

import functools
import os
import sys
import traceback
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Any

import click

from kb.errors import KbError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# -- errors, in one place -----------------------------------------------------
class KbGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KbError as e:
            click.echo(f"Error: {_redact(str(e), ctx)}", err=True)
            ctx.exit(e.exit_code)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(130)
        except BrokenPipeError:  # output piped into `head` and the like
            sys.stdout = open(os.devnull, "w")
            ctx.exit(1)
        except Exception as e:  # a bug: say so, without leaking secrets
            text = "".join(traceback.format_exception(e)) if _verbose(ctx) else f"{type(e).__name__}: {e}"
            text = _redact(text, ctx)
            click.echo(f"Error: unexpected failure: {text.rstrip()}", err=True)
            if not _verbose(ctx):
                click.echo("Run with --verbose for the full traceback.", err=True)
            ctx.exit(2)


def _redact(text: str, ctx: click.Context) -> str:
    """No message shows the password (nor one written into a URI)."""
    from kb.config import redact

    return redact(text, _password(ctx))


def _root(ctx: click.Context) -> dict[str, Any]:
    return ctx.find_root().obj or {}


def _verbose(ctx: click.Context) -> bool:
    return bool(_root(ctx).get("verbose"))


def _password(ctx: click.Context) -> str | None:
    obj = _root(ctx)
    settings = obj.get("_settings")
    return (settings.password if settings else None) or obj.get("password") or os.environ.get("NEO4J_PASSWORD")


def settings_of(ctx: click.Context):
    from kb.db import resolve_settings

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
    from kb.render.formats import FORMATS

    return click.option(
        "-f",
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default=None,
        help="Output format. Default: table on a terminal, json otherwise.",
    )(f)


def resolve_format(fmt: str | None) -> str:
    from kb.render.formats import default_format

    return fmt or default_format()


# -- the group ----------------------------------------------------------------
@click.group(cls=KbGroup, context_settings=CONTEXT)
@click.option(
    "--uri",
    envvar="NEO4J_URI",
    help=(
        "Neo4j address, e.g. bolt://host:7687, neo4j+s://xxx.databases.neo4j.io. "
        "[env: NEO4J_URI; default: kb's local server]"
    ),
)
@click.option("--user", envvar="NEO4J_USER", help="User name. [env: NEO4J_USER; default: neo4j]")
@click.option(
    "--password",
    envvar="NEO4J_PASSWORD",
    help="Password. [env: NEO4J_PASSWORD; default for the local server: its generated password]",
)
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
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="KB_HOME",
    help="Folder for the local server. [env: KB_HOME; default: .kb in the project]",
)
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
    click.echo(
        ("Neo4j started." if started else "Neo4j is already running.") + "\n"
        f"  Bolt:    {server.bolt_uri}\n"
        f"  Browser: {server.browser_url}\n"
        f"  User:    {server.user}   (password: `kb db password`)"
        + (
            f"\n  Browser applies kb's style and opens the guide of the named queries on connect ({server.content_url})"
            if server.content_url
            else ""
        )
    )


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
    from kb.graph_format import MARK, OLD_FORMAT, graph_format
    from kb.schema.model import FORMAT_VERSION

    if graph_format(conn) == OLD_FORMAT:
        click.echo(
            "This graph was written by an older kb: run `kb db migrate` to upgrade it (its history is kept).", err=True
        )
    else:
        conn.write(MARK, version=FORMAT_VERSION)


@db.command("migrate")
@click.pass_context
def db_migrate(ctx: click.Context) -> None:
    """Upgrade a graph written by an older kb to this kb's format, history kept.

    Moves each record's properties onto state nodes, the old values kept in
    InstrumentVersion nodes, TREATED edges and Change nodes into closed
    versions, stamps every edge with its record-time interval, then brings
    the constraints and indexes up to date. The data moves in one
    transaction; running it again changes nothing. What the older format
    did not keep is listed (docs/history.md, "Upgrading a graph written by
    an older kb").

    \b
    Example:
      kb db migrate
    """
    from kb.migrate import migrate
    from kb.schema.model import FORMAT_VERSION

    r = migrate(database(ctx))
    if r.migrated:
        rebuilt = sum(r.rebuilt.values())
        click.echo(f"Migrated the graph from format {r.format_before} to format {FORMAT_VERSION}:")
        click.echo(
            f"  current states made: {sum(r.states.values()):,} "
            f"({', '.join(f'{n:,} {label}' for label, n in r.states.items() if n)})"
        )
        click.echo(f"  current edges stamped with their interval: {sum(r.edges.values()):,}")
        click.echo(
            f"  older versions moved: {r.versions + r.treated:,} ({r.versions:,} InstrumentVersion, "
            f"{r.treated:,} TREATED)"
        )
        click.echo(
            f"  change records: {r.changes:,} ({r.covered:,} already held by a version, "
            f"{rebuilt:,} rebuilt as versions"
            + (f", {r.approximate:,} of them from the earliest instant they can start" if r.approximate else "")
            + ")"
        )
        for line in r.lost:
            click.echo(f"Not recoverable: {line}", err=True)
    elif r.format_before is None:
        click.echo(f"The graph is empty; marked it as format {FORMAT_VERSION}.")
    else:
        click.echo(
            f"The graph is already in format {FORMAT_VERSION}; nothing to migrate"
            + ("; marked it as such." if r.marked else ".")
        )
    if r.catalogued:
        click.echo(f"Gave {r.catalogued:,} states written before catalogs the curated catalog kb.")
    if r.schema_dropped or r.schema_created:
        click.echo(
            f"Schema: dropped {len(r.schema_dropped)} and created {len(r.schema_created)} constraints and indexes."
        )


@db.command("schema")
def db_schema() -> None:
    """Print the schema as Cypher (the text of cypher/schema.cypher)."""
    from kb.schema.statements import schema_cypher

    click.echo(schema_cypher(), nl=False)


@db.command("recount")
@click.pass_context
def db_recount(ctx: click.Context) -> None:
    """Count every topic's cells again and keep the counts on its Topic node
    and, where they changed, in new CellCounts from now (and each
    jurisdiction's own instruments and the topics they address).

    kb load keeps these counts itself; run this after editing cells,
    adoption dates or jurisdictions by other means (Neo4j Browser, your own
    Cypher), whose changes the stored counts would not show.

    \b
    Example:
      kb db recount
    """
    from kb.cell_counts import recount, recount_jurisdictions
    from kb.load import LOCK_STATEMENT

    def work(tx) -> int:
        tx.run(LOCK_STATEMENT).consume()  # not while a load writes
        recount_jurisdictions(tx)
        return recount(tx)

    n = database(ctx).write_tx(work)
    click.echo(f"Counted the cells of {n:,} {'topic' if n == 1 else 'topics'}.")


@db.command("clear")
@click.option("--yes", is_flag=True, help="Confirm: delete every node and relationship.")
@click.pass_context
def db_clear(ctx: click.Context, yes: bool) -> None:
    """Delete all data (keeps constraints and indexes)."""
    if not yes:
        raise click.UsageError("this deletes the whole graph; add --yes to confirm")
    conn = database(ctx)
    conn.autocommit("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS")
    click.echo("Graph cleared.")


# -- loading --------------------------------------------------------------------
@main.command("load")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate, and list what the load would change; write nothing.")
@click.option(
    "--prune",
    is_flag=True,
    help="Also remove facts the files do not have, so the graph equals the files (which must be complete).",
)
@click.option(
    "--recorded-at",
    "recorded_at",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%z"]),
    help="Date the change set at this time instead of now (UTC unless an offset is given), to import "
    "past snapshots in order.",
)
@click.option(
    "--commit-every",
    "commit_every",
    type=click.IntRange(min=1000),
    metavar="ROWS",
    help="Commit in transactions of about ROWS rows instead of one, for catalogs too large for one "
    "transaction (millions of cells). Validation still comes first; if the write fails part way, "
    "the parts committed stay: load the same files again to finish.",
)
@click.option(
    "--yes",
    is_flag=True,
    help="Confirm a change to a stored instrument's name or jurisdiction (asked on a terminal; required otherwise).",
)
@output_option
@click.pass_context
def load_cmd(
    ctx: click.Context,
    paths: tuple[Path, ...],
    dry_run: bool,
    prune: bool,
    recorded_at,
    commit_every: int | None,
    yes: bool,
    fmt: str | None,
) -> None:
    """Validate catalog files and load them into the graph.

    PATHS are files (.yaml, .yml, .json, .csv) or folders of them; the
    default is the bundled corpus in data/corpus. Every record is checked
    and every problem reported; if there is any, nothing is written. The
    whole catalog is written in one transaction, which starts while the
    files are still being checked and is rolled back if a problem turns up.
    Loading twice changes nothing. A load that changes something is
    recorded as a change set (`kb changes`). See docs/data-format.md for the
    format.

    --dry-run lists what the load would change: records and edges added,
    each field changed (old and new value), and with --prune what it would
    remove. A load that would rename a stored instrument or move it to
    another jurisdiction says so and asks first (on a terminal) or needs
    --yes.

    \b
    Examples:
      kb load                                   # the curated corpus
      kb load data/corpus data/examples/later-instruments
      kb load --dry-run my-instruments.yaml     # check a file
      kb load --prune data/corpus               # make the graph equal the corpus
      kb load --commit-every 200000 big-catalog/  # millions of cells
    """
    from kb.config import corpus_dir
    from kb.errors import IdentityChange
    from kb.load import load
    from kb.words import plural

    conn = database(ctx)
    targets = list(paths) or [corpus_dir()]
    if recorded_at is not None and recorded_at.tzinfo is None:
        recorded_at = recorded_at.replace(tzinfo=UTC)
    if dry_run:
        _dry_run(conn, targets, prune, fmt)
        return

    def run(confirmed: bool):
        return load(
            conn,
            targets,
            progress_factory=_progress_factory(),
            at=recorded_at,
            prune=prune,
            commit_every=commit_every,
            identity_changes=confirmed,
        )

    try:
        report = run(yes)
    except IdentityChange as e:
        if not sys.stdin.isatty():
            raise
        click.echo("This load changes what stored instruments are:", err=True)
        for change in e.changes:
            click.echo(f"  {change}", err=True)
        if not click.confirm("Load it anyway?", default=False, err=True):
            raise KbError("nothing was written") from None
        report = run(True)
    _written(
        report,
        f"Loaded {plural(report.records, 'record')} from {plural(len(report.files), 'file')}",
        "Load summary",
        fmt,
    )


def _written(report, headline: str, title: str, fmt: str | None) -> None:
    """What a load (or an import) wrote: its warnings, the counts after
    ``headline``, its change set, and the summary table."""
    from kb.render.formats import render_rows

    _warn(report.warnings)
    t = report.totals()
    click.echo(
        f"{headline}: {t.created} created, {t.updated} updated, {t.unchanged} unchanged, {t.removed} removed.",
        err=True,
    )
    click.echo(
        f"Recorded change set {report.change_set}."
        if report.change_set
        else "Nothing changed; no change set recorded.",
        err=True,
    )
    render_rows(report.rows(), resolve_format(fmt), title=title)


@main.group("new", context_settings=CONTEXT)
def new() -> None:
    """Write the skeleton of a new record, to fill in and load."""


@new.command("instrument")
@click.argument("id_", metavar="ID")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file (default: stdout)."
)
@click.pass_context
def new_instrument_cmd(ctx: click.Context, id_: str, output: Path | None) -> None:
    """Write a commented YAML skeleton of instrument ID, with every current
    topic listed as an unreviewed cell.

    \b
    Examples:
      kb new instrument UK-AI-BILL-2026 -o uk-ai-bill.yaml
      kb load --dry-run uk-ai-bill.yaml        # lists the fields still to fill in
    """
    from kb.skeleton import new_instrument

    text = new_instrument(database(ctx), id_)
    if output is None:
        click.echo(text, nl=False)
        return
    if output.exists():
        raise KbError(f"{output} exists; choose another file or remove it first")
    output.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {output}; fill it in, then: kb load --dry-run {output}", err=True)


def _dry_run(conn, targets: list[Path], prune: bool, fmt: str | None) -> None:
    """Check the files and list what loading them would change."""
    from kb.preview import COLUMNS, preview
    from kb.render.formats import render_rows
    from kb.words import plural

    p = preview(conn, targets, prune=prune)
    _warn(p.warnings)
    counts = p.counts()
    click.echo(
        f"OK: {plural(p.records, 'record')} in {plural(len(p.files), 'file')} are valid; nothing was written.",
        err=True,
    )
    if not p.changes:
        click.echo("The load would change nothing.", err=True)
    else:
        click.echo(
            f"The load would add {counts['added']}, change {plural(counts['changed'], 'field')} and remove "
            f"{counts['removed']}:",
            err=True,
        )
    if p.identity:
        click.echo("It changes what stored instruments are, so it asks first (or needs --yes):", err=True)
        for change in p.identity:
            click.echo(f"  {change}", err=True)
    if p.changes:
        render_rows(p.rows(), resolve_format(fmt), columns=COLUMNS, title="What the load would change")


def _warn(warnings) -> None:
    for w in warnings:
        click.echo(f"Warning: {w}", err=True)


def _progress_factory():
    """A rich progress bar on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None

    def factory(total: int | None, label: str = "Writing", at_least: int = 20_000):
        if total is not None and total < at_least:
            return None
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            MofNCompleteColumn,
            Progress,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        if total is None:  # a step of unknown length (committing): a pulsing bar and the time so far
            columns = (BarColumn(), TimeElapsedColumn())
        else:
            counter = DownloadColumn() if label in ("Checking", "Loading") else MofNCompleteColumn()  # bytes, or rows
            columns = (BarColumn(), counter, TimeRemainingColumn())
        progress = Progress(
            "[progress.description]{task.description}", *columns, console=Console(file=sys.stderr), transient=True
        )
        task = progress.add_task(label, total=total)
        progress.start()
        done = [0]

        def advance(n: int | None) -> None:  # None: finished (or failed)
            if n is None:
                progress.stop()
                return
            done[0] += n
            progress.update(task, advance=n)
            if total is not None and done[0] >= total:
                progress.stop()

        return advance

    return factory


@main.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["yaml", "json", "csv"]),
    default="yaml",
    show_default=True,
    help="File format: one file per section.",
)
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
    from kb.words import plural

    files = export(database(ctx), directory, fmt)
    for f in files:
        click.echo(str(f))
    click.echo(f"Exported {plural(len(files), 'file')} to {directory}", err=True)


@main.command("cite")
@click.argument("kind", type=click.Choice(["topic", "instrument", "paper"]))
@click.argument("key")
@click.option(
    "-f",
    "--format",
    "fmt",
    default="apa",
    show_default=True,
    type=click.Choice(["bibtex", "ris", "apa", "mla", "chicago", "harvard", "oscola", "bluebook", "csl-json"]),
    help="Citation format.",
)
@click.option(
    "--as-of", "as_of", metavar="YYYY-MM-DD", help="For a topic: the date the page is cited as of (default: today)."
)
@click.pass_context
def cite_cmd(ctx: click.Context, kind: str, key: str, fmt: str, as_of: str | None) -> None:
    """Cite a topic page, an instrument or a paper.

    Text styles come from the Citation Style Language (citeproc-py), BibTeX
    from bibtexparser and RIS from rispy. A topic citation carries a stable
    identifier, kb:topic/SLUG?asOf=DATE, and `kb topic SLUG --as-of DATE`
    rebuilds that page as the catalog held it on that date.

    \b
    Examples:
      kb cite paper arXiv:2602.19682 --format bibtex
      kb cite instrument EU-AIA-2024 --format oscola
      kb cite topic open_weight_release --as-of 2026-06-01 --format mla
    """
    from kb.cite import cite
    from kb.queries import to_date

    day = to_date(as_of, "--as-of") if as_of else None
    click.echo(cite(database(ctx), kind, key, fmt, day), nl=False)


@main.command("changes")
@click.option("--topic", metavar="SLUG", help="Only changes to this topic's coverage cells.")
@click.option("--since", metavar="YYYY-MM-DD", help="Only change sets recorded on or after this day (UTC).")
@click.option("--limit", type=int, default=200, show_default=True, help="At most this many rows (0: all).")
@output_option
@click.pass_context
def changes_cmd(ctx: click.Context, topic: str | None, since: str | None, limit: int, fmt: str | None) -> None:
    """List what loads changed in the catalog, newest first.

    Each row is a fact added, changed (old → new) or removed, with the change
    set that did it. Run it from cron with --since to follow a topic.

    \b
    Examples:
      kb changes --topic open_weight_release
      kb changes --since 2026-11-01 --format csv
    """
    from kb.changes import changes
    from kb.queries import to_date
    from kb.render.formats import render_rows

    rows = changes(database(ctx), topic=topic, since=to_date(since, "--since") if since else None, limit=limit or None)
    render_rows(
        rows, resolve_format(fmt), columns=["at", "change_set", "op", "entity", "key", "detail"], title="Changes"
    )
    if limit and len(rows) == limit:
        click.echo(f"(showing the newest {limit}; --limit 0 shows all)", err=True)


@main.command("diff")
@click.argument("slug")
@click.option("--from", "frm", metavar="YYYY-MM-DD", help="Legal time: the law on this date ...")
@click.option("--to", "to", metavar="YYYY-MM-DD", help="... against the law on this one (default: today).")
@click.option(
    "--recorded-from", "recorded_from", metavar="DATE|DATETIME", help="Record time: the catalog as recorded then ..."
)
@click.option(
    "--recorded-to",
    "recorded_to",
    metavar="DATE|DATETIME",
    help="... against the catalog as recorded then (default: now).",
)
@output_option
@click.pass_context
def diff_cmd(
    ctx: click.Context,
    slug: str,
    frm: str | None,
    to: str | None,
    recorded_from: str | None,
    recorded_to: str | None,
    fmt: str | None,
) -> None:
    """Show how a topic page changed: in the law between two dates (--from,
    --to), or in the catalog between two record instants (--recorded-from,
    --recorded-to), or both at once.

    Each page is rebuilt at its clocks; the rows are the facts that differ:
    counts, primacy, cells, statuses, forum-shopping pairs and silent
    regimes. An instrument adopted between --from and --to is new in the
    law; one recorded between --recorded-from and --recorded-to is new to
    the catalog.

    \b
    Examples:
      kb diff open_weight_release --from 2024-06-01 --to 2025-06-01
      kb diff open_weight_release --recorded-from 2026-01-01
      kb diff open_weight_release --from 2026-06-01 --format json
    """
    from kb.diff import diff
    from kb.queries.clocks import Clocks
    from kb.render.formats import dumps, render_rows

    if frm is None and recorded_from is None:
        raise click.UsageError("give --from (legal time), --recorded-from (record time), or both")
    if to is not None and frm is None:
        raise click.UsageError("--to goes with --from")
    if recorded_to is not None and recorded_from is None:
        raise click.UsageError("--recorded-to goes with --recorded-from")
    before = Clocks.resolve(frm, recorded_from)
    after = Clocks.resolve(to if frm is not None else None, recorded_to if recorded_from is not None else None)
    result = diff(database(ctx), slug, before, after)
    out = resolve_format(fmt)
    if out == "json":
        click.echo(dumps(result))
        return
    if out == "table":
        click.echo(f"{result['topic']}: {result['from']} → {result['to']}")
        click.echo(f"  then: {result['summary_from']}\n  now:  {result['summary_to']}")
    render_rows(result["changes"], out, columns=["what", "key", "from", "to"], title="Differences")
    if out == "table" and not result["changes"]:
        click.echo("No differences.")


@main.command("stats")
@output_option
@click.pass_context
def stats_cmd(ctx: click.Context, fmt: str | None) -> None:
    """Count nodes per label and relationships per type."""
    from kb.render.formats import render_rows
    from kb.stats import stats

    render_rows(stats(database(ctx)), resolve_format(fmt), title="Graph")


# -- queries (kb/queries) --
# Thin commands over kb.queries: resolve the options, call the library, render
# what it returns. Pages (topic, gaps, matrix ...) are one JSON object; lists
# (topics, instruments, query, cypher) are a JSON array. docs/queries.md.
def clock_options(f: Callable) -> Callable:
    """--as-of (legal time) and --as-recorded (record time), resolved once,
    here, into the ``clocks`` the command is called with (docs/history.md)."""

    @functools.wraps(f)
    def command(*args, as_of: str | None = None, as_recorded: str | None = None, **kwargs):
        from kb.queries.clocks import Clocks

        return f(*args, clocks=Clocks.resolve(as_of, as_recorded), **kwargs)

    command = click.option(
        "--as-recorded",
        "as_recorded",
        metavar="DATE|DATETIME",
        help="Read the catalog as it was recorded then (a date: at the end of that day, UTC); default: now.",
    )(command)
    return click.option(
        "--as-of",
        "as_of",
        metavar="YYYY-MM-DD",
        help="The law on this date: only instruments adopted by then, with the status they had then; default: today.",
    )(command)


class LimitType(click.ParamType):
    """A positive whole number, or ``all`` (no limit: None)."""

    name = "N|all"

    def convert(self, value, param, ctx):
        if value is None or isinstance(value, int):
            return value
        text = str(value).strip().lower()
        if text == "all":
            return None
        if text.isdigit() and int(text) > 0:
            return int(text)
        self.fail(f"{value!r} is not a positive whole number or 'all'", param, ctx)


LIMIT = LimitType()


def catalog_option(f: Callable) -> Callable:
    """--catalog NAME: which catalog a list across catalogs shows (docs/catalogs.md)."""
    return click.option(
        "--catalog",
        "catalog",
        default=None,
        metavar="NAME",
        help="The catalog to list: kb (the curated one, the default) or one imported (kb import).",
    )(f)


def list_limit_options(f: Callable) -> Callable:
    """--limit N|all and --all: how many rows a page lists of each long list
    (the default, kb.queries.PAGE_LIMIT, is written out here so that
    `kb --help` need not import the query layer; a test holds them equal)."""
    f = click.option(
        "--all", "all_rows", is_flag=True, help="List every row of the long lists (the same as --limit all)."
    )(f)
    return click.option(
        "--limit",
        "limit",
        type=LIMIT,
        default=None,
        show_default=False,
        help="List the first N rows of each long list (coverage, timeline, silent regimes), "
        "with the total beside them; default 50; 'all' lists every row.",
    )(f)


def page_limit(limit: int | None, all_rows: bool, given: bool) -> int | None:
    """The rows to list: --all, --limit N|all, or the default."""
    from kb.queries import PAGE_LIMIT

    if all_rows and given:
        raise click.UsageError("give --all or --limit, not both")
    if all_rows:
        return None
    return limit if given else PAGE_LIMIT


def _given(ctx: click.Context, name: str) -> bool:
    from click.core import ParameterSource

    return ctx.get_parameter_source(name) not in (ParameterSource.DEFAULT, None)


def _titled(title: str, clocks) -> str:
    """'Instruments, as of 2024-06-01' (today's pages: the title alone)."""
    when = clocks.describe()
    return f"{title}, {when}" if when else title


def _show_page(page, fmt: str | None) -> None:
    from kb.render.pages import render_page

    render_page(page, resolve_format(fmt))


def primacy_by_option(f: Callable) -> Callable:
    """--by adopted|introduced: the date primacy goes by."""
    return click.option(
        "--by",
        "by",
        type=click.Choice(["adopted", "introduced"]),
        default="adopted",
        show_default=True,
        help="The date primacy goes by: adoption, or introduction (the adoption date where there is none).",
    )(f)


PICTURES = ("svg", "png")


def picture_options(f: Callable) -> Callable:
    """-f/--format with the page formats and svg, png (a picture of the
    page), and -o/--output FILE (default: stdout)."""
    from kb.render.formats import FORMATS

    f = click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write to this file instead of stdout (-f defaults to its extension: .svg, .png, .json, .csv, .md).",
    )(f)
    return click.option(
        "-f",
        "--format",
        "fmt",
        type=click.Choice(FORMATS + PICTURES),
        default=None,
        help="Output format; svg and png draw the page as a picture. Default: table on a terminal, json otherwise.",
    )(f)


def _show_or_draw(page, draw: Callable[[], str], fmt: str | None, output: Path | None) -> None:
    """The page in ``fmt``, or its picture (``draw`` returns the SVG), to
    stdout or ``output``; the whole output is made before anything is written."""
    import io

    from kb.render.pages import render_page

    if fmt is None and output is not None:  # -o matrix.svg: the format its name says
        suffix = output.suffix.lower().lstrip(".")
        fmt = suffix if suffix in ("json", "csv", "md", *PICTURES) else "json"
    if fmt in PICTURES:
        from kb.render.svg import png

        svg = draw()
        data = svg.encode("utf-8") if fmt == "svg" else png(svg)
        if output is not None:
            output.write_bytes(data)
        elif fmt == "png" and sys.stdout.isatty():
            raise click.UsageError("a PNG is not for a terminal: give -o FILE, or redirect stdout to a file")
        else:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        return
    if output is None:
        render_page(page, resolve_format(fmt))
        return
    buf = io.StringIO()
    render_page(page, fmt, buf)
    output.write_text(buf.getvalue(), encoding="utf-8")


@main.command("topic")
@click.argument("slug")
@primacy_by_option
@list_limit_options
@clock_options
@output_option
@click.pass_context
def topic_cmd(
    ctx: click.Context, slug: str, by: str, limit: int | None, all_rows: bool, clocks, fmt: str | None
) -> None:
    """A topic page: counts, primacy and timeline, forum-shopping pairs,
    coverage, silent regimes and references.

    Every tracked instrument counts: one with no cell for the topic is silent
    and marked unreviewed. Long lists (coverage, timeline, silent regimes)
    show their first 50 rows in order, with the total; --limit N or --all
    changes that. --format json gives one object (docs/queries.md); csv gives
    the coverage rows; md a Markdown page.

    \b
    Examples:
      kb topic open_weight_release
      kb topic open_weight_release --as-of 2024-06-01
      kb topic open_weight_release --all -f csv
      kb topic open_weight_release -f json | jq .primacy
    """
    from kb.queries.topic import topic_data
    from kb.render.topic_page import topic_page

    rows = page_limit(limit, all_rows, _given(ctx, "limit"))
    _show_page(topic_page(topic_data(database(ctx), slug, clocks, limit=rows, by=by), clocks), fmt)


@main.command("topics")
@catalog_option
@clock_options
@output_option
@click.pass_context
def topics_cmd(ctx: click.Context, catalog: str | None, clocks, fmt: str | None) -> None:
    """Topics ranked by salience: explicit + conflicts, ties by topic order.

    \b
    Examples:
      kb topics
      kb topics --as-of 2023-12-31 -f csv
    """
    from kb.queries.topic import SALIENCE_COLUMNS, salience
    from kb.render.formats import render_rows

    render_rows(
        salience(database(ctx), clocks, catalog),
        resolve_format(fmt),
        SALIENCE_COLUMNS,
        title=_titled("Topics by salience (explicit + conflicts)", clocks),
    )


@main.command("catalogs")
@click.option("--as-recorded", metavar="DATE|DATETIME", help="Record time: the catalogs as recorded then.")
@output_option
@click.pass_context
def catalogs_cmd(ctx: click.Context, as_recorded: str | None, fmt: str | None) -> None:
    """The catalogs the graph holds: kb (the curated one) and each imported one.

    \b
    Examples:
      kb catalogs
      kb catalogs --as-recorded 2026-01-01 -f json
    """
    from kb.queries.clocks import Clocks
    from kb.queries.lookup import catalog_list
    from kb.render.formats import render_rows

    clocks = Clocks.resolve(None, as_recorded)
    render_rows(catalog_list(database(ctx), clocks), resolve_format(fmt), title=_titled("Catalogs", clocks))


@main.command("instruments")
@catalog_option
@clock_options
@output_option
@click.pass_context
def instruments_cmd(ctx: click.Context, catalog: str | None, clocks, fmt: str | None) -> None:
    """Tracked instruments in catalog order, with status (as of a date).

    \b
    Examples:
      kb instruments
      kb instruments --as-of 2024-06-01 -f csv
    """
    from kb.queries.entities import instrument_rows
    from kb.render.formats import render_rows

    rows = instrument_rows(database(ctx), clocks, catalog)
    fmt = resolve_format(fmt)
    narrow = ["catalog_rank", "id", "jurisdiction", "kind", "binding", "adopted", "status", "topics_addressed"]
    render_rows(rows, fmt, narrow if fmt == "table" else None, title=_titled("Instruments", clocks))


@main.command("primacy")
@click.argument("slug")
@primacy_by_option
@list_limit_options
@clock_options
@picture_options
@click.pass_context
def primacy_cmd(
    ctx: click.Context,
    slug: str,
    by: str,
    limit: int | None,
    all_rows: bool,
    clocks,
    fmt: str | None,
    output: Path | None,
) -> None:
    """Which instrument addressed a topic first, and what came after.

    Primacy: the earliest adoption date among instruments that are not silent
    on the topic (ties by catalog rank; undated ones never win); with --by
    introduced, the earliest introduction date (the adoption date where an
    instrument has none). Timeline:
    every later instrument in date order, labelled codified (explicit),
    diverged (conflicts), implicit or silent; undated ones last. The tally
    counts the whole timeline; its first 50 entries are listed (--limit N,
    --all). --format svg draws the timeline as a chart (png: rasterised).

    \b
    Examples:
      kb primacy open_weight_release
      kb primacy compute_reporting --as-of 2024-01-01 -f json
      kb primacy open_weight_release -f svg -o primacy.svg
    """
    from kb.queries.topic import primacy
    from kb.render.svg import primacy_svg
    from kb.render.topic_page import primacy_page

    rows = page_limit(limit, all_rows, _given(ctx, "limit"))
    d = primacy(database(ctx), slug, clocks, limit=rows, by=by)
    _show_or_draw(primacy_page(d, clocks), lambda: primacy_svg(d, clocks), fmt, output)


@main.command("forum-shopping")
@click.argument("slug")
@click.option(
    "--all",
    "all_pairs",
    is_flag=True,
    help="Every pair of a strict and a lenient jurisdiction, with the instruments behind each side.",
)
@click.option(
    "--instruments",
    is_flag=True,
    help="With --all: scored pairs of instruments instead of jurisdictions, plus curated conflicts.",
)
@click.option(
    "--include-voluntary", is_flag=True, help="With --all: voluntary instruments (codes, declarations) count too."
)
@click.option(
    "--include-proposed",
    is_flag=True,
    help="With --all: proposed and adopted-not-in-force instruments count too.",
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    metavar="KIND",
    help="With --all: only instruments of this kind count (repeat for more), e.g. binding_regulation.",
)
@click.option(
    "--limit",
    "limit",
    type=LIMIT,
    default=None,
    help="With --all: list the first N pairs (with --instruments the N best (default 100)); 'all' lists every pair.",
)  # ALL_PAIRS_LIMIT
@clock_options
@output_option
@click.pass_context
def forum_shopping_cmd(
    ctx: click.Context,
    slug: str,
    all_pairs: bool,
    instruments: bool,
    include_voluntary: bool,
    include_proposed: bool,
    kinds: tuple[str, ...],
    limit: int | None,
    clocks,
    fmt: str | None,
) -> None:
    """Where a developer could pick a lenient jurisdiction over a strict one.

    Without --all: the topic page's pairs (at most three): explicit
    instruments in catalog order, each paired with the first silent one of
    another jurisdiction not yet paired. With --all: pairs of jurisdictions,
    a strict one whose own binding law in force treats the topic explicitly
    and an unrelated one where no binding law in force that applies there
    addresses it, with the instruments behind each side (--include-voluntary,
    --include-proposed and --kind change what counts as law). With --all
    --instruments: explicit-silent and, weaker, explicit-implicit pairs of
    instruments, ranked by a score (docs/queries.md), the 100 best.

    \b
    Examples:
      kb forum-shopping open_weight_release
      kb forum-shopping open_weight_release --all
      kb forum-shopping open_weight_release --all --include-voluntary -f csv
      kb forum-shopping open_weight_release --all --as-of 2024-12-31
      kb forum-shopping open_weight_release --all --instruments --limit all
    """
    from kb.queries import ALL_PAIRS_LIMIT

    given = _given(ctx, "limit")
    widened = [
        name
        for name, on in (
            ("--instruments", instruments),
            ("--include-voluntary", include_voluntary),
            ("--include-proposed", include_proposed),
            ("--kind", bool(kinds)),
            ("--limit", given),
        )
        if on
    ]
    if widened and not all_pairs:
        raise click.UsageError(f"{widened[0]} goes with --all (without it the page has at most three pairs)")
    if instruments and (include_voluntary or include_proposed or kinds):
        raise click.UsageError(
            "--include-voluntary, --include-proposed and --kind go with jurisdiction pairs, not --instruments"
        )
    if all_pairs and not instruments:
        from kb.queries.forum import jurisdiction_pairs
        from kb.render.forum_page import jurisdiction_pairs_page

        d = jurisdiction_pairs(database(ctx), slug, clocks, include_voluntary, include_proposed, kinds)
        _show_page(jurisdiction_pairs_page(d, clocks, limit if given else None), fmt)
        return
    from kb.queries.topic import forum_shopping_data
    from kb.render.topic_page import forum_shopping_page, scored_pairs_page

    d = forum_shopping_data(database(ctx), slug, clocks, all_pairs=all_pairs, limit=limit if given else ALL_PAIRS_LIMIT)
    _show_page((scored_pairs_page if all_pairs else forum_shopping_page)(d, clocks), fmt)


@main.command("gaps")
@click.argument("slug", required=False)
@catalog_option
@list_limit_options
@clock_options
@output_option
@click.pass_context
def gaps_cmd(
    ctx: click.Context,
    slug: str | None,
    catalog: str | None,
    limit: int | None,
    all_rows: bool,
    clocks,
    fmt: str | None,
) -> None:
    """Coverage gaps: silent share overall and per topic, and per jurisdiction
    the topics none of its instruments addresses. With SLUG, also that
    topic's silent regimes (the first 50 in catalog order with their number;
    --limit N, --all). Reviewed-silent and unreviewed are counted apart.

    \b
    Examples:
      kb gaps
      kb gaps open_weight_release           # + its silent regimes (csv: those rows)
      kb gaps --as-of 2024-01-01 -f json
    """
    from kb.queries.gaps import gaps_data
    from kb.render.gaps_page import gaps_page

    rows = page_limit(limit, all_rows, _given(ctx, "limit"))
    _show_page(gaps_page(gaps_data(database(ctx), slug, clocks, limit=rows, catalog=catalog), clocks), fmt)


@main.command("matrix")
@click.option("--topic", "topics", multiple=True, metavar="SLUG", help="Only these topics (repeatable).")
@catalog_option
@clock_options
@picture_options
@click.pass_context
def matrix_cmd(
    ctx: click.Context, topics: tuple[str, ...], catalog: str | None, clocks, fmt: str | None, output: Path | None
) -> None:
    """The instrument x topic matrix: ● explicit, ◐ implicit, ⚠ conflicts, · silent.

    Rows in catalog order, columns in topic order (numbered in the table, with
    a key). An unreviewed cell is a dim · (·? without colour) and
    "unreviewed" in json and csv. --format svg draws it as a heatmap (topic
    names as column heads, a colour and glyph per mode, a legend); png is
    that picture rasterised.

    \b
    Examples:
      kb matrix
      kb matrix --topic open_weight_release --topic compute_reporting
      kb matrix --as-of 2024-01-01 -f csv > matrix.csv
      kb matrix -f svg -o matrix.svg
    """
    from kb.queries.matrix import matrix_data
    from kb.render.matrix_page import matrix_page
    from kb.render.svg import matrix_svg

    d = matrix_data(database(ctx), clocks, topics, catalog)
    _show_or_draw(matrix_page(d, clocks), lambda: matrix_svg(d, clocks), fmt, output)


@main.command("compare")
@click.argument("a")
@click.argument("b")
@clock_options
@output_option
@click.pass_context
def compare_cmd(ctx: click.Context, a: str, b: str, clocks, fmt: str | None) -> None:
    """Compare two instruments topic by topic: converges (same mode),
    asymmetric (different modes) or both silent.

    \b
    Examples:
      kb compare EU-AIA-2024 US-EO-14110
      kb compare US-EO-14110 UK-WHITEPAPER-2023 --as-of 2024-06-01 -f json
    """
    from kb.queries.compare import compare_data
    from kb.render.compare_page import compare_page

    _show_page(compare_page(compare_data(database(ctx), a, b, clocks), clocks), fmt)


@main.command("instrument")
@click.argument("id_")
@clock_options
@output_option
@click.pass_context
def instrument_cmd(ctx: click.Context, id_: str, clocks, fmt: str | None) -> None:
    """One instrument: record, status history, coverage cells, conflicts,
    citations, revocations and signatories.

    \b
    Examples:
      kb instrument US-EO-14110
      kb instrument EU-AIA-2024 -f csv      # its coverage cells
    """
    from kb.queries.entities import instrument_data
    from kb.render.entity_pages import instrument_page

    _show_page(instrument_page(instrument_data(database(ctx), id_, clocks), clocks), fmt)


@main.command("jurisdiction")
@click.argument("code")
@clock_options
@output_option
@click.pass_context
def jurisdiction_cmd(ctx: click.Context, code: str, clocks, fmt: str | None) -> None:
    """One jurisdiction: its instruments, developers, topics addressed and gaps.

    \b
    Examples:
      kb jurisdiction US
      kb jurisdiction US-CA -f json
    """
    from kb.queries.entities import jurisdiction_data
    from kb.render.entity_pages import jurisdiction_page

    _show_page(jurisdiction_page(jurisdiction_data(database(ctx), code, clocks), clocks), fmt)


@main.command("developer")
@click.argument("id_")
@click.option(
    "--topic", metavar="SLUG", help="Topic to read each instrument's cell for. [default: open_weight_release]"
)
@clock_options
@output_option
@click.pass_context
def developer_cmd(ctx: click.Context, id_: str, topic: str | None, clocks, fmt: str | None) -> None:
    """One developer: the instruments it issued or signed, and how they treat
    open-weight release (or --topic).

    \b
    Examples:
      kb developer meta
      kb developer anthropic --topic catastrophic_risk
    """
    from kb.queries.entities import developer_data
    from kb.render.entity_pages import developer_page

    _show_page(developer_page(developer_data(database(ctx), id_, topic, clocks), clocks), fmt)


@main.command("paper")
@click.argument("id_")
@clock_options
@output_option
@click.pass_context
def paper_cmd(ctx: click.Context, id_: str, clocks, fmt: str | None) -> None:
    """One paper: the topics it addresses, what it cites and similar papers.

    \b
    Examples:
      kb paper arXiv:2602.19682
    """
    from kb.queries.entities import paper_data
    from kb.render.entity_pages import paper_page

    _show_page(paper_page(paper_data(database(ctx), id_, clocks), clocks), fmt)


@main.command("source")
@click.argument("id_")
@clock_options
@output_option
@click.pass_context
def source_cmd(ctx: click.Context, id_: str, clocks, fmt: str | None) -> None:
    """One source: its title, URL and kind, and every record and fact that
    cites it (a primary source's cells were checked in it).

    \b
    Examples:
      kb source eurlex:32024R1689
      kb source pw:open-weight-release -f csv
    """
    from kb.queries.sources import source_data
    from kb.render.entity_pages import source_page

    _show_page(source_page(source_data(database(ctx), id_, clocks), clocks), fmt)


@main.command("query")
@click.argument("name", required=False)
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="A parameter of the query (repeatable); dates as YYYY-MM-DD.",
)
@click.option("--list", "list_", is_flag=True, help="List the named queries.")
@click.option("--show", is_flag=True, help="Print the query's Cypher instead of running it.")
@output_option
@click.pass_context
def query_cmd(
    ctx: click.Context, name: str | None, params: tuple[str, ...], list_: bool, show: bool, fmt: str | None
) -> None:
    """Run a named read-only query from cypher/queries/.

    \b
    Examples:
      kb query --list
      kb query topic_coverage --param slug=open_weight_release
      kb query topic_coverage -p slug=open_weight_release -p as_of=2024-06-01 -f csv
      kb query forum_shopping_all --show     # the Cypher, for Neo4j Browser
    """
    from kb.queries import get, list_queries, parse_assignments, run
    from kb.render.formats import render_rows

    if list_ or not name:
        if not list_:
            raise click.UsageError("name a query, or list them with `kb query --list`")
        render_rows(
            list_queries(),
            resolve_format(fmt),
            ["name", "params", "title"] if fmt in (None, "table") else None,
            title="Named queries (kb query NAME --param key=value)",
        )
        return
    q = get(name)
    if show:
        header = "\n".join(f"// param: {p.describe()}" for p in q.params)
        click.echo(f"// {q.title}\n// Neo4j Browser: {q.browser}\n{header}\n{q.text}".replace("\n\n", "\n"), nl=False)
        return
    rows = run(database(ctx), name, **parse_assignments(params))
    render_rows(rows, resolve_format(fmt), title=q.title)


@main.command("cypher")
@click.argument("statement")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="A $parameter (repeatable): YYYY-MM-DD is a date, JSON is parsed, else a string.",
)
@click.option("--write", is_flag=True, help="Allow the statement to change the graph (a write transaction).")
@output_option
@click.pass_context
def cypher_cmd(ctx: click.Context, statement: str, params: tuple[str, ...], write: bool, fmt: str | None) -> None:
    """Run ad-hoc Cypher in a READ transaction (use --write to change data).

    STATEMENT is the Cypher text, or - to read it from stdin.

    \b
    Examples:
      kb cypher "MATCH (t:Topic) RETURN t.slug, t.name ORDER BY t.rank"
      kb cypher 'MATCH (i:Instrument {id: $id}) RETURN i.name' -p id=EU-AIA-2024
      kb cypher - < my-query.cypher
    """
    from kb.queries import parse_assignments
    from kb.queries.adhoc import parse_value, run_cypher
    from kb.render.formats import render_rows

    if statement == "-":
        statement = sys.stdin.read()
    values = {k: parse_value(v) for k, v in parse_assignments(params).items()}
    rows = run_cypher(
        database(ctx), statement, values, write=write, warn=lambda m: click.echo(f"Warning: {m}", err=True)
    )
    render_rows(rows, resolve_format(fmt))


# -- kb serve (kb/web) -----------------------------------------------------------
@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback unless told).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option(
    "--base-url",
    "base_url",
    metavar="URL",
    help="The address the pages cite and link themselves by, e.g. https://kb.example.org (default: the request's).",
)
@click.pass_context
def serve_cmd(ctx: click.Context, host: str, port: int, base_url: str | None) -> None:
    """Serve kb's pages and their JSON API over HTTP, read-only, live from the graph.

    Pages: / (the catalog), /topics/SLUG, /instruments/ID, /jurisdictions/CODE,
    /developers/ID, /papers/ID, /sources/ID, /matrix, /compare?a=&b=, /changes,
    /diff/SLUG?from=&to=; each takes ?asOf= and ?asRecorded=. JSON: the same
    under /api (as --format json gives it; ?format=csv or .csv where the CLI
    has CSV); OpenAPI at /openapi.json; an Atom feed at /changes.atom.

    \b
    Examples:
      kb serve                          # http://127.0.0.1:8000
      kb serve --port 8080 --base-url https://kb.example.org
    """
    from kb.web.app import serve

    conn = database(ctx)
    conn.verify()
    serve(conn, host, port, base_url, ready=lambda url: click.echo(f"Serving kb at {url} (Ctrl-C stops it)", err=True))


# -- agents: the MCP server (kb/mcp_server.py) and finding keys by name -------
@main.command("search")
@click.argument("text")
@click.option(
    "--kind",
    type=click.Choice(["instrument", "topic", "jurisdiction", "developer", "paper", "source"]),
    help="Only keys of this kind.",
)
@click.option(
    "--limit", "limit", type=LIMIT, default="20", show_default=True, help="At most N matches; 'all' lists all."
)
@click.option(
    "--as-recorded",
    "as_recorded",
    metavar="DATE|DATETIME",
    help="Search the catalog as it was recorded then; default: now.",
)
@output_option
@click.pass_context
def search_cmd(
    ctx: click.Context, text: str, kind: str | None, limit: int | None, as_recorded: str | None, fmt: str | None
) -> None:
    """Find instruments, topics, jurisdictions, developers, papers and
    sources whose key or name holds TEXT (any case), the closest first.

    \b
    Examples:
      kb search "open weight"
      kb search california --kind instrument -f json
    """
    from kb.queries.clocks import Clocks
    from kb.queries.search import search
    from kb.render.formats import render_rows

    rows = search(database(ctx), text, kind, Clocks.resolve(None, as_recorded), limit)
    render_rows(rows, resolve_format(fmt), ["kind", "key", "name", "adopted"], title=f"Keys holding {text!r}")


@main.command("mcp")
@click.pass_context
def mcp_cmd(ctx: click.Context) -> None:
    """Run a Model Context Protocol server on stdin/stdout, for AI agents.

    Its tools are kb's questions (topic_page, primacy, forum_shopping, gaps,
    matrix, compare, instrument, jurisdiction, developer, search, cite), each
    with a JSON schema, answering with the JSON of `kb ... --format json`.
    It only reads. The client starts it; the connection comes from the same
    options and NEO4J_* variables as every command (README: "kb mcp").

    \b
    Example (an MCP client's configuration):
      {"mcpServers": {"kb": {"command": "kb", "args": ["mcp"]}}}
    """
    from kb.mcp_server import serve

    serve(database(ctx), _password(ctx))


# -- renumbering catalog ranks in the data files ------------------------------
@main.command("renumber")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="List the ranks that would change (old → new); write nothing.")
@output_option
def renumber_cmd(paths: tuple[Path, ...], dry_run: bool, fmt: str | None) -> None:
    """Rewrite the instruments' catalog_rank in the data files under PATHS
    so that the ranks run 1..n in the catalog's current order, with no gap
    and no clash. Only the numbers change: comments and layout stay.

    \b
    Examples:
      kb renumber --dry-run data/corpus     # old → new, nothing written
      kb renumber data/corpus && kb load data/corpus
    """
    from kb.render.formats import render_rows
    from kb.renumber import plan_renumber, write_plan

    plan = plan_renumber(list(paths))
    rows = [c.row() for c in plan.changes]
    files = len(plan.texts)
    if not dry_run:
        write_plan(plan)
    unranked = f"; {len(plan.unranked)} without a rank (a load puts them after the last)" if plan.unranked else ""
    if not rows:
        click.echo(f"Ranks already run 1..{plan.ranked}; nothing to change{unranked}.", err=True)
        return
    verb = "Would renumber" if dry_run else "Renumbered"
    click.echo(
        f"{verb} {len(rows)} of {plan.ranked} ranked instruments in {files} file{'s' if files != 1 else ''}{unranked}.",
        err=True,
    )
    render_rows(rows, resolve_format(fmt), columns=["file", "line", "id", "old", "new"], title="Ranks (old → new)")


if __name__ == "__main__":  # pragma: no cover  (python -m kb.cli)
    main()


# -- Catalogs: kb import (docs/catalogs.md) ------------------------------------------------
def import_options(f: Callable) -> Callable:
    """--dry-run, --recorded-at and --exported: an import is a dated load."""
    f = click.option(
        "--exported",
        type=click.DateTime(["%Y-%m-%d"]),
        help="The export's date, cited with it (default: the file's modification date).",
    )(f)
    f = click.option(
        "--recorded-at",
        "recorded_at",
        type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%z"]),
        help="Date the change set at this time instead of now (UTC unless an offset is given), to import "
        "past exports in order.",
    )(f)
    return click.option("--dry-run", is_flag=True, help="Check the export and list what would change; write nothing.")(
        f
    )


@main.group("import", context_settings=CONTEXT)
def import_group() -> None:
    """Import a catalog kb did not write, beside the curated one.

    The catalog's instruments and topics are its own (kb topics --catalog
    NAME); an import is checked and written like kb load, as one change set;
    importing a newer export records what it added and changed, and closes
    the documents it no longer has.
    """


def _import_report(r, dry_run: bool, fmt: str | None) -> None:
    from kb.render.formats import render_rows
    from kb.words import plural

    _warn(r.notes)
    if dry_run:
        p = r.report
        counts = p.counts()
        click.echo(
            f"OK: {plural(p.records, 'record')} of catalog {r.catalog} are valid; nothing was written. "
            f"The import would add {counts['added']}, change {plural(counts['changed'], 'field')} and remove "
            f"{counts['removed']}.",
            err=True,
        )
        if p.changes:
            from kb.preview import COLUMNS

            render_rows(p.rows(), resolve_format(fmt), columns=COLUMNS, title="What the import would change")
        return
    _written(r.report, f"Imported {plural(r.report.records, 'record')} of catalog {r.catalog}", "Import summary", fmt)


def _instant(value):
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


@import_group.command("agora")
@click.argument("folder", type=click.Path(path_type=Path))
@import_options
@output_option
@click.pass_context
def import_agora_cmd(ctx: click.Context, folder: Path, dry_run: bool, recorded_at, exported, fmt: str | None) -> None:
    """Import an AGORA export (documents.csv, authorities.csv,
    collections.csv) as the catalog agora.

    \b
    Examples:
      kb import agora ~/Downloads/agora --dry-run
      kb import agora ~/Downloads/agora --exported 2026-11-01
    """
    from kb.imports import import_agora

    when = exported.date() if exported else None
    r = import_agora(database(ctx), folder, dry_run, _instant(recorded_at), when, _progress_factory())
    _import_report(r, dry_run, fmt)


@import_group.command("csv")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--mapping",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The YAML mapping of the file's columns onto kb's fields (docs/catalogs.md).",
)
@import_options
@output_option
@click.pass_context
def import_csv_cmd(
    ctx: click.Context, path: Path, mapping: Path, dry_run: bool, recorded_at, exported, fmt: str | None
) -> None:
    """Import a tagged catalog: one CSV row per instrument, tags as true/false
    columns or one joined column, as the mapping says.

    \b
    Examples:
      kb import csv oecd-initiatives.csv --mapping oecd.yaml --dry-run
    """
    from kb.imports import import_csv

    when = exported.date() if exported else None
    r = import_csv(database(ctx), path, mapping, dry_run, _instant(recorded_at), when, _progress_factory())
    _import_report(r, dry_run, fmt)


# -- kb site: the pages as static files (kb/web/site.py) ------------------------------
@main.command("site")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--base-url",
    "base_url",
    metavar="URL",
    help="The address the site will be published at, e.g. https://example.org/kb: the feed's links, "
    "the pages' canonical links and citations use it (default: none; links stay relative).",
)
@click.option("--catalog", metavar="NAME", help="The catalog the home page and the matrix list (default: kb).")
@clock_options
@click.option("--force", is_flag=True, help="Replace FOLDER even when it holds files that are not a kb site.")
@output_option
@click.pass_context
def site_cmd(
    ctx: click.Context, folder: Path, base_url: str | None, catalog: str | None, clocks, force: bool, fmt: str | None
) -> None:
    """Write kb's pages as static files into FOLDER, for any static host.

    Every page kb serve shows (the catalog, each topic, instrument,
    jurisdiction, developer, paper and source, the matrix, the changes and
    one page per change set, the comparisons of the instruments of each
    jurisdiction) as FOLDER/PATH/index.html, its JSON as
    FOLDER/api/PATH.json, the Atom feed as changes.atom and every record in
    search.json; links are relative, so the site works under any base path
    and from file://. The site is written beside FOLDER and moved into
    place: a failed build changes nothing. FOLDER must be new, empty or a
    site written before.

    \b
    Examples:
      kb site public
      kb site public --base-url https://example.org/kb --as-of 2025-06-01
    """
    from kb.web.site import build

    r = build(
        database(ctx),
        folder,
        base_url=base_url,
        catalog=catalog,
        clocks=clocks,
        force=force,
        progress=lambda message: click.echo(message, err=True),
    )
    if resolve_format(fmt) == "json":
        from kb.render.formats import dumps

        click.echo(dumps(r.__dict__))
        return
    click.echo(
        f"Wrote {r.pages} pages ({r.files} files, {r.bytes / 1e6:.1f} MB; {r.change_sets} change sets, "
        f"{r.compare_pairs} comparisons) into {r.folder} in {r.seconds:.1f} s"
    )


# -- crosswalk: links between catalogs (docs/catalogs.md, "Crosswalk") ---------------------------
@main.command("crosswalk")
@click.option("--catalog", default=None, help="The imported catalog to link to (default: every imported one).")
@click.option(
    "--same-as",
    "same_as",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="The reviewed SAME_AS list (default: data/crosswalks/same-as.yaml).",
)
@click.option(
    "--topics",
    "topics",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="The related-topic list (default: data/crosswalks/topics.yaml).",
)
@clock_options
@output_option
@click.pass_context
def crosswalk_cmd(
    ctx: click.Context, catalog: str | None, same_as: Path | None, topics: Path | None, clocks, fmt: str | None
) -> None:
    """The curated instruments linked to other catalogs' (SAME_AS, by a shared
    official identifier or a reviewed entry), those left unmatched with the
    closest candidate and its similarity score, and the related topics.

    \b
    Examples:
      kb crosswalk
      kb crosswalk --catalog agora -f csv
    """
    from kb.queries.crosswalk import crosswalk_data
    from kb.render.crosswalk_page import crosswalk_page

    data = crosswalk_data(database(ctx), catalog, clocks, same_as, topics)
    _show_page(crosswalk_page(data, clocks), fmt)
