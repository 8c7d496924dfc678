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
    page.wait_for_url("**/items/450325-baomi-001.html")
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


def test_search_by_url_one_and_two_characters_and_citations(server, page, tmp_path):
    # A linked search: ?q= fills the box and runs. 收缴 stands in item 1 of both lists, in both
    # releases; an item is found once per distinct wording: the catalog's item 1 reads the same in
    # 2022 and 2023 (one result naming both), Xing'an's was reworded in the synthetic 2023 (two).
    page.goto(f"{server}/index.html?q=收缴")
    page.locator("#results li").first.wait_for()
    assert page.input_value("#q") == "收缴"
    texts = page.locator("#results li").all_inner_texts()
    assert len(texts) == 3 and all("序号 1" in t for t in texts)
    assert sorted(t.split(" · ")[0] for t in texts) == ["2022", "2023", "2023、2022"]
    page.screenshot(path=str(tmp_path / "search-url.png"))
    # One character: every result holds it, and more items than any two-character word of it.
    page.goto(f"{server}/index.html?q=罚")
    page.locator("#results li").first.wait_for()
    assert page.locator("#results mark").first.inner_text() == "罚"
    # A citation: 保密法 第四十五条 is cited by item 1 of both lists (README: 2 items), in both
    # releases: the same three distinct versions as above.
    page.goto(f"{server}/index.html?q=第四十五条")
    page.locator("#results li").first.wait_for()
    assert page.locator("#results li").count() == 3
    assert "第四十五条" in page.locator("#results mark").first.inner_text()
    # Typing updates the URL, so the search can be shared.
    page.fill("#q", "泄密案件")
    page.wait_for_function("location.search.includes('q=')")
    assert "%E6%B3%84%E5%AF%86" in page.url
    assert page.errors == [] and page.dialogs == []


def test_item_page_with_citations_and_history(server, page, tmp_path):
    # One page per item across releases: its newest version (2023), its history, its citations.
    page.goto(f"{server}/items/450325-baomi-001.html")
    assert page.locator("h1").inner_text() == "对非法获取、持有国家秘密载体的行政强制"  # Xing'an item 1
    assert "2023" in page.locator("dl.meta").inner_text()
    # The citation links to the law page's article anchor.
    link = page.locator('a[href="../laws/baomi-fa.html#a45"]').first
    assert link.inner_text() == "《中华人民共和国保守国家秘密法》"
    page.screenshot(path=str(tmp_path / "item.png"), full_page=True)
    # History: both releases listed, each linked to its row in that release's list page; the
    # synthetic 2023 rewording redlined (组织调查处理 → 组织调查核实处理).
    history = page.locator("#history ~ table.plain").first
    assert [t.split()[0] for t in history.locator("tbody tr td:first-child").all_inner_texts()] == ["2022", "2023"]
    assert history.locator("a").first.get_attribute("href") == "../2022/450325-baomi.html#450325-baomi-001"
    assert page.locator("table.redline ins", has_text="核实").first.is_visible()
    page.locator("table.redline").first.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "item-history.png"))
    link.click()
    page.wait_for_url("**/laws/baomi-fa.html#a45")
    assert page.locator("#a45").inner_text() == "第四十五条"
    # The law page links the item back (once, with the releases that quote the article).
    assert page.locator('a[href="../items/450325-baomi-001.html"]').count() >= 1
    page.screenshot(path=str(tmp_path / "law.png"))
    # The 2022 row in the list page is what the history links to; it links to the item page.
    page.goto(f"{server}/2022/450325-baomi.html#450325-baomi-001")
    page.click('tr[id="450325-baomi-001"] a.item-link')
    page.wait_for_url("**/items/450325-baomi-001.html")
    # latest/ serves the newest release's pages under a stable URL.
    page.goto(f"{server}/latest/index.html")
    assert page.locator("h1").inner_text().startswith("最新版本：2023")
    page.click('a[href="450325-baomi.html"]')
    page.wait_for_url("**/latest/450325-baomi.html")
    assert page.locator("table.official tbody tr").count() == 5
    assert page.errors == [] and page.dialogs == []


def test_source_documents_and_hive_dataset_download_from_the_site_alone(server, page, site):
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "releases/2023/sources/" in index  # the frozen path, not sources/working/…
    for href in ("downloads/2022/sources/2022/xingan-baomi-2022.txt", "downloads/parquet/items/release=r2023/part-0.parquet"):
        assert f'href="{href}"' in index
        resp = page.request.get(f"{server}/{href}")
        assert resp.status == 200 and resp.body() == (site / href).read_bytes()
    src = (Path(__file__).resolve().parents[2] / "sources" / "2022" / "xingan-baomi-2022.txt").read_bytes()
    assert (site / "downloads/2022/sources/2022/xingan-baomi-2022.txt").read_bytes() == src
