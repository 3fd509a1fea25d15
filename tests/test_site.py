"""kb site: the corpus's pages written as static files (kb.web.site), read
back from disk: every link resolves to a written file, the seed topic page
and the JSON say what kb serve and the CLI say, a page per change set,
the feed, and the folder rules (rebuild in place, refuse a foreign folder)."""

from __future__ import annotations

import json
import posixpath
import re
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ATOM = "{http://www.w3.org/2005/Atom}"
OWR = "open_weight_release"
BUILT: dict[str, object] = {}


class Links(HTMLParser):
    """Every href and src, every id, and whether a form or script is there."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.ids: set[str] = set()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        for name in ("href", "src", "action"):
            if a.get(name) is not None:
                self.links.append((tag, a[name]))
        if a.get("id"):
            self.ids.add(a["id"])


def parsed(path: Path) -> Links:
    p = Links()
    p.feed(path.read_text(encoding="utf-8"))
    return p


@pytest.fixture
def site(corpus_db, tmp_path_factory):
    """The corpus's site, written once (the corpus is read-only)."""
    from kb.web.site import build

    if "site" not in BUILT:
        folder = tmp_path_factory.mktemp("site") / "public"
        messages: list[str] = []
        report = build(corpus_db, folder, progress=messages.append)
        BUILT["site"] = (folder, report, messages)
    return BUILT["site"]


@pytest.mark.slow
def test_every_link_in_every_page_resolves_to_a_written_file(site):
    folder, report, messages = site
    pages = sorted(folder.rglob("*.html"))
    assert len(pages) == report.pages > 150
    assert messages and messages[0].startswith("kb site: rendering")
    checked = 0
    ids = {p: parsed(p).ids for p in pages}
    for page in pages:
        doc = parsed(page)
        assert "form" not in doc.tags, page  # a static host answers no form
        for _tag, link in doc.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                assert parts.scheme in ("http", "https", "mailto"), (page, link)
                continue
            assert not link.startswith("/"), (page, link)  # relative: any base path, file://
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            assert target.is_file(), (page.relative_to(folder), link)
            assert folder.resolve() in target.parents, (page, link)
            if parts.fragment and target.suffix == ".html":
                assert parts.fragment in ids[target], (page, link)
            checked += 1
    assert checked > 5000


def test_the_seed_topic_page_and_the_records_it_links(site):
    folder, _, _ = site
    page = folder / "topics" / OWR / "index.html"
    text = re.sub(r"<[^>]+>", "", page.read_text())
    at = json.loads((folder / "kb-site.json").read_text())["clocks"]
    assert (  # the site is one snapshot: each page says its clocks
        f"As of {at['asOf']}, across 26 tracked AI-governance instruments, 3 address this topic explicitly, "
        "7 via general principles, and 16 are silent."
    ) in text
    assert f"recorded it at {at['asRecorded']}." in text
    links = {link for _, link in parsed(page).links}
    assert "../../instruments/CN-GENAI-2023/index.html" in links
    assert "../../static/kb.css" in links
    assert "../../api/topics/open_weight_release.json" in links


@pytest.mark.parametrize(
    "file, args",
    [
        ("api/topics/open_weight_release.json", ["topic", OWR]),
        ("api/instruments/US-EO-14110.json", ["instrument", "US-EO-14110"]),
        ("api/jurisdictions/US.json", ["jurisdiction", "US"]),
        ("api/papers/arXiv:2602.19682.json", ["paper", "arXiv:2602.19682"]),
        ("api/topics.json", ["topics"]),
    ],
)
def test_the_json_files_are_the_clis_json(site, cli, file, args):
    folder, _, _ = site
    written = json.loads((folder / file).read_text())
    at = json.loads((folder / "kb-site.json").read_text())["clocks"]
    r = cli(*args, "--as-of", at["asOf"], "--as-recorded", at["asRecorded"], "--format", "json")
    assert r.exit_code == 0, r.output
    assert written == json.loads(r.output)


def test_a_page_per_change_set_linked_from_the_changes_page_and_the_feed(site, corpus_db):
    from kb.changes import changes

    folder, report, _ = site
    sets = list(dict.fromkeys(r["change_set"] for r in changes(corpus_db)))
    assert sets and report.change_sets == len(sets)
    listed = {link for _, link in parsed(folder / "changes" / "index.html").links}
    for cs in sets:
        page = folder / "changes" / cs / "index.html"
        assert page.is_file() and f"change set {cs}" in page.read_text()
        assert f"{cs}/index.html" in listed
        rows = json.loads((folder / "api" / "changes" / f"{cs}.json").read_text())
        assert rows and {r["change_set"] for r in rows} == {cs}
    assert len(json.loads((folder / "api" / "changes.json").read_text())) == len(changes(corpus_db))

    root = ET.parse(folder / "changes.atom").getroot()
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == len(sets)
    for e in entries:
        href = e.find(f"{ATOM}link").get("href")
        assert (folder / href).is_file(), href


