"""What publish keeps while it runs, in the shapes that keep its memory small at province scale:
a release's tables in a database file of the cache (removed when the release is closed, and by
the next publish if one was killed), and the law pages' citations with their releases and roles
as bit sets. Hand-written SYNTHETIC citations; the real package for the release file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import copy_package
from powerlist.compiled import cache_dir
from powerlist.publish.release_data import open_release
from powerlist.publish.site import Site
from powerlist.publish.site.pages import Citations, law_page

LAW = {"law_id": "baomi-fa", "title": "中华人民共和国保守国家秘密法（合成测试）"}


def _base(role: str, text: str, article_no: int = 1, law_id: str | None = "baomi-fa") -> dict:
    return {"law_id": law_id, "article_no": article_no, "article": f"第{article_no}条", "role": role, "text": text}


def test_a_law_page_names_each_quoting_item_with_its_releases_and_their_roles_in_release_order():
    c = Citations()
    a, b = {"item_id": "i-a", "name": "甲事项"}, {"item_id": "i-b", "name": "乙事项"}
    slots = c.add("2023", a, [_base("accountability", "原文一"), _base("setting", "原文一"),
                              _base("setting", "不引用法律", law_id=None)])
    c.add("2023", b, [_base("step", "原文二"), _base("setting", "原文一", article_no=2)])
    c.replay("2024", slots)  # the same item content placed again in the next release
    c.add("2025", {"item_id": "i-a", "name": "甲事项（改）"}, [_base("step", "原文一")])
    page = law_page(LAW, [], c)
    # Roles sorted by their printed text (设 < 责 < 追), releases in the order they were published,
    # the item under the name its last citing release gives it.
    assert ('<a href="../items/i-a.html">甲事项（改）</a> <span class="muted">'
            "2023 设定依据、追责依据；2024 设定依据、追责依据；2025 责任事项依据</span>") in page
    assert '<a href="../items/i-b.html">乙事项</a> <span class="muted">2023 责任事项依据</span>' in page
    assert '<a href="../items/i-b.html">乙事项</a> <span class="muted">2023 设定依据</span>' in page
    # Articles by number, texts in the order first quoted; a base citing no law is on no page.
    assert page.index('id="a1"') < page.index("原文一") < page.index("原文二") < page.index('id="a2"')
    assert "不引用法律" not in page
    assert c.roles(c.laws["baomi-fa"][1]["texts"]["原文二"]["i-b"][1]) == {"2023": ["责任事项依据"]}


def test_a_loaded_release_is_a_database_file_in_the_cache_that_close_removes(tmp_path):
    pkg = copy_package(tmp_path)
    spill = cache_dir(pkg) / "spill"
    rel = open_release(pkg, "2022").load()
    files = sorted(p.name for p in spill.glob("publish-release-*.duckdb"))
    assert len(files) == 1 and files[0].startswith(f"publish-release-{os.getpid()}-")
    # The catalog (6 items) and Xing'an's list (5 items), as the documents print them.
    assert rel.con.execute("SELECT count(*) FROM items").fetchone()[0] == 11
    other = open_release(pkg, "2022").load()  # two at once (a test, not publish): two files
    assert len(list(spill.glob("publish-release-*.duckdb"))) == 2
    rel.close()
    other.close()
    assert not list(spill.glob("publish-release-*"))


def test_the_release_file_of_a_killed_publish_is_removed_by_the_next(tmp_path):
    spill = tmp_path / "spill"
    spill.mkdir()
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(gone.stdout)
    (spill / f"publish-release-{dead}-0.duckdb").write_bytes(b"x")
    (spill / f"publish-release-{dead}-0.duckdb.wal").write_bytes(b"x")
    mine = spill / f"publish-release-{os.getpid()}-7.duckdb"
    mine.write_bytes(b"x")  # a live process's (this one's): kept
    site = Site(tmp_path / "out", spill)
    try:
        assert sorted(p.name for p in spill.glob("publish-release-*")) == [mine.name]
    finally:
        site.close()


def test_the_item_pages_parts_go_each_to_one_process_and_all_are_taken(tmp_path):
    # publish takes parts from the last, its child from the first; here both in one process, interleaved.
    from powerlist.publish.site import _claimed
    child, parent = _claimed(tmp_path, range(7)), _claimed(tmp_path, reversed(range(7)))
    took = {"child": [next(child)], "parent": [next(parent)]}
    took["child"] += [next(child), next(child)]
    took["parent"] += list(parent)
    took["child"] += list(child)
    assert took == {"child": [0, 1, 2], "parent": [6, 5, 4, 3]}
