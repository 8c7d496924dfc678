"""A working file edited in place behind the tool's back, keeping its size and inode and with its
mtime restored (`touch -r`), is still seen: by the digest memo (so `diff` and `validate` read
the new bytes), by `release` (which links unchanged files from the newest release by that
memo's digests) and by the saved diff report's key.

The edit is SYNTHETIC: one character of an item name of the real package swapped for another of
the same UTF-8 length. ctime cannot be set back, so it is what tells this edit apart.
"""

from __future__ import annotations

import os
from pathlib import Path

from powerlist.diff import diff_packages
from powerlist.release import create_release, verify_release

ITEMS = "tables/items/450325-baomi.csv"
OLD, NEW = "非法获取".encode(), "合法获取".encode()   # the same byte length


def edit_in_place(path: Path) -> None:
    """Overwrite the first OLD with NEW in the same inode, then put the mtime back."""
    st = path.stat()
    data = path.read_bytes()
    at = data.index(OLD)
    with open(path, "r+b") as fh:
        fh.seek(at)
        fh.write(NEW)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (st.st_size, st.st_mtime_ns, st.st_ino)


def names_changed(report: dict) -> list[str]:
    return [c["item_id"] for c in report["changes"] if c["table"] == "items"]


def test_a_release_after_an_in_place_edit_holds_the_edited_bytes(package_copy):
    root = package_copy
    create_release(root, "2023", "2023-01-01")   # every file copied (2022 is one file a table)
    assert names_changed(diff_packages(root, "2023", "working")) == []
    edit_in_place(root / ITEMS)
    create_release(root, "2024", "2024-01-01")   # links what the memo says is unchanged
    assert (root / "releases" / "2024" / ITEMS).read_bytes() == (root / ITEMS).read_bytes()
    assert NEW in (root / "releases" / "2024" / ITEMS).read_bytes()
    assert (root / "releases" / "2023" / ITEMS).read_bytes().count(NEW) == 0   # the frozen release untouched
    assert verify_release(root, "2023").ok and verify_release(root, "2024").ok


def test_a_whole_diff_after_an_in_place_edit_is_not_the_saved_report(package_copy):
    root = package_copy
    create_release(root, "2023", "2023-01-01")
    assert names_changed(diff_packages(root, "2022", "working")) == []   # saved
    assert names_changed(diff_packages(root, "2023", "working")) == []   # the memo knows every file
    edit_in_place(root / ITEMS)
    assert names_changed(diff_packages(root, "2022", "working")) == ["450325-baomi-001"]
    assert names_changed(diff_packages(root, "2023", "working")) == ["450325-baomi-001"]
