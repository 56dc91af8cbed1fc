"""The report in a real browser: headless Chromium (Debian's, /usr/bin/chromium) driven by Playwright.

The page is served on 127.0.0.1 by ``http.server`` in a thread and opened with JavaScript off (the page has
none, and must read without it).  Checked: every chart decoded and laid out with a non-zero size, nothing
logged to the console as an error, no request leaves the test server, and every figure shown equals the
tables' count as this test computes it with polars.  A full-page screenshot is saved as
``test-artifacts/report.png`` (git-ignored) for a person to look at.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.report.expected import check

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture
def served(report):
    """The report's folder served on 127.0.0.1 (a free port), for as long as the test runs."""
    handler = functools.partial(_QuietHandler, directory=str(report.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{report.name}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep the test output clean
        pass


@pytest.fixture
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: `apt-get install -y chromium` (.ci/run installs it) to run the "
                    "browser test")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the browser test needs playwright "
                                                                 "(pip install -e '.[test]')")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, timeout=60_000)
        try:
            yield launched
        finally:
            launched.close()


def test_the_report_in_chromium(browser, served, report, rich_package):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors, requests = [], []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("requestfailed", lambda request: errors.append(f"request failed: {request.url}"))
    page.on("request", lambda request: requests.append(request.url))
    response = page.goto(served, wait_until="load")
    assert response is not None and response.ok

    charts = page.locator("img.chart")
    assert charts.count() >= 12
    for index in range(charts.count()):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        name = chart.evaluate("img => img.closest('figure').id")
        assert box and box["width"] > 0 and box["height"] > 0, f"chart {name} has no size"
        natural = chart.evaluate("img => [img.complete, img.naturalWidth, img.naturalHeight]")
        assert natural[0] and natural[1] > 0 and natural[2] > 0, f"chart {name} did not decode: {natural}"

    shown = page.eval_on_selector_all("[data-figure]", "nodes => nodes.map(n => [n.dataset.figure, n.textContent])")
    check([tuple(pair) for pair in shown], rich_package)
    assert page.locator("header details.card").count() == 1

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    shutil.copyfile(report, ARTIFACTS / "report.html")
    assert not errors, errors
    assert all(url.startswith(served.rsplit("/", 1)[0]) for url in requests), requests
    context.close()
