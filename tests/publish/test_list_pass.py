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
    keys, table_key = ReleaseData.list_keys, ReleaseData.table_key
    monkeypatch.setattr(ReleaseData, "list_keys", lambda self: {k: self.tag + v for k, v in keys(self).items()})
    monkeypatch.setattr(ReleaseData, "table_key", lambda self, name: self.tag + table_key(self, name))
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
