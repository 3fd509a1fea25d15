"""`kb serve` as a person sees it: the real server (the `kb serve` command, in
a subprocess on a free port) read by headless Chromium (the ``chrome``
fixture): the seed topic page, the matrix and a compare page, their figures
as rendered, links followed, screenshots in tests/artifacts/ (ignored by
git), and an accessibility check with axe-core (`make axe`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from helpers import AXE, ROOT, unavailable

ARTIFACTS = ROOT / "tests" / "artifacts"
RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']})
  .then(r => done(JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                                       nodes: v.nodes.slice(0, 3).map(n => n.html)})))))
  .catch(e => done(JSON.stringify({error: String(e)})));
"""
FOCUS = """
const el = document.activeElement, style = getComputedStyle(el);
return {tag: el.tagName, text: el.textContent.trim(), outline: style.outlineStyle, width: style.outlineWidth};
"""


@pytest.fixture(scope="module")
def served(shared_graph, neo4j_settings, tmp_path_factory):
    """`kb serve` on a free port over the corpus; its URL and how long it took to answer."""
    from helpers import CORPUS

    from kb.load import load
    from kb.server.local import free_port

    shared_graph.holding("corpus", lambda db: load(db, [CORPUS]))
    port = free_port()
    env = {
        **os.environ,
        "NEO4J_URI": neo4j_settings.uri,
        "NEO4J_USER": neo4j_settings.user,
        "NEO4J_PASSWORD": neo4j_settings.password or "",
        "NEO4J_DATABASE": neo4j_settings.database,
    }
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    kb = Path(sys.executable).with_name("kb")
    started = time.monotonic()
    with log.open("w") as out:
        proc = subprocess.Popen([str(kb), "serve", "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                urllib.request.urlopen(url + "/static/kb.css", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() - started > 30:
                    raise AssertionError(f"kb serve did not answer: {log.read_text()}") from None
                time.sleep(0.05)
        yield url, time.monotonic() - started
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _axe(chrome) -> list[dict]:
    if not AXE.exists():
        unavailable("axe-core is needed for the accessibility check", "make axe")
    chrome.execute_script(AXE.read_text(encoding="utf-8"))
    chrome.set_script_timeout(30)
    result = json.loads(chrome.execute_async_script(RUN_AXE))
    assert not isinstance(result, dict), result
    return result


def _check_page(chrome, name: str) -> None:
    """Accessible: lang, one h1, table headers with scope, no serious or
    critical axe violation, keyboard focus visible; a screenshot saved."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    ARTIFACTS.mkdir(exist_ok=True)
    chrome.save_screenshot(str(ARTIFACTS / f"web-{name}.png"))
    assert chrome.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert len(chrome.find_elements(By.TAG_NAME, "h1")) == 1
    headers = chrome.find_elements(By.TAG_NAME, "th")
    assert all(th.get_attribute("scope") in ("col", "row") for th in headers)
    bad = [v for v in _axe(chrome) if v["impact"] in ("serious", "critical")]
    assert not bad, json.dumps(bad, indent=1)
    chrome.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    chrome.switch_to.active_element.send_keys(Keys.TAB)  # past the skip link, to the first link of the page
    focused = chrome.execute_script(FOCUS)
    assert focused["tag"] == "A" and focused["outline"] != "none" and focused["width"] != "0px", focused
    logs = [e for e in chrome.get_log("browser") if e["level"] == "SEVERE"]
    assert not logs, logs  # no CSP violation, no missing file


@pytest.mark.slow  # Chromium, three pages and axe-core on each: 15-20 s
def test_topic_matrix_and_compare_pages_in_a_browser(chrome, served):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    url, took = served
    assert took < 15, took  # measured ~1-2 s on a quiet machine; generous for a shared one

    chrome.get(url + "/topics/open_weight_release")
    text = chrome.find_element(By.TAG_NAME, "main").text
    assert chrome.find_element(By.TAG_NAME, "h1").text == "Open-Weight Frontier Release"
    assert (
        "Across 26 tracked AI-governance instruments, 3 address this topic explicitly, "
        "7 via general principles, and 16 are silent."
    ) in text
    assert "First addressed by Interim Measures for Generative AI Service Management on 2023-07-10" in text
    pairs = chrome.find_elements(By.XPATH, "//p[starts-with(., 'Forum-shopping pairs')]/following-sibling::ul[1]/li")
    linked = [
        [a.get_attribute("href").rsplit("/", 1)[1] for a in li.find_elements(By.CSS_SELECTOR, "a")] for li in pairs
    ]
    assert [(ids[0], ids[2]) for ids in linked] == [
        ("EU-AIA-2024", "US-EO-14179"),
        ("CA-SB-1047", "UK-WHITEPAPER-2023"),
        ("META-FRONTIER-2024", "G7-HIROSHIMA"),
    ]
    silent = chrome.find_elements(By.XPATH, "//h2[starts-with(., 'Silent regimes')]/following-sibling::ul[1]/li")
    assert len(silent) == 16
    coverage = chrome.find_elements(
        By.XPATH, "//h2[.='Cross-jurisdiction coverage']/following-sibling::div[1]//tbody/tr"
    )
    modes = [tr.find_elements(By.TAG_NAME, "td")[3].text for tr in coverage]
    assert (
        len(modes) == 26 and sum(m.startswith("●") for m in modes) == 3 and sum(m.startswith("◐") for m in modes) == 7
    )
    assert sum(m.startswith("·") for m in modes) == 16
    _check_page(chrome, "topic")

    # follow a link: the first pair's explicit instrument
    pairs[0].find_element(By.CSS_SELECTOR, "a").click()
    WebDriverWait(chrome, 20).until(lambda d: d.current_url == url + "/instruments/EU-AIA-2024")
    assert "AI Act" in chrome.find_element(By.TAG_NAME, "h1").text
    chrome.find_element(By.LINK_TEXT, "open_weight_release").click()
    WebDriverWait(chrome, 20).until(lambda d: d.current_url == url + "/topics/open_weight_release")

    chrome.get(url + "/matrix")
    head = chrome.find_elements(By.CSS_SELECTOR, ".matrix thead th")
    assert "Open-Weight Frontier Release" in [th.text for th in head]
    assert head[0].value_of_css_property("position") == "sticky"
    assert len(chrome.find_elements(By.CSS_SELECTOR, ".matrix tbody tr")) == 26
    _check_page(chrome, "matrix")
    chrome.find_element(By.CSS_SELECTOR, "select[name=jurisdiction] option[value=US]").click()
    chrome.find_element(By.CSS_SELECTOR, "form.filters button").click()
    WebDriverWait(chrome, 20).until(lambda d: "jurisdiction=US" in d.current_url)
    rows = chrome.find_elements(By.CSS_SELECTOR, ".matrix tbody tr")
    assert 0 < len(rows) < 26 and all(r.find_elements(By.CSS_SELECTOR, "td.jur")[0].text == "US" for r in rows)

    chrome.get(url + "/compare?a=EU-AIA-2024&b=US-EO-14110")
    assert chrome.find_element(By.TAG_NAME, "h1").text == "EU-AIA-2024 ↔ US-EO-14110"
    assert "converge" in chrome.find_element(By.TAG_NAME, "main").text
    _check_page(chrome, "compare")
