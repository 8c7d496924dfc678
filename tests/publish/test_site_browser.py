"""The published site in a real browser: Debian's chromium driven by playwright.

Serves dist/site on 127.0.0.1, opens the index, follows a list page and a redline page, uses the
search box, takes screenshots (under the test's tmp dir), and checks that the synthetic list's
<script> and <img onerror> cells render as visible text without running anything.
"""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from powerlist.publish import publish
from synthetic_release import IMG_TEXT, SCRIPT_TEXT, two_release_package

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (apt-get install chromium)")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("site")
    pkg = two_release_package(base / "pkg")
    publish(pkg, base / "dist")
    return base / "dist" / "site"


@pytest.fixture(scope="module")
def server(site):
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):  # keep pytest output clean
            pass
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A page that records every dialog (alert) and script error, so tests can assert none happened."""
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    pg = ctx.new_page()
    pg.dialogs, pg.errors = [], []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    ctx.close()


def test_index_list_page_and_search_over_http(server, page, tmp_path):
    page.goto(f"{server}/index.html")
    assert page.title().startswith("广西保密工作权责清单")
    page.screenshot(path=str(tmp_path / "index.png"), full_page=True)
    page.click('a[href="2022/450325-baomi.html"]')
    page.wait_for_url("**/2022/450325-baomi.html")
    assert page.locator("h1").inner_text() == "中共兴安县委办公室（兴安县国家保密局）权责清单"
    assert page.locator("table.official tbody tr").count() == 5
    assert page.locator("table.official thead th[colspan='5']").all_inner_texts() == ["权力清单", "责任清单"]
    page.screenshot(path=str(tmp_path / "list-2022.png"), full_page=False)

    page.goto(f"{server}/index.html")
    page.fill("#q", "调查核实")  # only in the synthetic 2023 step
    results = page.locator("#results li")
    results.first.wait_for()
    assert results.count() == 1
    assert "2023" in results.first.inner_text()
    assert page.locator("#results mark").first.inner_text() == "调查核实"
    page.screenshot(path=str(tmp_path / "search.png"))
    results.first.locator("a").click()
    page.wait_for_url("**/2023/450325-baomi.html#450325-baomi-001")
    assert page.dialogs == [] and page.errors == []


def test_markup_in_data_renders_as_text_and_runs_nothing(server, page, tmp_path):
    page.goto(f"{server}/2023/450325-baomi.html")
    assert page.get_by_text(SCRIPT_TEXT, exact=True).is_visible()
    assert page.get_by_text(IMG_TEXT, exact=True).is_visible()
    assert page.locator("img").count() == 0 and page.locator("main script").count() == 0
    page.get_by_text(IMG_TEXT, exact=True).scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "list-2023-markup.png"))
    page.goto(f"{server}/index.html")
    page.fill("#q", "onerror")
    page.locator("#results li").first.wait_for()
    assert IMG_TEXT in page.locator("#results").inner_text()
    assert page.locator("#results img").count() == 0
    page.wait_for_timeout(200)  # an injected onerror would have fired by now
    assert page.dialogs == [] and page.errors == []


def test_search_works_from_file_urls(site, page):
    page.goto((site / "index.html").as_uri())
    page.fill("#q", "泄密案件")
    page.locator("#results li").first.wait_for()
    assert page.locator("#results li").count() >= 2  # the item in both releases' Xing'an and catalog lists
    assert page.errors == []


def test_redline_page_opens_from_the_index(server, page, tmp_path):
    page.goto(f"{server}/index.html")
    page.click('a[href="redline/2022-2023.html"]')
    page.wait_for_url("**/redline/2022-2023.html")
    assert page.locator("ins", has_text="核实").first.is_visible()
    assert page.get_by_text(SCRIPT_TEXT, exact=True).first.is_visible()
    assert page.locator("img").count() == 0
    page.screenshot(path=str(tmp_path / "redline.png"), full_page=True)
    page.click("text=返回首页")
    page.wait_for_url("**/index.html")
    assert page.dialogs == [] and page.errors == []
