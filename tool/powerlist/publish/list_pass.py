"""The per-list files of each release, each distinct list content made once per publish, each
distinct item content rendered once per publish.

For each list, in list_id order, a release gets a workbook sheet, a nested JSON document and a
site page (and the list's items join the item history). Consecutive releases share most lists
unchanged, so each list is keyed by its content (ReleaseData.list_keys: its lists row, its items,
their children, and the columns they have); a list whose key an earlier release of this publish
already had is not read again: its sheet's deflated bytes are copied from the earlier workbook,
its JSON document and page are written from the earlier files' release-independent bytes, and
its history rows are placed in this release too.

A list with a new key mostly holds items an earlier release rendered already (a province's
release changes a few percent of its items), so each item is keyed too (ReleaseData.item_keys:
its row and its children's) and its pieces are kept: its page table row and its JSON object
(where the earlier files hold them), its sheet row with a stand-in for the row number (a
spill file: the workbook is deflated), and its history texts (Site.item_history). Only the
items with a new key are read (ReleaseData.list_views(items=…)) and rendered; the rest is
placed: sheet row numbers and merges of equal cells are worked out for where the item stands.
The bytes are those a fresh pass would write (tests/publish/test_list_pass.py).
"""

from __future__ import annotations

import gc
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import orjson

from ..render import ListView, extra_labels_of
from ..render_office import MERGE_DOWN, DataRowShape, list_sheet, sheet_columns
from .nested_json import item_object, items_opening, repeat_list_json, write_list_json
from .release_data import ReleaseData
from .site import ItemHistory, ListPage, Site
from .site.pages import ListTableRow, list_table_ends
from .workbook import ReleaseWorkbook
from .xlsx import ROW, RowTemplates, Sheet, checked, list_sheet_rows, placed_row



@dataclass
class MadeList:
    sheet: tuple        # ReleaseWorkbook.add_rows's (frame, Entry)
    json: tuple         # write_list_json's (path, start)
    page: ListPage


@dataclass(slots=True)
class MadeItem:
    """Where an item's rendered pieces are: its page row and JSON object inside earlier files
    (path, offset, length), its sheet row in the spill (None, offset, length); merge: a digest of each
    of its MERGE_DOWN cells (None when empty), to merge it with its neighbours wherever it stands."""
    page: tuple[Path, int, int] | None  # known once the list's files are written
    json: tuple[Path, int, int] | None
    sheet: tuple[None, int, int]
    merge: tuple
    history: ItemHistory


def _digest(text: str) -> bytes | None:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest() if text else None


def _read_all(wanted: list[tuple], spill: int) -> list[bytes]:
    """The bytes at each (path, offset, size) of wanted, path None for the spill (its descriptor).
    Pieces that follow one another in a file (an earlier list's unchanged items, in order) are
    read in one call."""
    fds: dict = {None: spill}
    out: list[bytes] = []
    try:
        i = 0
        while i < len(wanted):
            path, at, size = wanted[i]
            j, end = i + 1, at + size
            while j < len(wanted) and wanted[j][0] == path and wanted[j][1] == end:
                end += wanted[j][2]
                j += 1
            fd = fds.get(path)
            if fd is None:
                fd = fds[path] = os.open(path, os.O_RDONLY)
            data = os.pread(fd, end - at, at)
            if len(data) != end - at:
                raise RuntimeError(f"publish: {path or 'the list pass spill'} is shorter than when it was written")
            view = memoryview(data)
            for k in range(i, j):
                out.append(bytes(view[wanted[k][1] - at:wanted[k][1] - at + wanted[k][2]]))
            i = j
    finally:
        for path, fd in fds.items():
            if path is not None:
                os.close(fd)
    return out


