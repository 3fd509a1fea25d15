"""cypher/browser.grass in the Neo4j Browser the test server serves, driven in
headless Chromium (Debian's ``chromium`` and ``chromium-driver``) by Selenium
(the ``chrome`` fixture, conftest.py):
loaded by drag-and-drop and by paste, then a graph of TREATS edges drawn with it.

Browser 5.24 styles relationships by type only, so the TREATS modes differ by
their caption (the mode), not by colour."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

GRASS = Path(__file__).resolve().parents[1] / "cypher" / "browser.grass"
MODES = ("explicit", "implicit", "conflicts", "silent")

PASTE_JS = """
const target = arguments[0], text = arguments[1];
target.focus();
const data = new DataTransfer();
data.setData('text/plain', text);
target.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
"""

# A file chosen in a file input, then dropped on Browser's drop zone as a user would drop it.
DROP_JS = """
const input = arguments[0], zone = document.querySelector('.filedrop');
const data = new DataTransfer();
data.items.add(input.files[0]);
for (const type of ['dragenter', 'dragover', 'drop']) {
  zone.dispatchEvent(new DragEvent(type, {dataTransfer: data, bubbles: true, cancelable: true}));
}
"""

SVG_JS = """
const nodes = [...document.querySelectorAll('svg g.node')].map(g => ({
  r: g.querySelector('circle').getAttribute('r'),
  fills: [...g.querySelectorAll('circle')].map(c => (c.getAttribute('fill') || '').toUpperCase()),
  caption: [...g.querySelectorAll('text')].map(t => t.textContent.trim()).join(' ')}));
const rels = [...document.querySelectorAll('svg g.relationship')].map(g => ({
  caption: [...g.querySelectorAll('text')].map(t => t.textContent.trim()).join(' ')}));
return JSON.stringify({nodes, rels});
"""


def _script_errors(driver) -> list[str]:
    """Errors the page's scripts logged (network failures to reach the internet are not ours)."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE" and e["source"] != "network"]


class BrowserPage:
    def __init__(self, driver):
        from selenium.webdriver.support.ui import WebDriverWait

        self.d = driver
        self.wait = WebDriverWait(driver, 60)

    def css(self, selector):
        from selenium.webdriver.common.by import By

        return self.d.find_elements(By.CSS_SELECTOR, selector)

    def ready(self, selector):
        """The first element ``selector`` finds once it is shown and enabled (Browser draws its
        connect form before it accepts input), else None."""
        return next((e for e in self.css(selector) if e.is_displayed() and e.is_enabled()), None)

    def body(self) -> str:
        return self.css("body")[0].text

    def connect(self, url: str, bolt_uri: str, user: str, password: str) -> None:
        self.d.get(url)
        address = self.wait.until(lambda d: self.ready('[data-testid="boltaddress"]'))
        address.clear()
        address.send_keys(bolt_uri)
        username = self.wait.until(lambda d: self.ready('[data-testid="username"]'))
        username.clear()
        username.send_keys(user)
        self.css('[data-testid="password"]')[0].send_keys(password)
        self.css('[data-testid="connect"]')[0].click()
        self.wait.until(lambda d: "You are connected" in self.body())
        self.settle()

    def settle(self, quiet: float = 3.0) -> None:
        """Wait until no new frame has come for ``quiet`` seconds: the commands
        the server's browser.post_connect_cmd runs after a connect come late."""
        count, since = -1, time.monotonic()
        deadline = since + 60
        while time.monotonic() < deadline:
            n = len(self.frames())
            if n != count:
                count, since = n, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return
            time.sleep(0.3)

    def frames(self):
        return self.css('[data-testid="frame"]')

    def new_frame(self, before: int):
        """The newest frame once one more than ``before`` is shown and it has rendered."""
        self.wait.until(lambda d: len(self.frames()) > before)
        time.sleep(1)
        return self.frames()[0]

    def paste_and_run(self, text: str):
        before = len(self.frames())
        editor = self.css('[data-testid="activeEditor"] textarea')[0]
        self.d.execute_script(PASTE_JS, editor, text)
        self.css('[data-testid="editor-Run"]')[0].click()
        return self.new_frame(before)

    def drop_file(self, path: Path):
        before = len(self.frames())
        self.d.execute_script(
            "const i = document.createElement('input'); i.type = 'file'; i.id = 'kb-file'; "
            "document.body.appendChild(i);"
        )
        picker = self.css("#kb-file")[0]
        picker.send_keys(str(path))
        self.d.execute_script(DROP_JS, picker)
        self.d.execute_script("document.getElementById('kb-file').remove();")
        return self.new_frame(before)

    def assert_no_error(self, frame) -> None:
        assert not self.css('[data-testid="errorBanner"]'), self.css('[data-testid="errorBanner"]')[0].text
        for marker in ("InvalidGrassError", "Could not parse grass", "Something went wrong"):
            assert marker not in frame.text, frame.text[:2000]
        assert not _script_errors(self.d)


