"""dist/site/: a static site that works from file:// and any web server.

Every downloadable file lives under site/downloads/ (hard links to dist/, so the site can be served
on its own): each release's files and source documents, the Hive dataset, CHANGELOG.md, dcat.json.
Pages: the index (with schema.org JSON-LD), a page per list and release, a page per item across
releases (items/<item_id>.html: its newest version, citations linked to the law pages, its history
with redlines and links to each release's row), latest/ (the newest release's list pages under a
stable URL), a page per cited law, a redline page per release pair.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import duckdb
import orjson
import pyarrow as pa

from ...compiled import configure
from ...files import make_temp_dir, write_file
from .. import background
from ..changes import PairDiff
from ..checksums import file_sha256, hash_later, remember_state, remember_states, state
from ..portal import Download, Portal, dcat
from ..release_data import ReleaseData
from ..reuse import link_or_copy
from .assets import SEARCH, STYLE
from .pages import (LATEST, Citations, ItemVersion, citation_rows, column_labels, index_page, item_page, item_url,
                    latest_index, law_page, law_url, list_page_parts, list_url, redline_page, redline_url)
from .search_index import search_text, write_search_script

DCAT = "dcat.json"
KINDS = {".zip": "数据包（Frictionless，zip）", ".xlsx": "Excel 工作簿", ".duckdb": "DuckDB 数据库",
         ".sqlite": "SQLite 数据库（Datasette）", ".parquet": "Parquet", ".json": "JSON（按清单嵌套）",
         ".txt": "原始文件", ".md": "变更记录"}
ORDER = [".zip", ".xlsx", ".sqlite", ".duckdb", ".json", ".parquet", ".txt"]


def _label(path: Path, folder: Path) -> str:
    name = path.relative_to(folder).as_posix()
    if path.name == "metadata.json":
        return f"Datasette 元数据 · {name}"
    return f"{KINDS.get(path.suffix, path.suffix)} · {name}"


def _order(path: Path):
    return (path.name == "metadata.json", ORDER.index(path.suffix) if path.suffix in ORDER else len(ORDER), path.as_posix())


def _published(out: Path, releases: list[ReleaseData]):
    """Every file the download table lists, release files first: (its release tag or "", its
    folder, its path); CHANGELOG.md last (folder None)."""
    for tag, folder in [(rel.tag, out / rel.tag) for rel in releases] + [("", out / "parquet")]:
        if folder.is_dir():
            for path in sorted((p for p in folder.rglob("*") if p.is_file()), key=_order):
                yield tag, folder, path
    if (out / "CHANGELOG.md").is_file():
        yield "", None, out / "CHANGELOG.md"


def collect_downloads(out: Path, releases: list[ReleaseData]) -> list[Download]:
    """Link every published file into site/downloads/ and describe it (release files first)."""
    site = out / "site"
    found: list[Download] = []
    for tag, folder, path in _published(out, releases):
        rel_name = path.relative_to(out).as_posix()
        link_or_copy(path, site / "downloads" / rel_name)
        if folder is None:
            title = "变更记录 · CHANGELOG.md"
        else:
            title = _label(path, folder) if tag else f"Parquet 数据集（Hive 分区）· {rel_name}"
        found.append(Download(tag, title, f"downloads/{rel_name}", path.stat().st_size, file_sha256(path)))
    return found


def write_dcat(out: Path, meta: Portal, releases: list[ReleaseData], downloads: list[Download]) -> Download:
    path = out / DCAT
    # Not files.json_bytes (the general spelling, which falls back to json for values orjson spells
    # otherwise): the catalogue holds only strings, integers, lists and objects, for which orjson's
    # bytes are json.dumps(ensure_ascii=False, indent=2)'s (tests/publish/test_publish.py,
    # test_dcat_json_…), and at 100,000 items its 33 MB take 0.05 s against json_bytes' 1.5 s.
    path.write_bytes(orjson.dumps(dcat(meta, releases, downloads), option=orjson.OPT_INDENT_2) + b"\n")
    link_or_copy(path, out / "site" / "downloads" / DCAT)
    return Download("", "DCAT-AP · dcat.json", f"downloads/{DCAT}", path.stat().st_size, file_sha256(path))


VERSIONS_PER_SORT = 250_000  # item versions sorted at once when the item pages are written
SHARES = 16  # at least this many parts of the item pages, for publish and its child to share
STORE_MEMORY = "256MB"  # the item history's DuckDB while a release is open beside it; more spills to the cache
# The history's DuckDB in finish, in this process and in the item pages' child beside it (a part of
# VERSIONS_PER_SORT versions sorts in a few tens of MB; the search index groups every version).
FINISH_MEMORY = "512MB"
ITEM_PAGES_MEMORY = "256MB"


@dataclass
class ListPage:
    """What a list's page and history rows were made of, for a later release holding the same
    list content: its page file and where the release-independent table sits in it, its rows in
    the item history (content), and its citations' places in the law pages (Citations.add)."""
    path: Path
    start: int
    end: int
    content: int
    slots: list


