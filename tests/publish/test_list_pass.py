"""Publish makes each distinct list content once (publish.list_pass): a list an earlier release
already held is copied, not read again. The output must be byte for byte what a publish that
makes every list afresh writes. Releases: 2022 (the real documents), synthetic 2023 (the Xing'an
list edited, see synthetic_release.py) and 2024, frozen from the same state as 2023, so every
list of 2024 repeats one of 2023 and its table sheets repeat 2023's."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import snapshot
from powerlist.publish import publish
from powerlist.publish.release_data import ReleaseData
from powerlist.publish.site import Site
from powerlist.release import create_release
from synthetic_release import two_release_package

# Files holding the .duckdb files' checksums (never byte-reproducible, see test_publish.py).
HOLDERS = {"SHA256SUMS", "site/index.html", "site/latest/index.html", "dcat.json", "site/downloads/dcat.json"}


@pytest.fixture(scope="module")
def pkg(tmp_path_factory) -> Path:
    root = two_release_package(tmp_path_factory.mktemp("listpass") / "pkg")
    create_release(root, "2024", "2024-07-18")
    return root


def test_copied_lists_are_the_bytes_of_lists_made_afresh(pkg, monkeypatch):
    repeated = []
    original = Site.repeat_list

    def counting(self, lst, made):
        repeated.append((self.rel.tag, lst["list_id"]))
        return original(self, lst, made)
    monkeypatch.setattr(Site, "repeat_list", counting)
    shared = pkg.parent / "dist-shared"
    publish(pkg, shared)
    assert sorted(repeated) == [("2024", "450325-baomi"), ("2024", "catalog-baomi")]

    # Every key unique to its release: nothing is copied, every list and table sheet is made.
    _every_key_unique(monkeypatch)
    repeated.clear()
    fresh = pkg.parent / "dist-fresh"
    publish(pkg, fresh)
    assert repeated == []

    a, b = snapshot(shared), snapshot(fresh)
    assert a.keys() == b.keys()
    differ = sorted(k for k in a if a[k] != b[k] and not k.endswith(".duckdb") and k not in HOLDERS)
    assert differ == []
    # The copies are real content: 2024's Xing'an list as 2023 publishes it, with its own release fields.
    assert b'"release":"2024","release_date":"2024-07-18"' in a["2024/json/450325-baomi.json"]
    assert a["2024/json/450325-baomi.json"].split(b',"list":', 1)[1] == a["2023/json/450325-baomi.json"].split(b',"list":', 1)[1]
    page = a["site/2024/450325-baomi.html"].decode()
    assert "2024（2024-07-18）" in page and "组织调查核实处理" in page and "releases/2024/" in page


def _every_key_unique(monkeypatch) -> None:
    """Every list, table and item key made unique to its release: a publish then makes everything afresh."""
    keys, table_key, item_keys = ReleaseData.list_keys, ReleaseData.table_key, ReleaseData.item_keys
    monkeypatch.setattr(ReleaseData, "list_keys", lambda self: {k: self.tag + v for k, v in keys(self).items()})
    monkeypatch.setattr(ReleaseData, "table_key", lambda self, name: self.tag + table_key(self, name))
    monkeypatch.setattr(ReleaseData, "item_keys", lambda self, only: (
        (list_id, [(i, self.tag + k, e) for i, k, e in rows]) for list_id, rows in item_keys(self, only)))


def _edit_items(rel: ReleaseData) -> None:
    """SYNTHETIC edits to a loaded release, in its DuckDB tables. Catalog list: item 3 changed in
    the middle of the list, item 4 takes item 5's 项目名称 (so the unchanged item 5 is merged under
    it in the sheet), item 6 gets one more step. Xing'an list: items 4 and 5 swap places."""
    con = rel.con
    con.execute("UPDATE items SET remark = '合成备注（测试用）' WHERE item_id = 'catalog-baomi-003'")
    con.execute("UPDATE items SET name = (SELECT name FROM items WHERE item_id = 'catalog-baomi-005') "
                "WHERE item_id = 'catalog-baomi-004'")
    con.execute("INSERT INTO steps SELECT * REPLACE (step_no + 100 AS step_no, '合成新增的责任事项（测试用）' AS text) "
                "FROM steps WHERE item_id = 'catalog-baomi-006' ORDER BY step_no DESC LIMIT 1")
    con.execute("UPDATE items SET seq = 9 - seq WHERE item_id IN ('450325-baomi-004', '450325-baomi-005')")


