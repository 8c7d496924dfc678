"""The saved whole-diff report (diff/saved.py) is only a cache: a cache that cannot take it (full)
or loses it while it is read (another command's eviction) never changes or cuts short the
report a diff gives.

The working state's edit is SYNTHETIC: one item name of the real package changed.
"""

from __future__ import annotations

import builtins
import errno

from powerlist.diff import diff_packages, open_diff
from powerlist.diff import saved

ITEMS = "tables/items/450325-baomi.csv"


def edited(root):
    path = root / ITEMS
    path.write_bytes(path.read_bytes().replace("非法获取".encode(), "合法获取".encode(), 1))
    return root


def reports(root) -> list:
    return sorted((root / ".powerlist-cache").glob("*diff-*"))


def item_changes(report: dict) -> list[tuple[str, str]]:
    return [(c["item_id"], c["change"]) for c in report["changes"] if c["table"] == "items"]


class FullFile:
    """A file on a full disk: opening works, every write fails (ENOSPC)."""

    def __init__(self, path, mode):
        self.inner = builtins.open(path, mode)

    def write(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    def close(self):
        self.inner.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def test_a_full_cache_leaves_the_report_whole_and_saves_nothing(package_copy, monkeypatch):
    root = edited(package_copy)
    monkeypatch.setattr(saved, "open", lambda path, mode="r": FullFile(path, mode) if "w" in mode else builtins.open(path, mode),
                        raising=False)
    with_full_cache = diff_packages(root, "2022", "working")
    assert reports(root) == []          # nothing saved, no temporary file left
    monkeypatch.undo()
    assert diff_packages(root, "2022", "working") == with_full_cache
    assert len(reports(root)) == 1
    assert diff_packages(root, "2022", "working") == with_full_cache   # read from the saved report
    assert item_changes(with_full_cache) == [("450325-baomi-001", "renamed")]


def test_a_saved_report_evicted_while_it_is_read_is_still_read_whole(package_copy):
    root = edited(package_copy)
    computed = diff_packages(root, "2022", "working")
    (path,) = reports(root)
    with open_diff(root, "2022", "working") as report:
        path.unlink()                   # another command's eviction, between opening and reading
        assert report.to_dict() == computed
    assert item_changes(computed) == [("450325-baomi-001", "renamed")]
