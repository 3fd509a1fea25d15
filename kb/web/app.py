"""``kb serve``'s application: kb's pages as HTML and their JSON under
``/api``, read live from the graph (Starlette; Jinja2 templates with
autoescape; served by uvicorn).

A request enters here: its parameters are checked (kb.web.params) and its
clocks resolved once, before any query; kb.web.pages reads the answer with
the same kb.queries functions the CLI calls and lays it out with the same
kb.render layouts; the page is written as HTML (kb.render.html and the
templates), JSON or CSV. Every error becomes one shape here: JSON
``{"error": {"status", "message", "parameter"?, "did_you_mean"}}`` under
``/api``, an HTML page with the same message elsewhere.

Nothing here writes: every query is a named one, in a read transaction.
"""

from __future__ import annotations

import functools
import io
import json
import logging
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from kb.errors import BadParameter, ConnectionFailed, KbError, NotFound
from kb.queries.clocks import Clocks
from kb.render.formats import dumps
from kb.web import pages
from kb.web.params import KEY_MAX, check, check_key, clocks_of, given, instant_text, pinned
from kb.web.routes import FEED, KIND_PATHS, ROUTES
from kb.web.routes import Route as KbRoute

HERE = Path(__file__).resolve().parent
log = logging.getLogger("kb.web")

# No inline script, no other origin: styles and images from this server only.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'none'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders:
    """Every response carries the Content-Security-Policy and its friends."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def sending(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + SECURITY_HEADERS
            await send(message)

        return await self.app(scope, receive, sending)


# -- the answers' formats ----------------------------------------------------------
def json_text(data: Any) -> str:
    """JSON as ``kb ... --format json`` writes it (one trailing newline)."""
    return dumps(data) + "\n"


def csv_text(page) -> str:
    from kb.render.pages import render_page

    out = io.StringIO()
    render_page(page, "csv", out)
    return out.getvalue()


@functools.lru_cache(maxsize=512)
def rendered(item: str) -> tuple[tuple[str, str], ...]:
    """A CSL-JSON item (as JSON text) cited in every format kb.cite offers.
    Rendering takes a tenth of a second or more; an instrument's or paper's
    item, and a pinned topic page's, are the same each time, so kept."""
    from kb.cite import FORMATS, render

    data = json.loads(item)
    return tuple((fmt, render(data, fmt)) for fmt in FORMATS)


def error_body(status: int, message: str, parameter: str | None = None, suggestions=()) -> dict[str, Any]:
    error: dict[str, Any] = {"status": status, "message": message}
    if parameter:
        error["parameter"] = parameter
    error["did_you_mean"] = list(suggestions)
    return {"error": error}