WRITES_AT_ONCE = 64  # item pages handed to a writer thread in one task


def _write_all(pages: list[tuple[str, bytes, tuple[Path, ...]]], record) -> None:
    for path, data, links in pages:
        _write(path, data, record)
        for link in links:
            link_or_copy(Path(path), link)


class PageWriter:
    """Pages written by two threads: creating a file waits on the file system (its journal), not
    on Python, and a province has a hundred thousand item pages. Pages go to the threads
    WRITES_AT_ONCE at a time (a task per page cost more than its write); written() waits for
    every page. record: as _write's. The list pass hands it its list pages and JSON documents
    too (creating a file costs 1–2 ms at province scale, which the pass need not wait for) and
    waits for them after each release, since the next release reads them back."""

    def __init__(self, record=None):
        self.record = record or remember_state
        self.pool: ThreadPoolExecutor | None = None
        self.writing: deque[Future] = deque()  # batches handed to the threads
        self.batch: list[tuple[str, bytes, tuple[Path, ...]]] = []  # pages not handed over yet

    def put(self, path: str, data: bytes, links: tuple[Path, ...] = ()) -> None:
        """links: paths to make the same file once it is written (link_or_copy)."""
        self.batch.append((path, data, links))
        if len(self.batch) >= WRITES_AT_ONCE:
            self._hand_over()

    def _hand_over(self) -> None:
        if self.pool is None:
            self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="powerlist-pages")
        self.writing.append(self.pool.submit(_write_all, self.batch, self.record))
        self.batch = []
        while len(self.writing) > 8:  # at most this many batches in memory
            self.writing.popleft().result()

    def written(self) -> None:
        """Wait for every page (a failed write raises here)."""
        if self.batch:
            self._hand_over()
        while self.writing:
            self.writing.popleft().result()

    def close(self) -> None:
        if self.pool is not None:
            for future in self.writing:
                future.cancel()
            self.pool.shutdown(wait=True)  # a failed finish: no page is written after this
            self.pool, self.writing, self.batch = None, deque(), []


def _write(path: str, data: bytes, record=remember_state) -> None:
    """One open and one write per page, by os.open and a plain string (a file object and Path
    operations were a third of it), and its digest taken from the bytes in hand: SHA256SUMS
    need not read it back. record(its fstat, its digest): checksums.remember_state in publish."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        st = os.fstat(fd)
    finally:
        os.close(fd)
    record(st, hashlib.sha256(data).hexdigest())


@dataclass(slots=True)
class ItemHistory:
    """Where Site.item_history put an item's texts, and what its history rows say of it."""
    item_id: str
    seq: int
    name: str
    sub_name: str | None
    page_at: int
    page_len: int
    search_len: int
    search_key: bytes
    slots: list            # its citations' places (Citations.add)
    made: int              # the release (Site.ord) whose list pass made it


