"""``kb site DIR``: kb's pages written as static files, for any static host.

The pages are rendered by kb serve's own application (kb.web.app), called
in-process, so each file is what ``kb serve`` shows for that address, with
what a static host cannot serve left out (the forms, the CSV, the OpenAPI
link). Every page is read at one pair of clocks, resolved once when the
build starts, so the whole site is one snapshot.

Where each address is written (``page_file``)::

    /                          index.html            api/catalog.json
    /topics/SLUG (and the other record pages)
                               topics/SLUG/index.html api/topics/SLUG.json
    /compare?a=A&b=B           compare/A/B/index.html api/compare/A/B.json
    /changes                   changes/index.html     api/changes.json
    /changes?changeSet=ID      changes/ID/index.html  api/changes/ID.json
    /changes.atom              changes.atom
    (every record)             search.json

Every link in the written pages is made relative to its file (so the site
works under any base path and from file://); a link to an address the site
does not hold (another date, a filter) loses its href. The folder is built
beside DIR and moved into place, so a failed build leaves nothing; DIR is
replaced only when it is empty or a previous kb site (``kb-site.json``),
or when ``force`` says so.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import posixpath
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from kb.errors import KbError
from kb.queries.clocks import Clocks
from kb.web.params import instant_text, pinned
from kb.web.routes import KIND_PATHS

MARKER = "kb-site.json"  # what says a folder holds a kb site
CONCURRENT = 4  # pages rendered at once
STATIC = Path(__file__).resolve().parent / "static"
CLOCK_NAMES = ("asOf", "asRecorded")


@dataclass
class Snapshot:
    """What the templates and the link rewriting read of the site being written."""

    written: str  # the instant the build started
    clocks: dict[str, str]  # asOf, asRecorded: every timed page is read at these
    base_url: str | None = None
    catalog: str | None = None
    pairs: list[tuple[str, str]] = field(default_factory=list)  # the compare pages written

    def address(self, path: str, own: list[tuple[str, str]]) -> str | None:
        """The absolute address of a page's file under the base URL (None without one)."""
        target = self.file_of(path, own)
        if target is None or not self.base_url:
            return None
        return self.base_url + "/" + quote(target.removesuffix("index.html"))

    def file_of(self, path: str, query: list[tuple[str, str]]) -> str | None:
        """The file (relative to the site's root) that holds ``path?query``,
        or None when the site holds no file for that address."""
        kept = []
        for k, v in query:
            if k in CLOCK_NAMES:
                if v != self.clocks[k]:
                    return None
            elif k == "catalog" and v == (self.catalog or "kb"):
                continue
            elif k == "limit" and v == "0" and path in ("/changes", "/api/changes"):
                continue
            else:
                kept.append((k, v))
        return page_file(path, kept)


def page_file(path: str, query: list[tuple[str, str]]) -> str | None:
    """The file of a page's (or its JSON's) address, its clocks already
    checked; None when no file holds it."""
    q = dict(query)
    if len(q) != len(query):
        return None
    api = path.startswith("/api/")
    rest = path[len("/api") :] if api else path
    if rest == "/compare" and set(q) == {"a", "b"}:
        segments = ["compare", q["a"], q["b"]]
    elif rest == "/changes" and set(q) == {"changeSet"}:
        segments = ["changes", q["changeSet"]]
    elif q:
        return None
    elif not api and path in ("/changes.atom", "/search.json", "/kb-site.json"):
        return path[1:]
    elif not api and path.startswith("/static/"):
        segments = [unquote(s) for s in path.split("/")[1:]]
        return "/".join(segments) if _safe(segments) else None
    elif rest.endswith(".csv"):
        return None
    else:
        segments = [unquote(s) for s in rest.strip("/").split("/")] if rest.strip("/") else []
    if not _safe(segments):
        return None
    if api:
        return "/".join(["api", *(segments or ["catalog"])]) + ".json"
    return "/".join([*segments, "index.html"])


def _safe(segments: list[str]) -> bool:
    return all(s and s not in (".", "..") and "\x00" not in s and "\\" not in s for s in segments)


# -- the links of a written page -----------------------------------------------------
ATTRIBUTE = re.compile(r'(\s(?:href|src|action))="([^"]*)"')