class ListPass:
    def __init__(self, site: Site):
        self.site = site
        self.made: dict[tuple[str, str], MadeList] = {}   # (list_id, content key) → its files
        self.tables: dict = {}                            # table sheets by content key (ReleaseWorkbook)
        self.items: dict[tuple, MadeItem] = {}            # (item key, kind, extra labels) → its pieces
        self.fresh = self.repeated = 0                    # lists made and lists copied, for the record
        self.items_made = self.items_placed = 0           # items rendered and items reused in made lists
        # Sheet rows, unnamed (gone with the process), beside the item history.
        self.spill = tempfile.TemporaryFile(dir=site.store_path.parent, buffering=0)
        self.spill_end = 0

    def write(self, rel: ReleaseData, folder: Path, latest: bool) -> Path:
        """The release's workbook, nested JSON and list pages; returns the workbook's path.
        The release's connection keeps its memory limit: at 512MB the item keys of a release
        of 100,000 new items ran out of memory (string_agg per item does not spill).

        Python's cyclic garbage collector is off during the pass: what the pass keeps (a
        MadeItem, an ItemHistory and citation places per item) grows by millions of objects, and
        each of the collector's full passes walks all of them (~10 s of CPU in a release of
        100,000 new items). The pass makes its garbage without cycles (reference counting frees
        it; tests/publish/test_list_pass.py counts what a collection finds after it)."""
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._write(rel, folder, latest)
        finally:
            if enabled:
                gc.enable()

    def _write(self, rel: ReleaseData, folder: Path, latest: bool) -> Path:
        book = ReleaseWorkbook(rel, folder, self.tables)
        self.site.add_release(rel, latest=latest)
        keys = rel.list_keys()
        lists = rel.lists
        new = {list_id for list_id in lists if (list_id, keys[list_id]) not in self.made}
        # list_id → (extra labels, reuse context, its items' (item_id, key, extra), their pieces or None)
        plans: dict[str, tuple] = {}
        need: set[str] = set()
        for list_id, rows in rel.item_keys(new):
            lst = lists[list_id]
            labels = extra_labels_of(extra for _, _, extra in rows)
            context = (lst["kind"], tuple(labels))
            made = [self.items.get((key, context)) for _, key, _ in rows]
            need.update(item_id for (item_id, _, _), m in zip(rows, made) if m is None)
            plans[list_id] = (labels, context, rows, made)
        views = rel.list_views(only=new, items=need)
        for list_id, lst in lists.items():
            key = (list_id, keys[list_id])
            made = self.made.get(key)
            if made is None:
                view = next(views, None)
                if view is None or view.list["list_id"] != list_id:  # not an assert: -O must not skip it
                    raise RuntimeError(f"publish: list {list_id} was not read in list order (read "
                                       f"{view.list['list_id'] if view else 'none'})")
                self.made[key] = self._make(rel, book, folder, view, *plans.get(list_id, ([], None, [], [])))
                self.fresh += 1
            else:
                self.made[key] = MadeList(book.copy(made.sheet),
                                          repeat_list_json(rel, list_id, made.json, folder, self.site.writer),
                                          self.site.repeat_list(lst, made.page))
                self.repeated += 1
        if next(views, None) is not None:
            raise RuntimeError("publish: a list was read that the releases' lists do not hold")
        path = book.close()
        self.site.writer.written()  # the next release reads these pages and documents back
        return path

    def _make(self, rel: ReleaseData, book: ReleaseWorkbook, folder: Path, read: ListView, labels: list[str],
              context: tuple | None, rows: list[tuple], made: list[MadeItem | None]) -> MadeList:
        """A list with a new key: its items read now (read.items, those without pieces) rendered,
        the others' pieces placed."""
        lst = read.list
        view = ListView.of(lst, read.items, read.children, extra_labels=labels)
        fresh = {item["item_id"]: (item, cells) for item, cells in zip(view.items, view.data_rows())}
        if len(fresh) != sum(m is None for m in made) or len(rows) != len(made):
            raise RuntimeError(f"publish: list {lst['list_id']}: {len(fresh)} items read, "
                               f"{sum(m is None for m in made)} wanted")
        cols = sheet_columns(view)
        merge_at = [cols.index(c) for c in MERGE_DOWN if c in cols]
        shape = DataRowShape(cols)
        head = list_sheet(ListView.of(lst, [], {}, extra_labels=labels))  # the title block and header
        sheet_name = lst["list_id"][:31]
        template_of = RowTemplates(shape, sheet_name)
        table_row = ListTableRow(view)
        opening, closing = (t.encode("utf-8") for t in list_table_ends(view))

        trs, objects, sheet_rows, histories, merges = [], [], [], [], []
        made_here: list[tuple[MadeItem, int]] = []  # the items made here, with where they stand
        spill: list[bytes] = []
        placed: list[int] = []  # where the reused items stand
        for (item_id, key, _), m in zip(rows, made):
            if m is None:
                item, cells = fresh[item_id]
                office = cells + view.extra_cells(item)
                tr = table_row(item, cells).encode("utf-8")
                obj = orjson.dumps(item_object(item, view.children[item_id]))
                template = template_of(office)
                m = MadeItem(None, None, (None, self.spill_end, len(template)), tuple(_digest(office[c]) for c in merge_at),
                             self.site.item_history(view, item, cells))
                self.items[(key, context)] = m
                made_here.append((m, len(trs)))
                self.spill_end += len(template)
                spill.append(template)
                self.items_made += 1
            else:
                placed.append(len(trs))
                tr = obj = template = b""  # read below
            trs.append(tr)
            objects.append(obj)
            sheet_rows.append(template)
            histories.append(m.history)
            merges.append(m.merge)
        # Made in earlier lists (never this one: an item's key holds its item_id), so written already.
        wanted = [[made[i].page for i in placed], [made[i].json for i in placed], [made[i].sheet for i in placed]]
        for into, got in zip((trs, objects, sheet_rows), (_read_all(w, self.spill.fileno()) for w in wanted)):
            for i, data in zip(placed, got):
                into[i] = data
        self.items_placed += len(placed)
        if spill:
            fresh_rows = b"".join(spill)
            checked(fresh_rows.replace(ROW.encode(), b"1"), sheet_name)  # ROW stands for a number
            self.spill.write(fresh_rows)

        # The sheet: rows numbered from below the header, equal MERGE_DOWN cells merged down.
        first = head.freeze_row
        covered: list[list[tuple[int, str]]] = [[] for _ in rows]
        runs = []
        for k, c in enumerate(merge_at):
            start = 0
            for i in range(1, len(rows) + 1):
                if i == len(rows) or merges[i][k] != merges[start][k] or merges[start][k] is None:
                    if i - 1 > start:
                        runs.append((first + start, c + 1, first + i - 1, c + 1))
                    start = i
                else:
                    covered[i].append((c + 1, shape.styles[c]))
        # One piece, checked here: the rows placed again were checked when they were made.
        heading = checked("".join(list_sheet_rows(head)).encode("utf-8"), sheet_name)
        body = heading + b"".join(
            [placed_row(t, first + i, covered[i]) for i, t in enumerate(sheet_rows)])
        frame = Sheet(sheet_name, head.width, len(head.rows) + len(rows), head.widths, head.freeze_row,
                      head.print_rows, merges=head.merges + runs, landscape_fit=True)
        sheet = book.add_rows(frame, body)
        json = write_list_json(rel, lst, objects, folder, self.site.writer)
        page = self.site.add_list(view, opening + b"".join(trs) + closing, histories)
        table_at, json_at = page.start + len(opening), json[1] + len(items_opening(lst))
        at = 0
        for m, i in made_here:
            while at < i:
                table_at, json_at = table_at + len(trs[at]), json_at + len(objects[at]) + 1  # the comma after it
                at += 1
            m.page = (page.path, table_at, len(trs[i]))
            m.json = (json[0], json_at, len(objects[i]))
        return MadeList(sheet, json, page)