def _assert_style_frame(frame) -> None:
    """`:style` shows the style Browser holds: kb's rules, captions included."""
    text = frame.text
    for rule in ("node.Instrument {", "node.Topic {", "node.Jurisdiction {", "relationship.TREATS {"):
        assert rule in text, text[:2000]
    assert 'caption: "{slug}";' in text and 'caption: "{mode}";' in text and 'caption: "{code}";' in text


@pytest.mark.slow  # Chromium and Neo4j Browser: 15-20 s
def test_style_loads_by_drop_and_paste_and_draws_modes(chrome, neo4j_server, neo4j_http_port, corpus_db, tmp_path):
    settings = neo4j_server.settings
    # one current TREATS edge of each mode the corpus holds
    rows = corpus_db.read(
        "MATCH (i:Instrument)-[t:TREATS]->(tp:Topic) WHERE t.recorded_to.year = 9999 "
        "WITH t.mode AS mode, collect([elementId(t), i.id, tp.slug])[0] AS x "
        "RETURN mode, x[0] AS rel, x[1] AS instrument, x[2] AS topic ORDER BY mode"
    )
    modes = {r["mode"] for r in rows}
    assert {"explicit", "implicit", "silent"} <= modes <= set(MODES)

    page = BrowserPage(chrome)
    page.connect(
        f"http://{neo4j_server.http_host}:{neo4j_http_port}/browser/", settings.uri, settings.user, settings.password
    )

    # drag-and-drop of the file
    page.paste_and_run(":style reset")
    frame = page.drop_file(GRASS)
    page.assert_no_error(frame)
    _assert_style_frame(frame)

    # paste into the editor after :style
    page.paste_and_run(":style reset")
    frame = page.paste_and_run(":style " + GRASS.read_text())
    page.assert_no_error(frame)
    _assert_style_frame(frame)

    ids = json.dumps([r["rel"] for r in rows])
    frame = page.paste_and_run(f"MATCH p=()-[t:TREATS]->() WHERE elementId(t) IN {ids} RETURN p")
    page.wait.until(lambda d: len(page.css("svg g.relationship")) >= len(rows))
    time.sleep(2)
    chrome.save_screenshot(str(tmp_path / "browser-style.png"))
    page.assert_no_error(frame)
    drawn = json.loads(chrome.execute_script(SVG_JS))

    captions = [r["caption"] for r in drawn["rels"]]
    assert "TREATS" not in captions, captions  # the type caption is replaced by the mode
    for mode in modes:
        assert mode in captions, (mode, captions)
    by_caption = {n["caption"]: n for n in drawn["nodes"]}

    def node(key: str) -> dict:
        for caption, n in by_caption.items():
            if caption == key or (caption.endswith("…") and key.startswith(caption[:-1])):
                return n
        raise AssertionError(f"no node captioned {key!r} in {sorted(by_caption)}")

    for r in rows:
        # diameters from the style: Instrument 65px, Topic 70px (Browser draws r = d/2 + 4)
        assert node(r["instrument"])["r"] == "36.5"
        assert node(r["topic"])["r"] == "39"
        assert "#4C8EDA" in node(r["instrument"])["fills"]
        assert "#F79767" in node(r["topic"])["fills"]


def test_local_server_sends_no_product_usage(local_server, session_db):
    """kb's neo4j.conf turns off the server's usage report and Browser's product analytics."""
    rows = session_db.read(
        "SHOW SETTINGS YIELD name, value WHERE name IN ['dbms.usage_report.enabled', 'client.allow_telemetry'] "
        "RETURN name, value ORDER BY name"
    )
    assert [(r["name"], r["value"]) for r in rows] == [
        ("client.allow_telemetry", "false"),
        ("dbms.usage_report.enabled", "false"),
    ]


DONE = '[data-testid="multi-statement-list-icon"][title="Status: success"]'  # a statement of a script, run