def _stream(con: duckdb.DuckDBPyConnection, sql: str):
    """A query's rows a batch at a time (a DB-API result would be held whole, outside the memory limit)."""
    cur = con.cursor()
    try:
        for batch in cur.sql(sql).to_arrow_reader(5_000):
            yield list(zip(*(c.to_pylist() for c in batch.columns)))
    finally:
        cur.close()


def part_versions(con: duckdb.DuckDBPyConnection, text, labels: dict, columns: dict, parts: int, part: int):
    """The versions of the items of one part of the history (a hash of the item id modulo
    `parts`, each part sorted on its own within DuckDB's memory limit), oldest release first,
    one item at a time, with the newest version's layout's labels. text(at, size): the bytes
    of the history file there."""
    history: list[ItemVersion] = []
    kind = ""
    read: dict[int, list] = {}  # the item's records by place: releases holding one list content share one
    for batch in _stream(con, "SELECT item_id, tag, date, list_id, list_title, seq, name, sub_name, kind, "
                              "page_at, page_len FROM contents JOIN placements USING (content) "
                              f"WHERE hash(item_id) % {parts} = {part} ORDER BY item_id, ord"):
        for r in batch:
            if history and history[-1].item_id != r[0]:
                yield history, labels[kind]
                history, read = [], {}
            if r[9] not in read:
                read[r[9]] = orjson.loads(text(r[9], r[10]))
            history.append(ItemVersion(*r[:8], columns[r[8]], *read[r[9]]))
            kind = r[8]
    if history:
        yield history, labels[kind]


