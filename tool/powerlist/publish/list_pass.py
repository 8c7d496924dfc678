"""The per-list files of each release, each distinct list content made once per publish.

For each list, in list_id order, a release gets a workbook sheet, a nested JSON document and a
site page (and the list's items join the item history). Consecutive releases share most lists
unchanged, so each list is keyed by its content (ReleaseData.list_keys: its lists row, its items,
their children, and the columns they have); a list whose key an earlier release of this publish
already had is not read again: its sheet's deflated bytes are copied from the earlier workbook,
its JSON document and page are written from the earlier files' release-independent bytes, and
its history rows are placed in this release too. Only the lists with a new key are read, in one
pass (ReleaseData.list_views). The bytes are those a fresh pass would write
(tests/publish/test_list_pass.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .nested_json import repeat_list_json, write_list_json
from .release_data import ReleaseData
from .site import ListPage, Site
from .workbook import ReleaseWorkbook


@dataclass
class MadeList:
    sheet: tuple        # ReleaseWorkbook.add's (frame, Entry)
    json: tuple         # write_list_json's (path, start)
    page: ListPage


class ListPass:
    def __init__(self, site: Site):
        self.site = site
        self.made: dict[tuple[str, str], MadeList] = {}   # (list_id, content key) → its files
        self.tables: dict = {}                            # table sheets by content key (ReleaseWorkbook)
        self.fresh = self.repeated = 0                    # lists made and lists copied, for the record

    def write(self, rel: ReleaseData, folder: Path, latest: bool) -> Path:
        """The release's workbook, nested JSON and list pages; returns the workbook's path."""
        book = ReleaseWorkbook(rel, folder, self.tables)
        self.site.add_release(rel, latest=latest)
        keys = rel.list_keys()
        new = {list_id for list_id in rel.lists if (list_id, keys[list_id]) not in self.made}
        views = rel.list_views(only=new)
        for list_id, lst in rel.lists.items():
            key = (list_id, keys[list_id])
            made = self.made.get(key)
            if made is None:
                view = next(views, None)
                if view is None or view.list["list_id"] != list_id:  # not an assert: -O must not skip it
                    raise RuntimeError(f"publish: list {list_id} was not read in list order (read "
                                       f"{view.list['list_id'] if view else 'none'})")
                self.made[key] = MadeList(book.add(view), write_list_json(rel, view, folder), self.site.add_list(view))
                self.fresh += 1
            else:
                self.made[key] = MadeList(book.copy(made.sheet), repeat_list_json(rel, list_id, made.json, folder),
                                          self.site.repeat_list(lst, made.page))
                self.repeated += 1
        if next(views, None) is not None:
            raise RuntimeError("publish: a list was read that the releases' lists do not hold")
        return book.close()