class Web:
    """The app's state: the database, the base URL, the templates."""

    def __init__(self, db, base_url: str | None = None, static=None):
        self.db = db
        self.base_url = base_url.rstrip("/") if base_url else None
        # kb site's snapshot (kb.web.site.Snapshot) when the pages are written
        # as files: no forms, no live-only links, each page's address its file's
        self.static = static
        self._answers: dict[tuple, Any] = {}  # kb site: answers computed for a page, kept for its JSON
        self._lock = threading.Lock()
        self.env = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(["html", "xml"], default=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )

    # -- addresses
    def base(self, request: Request) -> str:
        return self.base_url or str(request.base_url).rstrip("/")

    @staticmethod
    def href(kind: str, key: str, clocks: dict[str, str]) -> str | None:
        if kind == "change_set" and key:
            return "/changes?" + urlencode({"changeSet": key})
        prefix = KIND_PATHS.get(kind)
        if prefix is None or not key:
            return None
        return prefix + quote(key, safe=":@") + (("?" + urlencode(clocks, safe=":")) if clocks else "")

    # -- errors
    def error(self, request: Request, status: int, message: str, parameter=None, suggestions=(), kind=None):
        if request.url.path.startswith("/api/") or request.url.path in ("/openapi.json", "/changes.atom"):
            return JSONResponse(error_body(status, message, parameter, suggestions), status_code=status)
        links = [(s, self.href(kind, s, {}) if kind else None) for s in suggestions]
        heading = {400: "Bad request", 404: "Not found", 405: "Not allowed", 503: "Unavailable"}.get(status, "Error")
        html = self.env.get_template("error.html").render(
            title=f"{status} {heading}",
            h1=f"{status} {heading}",
            status=status,
            message=message,
            parameter=parameter,
            suggestions=links,
        )
        return HTMLResponse(html, status_code=status)

    def kb_error(self, request: Request, e: KbError, route: KbRoute | None):
        if isinstance(e, BadParameter):
            return self.error(request, 400, str(e), e.parameter, e.suggestions)
        if isinstance(e, NotFound) and e.kind == "catalog":  # a parameter's value, not the page's key
            return self.error(request, 400, str(e), "catalog", e.suggestions)
        if isinstance(e, NotFound):
            param = route.key if route and route.key else None
            return self.error(request, 404, str(e), param, e.suggestions, kind=e.kind)
        if isinstance(e, ConnectionFailed):
            return self.error(request, 503, "the graph does not answer; try again later")
        return self.error(request, 404, str(e), route.key if route and route.key else None)

    # -- one request
    def answer(self, route: KbRoute, request: Request, values: dict[str, Any], key: str | None):
        """The route's answer and its clocks. When kb site writes the pages,
        a page and its JSON share one answer: the first of the two computes
        it, the second takes it (kb site asks for each once)."""
        if self.static is None:
            return self._answer(route, request, values, key)
        api = request.url.path.startswith("/api/") and route.name in ("matrix", "compare")  # their JSON differs
        shared = (route.name, key, api, tuple(sorted((k, repr(v)) for k, v in values.items() if k != "format")))
        with self._lock:
            kept = self._answers.pop(shared, None)
        if kept is None:
            kept = self._answer(route, request, values, key)
            with self._lock:
                self._answers[shared] = kept
        return kept

    def _answer(self, route: KbRoute, request: Request, values: dict[str, Any], key: str | None):
        db = self.db
        if route.name in ("changes", "diff"):
            clocks = Clocks.resolve()
        else:
            clocks = clocks_of(values)
        n = route.name
        if n == "catalog":
            return pages.catalog(db, clocks, values["catalog"]), clocks
        if n == "topics":
            return pages.topics(db, clocks, values["catalog"]), clocks
        if n == "instruments":
            return pages.instruments(db, clocks, values["catalog"]), clocks
        if n == "topic":
            return pages.topic(db, clocks, key, values["limit"]), clocks
        if n == "instrument":
            return pages.instrument(db, clocks, key), clocks
        if n == "jurisdiction":
            return pages.jurisdiction(db, clocks, key), clocks
        if n == "developer":
            return pages.developer(db, clocks, key, values["topic"]), clocks
        if n == "paper":
            return pages.paper(db, clocks, key), clocks
        if n == "source":
            return pages.source(db, clocks, key), clocks
        if n == "matrix":
            filters = {k: values[k] for k in ("jurisdiction", "kind", "status")}
            page = values["page"]
            if page is None:  # the HTML page shows the first page; the JSON, like kb matrix, every row
                page = None if request.url.path.startswith("/api/") else 1
            page = page or None  # 0: every row
            return pages.matrix(db, clocks, values["topic"], filters, values["catalog"], page), clocks
        if n == "compare":
            if not values["a"] and not values["b"] and not request.url.path.startswith("/api/"):
                return pages.compare_form(db, clocks), clocks
            return pages.compare(db, clocks, values["a"], values["b"]), clocks
        if n == "changes":
            return pages.changes(db, values["topic"], values["since"], values["limit"], values["changeSet"]), clocks
        if n == "diff":
            return (
                pages.diff(db, key, values["from"], values["to"], values["recordedFrom"], values["recordedTo"]),
                clocks,
            )
        raise AssertionError(n)

    def endpoint(self, route: KbRoute, api: bool):
        def serve(request: Request):
            started = time.perf_counter()
            response = answer_of(request)
            # the time the page took to compute and write, for browsers' tools and make bench
            response.headers["server-timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
            return response

        def answer_of(request: Request):
            try:
                key = request.path_params.get("key")
                fmt = None
                if key is not None:
                    if api and key.endswith(".csv") and route.csv:
                        key, fmt = key[: -len(".csv")], "csv"
                    key = check_key(route.key or "key", key)
                elif api and request.url.path.endswith(".csv"):
                    fmt = "csv"
                values = check(list(request.query_params.multi_items()), route.api_params() if api else route.params)
                if api:
                    fmt = fmt or values["format"]
                answer, clocks = self.answer(route, request, values, key)
                if api and fmt == "csv":
                    return Response(csv_text(answer.page), media_type="text/csv; charset=utf-8")
                if api:
                    return Response(json_text(answer.page.data), media_type="application/json")
                return HTMLResponse(self.html(request, route, answer, clocks, values))
            except KbError as e:
                return self.kb_error(request, e, route)
            except Exception:  # a bug: logged, and a message that leaks nothing
                log.exception("kb serve: %s failed", request.url.path)
                return self.error(request, 500, "unexpected failure; the server's log has the details")

        return serve

    # -- HTML
    def html(self, request: Request, route: KbRoute, answer: pages.Answer, clocks: Clocks, values) -> str:
        from kb.render.html import blocks_html

        keep = given(clocks)
        href = lambda kind, key: self.href(kind, key, keep)  # noqa: E731
        blocks = answer.page.blocks
        title = next((b.text for b in blocks if getattr(b, "level", 0) == 1), answer.title)
        own = [(k, v) for k, v in request.query_params.multi_items() if k not in ("asOf", "asRecorded")]
        timed = route.name not in ("changes", "diff")
        permalink = (
            self.base(request) + request.url.path + "?" + urlencode(own + list(pinned(clocks).items()), safe=":")
        )
        if not timed:
            permalink = self.base(request) + request.url.path + ("?" + urlencode(own, safe=":") if own else "")
        static = self.static
        if static is not None:  # a file's address, under the site's base URL (none without one)
            permalink = static.address(request.url.path, own)
        api = route.api.replace("{key}", quote(request.path_params.get("key", ""), safe=":@"))
        query = ("?" + request.url.query) if request.url.query else ""
        context = {
            "title": answer.title,
            "h1": title,
            # the blocks as HTML, for page.html; the matrix and compare templates write their own
            "content": Markup(blocks_html(blocks, href, skip_title=True)) if answer.template == "page.html" else "",
            "route": route.name,
            "timed": timed,
            "clocks": clocks,
            "as_of": clocks.as_of.isoformat(),
            "as_recorded": instant_text(clocks.as_recorded),
            "hidden": own,
            "kept": list(keep.items()),  # the clocks asked for: forms and links on the page keep them
            "permalink": permalink,
            "api": api + query,
            "csv": (api + ".csv" + query) if route.csv and answer.page.columns and static is None else None,
            "cite": self.citations(answer, clocks, request),
            "jsonld": self.jsonld(answer, request, permalink) if permalink else None,
            "static": static,
            "feed": "/changes.atom" + (f"?topic={quote(values['topic'])}" if values.get("topic") else "")
            if route.name == "changes"
            else None,
            "href": href,
            **answer.extra,
            "page": answer.page,
        }
        return self.env.get_template(answer.template).render(**context)

    def citations(self, answer: pages.Answer, clocks: Clocks, request: Request) -> dict[str, str] | None:
        if answer.cite is None:
            return None
        from kb.cite import item_for, topic_item_of

        kind, key = answer.cite
        if kind == "topic":  # the page has the topic's key and name: cite it without another read
            t = answer.page.data["topic"]
            base = self.base(request) if self.static is None else self.base_url
            item = topic_item_of(t["slug"], t["name"], clocks.as_of, clocks.as_recorded, base_url=base)
        else:
            item = item_for(self.db, kind, key)
        return dict(rendered(json.dumps(item, sort_keys=True, ensure_ascii=False)))

    def jsonld(self, answer: pages.Answer, request: Request, permalink: str) -> Markup | None:
        if answer.legislation is None:
            return None
        from kb.web.jsonld import legislation, script_text

        return Markup(script_text(legislation(answer.legislation, permalink, self.base(request))))

    # -- the rest
    def openapi(self, request: Request):
        from kb.web.openapi import description

        return JSONResponse(description(self.base(request)))

    def feed(self, request: Request):
        from kb.web.atom import feed

        try:
            values = check(list(request.query_params.multi_items()), FEED)
            xml = feed(self.db, self.base(request), values["topic"])
        except KbError as e:
            return self.kb_error(request, e, None)
        return Response(xml, media_type="application/atom+xml; charset=utf-8")

    async def not_found(self, request: Request, exc: HTTPException):
        if exc.status_code == 405:
            return self.error(request, 405, f"{request.method} is not served here: kb serve is read-only (GET)")
        return self.error(request, exc.status_code, f"no page at {request.url.path[:KEY_MAX]!r}")


def create_app(db, base_url: str | None = None, static=None) -> Starlette:
    """The application over ``db`` (kb.db.Database); ``base_url``: the
    address the pages cite and link themselves by (default: the request's);
    ``static``: kb site's snapshot, when the pages are written as files."""
    web = Web(db, base_url, static)
    routes: list[Any] = []
    for r in ROUTES:
        key = "{key:path}"
        api = r.api.replace("{key}", key)
        if "{key}" not in r.api:
            routes.append(Route(r.api + ".csv", web.endpoint(r, api=True), methods=["GET"]))
        routes.append(Route(api, web.endpoint(r, api=True), methods=["GET"]))
        if r.path:
            routes.append(Route(r.path.replace("{key}", key), web.endpoint(r, api=False), methods=["GET"]))
    routes += [
        Route("/openapi.json", web.openapi, methods=["GET"]),
        Route("/changes.atom", web.feed, methods=["GET"]),
        Route("/topics", lambda request: RedirectResponse("/#topics-by-salience", status_code=308), methods=["GET"]),
        Route("/instruments", lambda request: RedirectResponse("/#instruments", status_code=308), methods=["GET"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: web.not_found})
    app.state.web = web
    app.add_middleware(SecurityHeaders)
    return app


def serve(db, host: str = "127.0.0.1", port: int = 8000, base_url: str | None = None, ready=None) -> None:
    """Serve until interrupted. ``ready(url)`` is called once it listens."""
    import uvicorn

    app = create_app(db, base_url)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    if ready is not None:
        shown = f"[{host}]" if ":" in host else host

        async def started():
            ready(f"http://{shown}:{port}")

        original = server.startup

        async def startup(sockets=None):
            await original(sockets=sockets)
            if server.started:
                await started()

        server.startup = startup
    server.run()
    if not server.started:
        sys.exit(1)
