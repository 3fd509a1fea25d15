"""Regenerate the README's screenshots of kb serve: the seed topic page and
the matrix, as headless Chromium shows them.

    make screenshots            # starts the local server; needs the corpus loaded (make demo)
    python docs/screenshots.py [--url http://127.0.0.1:8000] [--out docs/img]

Without --url it starts `kb serve` on a free port over the graph kb is
pointed at (the local server, or NEO4J_URI ...) and stops it after. The
browser is Debian's chromium with chromium-driver (`make chromium`), driven
by Selenium; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
PAGES = {  # file name -> (path, what to wait for on the page)
    "topic-page.png": ("/topics/open_weight_release", "Forum-shopping pairs"),
    "matrix.png": ("/matrix", "instruments ×"),
}
WIDTH, HEIGHT = 1400, 1000


def serve() -> tuple[subprocess.Popen, str]:
    from kb.server.local import free_port

    port = free_port()
    kb = Path(sys.executable).with_name("kb")
    proc = subprocess.Popen([str(kb), "serve", "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    while time.monotonic() - started < 30:
        if proc.poll() is not None:
            sys.exit(f"kb serve stopped: {proc.stderr.read().decode().strip()}")
        try:
            urllib.request.urlopen(url + "/static/kb.css", timeout=2).read()
            return proc, url
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    sys.exit("kb serve did not answer within 30 s")


def browser():
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not driver:
        sys.exit("screenshots need headless Chromium: run `make chromium` (or apt-get install chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={WIDTH},{HEIGHT}"):
        opts.add_argument(arg)
    return webdriver.Chrome(service=Service(driver), options=opts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", help="a running kb serve (default: start one)")
    ap.add_argument("--out", type=Path, default=HERE / "img", help="where the PNGs go (default docs/img)")
    args = ap.parse_args(argv)
    proc, url = (None, args.url.rstrip("/")) if args.url else serve()
    try:
        for path, _ in PAGES.values():
            try:
                urllib.request.urlopen(url + path, timeout=30).read()
            except urllib.error.HTTPError as e:
                sys.exit(f"{url}{path} answered {e.code}: load the corpus first (`make demo` or `kb load data/corpus`)")
        args.out.mkdir(parents=True, exist_ok=True)
        chrome = browser()
        try:
            for name, (path, expected) in PAGES.items():
                chrome.get(url + path)
                if expected not in chrome.page_source:
                    sys.exit(f"{url}{path} does not show {expected!r}")
                target = args.out / name
                chrome.save_screenshot(str(target))
                print(f"{target.relative_to(Path.cwd()) if target.is_relative_to(Path.cwd()) else target}: {url}{path}")
        finally:
            chrome.quit()
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(10)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raise SystemExit(main())