GUIDE_JS = """
return JSON.stringify([...document.querySelectorAll('.kb-query')].map(s => ({
  name: s.getAttribute('data-query'),
  text: s.textContent,
  runnable: s.querySelectorAll('pre.runnable').length,
  icon: s.querySelectorAll('pre.runnable i.fa-play-circle-o').length})));
"""


@pytest.mark.slow  # Chromium and Neo4j Browser: ~20 s
def test_browser_opens_with_kb_style_and_the_guide(chrome, neo4j_server, local_server, corpus_db, tmp_path):
    """After a connect, with nothing kept from before, Browser runs the local
    server's browser.post_connect_cmd: kb's style is in use and the guide
    lists every named query, each run by a click."""
    from selenium.webdriver.common.by import By

    from kb.queries import load_queries
    from kb.server.browser_content import GUIDE_TITLE

    settings = neo4j_server.settings
    url = f"http://127.0.0.1:{local_server.http_port}/browser/"
    chrome.get(url)
    chrome.execute_script("window.localStorage.clear(); window.sessionStorage.clear();")  # no style kept
    page = BrowserPage(chrome)
    page.connect(url, settings.uri, settings.user, settings.password)

    page.wait.until(lambda d: GUIDE_TITLE in page.body() and page.css(".kb-query pre.runnable i.fa-play-circle-o"))
    chrome.save_screenshot(str(tmp_path / "browser-guide.png"))
    guide = json.loads(chrome.execute_script(GUIDE_JS))
    queries = load_queries()
    assert [g["name"] for g in guide] == sorted(queries)
    for g in guide:
        q = queries[g["name"]]
        assert q.title in g["text"] and q.description[:60] in g["text"], g["name"]
        assert g["runnable"] == 1 and g["icon"] == 1, g
    assert not _script_errors(chrome)

    # one click runs a query with its example parameters
    before = len(page.frames())
    section = next(s for s in page.css(".kb-query") if s.get_attribute("data-query") == "topic_primacy")
    section.find_element(By.CSS_SELECTOR, "pre.runnable i.fa-play-circle-o").click()
    statements = queries["topic_primacy"].browser.count(":param ") + 1  # its :param lines, then the query
    page.wait.until(lambda d: len(page.frames()) > before and len(page.css(DONE)) >= statements)
    script = page.frames()[0]
    assert "open_weight_release" in script.text and "MATCH (t:Topic" in script.text
    # every statement of the script (the :param lines, the query) ran, and the parameters are set
    assert len(script.find_elements(By.CSS_SELECTOR, DONE)) == statements == 5
    page.assert_no_error(script)
    frame = page.paste_and_run(":params")
    assert '"slug": "open_weight_release"' in frame.text and '"as_of"' in frame.text, frame.text[:500]

    # the style Browser holds is kb's, and draws the TREATS edges by their mode
    frame = page.paste_and_run(":style")
    page.assert_no_error(frame)
    _assert_style_frame(frame)
    rows = corpus_db.read(
        "MATCH (i:Instrument)-[t:TREATS]->(tp:Topic) WHERE t.recorded_to.year = 9999 "
        "WITH t.mode AS mode, collect(elementId(t))[0] AS rel RETURN mode, rel ORDER BY mode"
    )
    ids = json.dumps([r["rel"] for r in rows])
    frame = page.paste_and_run(f"MATCH p=()-[t:TREATS]->() WHERE elementId(t) IN {ids} RETURN p")
    page.wait.until(lambda d: len(page.css("svg g.relationship")) >= len(rows))
    time.sleep(2)
    chrome.save_screenshot(str(tmp_path / "browser-ready.png"))
    captions = [r["caption"] for r in json.loads(chrome.execute_script(SVG_JS))["rels"]]
    assert "TREATS" not in captions, captions
    for r in rows:
        assert r["mode"] in captions, (r["mode"], captions)


def test_guide_escapes_and_runs_each_query_with_its_params():
    from kb.queries import load_queries
    from kb.server.browser_content import guide_html, runnable

    q = load_queries()["topic_primacy"]
    text = runnable(q)
    assert text.splitlines()[:3] == [
        ":param slug => 'open_weight_release';",
        ":param as_of => date();",
        ":param as_recorded => datetime();",
    ]
    assert text.endswith(";") and "//" not in text and "MATCH (t:Topic {slug: $slug})" in text
    page = guide_html([q])
    assert "&lt;= $as_recorded &lt;" in page and "<=" not in page.split("<pre", 1)[1]