def relative_links(text: str, here: str, snapshot: Snapshot, files: set[str]) -> str:
    """``text`` (a page written at ``here``) with each link to one of kb's
    addresses made relative to ``here``, and dropped when ``files`` does not
    hold its target. Other sites' addresses stay as they are."""

    def one(m: re.Match) -> str:
        value = html.unescape(m.group(2))
        if not value.startswith("/") or value.startswith("//"):
            return m.group(0)  # another site's, an anchor, or already relative
        parts = urlsplit(value)
        target = snapshot.file_of(parts.path, parse_qsl(parts.query, keep_blank_values=True))
        if target is None or target not in files:
            return ""
        rel = posixpath.relpath(target, posixpath.dirname(here) or ".")
        link = quote(rel, safe="/") + (f"#{parts.fragment}" if parts.fragment else "")
        return f'{m.group(1)}="{html.escape(link)}"'

    return ATTRIBUTE.sub(one, text)


# -- rendering through the app ---------------------------------------------------------
async def _get(app, url: str) -> tuple[int, bytes]:
    """GET ``url`` (a path and query, percent-encoded) from the ASGI app."""
    parts = urlsplit(url)
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "server": ("kb.site", 80),
        "client": ("127.0.0.1", 0),
        "root_path": "",
        "path": unquote(parts.path),
        "raw_path": parts.path.encode(),
        "query_string": parts.query.encode(),
        "headers": [(b"host", b"kb.site")],
    }
    status = 0
    body = bytearray()

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            body.extend(message.get("body", b""))

    await app(scope, receive, send)
    return status, bytes(body)


@dataclass
class Report:
    folder: str
    pages: int  # HTML pages
    files: int  # every file written
    bytes: int
    seconds: float
    change_sets: int
    compare_pairs: int


def _records(db, clocks: Clocks) -> list[dict[str, Any]]:
    from kb.queries.lookup import catalog_keys
    from kb.queries.reader import Reader

    return catalog_keys(Reader(db), clocks)


def _pairs(db, clocks: Clocks, catalog: str | None) -> list[tuple[str, str]]:
    """The instruments of each jurisdiction, two by two, in catalog order."""
    from kb.queries.entities import instrument_rows

    by_jurisdiction: dict[str, list[str]] = {}
    for i in instrument_rows(db, clocks, catalog):
        if i["jurisdiction"]:
            by_jurisdiction.setdefault(i["jurisdiction"], []).append(i["id"])
    return [pair for ids in by_jurisdiction.values() for pair in itertools.combinations(ids, 2)]


def _change_sets(db) -> list[str]:
    from kb.changes import changes

    return list(dict.fromkeys(r["change_set"] for r in changes(db)))


def _key_path(prefix: str, key: str) -> str:
    return prefix + quote(key, safe=":@")