def _list_pass(pkg: Path, out: Path, check=None):
    """The list pass of 2022, 2023 and 2024 (2023's state, edited by _edit_items) into out;
    returns what the site kept for the item pages: every placed item's history texts and the
    citations by law."""
    from powerlist.publish.list_pass import ListPass
    from powerlist.publish.release_data import open_release
    from powerlist.publish.reuse import forget
    forget()  # as publish does: what one publish learnt is not the next one's
    site = Site(out, out / "spill")
    passes = ListPass(site)
    tags = ["2022", "2023", "2024"]
    for tag in tags:
        rel = open_release(pkg, tag).load()
        if tag == "2024":
            _edit_items(rel)
            rel._key = "edited"  # no longer the tables 2023 is read from (ReleaseData.content_key)
        (out / tag).mkdir(parents=True)
        passes.write(rel, out / tag, latest=tag == tags[-1])
        if check:
            check(rel, out / tag)
        rel.close()
    site._flush()
    placed = site.store.execute("SELECT tag, list_id, pos, item_id, seq, name, page_at, page_len, search_len FROM contents "
                                "JOIN placements USING (content) ORDER BY ord, list_id, pos").fetchall()
    kept = [(*r[:6], site._text(r[6], r[7] + r[8])) for r in placed]
    laws = {law: {a: (e["label"], {t: {i: (w[0], site.citations.roles(w[1]))
                                       for i, w in who.items()} for t, who in e["texts"].items()})
                  for a, e in arts.items()} for law, arts in site.citations.laws.items()}
    site.close()
    forget()
    return kept, laws, passes


def _files(out: Path) -> dict[str, bytes]:
    return {k: v for k, v in snapshot(out).items() if not k.startswith("spill/")}


def test_items_reused_in_a_changed_list_are_the_bytes_of_items_made_afresh(pkg, tmp_path, monkeypatch):
    kept, laws, passes = _list_pass(pkg, tmp_path / "reused")
    # 2023's items have a column 2022's have not: all made again. 2024's two lists are new, but
    # items 1, 2 and 5 of the catalog and 1–3 of Xing'an's are 2023's: placed, not made again.
    assert (passes.items_placed, passes.items_made) == (6, 11 + 11 + 5)
    _every_key_unique(monkeypatch)
    kept_fresh, laws_fresh, fresh = _list_pass(pkg, tmp_path / "fresh")
    assert fresh.items_placed == 0
    a, b = _files(tmp_path / "reused"), _files(tmp_path / "fresh")
    assert a.keys() == b.keys()
    assert sorted(k for k in a if a[k] != b[k]) == []
    assert kept == kept_fresh and laws == laws_fresh
    # The edits are there: item 5 merged under item 4 in 2024's sheet, the moved items in their new places.
    sheet = openpyxl.load_workbook(tmp_path / "reused" / "2024" / "guangxi-baomi-powerlists-2024.xlsx")["catalog-baomi"]
    last = sheet.max_row
    assert [r[2].value for r in sheet.iter_rows(min_row=last - 2, max_row=last - 1)] == [
        "要求互联网及其他公共信息网络运营商、服务商删除涉及泄露国家秘密的信息", None]
    assert f"C{last - 2}:C{last - 1}" in {str(m) for m in sheet.merged_cells.ranges}
    assert [r[3] for r in kept if r[:2] == ("2024", "450325-baomi")] == [
        "450325-baomi-001", "450325-baomi-002", "450325-baomi-003", "450325-baomi-005", "450325-baomi-004"]


