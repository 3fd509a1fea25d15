"""What Neo4j Browser loads when it connects to kb's local server: kb's
style (``kb.grass``, a copy of cypher/browser.grass) and a guide
(``guide.html``) listing the named queries, each runnable with a click.

The local server's neo4j.conf names them in ``browser.post_connect_cmd``
(``:style URL; :play URL``, run by Browser after each connect) and lets
Browser fetch them (``browser.remote_content_hostname_whitelist``, its name in
Neo4j 5.26).
Browser fetches both from the page, so they need an http URL the page may
read: ``serve`` runs a small static HTTP server for the folder, on
127.0.0.1 only, with ``Access-Control-Allow-Origin`` set; the local server
starts it beside Neo4j (``python -m kb.server.browser_content DIR PORT``)
and stops it with Neo4j.
"""

from __future__ import annotations

import html
import re
import shutil
import sys
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

STYLE_FILE = "kb.grass"
GUIDE_FILE = "guide.html"
GUIDE_TITLE = "kb: the named queries"


def post_connect_cmd(base_url: str) -> str:
    """Browser's commands after a connect: kb's style, then the guide."""
    return f"style {base_url}/{STYLE_FILE}; play {base_url}/{GUIDE_FILE}"


def _param_lines(browser: str) -> list[str]:
    """':param a => 1   :param b => 2' (a query header's browser line) as one command each."""
    return [p.strip() for p in re.split(r"\s+(?=:param\s)", browser.strip()) if p.strip()]


def runnable(q) -> str:
    """A named query as Browser runs it in one click: its ``:param`` commands
    and its Cypher, each ending with ``;`` (Browser's multi-statement mode),
    without the Cypher's comment lines."""
    cypher = "\n".join(line for line in q.text.splitlines() if not line.lstrip().startswith("//")).strip()
    return "\n".join([*(f"{p};" for p in _param_lines(q.browser)), cypher.rstrip(";") + ";"])


def guide_html(queries) -> str:
    """The guide: one section per named query (``queries``: NamedQuery
    objects, in the order to list them), its title, description, parameters
    and a runnable block. Every text is escaped."""
    esc = html.escape
    # one page, no <slide>: Browser 5.24 makes the ▶ of runnable blocks in a guide of several slides, or of
    # none, but not in a guide of one slide
    parts = [
        '<article class="guide kb-guide">',
        f"<h3>{esc(GUIDE_TITLE)}</h3>",
        f"<p>kb's {len(queries)} named read-only queries (cypher/queries/*.cypher). Click a query's ▶ to run it "
        "with its example parameters (the <code>:param</code> lines set them; edit and run again to change "
        "them), or click the query to put it in the editor. <code>kb query NAME --param key=value</code> runs "
        "the same query from the command line.</p>",
        "<ul>" + "".join(f"<li><code>{esc(q.name)}</code>: {esc(q.title)}</li>" for q in queries) + "</ul>",
    ]
    for q in queries:
        params = "".join(
            f"<li><code>{esc(p.name)}</code> ({esc(p.type)}, {'required' if p.required else 'optional'}) "
            f"{esc(p.doc)}</li>"
            for p in q.params
        )
        parts += [
            f'<section class="kb-query" id="kb-{esc(q.name)}" data-query="{esc(q.name)}">',
            f'<h4><span class="kb-name">{esc(q.name)}</span>: {esc(q.title)}</h4>',
            f'<p class="kb-description">{esc(q.description)}</p>',
            f"<ul>{params}</ul>" if params else "",
            f'<p class="kb-returns"><em>{esc(q.returns)}</em></p>',
            f'<pre class="runnable">{esc(runnable(q))}</pre>',
            "</section>",
        ]
    parts.append("</article>")
    return "\n".join(parts) + "\n"


def write_content(directory: Path) -> None:
    """The style and the guide, written into ``directory`` (made if need be)."""
    from kb.config import cypher_dir
    from kb.queries.registry import load_queries

    directory.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cypher_dir() / "browser.grass", directory / STYLE_FILE)
    queries = sorted(load_queries().values(), key=lambda q: q.name)
    (directory / GUIDE_FILE).write_text(guide_html(queries), encoding="utf-8")


class _Handler(SimpleHTTPRequestHandler):
    """Files of one folder, readable by Browser's page (another origin)."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".grass": "text/plain", ".html": "text/html"}

    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_OPTIONS(self) -> None:  # the preflight Browser's fetch of a guide sends first
        self.send_response(204)
        self.send_header("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", self.headers.get("Access-Control-Request-Headers") or "*")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args) -> None:  # quiet: nobody reads its log
        pass


def serve(directory: Path, port: int, host: str = "127.0.0.1") -> None:
    """Serve ``directory`` on ``host:port`` until killed."""
    handler = partial(_Handler, directory=str(directory))
    with ThreadingHTTPServer((host, port), handler) as httpd:
        httpd.serve_forever()


if __name__ == "__main__":  # python -m kb.server.browser_content DIR PORT (started by LocalServer.start)
    serve(Path(sys.argv[1]), int(sys.argv[2]))