def _claimed(claims: Path, parts: Iterable[int]) -> Iterator[int]:
    """The parts (in the order given) this process takes: each goes to the first process to
    create its file in `claims`, so the item pages' child and publish never write the same page."""
    for part in parts:
        try:
            os.close(os.open(claims / f"part-{part}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            continue
        yield part


def write_item_pages(job: dict) -> dict:
    """The item pages' child (background.main): the parts it claims first, from the first, each
    page's digest kept for SHA256SUMS (written to job["digests"], read by publish)."""
    con = duckdb.connect(job["store"], read_only=True)
    configure(con, Path(job["spill"]), memory_limit=ITEM_PAGES_MEMORY, threads="1")
    fd = os.open(job["history"], os.O_RDONLY)
    written: list = []

    def record(st: os.stat_result, digest: str) -> None:
        written.append((state(st), digest))  # list.append is atomic: the two threads share it
    writer = PageWriter(record)
    try:
        for part in _claimed(Path(job["claims"]), range(job["parts"])):
            for history, labels in part_versions(con, lambda at, size: os.pread(fd, size, at), job["labels"],
                                                 job["columns"], job["parts"], part):
                writer.put(f"{job['root']}/{item_url(history[0].item_id)}",
                           item_page(history, job["latest"], labels).encode("utf-8"))
        writer.written()
    finally:
        writer.close()
        os.close(fd)
        con.close()
    write_file(Path(job["digests"]), orjson.dumps(written))
    return {"digests": job["digests"], "pages": len(written)}


# The spill files of one publish: its item history, its history texts, its release database (release_data.release_db).
STALE = re.compile(r"publish-(?:items|history|release)-(\d+)(?:-\d+)?\.(?:duckdb|duckdb\.wal|bin)")


def _forget_stale(spill: Path) -> None:
    """The item history of a publish that was killed (its process is gone): gigabytes at province
    scale, and no one else reads it."""
    for path in spill.iterdir():
        m = STALE.fullmatch(path.name)
        if m and int(m.group(1)) != os.getpid():
            try:
                os.kill(int(m.group(1)), 0)
            except ProcessLookupError:
                path.unlink(missing_ok=True)
            except OSError:
                pass  # alive under another user: not ours to remove


class Site:
    """dist/site/, written release by release: add_list() writes a list's page as each release is
    read and keeps what the item pages, the law pages and the search index need across releases
    on disk (a province's three releases are millions of cells); finish() writes those pages and
    the index once every release has been read. An item's cells, citations and search text go to
    an append-only file (`history`: DuckDB would deflate and log them, several times slower); a
    DuckDB table holds the rest of each row and where its texts are in that file.

    A list whose content an earlier release already had (same rows: ListPass's key) is not read
    again: repeat_list() writes its page around the earlier page's table bytes and places the
    same history rows (contents) in this release too (placements)."""

    def __init__(self, out: Path, spill: Path):
        self.out = out
        self.root = out / "site"
        self.root.mkdir(parents=True, exist_ok=True)
        self.root_str = str(self.root)
        self.folders: set[str] = set()  # the folders put() has made
        self.writer = PageWriter()
        self.citations = Citations()
        self.labels: dict[str, dict[str, str]] = {}    # layout kind → column → printed label
        self.columns: dict[str, list[str]] = {}        # layout kind → its columns
        # A database file in the cache's spill folder: its pages can leave memory, an in-memory
        # database's cannot (and it is deleted when the site is finished).
        spill.mkdir(parents=True, exist_ok=True)
        _forget_stale(spill)
        self.store_path = spill / f"publish-items-{os.getpid()}.duckdb"
        self.store_path.unlink(missing_ok=True)
        self.store = duckdb.connect(str(self.store_path))
        configure(self.store, spill, memory_limit=STORE_MEMORY)  # beside the release's own connection
        # One row per item of each distinct list content, and where each content is placed.
        self.store.execute("CREATE TABLE contents (content INTEGER, item_id VARCHAR, list_id VARCHAR, list_title VARCHAR, "
                           "kind VARCHAR, pos INTEGER, seq BIGINT, name VARCHAR, sub_name VARCHAR, page_at BIGINT, "
                           "page_len INTEGER, search_len INTEGER, search_key BLOB)")
        self.history_path = spill / f"publish-history-{os.getpid()}.bin"
        self.history = open(self.history_path, "w+b")
        self.history_end = 0
        self.store.execute("CREATE TABLE placements (content INTEGER, ord INTEGER, tag VARCHAR, date VARCHAR)")
        self.buffer: list[tuple] = []
        self.placed: list[tuple] = []
        self.texts: list[bytes] = []  # history texts not yet written
        self.contents = 0
        self.releases = 0

    def put(self, rel_path: str, text: str | bytes) -> Path:
        """Write a page (text or its UTF-8 bytes) at rel_path under site/."""
        path = self._path(rel_path)
        data = text.encode("utf-8") if isinstance(text, str) else text
        _write(path, data)
        return Path(path)

    def put_soon(self, rel_path: str, text: str) -> None:
        """put(), by a writer thread (PageWriter); finish() waits for every page before it returns."""
        self.writer.put(self._path(rel_path), text.encode("utf-8"))

    def _path(self, rel_path: str) -> str:
        path = f"{self.root_str}/{rel_path}"
        folder = path.rpartition("/")[0]
        if folder not in self.folders:
            os.makedirs(folder, exist_ok=True)
            self.folders.add(folder)
        return path

    def add_release(self, rel: ReleaseData, latest: bool) -> None:
        self.rel, self.latest, self.ord = rel, latest, self.releases
        self.releases += 1

    def _page(self, list_id: str, before: str, table: bytes, after: str) -> tuple[Path, int, int]:
        """The page, written by self.writer (whoever reads it back waits for it first)."""
        head = before.encode("utf-8")
        path = self._path(list_url(self.rel.tag, list_id))
        # latest/ holds the newest release's list pages at the same depth: the same file.
        links = (self.root / list_url(LATEST, list_id),) if self.latest else ()
        self.writer.put(path, head + table + after.encode("utf-8"), links)
        return Path(path), len(head), len(head) + len(table)

    def item_history(self, view, item: dict, cells: list[str]) -> "ItemHistory":
        """An item's texts in the history (its page's cells and citations, its search text) and its
        citations in the law pages: made once per item content (ListPass's item key), then placed
        by add_list in every list and release that holds it."""
        bases = view.children[item["item_id"]].get("bases", [])
        slots = self.citations.add(self.rel.tag, item, bases)
        page = orjson.dumps([cells, citation_rows(bases)])
        search = search_text(view, item).encode("utf-8")
        self.texts += (page, search)
        made = ItemHistory(item["item_id"], item["seq"], item["name"], item.get("sub_name"), self.history_end,
                           len(page), len(search), hashlib.blake2b(search, digest_size=16).digest(), slots, self.ord)
        self.history_end += len(page) + len(search)
        return made

    def add_list(self, view, table: bytes, items: list["ItemHistory"]) -> ListPage:
        """The list's page around its table (list_table's bytes) and its items' places in the
        history; items: each item's item_history, in list order, made in this release or earlier."""
        rel = self.rel
        before, after = list_page_parts(rel, view.list)
        path, start, end = self._page(view.list["list_id"], before, table, after)
        kind = view.list["kind"]
        if kind not in self.labels:
            self.labels[kind], self.columns[kind] = column_labels(view), list(view.layout.columns)
        content = self.contents
        self.contents += 1
        slots, again = [], []  # again: the citations of the items made in an earlier release
        list_id, title = view.list["list_id"], view.list["title"]
        for pos, h in enumerate(items):
            if h.made != self.ord:
                again += h.slots
            slots += h.slots
            self.buffer.append((content, h.item_id, list_id, title, kind, pos, h.seq, h.name, h.sub_name, h.page_at,
                                h.page_len, h.search_len, h.search_key))
        self.citations.replay(rel.tag, again)
        if self.texts:
            self.history.write(b"".join(self.texts))
            self.texts = []
        self.placed.append((content, self.ord, rel.tag, rel.date))
        if len(self.buffer) >= 5_000:
            self._flush()
        return ListPage(path, start, end, content, slots)

    def repeat_list(self, lst: dict, made: ListPage) -> ListPage:
        """The page and history of a list whose content `made` (an earlier release's) already holds."""
        with open(made.path, "rb") as fh:
            fh.seek(made.start)
            table = fh.read(made.end - made.start)
        before, after = list_page_parts(self.rel, lst)
        path, start, end = self._page(lst["list_id"], before, table, after)
        self.citations.replay(self.rel.tag, made.slots)
        self.placed.append((made.content, self.ord, self.rel.tag, self.rel.date))
        return ListPage(path, start, end, made.content, made.slots)

    def _flush(self) -> None:
        self.history.flush()  # read back with os.pread
        if self.buffer:
            names = ["content", "item_id", "list_id", "list_title", "kind", "pos", "seq", "name", "sub_name", "page_at",
                     "page_len", "search_len", "search_key"]
            batch = pa.table({n: [r[i] for r in self.buffer] for i, n in enumerate(names)})
            self.store.from_arrow(batch).insert_into("contents")
            self.buffer = []
        if self.placed:
            batch = pa.table({n: [r[i] for r in self.placed] for i, n in enumerate(["content", "ord", "tag", "date"])},
                             schema=pa.schema([("content", pa.int32()), ("ord", pa.int32()), ("tag", pa.string()),
                                               ("date", pa.string())]))
            self.store.from_arrow(batch).insert_into("placements")
            self.placed = []

    def close(self) -> None:
        self.writer.close()
        if self.store is not None:
            self.store.close()
            self.store = None
            self.store_path.unlink(missing_ok=True)
            self.store_path.with_name(self.store_path.name + ".wal").unlink(missing_ok=True)
            self.history.close()
            self.history_path.unlink(missing_ok=True)

    def _text(self, at: int, size: int) -> bytes:
        return os.pread(self.history.fileno(), size, at)

    def _stream(self, sql: str):
        return _stream(self.store, sql)

    def _search_entries(self):
        """The search index's entries: an item once per distinct wording, newest release first,
        with every release that has that wording (search_index.entries, kept on disk)."""
        self._flush()
        # Wordings are compared by their BLAKE2b digest (search_key), their text read from the file.
        for batch in self._stream("SELECT string_agg(tag, '、' ORDER BY ord DESC), list_id, list_title, item_id, seq, "
                                  "name, min(page_at + page_len), min(search_len) FROM contents JOIN placements USING (content) "
                                  "GROUP BY list_id, list_title, item_id, seq, name, search_key "
                                  "ORDER BY max(ord) DESC, list_id, arg_max(pos, ord), item_id"):
            for r, l, lt, i, seq, n, at, size in batch:
                t = self._text(at, size).decode("utf-8")
                yield {"r": r, "l": l, "lt": lt, "i": i, "s": seq, "n": n, "t": t, "u": item_url(i)}

    def finish(self, meta: Portal, releases: list[ReleaseData], diffs: list[PairDiff],
               missing: str | None = None) -> None:
        """The item pages are written by a child process (background.py) and by this one, each
        taking parts of the items (`_claimed`): a hundred thousand pages are a few seconds of
        Python each and as many file creations, which threads of this process would make wait
        for its GIL; the child starts on them while this process writes the other pages."""
        put = self.put
        latest = releases[-1]
        self._flush()
        rows = self.store.execute("SELECT count(*) FROM contents JOIN placements USING (content)").fetchone()[0]
        parts = max(SHARES, -(-rows // VERSIONS_PER_SORT))
        # The child reads the history database too: DuckDB lets two processes open a file only read-only.
        self.store.close()
        self.store = duckdb.connect(str(self.store_path), read_only=True)
        # Every release's connection is closed by now: the history's sorts may use what they had, less the child's.
        configure(self.store, self.store_path.parent, memory_limit=FINISH_MEMORY)
        claims = make_temp_dir(self.store_path.parent, "publish-claims-")
        digests = claims / "digests.json"
        (self.root / "items").mkdir(exist_ok=True)
        self.folders.add(f"{self.root_str}/items")
        background.queue_in({"kind": "item_pages", "store": str(self.store_path), "history": str(self.history_path),
                             "root": self.root_str, "latest": latest.tag, "labels": self.labels, "columns": self.columns,
                             "parts": parts, "claims": str(claims), "digests": str(digests)},
                            self.store_path.parent, "writing the item pages",
                            lambda said: remember_states(orjson.loads(Path(said["digests"]).read_bytes())))
        try:
            # The downloads are hashed by a thread while the pages are written (checksums.py).
            hash_later([path for _tag, _folder, path in _published(self.out, releases)])
            put("style.css", STYLE)
            put("search.js", SEARCH)
            write_search_script(self.root / "search-index.js", self._search_entries())
            self._others(meta, releases, diffs, missing)
            # Then the parts the child has not taken, from the last (it takes them from the first).
            text = self._text
            for part in _claimed(claims, reversed(range(parts))):
                for history, labels in part_versions(self.store, text, self.labels, self.columns, parts, part):
                    self.put_soon(item_url(history[0].item_id), item_page(history, latest.tag, labels))
            self.writer.written()
            background.wait()
        finally:
            shutil.rmtree(claims, ignore_errors=True)
        self.close()

    def _others(self, meta: Portal, releases: list[ReleaseData], diffs: list[PairDiff], missing: str | None) -> None:
        """Every page but the item pages, and the downloads' links."""
        put = self.put
        latest = releases[-1]
        downloads = collect_downloads(self.out, releases)
        dcat_file = write_dcat(self.out, meta, releases, downloads)
        put(f"{LATEST}/index.html", latest_index(releases, downloads))
        laws = {r["law_id"]: r for r in latest.tables.get("laws", [])}
        versions = latest.tables.get("law_versions", [])
        for law_id, law in laws.items():
            put(law_url(law_id), law_page(law, [v for v in versions if v["law_id"] == law_id], self.citations))
        for d in diffs:
            put(redline_url(d), redline_page(d))
        put("index.html", index_page(meta, releases, downloads, diffs, dcat_file, missing))