def build(
    db,
    folder: Path,
    base_url: str | None = None,
    catalog: str | None = None,
    clocks: Clocks | None = None,
    force: bool = False,
    progress=None,
) -> Report:
    """Write the site into ``folder``, every timed page read at ``clocks``
    (None: today's law as recorded now); ``progress(message)`` hears how far
    it is."""
    from kb.web.app import create_app
    from kb.web.atom import feed

    started = time.monotonic()
    say = progress or (lambda message: None)
    folder = Path(folder)
    _check_folder(folder, force)
    base_url = base_url.rstrip("/") if base_url else None
    if base_url and not re.match(r"https?://[^/\s]+", base_url):
        raise KbError(f"--base-url: {base_url!r} is not an http(s) address; give one like https://example.org/kb")
    clocks = clocks or Clocks.resolve()
    snapshot = Snapshot(instant_text(datetime.now(UTC)), pinned(clocks), base_url, catalog)
    if catalog:
        from kb.queries.lookup import catalog_named
        from kb.queries.reader import Reader

        catalog_named(Reader(db), catalog, clocks)  # NotFound with the closest names
    snapshot.pairs = _pairs(db, clocks, catalog)
    records = _records(db, clocks)
    change_sets = _change_sets(db)
    timed = urlencode(snapshot.clocks, safe=":")
    of_catalog = ("&" + urlencode({"catalog": catalog})) if catalog else ""

    # (page address to fetch, its file, its JSON's address)
    wanted: list[tuple[str, str]] = [
        (f"/?{timed}{of_catalog}", f"/api/catalog?{timed}{of_catalog}"),
        (f"/matrix?{timed}{of_catalog}", f"/api/matrix?{timed}{of_catalog}"),
        (f"/compare?{timed}", ""),
        ("/changes?limit=0", "/api/changes?limit=0"),
    ]
    for r in records:
        path = _key_path(KIND_PATHS[r["kind"]], r["key"])
        wanted.append((f"{path}?{timed}", f"/api{path}?{timed}"))
    for a, b in snapshot.pairs:
        q = urlencode({"a": a, "b": b})
        wanted.append((f"/compare?{q}&{timed}", f"/api/compare?{q}&{timed}"))
    for cs in change_sets:
        q = urlencode({"changeSet": cs, "limit": 0})
        wanted.append((f"/changes?{q}", f"/api/changes?{q}"))
    extra = [f"/api/topics?{timed}{of_catalog}", f"/api/instruments?{timed}{of_catalog}"]

    app = create_app(db, base_url, static=snapshot)
    out: dict[str, bytes] = {}
    failures: list[str] = []

    def file_for(url: str) -> str:
        parts = urlsplit(url)
        target = snapshot.file_of(parts.path, parse_qsl(parts.query, keep_blank_values=True))
        assert target is not None, url
        return target

    async def fetch_all() -> None:
        gate = asyncio.Semaphore(CONCURRENT)
        # the pages first, then their JSON: a page's JSON takes the answer its page computed (kb.web.app)
        urls = [page for page, _ in wanted] + [api for _, api in wanted if api] + extra
        done = 0

        async def one(url: str) -> None:
            nonlocal done
            async with gate:
                status, body = await _get(app, url)
            if status != 200:
                message = body.decode("utf-8", "replace")
                if url.startswith("/api/"):
                    message = json.loads(message).get("error", {}).get("message", message)
                shown = re.sub(r"<[^>]+>|\s+", " ", message).strip()[:300]
                failures.append(f"{url}: {status} {shown}")
                return
            out[file_for(url)] = body
            done += 1
            if done % 50 == 0:
                say(f"kb site: {done} of {len(urls)} pages and JSON files rendered")

        await asyncio.gather(*(one(u) for u in urls))

    say(f"kb site: rendering {len(wanted)} pages and their JSON ...")
    asyncio.run(fetch_all())
    if failures:
        raise KbError(
            f"kb site: {len(failures)} addresses did not render, so nothing was written:\n  " + "\n  ".join(failures)
        )

    def site_href(path: str) -> str:
        parts = urlsplit(path)
        target = snapshot.file_of(parts.path, parse_qsl(parts.query))
        assert target is not None, path
        return (base_url + "/" if base_url else "") + quote(target.removesuffix("index.html") if base_url else target)

    out["changes.atom"] = feed(db, base_url or "", None, href=site_href)
    pages_of = {file_for(page): page for page, _ in wanted}
    index = [
        {
            "kind": r["kind"],
            "key": r["key"],
            "name": r["name"],
            "url": site_href(_key_path(KIND_PATHS[r["kind"]], r["key"])),
        }
        for r in records
    ]
    out["search.json"] = (json.dumps(index, ensure_ascii=False, indent=1) + "\n").encode()
    for f in STATIC.iterdir():
        if f.is_file():
            out[f"static/{f.name}"] = f.read_bytes()
    out[MARKER] = (
        json.dumps(
            {"written_by": "kb site", "written": snapshot.written, "clocks": snapshot.clocks, "base_url": base_url},
            indent=1,
        )
        + "\n"
    ).encode()
    files = set(out)
    for name in pages_of:
        out[name] = relative_links(out[name].decode(), name, snapshot, files).encode()

    say(f"kb site: writing {len(out)} files ...")
    _write(folder, out)
    return Report(
        str(folder),
        len(pages_of),
        len(out),
        sum(len(b) for b in out.values()),
        round(time.monotonic() - started, 2),
        len(change_sets),
        len(snapshot.pairs),
    )


# -- the folder ------------------------------------------------------------------------
def _check_folder(folder: Path, force: bool) -> None:
    if folder.exists() and not folder.is_dir():
        raise KbError(f"{folder}: is a file, not a folder; give a folder for the site")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / MARKER).is_file() and not force:
        raise KbError(
            f"{folder}: the folder is not empty and holds no kb site (no {MARKER}); nothing was written. "
            "Give an empty or new folder, or --force to replace everything in it with the site"
        )


def _write(folder: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` into a new folder beside ``folder``, then swap it in."""
    folder = folder.absolute()
    folder.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".new", dir=folder.parent))
    try:
        for name, body in files.items():
            path = temp.joinpath(*name.split("/"))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(body)
        for d in [temp, *(p for p in temp.rglob("*") if p.is_dir())]:
            d.chmod(0o755)
        if folder.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".old", dir=folder.parent))
            old.rmdir()
            folder.rename(old)
            temp.rename(folder)
            shutil.rmtree(old)
        else:
            temp.rename(folder)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
