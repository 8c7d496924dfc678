"""The compiled cache shrinks: a target's superseded states go, and the least recently used
files go while the cache is over its cap (found: four 147 MB files of deleted targets)."""

from __future__ import annotations

from conftest import FIXTURES
from powerlist.compiled import compile_package
from powerlist.ingest.run import ingest_document
from powerlist.package import open_target


def compiled(root):
    return sorted(p.name.rsplit("-", 1)[0] for p in (root / ".powerlist-cache").glob("*.duckdb"))


def test_an_edited_working_state_replaces_its_compiled_file(package_copy):
    compile_package(open_target(package_copy, "2022"), package_copy)
    first = compile_package(open_target(package_copy, "working"), package_copy)
    ingest_document(package_copy, FIXTURES / "synthetic-typo-fix.txt", list_id="450325-baomi")
    second = compile_package(open_target(package_copy, "working"), package_copy)
    assert second != first and not first.exists()
    assert compiled(package_copy) == ["2022", "working"]


def test_over_the_cap_the_least_recently_used_file_goes_first(package_copy, monkeypatch):
    release = compile_package(open_target(package_copy, "2022"), package_copy)
    monkeypatch.setenv("POWERLIST_CACHE_MB", str(release.stat().st_size * 1.5 / 1024 / 1024))
    working = compile_package(open_target(package_copy, "working"), package_copy)
    assert working.exists() and not release.exists()  # two files do not fit; the older one went
    assert compiled(package_copy) == ["working"]
