"""kb serve over HTTP (Starlette's test client against the real test
server): every route as a page and as JSON, the JSON equal to the CLI's
--format json, CSV, OpenAPI, the Atom feed, JSON-LD, the errors, and the
escaping of hostile names."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from helpers import FIXTURES

HOSTILE = FIXTURES / "hostile" / "catalog.yaml"
ATOM = "{http://www.w3.org/2005/Atom}"
PAGES = [
    "/",
    "/topics/open_weight_release",
    "/instruments/EU-AIA-2024",
    "/jurisdictions/US",
    "/developers/meta",
    "/papers/arXiv:2602.19682",
    "/sources/eurlex:32024R1689",
    "/matrix",
    "/compare",
    "/compare?a=EU-AIA-2024&b=US-EO-14110",
    "/changes",
    "/diff/open_weight_release?from=2024-06-01&to=2025-06-01",
]
# each API route and the `kb` command that gives the same JSON
OWR = "open_weight_release"
SAME_AS_CLI = [
    ("/api/catalog", None),
    ("/api/topics", ["topics"]),
    ("/api/topics?catalog=kb", ["topics", "--catalog", "kb"]),
    ("/api/instruments?asOf=2024-06-01", ["instruments", "--as-of", "2024-06-01"]),
    (f"/api/topics/{OWR}", ["topic", OWR]),
    (f"/api/topics/{OWR}?asOf=2024-06-01&limit=all", ["topic", OWR, "--as-of", "2024-06-01", "--all"]),
    ("/api/instruments/US-EO-14110", ["instrument", "US-EO-14110"]),
    ("/api/jurisdictions/US", ["jurisdiction", "US"]),
    ("/api/developers/anthropic?topic=catastrophic_risk", ["developer", "anthropic", "--topic", "catastrophic_risk"]),
    ("/api/papers/arXiv:2602.19682", ["paper", "arXiv:2602.19682"]),
    ("/api/sources/eurlex:32024R1689", ["source", "eurlex:32024R1689"]),
    (f"/api/matrix?topic={OWR}&topic=compute_reporting", ["matrix", "--topic", OWR, "--topic", "compute_reporting"]),
    ("/api/compare?a=EU-AIA-2024&b=US-EO-14110", ["compare", "EU-AIA-2024", "US-EO-14110"]),
    (f"/api/changes?topic={OWR}&limit=5", ["changes", "--topic", OWR, "--limit", "5"]),
    (f"/api/diff/{OWR}?from=2024-06-01&to=2025-06-01", ["diff", OWR, "--from", "2024-06-01", "--to", "2025-06-01"]),
]


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of <script> elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if tag == "script":
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data

    @classmethod
    def of(cls, html: str) -> Elements:
        p = cls()
        p.feed(html)
        return p


@pytest.fixture
def client(corpus_db):
    from starlette.testclient import TestClient

    from kb.web.app import create_app

    with TestClient(create_app(corpus_db)) as c:
        yield c


# -- every route ------------------------------------------------------------------
@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_html_with_one_h1_and_the_security_headers(client, path):
    r = client.get(path)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'none'" in csp and "http" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    page = Elements.of(r.text)
    assert [t for t, _ in page.tags].count("h1") == 1
    assert ("html", {"lang": "en"}) in page.tags
    assert all(a.get("scope") in ("col", "row") for t, a in page.tags if t == "th")
    assert not [a for t, a in page.tags if t == "script" and a.get("type") != "application/ld+json"]
    assert not [a for _, a in page.tags if any(k.startswith("on") for k in a)]
    elsewhere = [
        a
        for t, a in page.tags
        if t in ("link", "img", "form", "script") and "//" in (a.get("href") or a.get("src") or "")
    ]
    assert all(a["href"].startswith("http://testserver/") for a in elsewhere), elsewhere


def test_pages_say_their_clocks_and_link_themselves_with_both_pinned(client):
    today = client.get("/topics/open_weight_release").text
    assert "(today)" in today and "(now)" in today
    link = re.search(r'class="permalink">([^<]+)<', today).group(1).replace("&amp;", "&")
    assert re.fullmatch(
        r"http://testserver/topics/open_weight_release\?asOf=\d{4}-\d\d-\d\d&asRecorded=\d{4}-\d\d-\d\dT[\d:.]+Z", link
    ), link
    pinned = client.get(link.replace("http://testserver", ""))
    assert pinned.status_code == 200 and "(today)" not in pinned.text and "(now)" not in pinned.text
    old = client.get("/topics/open_weight_release?asOf=2024-06-01&asRecorded=2099-01-01")
    assert "The law as of <strong>2024-06-01</strong>," in old.text
    assert "recorded it at <strong>2099-01-01T23:59:59.999999Z</strong>." in old.text
    # links keep the clocks asked for
    assert 'href="/instruments/CN-GENAI-2023?asOf=2024-06-01&amp;asRecorded=2099-01-01T23:59:59.999999Z"' in old.text


def test_topic_page_has_the_seed_figures_and_links_what_it_names(client):
    html = client.get("/topics/open_weight_release").text
    text = re.sub(r"<[^>]+>", "", html)
    assert (
        "Across 26 tracked AI-governance instruments, 3 address this topic explicitly, "
        "7 via general principles, and 16 are silent."
    ) in text
    assert "First addressed by Interim Measures for Generative AI Service Management on 2023-07-10 (implicit)." in text
    pairs = html[html.index("Forum-shopping pairs") :]
    pairs = pairs[: pairs.index("</ul>")]
    assert re.findall(r'<li><a href="/instruments/([^"]+)">.*?<a href="/instruments/([^"]+)">', pairs) == [
        ("EU-AIA-2024", "US-EO-14179"),
        ("CA-SB-1047", "UK-WHITEPAPER-2023"),
        ("META-FRONTIER-2024", "G7-HIROSHIMA"),
    ]
    for section in ("Definition and scope", "Cross-jurisdiction coverage", "Silent regimes", "References", "Sources"):
        assert section in text
    assert 'href="/jurisdictions/EU"' in html and 'href="/sources/' in html
    # the timeline as a chart, above the table that lists the same entries
    chart = html[html.index('<figure class="chart" tabindex="0">') : html.index("</figure>")]
    assert html.index('<figure class="chart" tabindex="0">') < html.index('<th scope="col">date</th>')
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in chart and 'role="img"' in chart and "<?xml" not in chart
    api = client.get("/api/topics/open_weight_release").json()
    assert f"<title>Historical primacy: {api['topic']['name']}</title>" in chart
    marks = re.findall(r'<g class="entry( first)?" data-label="([^"]+)"', chart)
    timeline = api["timeline"]
    assert [label for _, label in marks] == ["first"] + [x["label"] for x in timeline]
    assert marks[0][0] == " first" and "First: CN-GENAI-2023, adopted 2023-07-10" in chart
    urls = [x["url"] for x in client.get("/api/topics/open_weight_release").json()["sources"] if x["url"]]
    assert urls
    for url in urls:
        assert f'href="{url}" rel="noopener noreferrer external"' in html


def test_cite_box_gives_nine_formats_with_the_pages_own_url(client):
    html = client.get("/topics/open_weight_release?asOf=2024-06-01&asRecorded=2099-01-01").text
    box = html[html.index('id="cite-this"') :]
    formats = re.findall(r"<summary>([^<]+)</summary>", box)
    assert formats == ["bibtex", "ris", "apa", "mla", "chicago", "harvard", "oscola", "bluebook", "csl-json"]
    url = "http://testserver/topics/open_weight_release?asOf=2024-06-01&amp;asRecorded=2099-01-01T23:59:59.999999Z"
    assert box.count(url) >= 8 and "kb:topic/" not in box
    assert f'class="permalink">{url}<' in html
    instrument = client.get("/instruments/EU-AIA-2024").text
    assert "<summary>oscola</summary>" in instrument


def test_cite_api_takes_a_base_url(corpus_db):
    from datetime import date

    from kb.cite import cite

    text = cite(corpus_db, "topic", "open_weight_release", "csl-json", date(2024, 6, 1), base_url="https://kb.example/")
    item = json.loads(text)[0]
    assert item["URL"] == item["id"] == "https://kb.example/topics/open_weight_release?asOf=2024-06-01"
    assert json.loads(cite(corpus_db, "topic", "open_weight_release", "csl-json", date(2024, 6, 1)))[0]["URL"] == (
        "kb:topic/open_weight_release?asOf=2024-06-01"
    )


def test_matrix_has_topic_names_filters_and_the_legend(client):
    html = client.get("/matrix").text
    assert "Open-Weight Frontier Release</a></th>" in html
    assert html.count('<th scope="row">') == 26
    for sym in ("●", "◐", "·"):
        assert sym in html
    for name in ("jurisdiction", "kind", "status"):
        assert f'<select name="{name}">' in html
    only = client.get("/matrix?jurisdiction=US&kind=executive_order").text
    rows = re.findall(r'<th scope="row"><a href="/instruments/([^"]+)"', only)
    assert rows and "US-EO-14110" in rows and "EU-AIA-2024" not in rows
    api = client.get("/api/matrix?jurisdiction=US&kind=executive_order").json()
    assert [r["instrument"]["id"] for r in api["rows"]] == rows


def test_matrix_pages_its_rows_and_its_links_keep_clocks_and_filters(client, monkeypatch):
    import kb.web.pages

    monkeypatch.setattr(kb.web.pages, "MATRIX_ROWS", 10)  # the corpus's 26 rows on three pages
    every = [r["instrument"]["id"] for r in client.get("/api/matrix?asOf=2025-06-01").json()["rows"]]
    assert len(every) > 20

    def rows(html):
        return re.findall(r'<th scope="row"><a href="/instruments/([^"?]+)', html)

    first = client.get("/matrix?asOf=2025-06-01").text
    assert rows(first) == every[:10]
    assert f"Rows 1–10 of {len(every)} (page 1 of 3)" in first
    nav = first[first.index('class="pager"') : first.index("</nav>", first.index('class="pager"'))]
    assert 'href="?asOf=2025-06-01&amp;page=2" rel="next"' in nav and 'rel="prev"' not in nav
    third = client.get("/matrix?asOf=2025-06-01&page=3").text
    assert rows(third) == every[20:] and 'href="?asOf=2025-06-01&amp;page=2" rel="prev"' in third
    assert rows(client.get("/matrix?asOf=2025-06-01&page=0").text) == every
    # the JSON gives every row unless a page is asked for, and a page past the last is a 400
    assert [r["instrument"]["id"] for r in client.get("/api/matrix?asOf=2025-06-01&page=2").json()["rows"]] == every[
        10:20
    ]
    past = client.get("/api/matrix?page=4")
    assert past.status_code == 400 and past.json()["error"]["parameter"] == "page"
    assert "has 3 pages of 10 rows; ask for 1 to 3" in past.json()["error"]["message"]
    # filters apply before the rows are paged, and the filter form keeps the clocks
    us = client.get("/matrix?asOf=2025-06-01&jurisdiction=US").text
    assert 'class="pager"' not in us and set(rows(us)) < set(every)
    form = us[us.index('class="filters"') : us.index("</form>", us.index('class="filters"'))]
    assert '<input type="hidden" name="asOf" value="2025-06-01">' in form
    assert 'type="hidden" name="jurisdiction"' not in form


def test_instrument_page_embeds_legislation_json_ld(client):
    page = Elements.of(client.get("/instruments/EU-AIA-2024").text)
    (ld,) = page.scripts
    doc = json.loads(ld)
    assert doc["@context"] == "https://schema.org" and doc["@type"] == "Legislation"
    assert doc["name"] == "EU AI Act" or "AI Act" in doc["name"]
    assert {"propertyID": "kb", "value": "EU-AIA-2024", "@type": "PropertyValue"} in doc["identifier"]
    # the official identifiers the corpus holds (kb instrument's identifiers), ELI as schema.org suggests
    held = client.get("/api/instruments/EU-AIA-2024").json()["instrument"]["identifiers"]
    assert held and all(
        {"@type": "PropertyValue", "propertyID": x.split(":", 1)[0], "value": x.split(":", 1)[1]} in doc["identifier"]
        for x in held
    )
    assert doc["legislationIdentifier"] == "http://data.europa.eu/eli/reg/2024/1689/oj"
    assert doc["legislationJurisdiction"]["identifier"] == "EU"
    assert doc["legislationLegalForce"].startswith("https://schema.org/")
    assert doc["url"].startswith("http://testserver/instruments/EU-AIA-2024?asOf=")


# -- JSON: the CLI's ----------------------------------------------------------------
@pytest.mark.parametrize("path,command", SAME_AS_CLI, ids=[p for p, _ in SAME_AS_CLI])
def test_api_gives_the_clis_json(client, cli, path, command):
    r = client.get(path)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"] == "application/json"
    if command is None:  # the catalog: kb topics and kb instruments together
        topics = json.loads(cli("topics", "-f", "json").stdout)
        instruments = json.loads(cli("instruments", "-f", "json").stdout)
        assert r.json()["topics"] == topics and r.json()["instruments"] == instruments
        held = {j["code"]: j["instruments"] for j in r.json()["jurisdictions"]}
        assert held["US"] == sum(1 for i in instruments if i["jurisdiction"] == "US") > 0
        return
    out = cli(*command, "--format", "json")
    assert out.exit_code == 0, out.output
    assert r.json() == json.loads(out.stdout)


@pytest.mark.parametrize(
    "path,command",
    [
        ("/api/topics/open_weight_release?format=csv", ["topic", "open_weight_release"]),
        ("/api/topics/open_weight_release.csv", ["topic", "open_weight_release"]),
        ("/api/matrix.csv", ["matrix"]),
        ("/api/instruments/EU-AIA-2024?format=csv", ["instrument", "EU-AIA-2024"]),
        ("/api/topics.csv", ["topics"]),
    ],
)
def test_api_gives_the_clis_csv(client, cli, path, command):
    r = client.get(path)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.text == cli(*command, "--format", "csv").stdout
    assert list(csv.reader(io.StringIO(r.text)))[1:]


def test_openapi_is_valid_3_1_and_lists_every_api_route(client):
    from openapi_spec_validator import validate

    from kb.web.routes import ROUTES

    spec = client.get("/openapi.json").json()
    validate(spec)
    assert spec["openapi"].startswith("3.1")
    assert {r.api for r in ROUTES} | {"/changes.atom"} == set(spec["paths"])
    topic = spec["paths"]["/api/topics/{key}"]["get"]
    assert {p["name"] for p in topic["parameters"]} == {"key", "asOf", "asRecorded", "limit", "format"}


def test_changes_atom_is_a_valid_feed(client):
    r = client.get("/changes.atom?topic=open_weight_release")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(r.content)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}id").text == "http://testserver/changes.atom?topic=open_weight_release"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", root.find(f"{ATOM}updated").text)
    assert {link.get("rel") for link in root.findall(f"{ATOM}link")} == {"self", "alternate"}
    entries = root.findall(f"{ATOM}entry")
    assert entries
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(ids) == len(set(ids))
    for e in entries:
        assert e.find(f"{ATOM}title").text.startswith("Change set ")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", e.find(f"{ATOM}updated").text)
        assert e.find(f"{ATOM}link").get("href").startswith("http://testserver/changes")
        assert "open_weight_release" in e.find(f"{ATOM}content").text
    assert client.get("/changes").text.count('type="application/atom+xml"') == 1


# -- errors --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path,status,parameter",
    [
        ("/api/topics/open_weight?", 404, "slug"),
        ("/api/instruments/EU-AIA-2023", 404, "id"),
        ("/api/jurisdictions/USA", 404, "code"),
        ("/api/topics/open_weight_release?asOf=2024-13-01", 400, "asOf"),
        ("/api/topics/open_weight_release?asRecorded=yesterday", 400, "asRecorded"),
        ("/api/topics/open_weight_release?format=xml", 400, "format"),
        ("/api/topics/open_weight_release?limit=0", 400, "limit"),
        ("/api/topics/open_weight_release?asof=2024-01-01", 400, "asof"),
        ("/api/topics/open_weight_release?asOf=2024-01-01&asOf=2024-02-01", 400, "asOf"),
        ("/api/compare?a=EU-AIA-2024", 400, "b"),
        ("/api/matrix?status=in_forse", 400, "status"),
        ("/api/matrix?catalog=kbb", 400, "catalog"),
        ("/api/topics?catalog=nope", 400, "catalog"),
        ("/api/changes?since=soon", 400, "since"),
        ("/api/diff/open_weight_release", 400, "from"),
        ("/api/nothing", 404, None),
    ],
)
def test_api_errors_have_one_shape(client, path, status, parameter):
    r = client.get(path)
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json"
    error = r.json()["error"]
    assert set(error) <= {"status", "message", "parameter", "did_you_mean"}
    assert error["status"] == status and error["message"] and isinstance(error["did_you_mean"], list)
    assert error.get("parameter") == parameter


def test_not_found_suggests_the_closest_keys(client):
    error = client.get("/api/topics/open_weight").json()["error"]
    assert "open_weight_release" in error["did_you_mean"]
    assert client.get("/api/topics/open_weight_release?asof=1").json()["error"]["did_you_mean"] == ["asOf"]
    page = client.get("/topics/open_weight")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert '<a href="/topics/open_weight_release">open_weight_release</a>' in page.text
    assert "no topic &#39;open_weight&#39;" in page.text or "no topic 'open_weight'" in page.text
    bad = client.get("/matrix?asOf=someday")
    assert bad.status_code == 400 and "asOf" in bad.text and bad.headers["content-security-policy"]
    assert client.get("/no/such/page").status_code == 404


def test_read_only_writes_are_refused(client):
    for method in ("post", "put", "delete"):
        r = getattr(client, method)("/api/topics/open_weight_release")
        assert r.status_code == 405
        assert r.json()["error"]["status"] == 405


def test_web_runs_no_adhoc_cypher_and_never_imports_the_cli():
    from pathlib import Path

    import kb.web

    for path in Path(kb.web.__file__).parent.glob("*.py"):
        text = path.read_text()
        assert not re.search(r"(from|import) kb\.cli", text), path
        assert "adhoc" not in text and "run_cypher" not in text, path
        assert not re.search(r"\b(MATCH|MERGE|CREATE|DELETE)\s*\(", text), path


# -- hostile names --------------------------------------------------------------------
@pytest.fixture
def hostile_client(shared_graph):
    from starlette.testclient import TestClient

    from kb.load import load
    from kb.web.app import create_app

    shared_graph.holding("test_web.hostile", lambda db: load(db, [HOSTILE]))
    with TestClient(create_app(shared_graph.db)) as c:
        yield c


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/topics/xss",
        "/instruments/XSS-LAW-2024",
        "/instruments/YY-CODE-2025",
        "/jurisdictions/XX",
        "/jurisdictions/YY",
        "/sources/test:x",
        "/sources/test:js",
        "/matrix",
        "/compare?a=XSS-LAW-2024&b=YY-CODE-2025",
        "/compare",
        "/changes",
    ],
)
@pytest.mark.slow
def test_hostile_names_are_escaped(hostile_client, path):
    r = hostile_client.get(path)
    assert r.status_code == 200, r.text[:300]
    html = r.text
    page = Elements.of(html)
    tags = {t for t, _ in page.tags}
    # the one picture a page may hold is kb's own chart (kb.render.svg), inside <figure class="chart">
    figures = sum(1 for t, a in page.tags if t == "figure" and a.get("class") == "chart")
    assert sum(1 for t, _ in page.tags if t == "svg") == figures
    assert not tags & {"b", "i", "img", "iframe", "foreignobject", "image", "use"}, tags
    assert not [a for _, a in page.tags if any(k.startswith("on") for k in a)]
    assert all(a.get("type") == "application/ld+json" for t, a in page.tags if t == "script")
    assert "<script>alert" not in html and "javascript:" not in [a.get("href", "")[:11] for _, a in page.tags]
    assert re.search(r"&lt;(script|svg|b|i)[ &]", html)


def test_hostile_values_keep_their_quotes_and_bidi_marks(hostile_client):
    html = hostile_client.get("/instruments/XSS-LAW-2024").text
    assert "\u202eevil\u202c" in html and "\u200fRTL mark" in html
    assert "&#34;quoted&#34;" in html or "&quot;quoted&quot;" in html
    assert "&lt;iframe src=https://example.org&gt;&lt;/iframe&gt;" in html
    (ld,) = Elements.of(html).scripts
    assert "</script" not in ld.lower() and "<" not in ld
    doc = json.loads(ld)
    assert doc["name"] == "Law <script>alert('law')</script> \u202eevil\u202c \"quoted\""
    assert doc["legislationIdentifier"] == "Law </script><script>alert('ld')</script>"
    js = hostile_client.get("/sources/test:js").text
    assert 'href="javascript:' not in js and "javascript:alert(1)" in js
    assert hostile_client.get("/api/instruments/XSS-LAW-2024").json()["instrument"]["notes"].startswith("Notes <iframe")


def test_base_url_names_the_pages_and_their_citations(corpus_db):
    from starlette.testclient import TestClient

    from kb.web.app import create_app

    with TestClient(create_app(corpus_db, base_url="https://kb.example.org/")) as c:
        html = c.get("/topics/open_weight_release?asOf=2024-06-01&asRecorded=2099-11-01").text
        ld = json.loads(Elements.of(c.get("/instruments/EU-AIA-2024").text).scripts[0])
    url = "https://kb.example.org/topics/open_weight_release?asOf=2024-06-01&amp;asRecorded=2099-11-01T23:59:59.999999Z"
    assert f'class="permalink">{url}<' in html and html.count(url) >= 9
    assert ld["@id"] == "https://kb.example.org/instruments/EU-AIA-2024"


def test_serve_listens_on_loopback_unless_told():
    from kb.cli import main

    options = {p.name: p.default for p in main.commands["serve"].params}
    assert options["host"] == "127.0.0.1" and options["port"] == 8000


def test_lists_redirect_and_unknown_paths_are_escaped(client):
    assert client.get("/topics", follow_redirects=False).headers["location"] == "/#topics-by-salience"
    assert client.get("/instruments", follow_redirects=False).status_code == 308
    r = client.get("/no/<script>alert(1)</script>")
    assert r.status_code == 404 and "<script>alert" not in r.text and "&lt;script&gt;" in r.text
    assert client.head("/topics/open_weight_release").status_code == 200
    assert client.get("/topics/open_weight_release?limit=2").text.count("(--all lists every one") >= 1


def test_error_pages_have_a_heading_and_the_message(client):
    page = client.get("/instruments/EU-AIA-2023")
    assert page.status_code == 404
    assert "<h1>404 Not found</h1>" in page.text and "no instrument &#39;EU-AIA-2023&#39;" in page.text
    assert '<a href="/instruments/EU-AIA-2024">EU-AIA-2024</a>' in page.text
    bad = client.get("/topics/open_weight_release?asOf=2024-02-30")
    assert bad.status_code == 400 and "<h1>400 Bad request</h1>" in bad.text and "<code>asOf</code>" in bad.text