def test_the_search_index_lists_every_record_with_its_page(site):
    folder, _, _ = site
    index = json.loads((folder / "search.json").read_text())
    kinds = {e["kind"] for e in index}
    assert kinds == {"instrument", "topic", "jurisdiction", "developer", "paper", "source"}
    seed = next(e for e in index if e["key"] == OWR)
    assert seed["kind"] == "topic" and seed["url"] == f"topics/{OWR}/index.html"
    for e in index:
        assert (folder / unquote(e["url"])).is_file(), e


def test_compare_pages_for_the_instruments_of_each_jurisdiction(site):
    folder, report, _ = site
    assert report.compare_pairs > 0
    links = [link for _, link in parsed(folder / "compare" / "index.html").links if "/index.html" in link]
    pairs = [link for link in links if not link.startswith("../") and posixpath.dirname(posixpath.dirname(link))]
    assert len(pairs) == report.compare_pairs
    assert len(list((folder / "compare").glob("*/*/index.html"))) == report.compare_pairs
    page = (folder / "compare" / "US-EO-14110" / "NIST-AI-RMF" / "index.html").read_text()
    assert "US-EO-14110 ↔ NIST-AI-RMF" in page


@pytest.mark.slow
def test_a_base_url_makes_the_feed_and_canonical_links_absolute_and_a_rebuild_replaces_the_site(
    corpus_db, tmp_path, cli
):
    folder = tmp_path / "public"
    r = cli("site", str(folder), "--base-url", "https://example.org/kb/", "--format", "json")
    assert r.exit_code == 0, r.output
    first = json.loads(r.stdout)
    assert first["pages"] > 150 and first["bytes"] > 0
    page = (folder / "topics" / OWR / "index.html").read_text()
    assert '<link rel="canonical" href="https://example.org/kb/topics/open_weight_release/">' in page
    root = ET.parse(folder / "changes.atom").getroot()
    assert all(
        e.find(f"{ATOM}link").get("href").startswith("https://example.org/kb/changes/")
        for e in root.iter(f"{ATOM}entry")
    )
    (folder / "topics" / "stale.txt").write_text("left from before")
    sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
    import static_site  # bench/static_site.py: the bench's figure, written the same way

    again = static_site.measure(corpus_db, folder, load=False)
    assert again["pages"] == first["pages"] and again["seconds"] > 0
    assert not (folder / "topics" / "stale.txt").exists()  # the folder is the new site, whole
    assert 'rel="canonical"' not in (folder / "topics" / OWR / "index.html").read_text()
    assert not [p for p in tmp_path.iterdir() if p.name != "public"]  # no temporary folder left


def test_a_folder_that_is_not_a_kb_site_is_refused_and_left_as_it_was(corpus_db, tmp_path, cli):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    r = cli("site", str(folder))
    assert r.exit_code != 0
    assert "not empty and holds no kb site" in r.output and "--force" in r.output
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    assert not [p for p in tmp_path.iterdir() if p.name != "mine"]
    bad = cli("site", str(tmp_path / "other"), "--base-url", "example.org")
    assert bad.exit_code != 0 and "--base-url" in bad.output
    assert not (tmp_path / "other").exists()
    unknown = cli("site", str(tmp_path / "other"), "--catalog", "no-such-catalog")
    assert unknown.exit_code != 0 and "no-such-catalog" in unknown.output
    assert not (tmp_path / "other").exists()


def test_kb_serve_answers_one_change_set_and_the_feed_links_it(corpus_db):
    from starlette.testclient import TestClient

    from kb.changes import changes
    from kb.web.app import create_app

    cs = changes(corpus_db, limit=1)[0]["change_set"]
    with TestClient(create_app(corpus_db)) as c:
        rows = c.get("/api/changes", params={"changeSet": cs, "limit": 0}).json()
        assert rows and {r["change_set"] for r in rows} == {cs}
        page = c.get("/changes", params={"changeSet": cs})
        assert page.status_code == 200 and f"in change set {cs}" in page.text
        assert f'href="/changes?changeSet={cs}"' in c.get("/changes?limit=5").text
        missing = c.get("/api/changes", params={"changeSet": "no-such-set"})
        assert missing.status_code == 404 and "no change set 'no-such-set'" in missing.json()["error"]["message"]
        root = ET.fromstring(c.get("/changes.atom").content)
        links = {e.find(f"{ATOM}link").get("href") for e in root.iter(f"{ATOM}entry")}
        assert f"http://testserver/changes?changeSet={cs}" in links