def test_each_lists_files_are_what_the_renderers_write(pkg, tmp_path):
    """Against the one-list renderers (render_office.list_sheet, nested_json.list_document,
    site.pages.list_page) over each release's whole tables, items reused or not."""
    import orjson
    from powerlist.publish.nested_json import list_document
    from powerlist.publish.site.pages import list_page
    from powerlist.publish.xlsx import _head, _tail, list_sheet_frame, list_sheet_rows
    from powerlist.render_office import list_sheet
    checked = []

    def check(rel, folder):
        with zipfile.ZipFile(folder / f"{rel.stem}.xlsx") as zf:
            for n, view in enumerate(rel.list_views(), start=1):
                list_id = view.list["list_id"]
                sheet = list_sheet(view)
                frame = list_sheet_frame(list_id[:31], sheet)
                assert zf.read(f"xl/worksheets/sheet{n}.xml").decode() == _head(frame) + "".join(list_sheet_rows(sheet)) + _tail(frame)
                assert (folder / "json" / f"{list_id}.json").read_bytes() == orjson.dumps(list_document(rel, view)) + b"\n"
                assert (folder.parent / "site" / rel.tag / f"{list_id}.html").read_text(encoding="utf-8") == list_page(rel, view)
                checked.append((rel.tag, list_id))
    _list_pass(pkg, tmp_path / "out", check)
    assert len(checked) == 6


def test_a_copied_sheet_reads_back_as_the_sheet_it_copies(pkg, tmp_path):
    dist = tmp_path / "dist"
    publish(pkg, dist)
    stem = "guangxi-baomi-powerlists"
    for tag in ("2023", "2024"):
        with zipfile.ZipFile(dist / tag / f"{stem}-{tag}.xlsx") as zf:
            assert zf.testzip() is None
    old = openpyxl.load_workbook(dist / "2023" / f"{stem}-2023.xlsx")
    new = openpyxl.load_workbook(dist / "2024" / f"{stem}-2024.xlsx")
    assert old.sheetnames == new.sheetnames
    for name in old.sheetnames:
        assert [[c.value for c in r] for r in old[name].iter_rows()] == [[c.value for c in r] for r in new[name].iter_rows()]


def test_a_killed_publishs_item_history_is_removed_by_the_next(tmp_path):
    import subprocess
    import sys
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(gone.stdout)  # a process that has exited
    spill = tmp_path / "spill"
    spill.mkdir()
    stale = [spill / f"publish-history-{dead}.bin", spill / f"publish-items-{dead}.duckdb"]
    for path in stale:
        path.write_bytes(b"synthetic leftover")
    kept = spill / "unrelated.tmp"
    kept.write_bytes(b"not publish's")
    site = Site(tmp_path / "out", spill)
    try:
        assert not any(p.exists() for p in stale) and kept.exists()
    finally:
        site.close()


def test_the_list_pass_works_on_a_connection_that_has_spilled(pkg, tmp_path):
    """A province's release has spilled to the cache before its lists are made (DuckDB then
    refuses a new spill folder): the pass sets no DuckDB setting that would need one."""
    from powerlist.publish.list_pass import ListPass
    from powerlist.publish.release_data import open_release
    rel = open_release(pkg, "2022").load()
    con = rel.con
    before = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    con.execute("SET memory_limit = '100MB'")
    con.execute("CREATE TABLE synthetic_big AS SELECT i, md5(CAST(i AS VARCHAR)) AS m FROM range(3000000) t(i)")
    con.execute(f"SET memory_limit = '{before}'")
    site = Site(tmp_path / "out", tmp_path / "spill")
    try:
        (tmp_path / "out" / "2022").mkdir()
        ListPass(site).write(rel, tmp_path / "out" / "2022", latest=True)
    finally:
        site.close()
    assert (tmp_path / "out" / "2022" / f"{rel.stem}.xlsx").is_file()
    rel.close()


def test_the_pass_leaves_no_cyclic_garbage_for_the_collector_it_turns_off(pkg, tmp_path):
    """ListPass.write runs with Python's cyclic collector off (its kept objects would make each
    full collection walk millions): so the pass must free its garbage by reference counting.
    Two passes run first (imports and caches made once), then a collection is cleared; what a
    collection finds after a third pass is what that pass left unfreed. The collector is on
    again afterwards."""
    import gc
    from powerlist.publish.list_pass import ListPass
    from powerlist.publish.release_data import open_release
    site = Site(tmp_path / "out", tmp_path / "spill")
    try:
        passes = ListPass(site)
        for tag in ("2022", "2023", "2024"):
            rel = open_release(pkg, tag).load()
            (tmp_path / "out" / tag).mkdir(parents=True)
            gc.collect()
            passes.write(rel, tmp_path / "out" / tag, latest=tag == "2024")
            assert gc.isenabled()
            left = gc.collect()
            rel.close()
        assert left == 0
    finally:
        site.close()


def test_a_list_file_that_cannot_be_written_fails_the_pass(pkg, tmp_path, monkeypatch):
    """The list pages and JSON documents are written by the site's writer threads (site.PageWriter): a write that
    fails there fails the release's pass, not later and not in silence."""
    from powerlist.publish import site as site_module
    from powerlist.publish.list_pass import ListPass
    from powerlist.publish.release_data import open_release
    original = site_module._write

    def failing(path, data, *record):
        if path.endswith("/json/catalog-baomi.json"):
            raise OSError(28, "No space left on device (synthetic)")
        original(path, data, *record)
    monkeypatch.setattr(site_module, "_write", failing)
    site = Site(tmp_path / "out", tmp_path / "spill")
    rel = open_release(pkg, "2022").load()
    try:
        (tmp_path / "out" / "2022").mkdir(parents=True)
        with pytest.raises(OSError, match="synthetic"):
            ListPass(site).write(rel, tmp_path / "out" / "2022", latest=True)
    finally:
        rel.close()
        site.close()


@pytest.mark.parametrize("chunk", [1, 2, 10_000])
def test_list_views_read_in_chunks_are_the_views_of_the_whole_tables(pkg, monkeypatch, chunk):
    """ReleaseData.list_views reads the sorted item tables CHUNK_ITEMS items' lists at a time:
    with chunks of one item (each list its own chunk), of two, or one chunk for everything, the
    views are render.list_views_parts's over the whole tables, whole or filtered (only, items)."""
    from powerlist.publish import release_data
    from powerlist.publish.release_data import open_release
    from powerlist.render import list_views_parts
    monkeypatch.setattr(release_data, "CHUNK_ITEMS", chunk)
    for tag in ("2022", "2023", "2024"):
        rel = open_release(pkg, tag).load()
        try:
            tables = {n: list(rel.rows(n)) for n in release_data.ITEM_TABLES if n in rel.schemas}
            tables["lists"] = rel.tables["lists"]
            whole = {list_id: (lst, items, children)
                     for list_id, (lst, items, children) in sorted(list_views_parts(tables).items())}
            got = [(v.list, v.items, v.children) for v in rel.list_views()]
            assert got == list(whole.values()) and len(got) == 2
            # One of the lists, and only some of its items (every other one; those named of the other list stay out).
            only = set(list(whole)[1:])
            items = {i["item_id"] for list_id in whole for i in whole[list_id][1][::2]}
            want = [(lst, [i for i in its if i["item_id"] in items], {k: c for k, c in kids.items() if k in items})
                    for list_id, (lst, its, kids) in whole.items() if list_id in only]
            assert [(v.list, v.items, v.children) for v in rel.list_views(only=only, items=items)] == want
            assert all(v.items for v in rel.list_views(only=only, items=items))
        finally:
            rel.close()


def test_item_keys_a_chunk_of_lists_at_a_time_are_the_keys_of_one_query(pkg, monkeypatch):
    """item_keys runs one query per chunk of lists (an ordered string_agg over a province's items
    at once ran out of DuckDB's memory limit at 300,000 items): each list in its own chunk must
    give the same lists, in the same order, with the same items and keys as one query for all."""
    from powerlist.publish import release_data
    rel = release_data.open_release(pkg, "2023").load()
    try:
        lists = set(rel.item_counts)
        assert len(lists) == 2  # the catalog and Xing'an's list: two chunks below
        whole = list(rel.item_keys(lists))
        monkeypatch.setattr(release_data, "KEY_CHUNK_ITEMS", 1)
        chunked = list(rel.item_keys(lists))
    finally:
        rel.close()
    assert [list_id for list_id, _ in whole] == sorted(lists)
    assert [len(rows) for _, rows in whole] == [rel.item_counts[i] for i in sorted(lists)]
    assert chunked == whole
