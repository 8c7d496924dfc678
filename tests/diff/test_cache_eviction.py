"""The compiled cache shrinks: a target's superseded states go, and the least recently used
files go while the cache is over its cap (found: four 147 MB files of deleted targets). Files
are keyed by content, so a state another package still holds stays."""

from __future__ import annotations

from conftest import FIXTURES
from powerlist.compiled import compile_package
from powerlist.ingest.run import ingest_document
from powerlist.package import open_target
from powerlist.release import create_release


def compiled(root):
    return sorted((root / ".powerlist-cache").glob("pkg-*.duckdb"))


def test_an_edited_working_state_replaces_its_compiled_file(package_copy):
    release = compile_package(open_target(package_copy, "2022"), package_copy)
    first = compile_package(open_target(package_copy, "working"), package_copy)
    ingest_document(package_copy, FIXTURES / "synthetic-typo-fix.txt", list_id="450325-baomi")
    second = compile_package(open_target(package_copy, "working"), package_copy)
    assert second != first and not first.exists()
    assert compiled(package_copy) == sorted([release, second])


def test_a_release_made_from_the_working_state_shares_its_compiled_file(package_copy):
    working = compile_package(open_target(package_copy, "working"), package_copy)
    create_release(package_copy, "2023", "2023-07-18")
    assert compile_package(open_target(package_copy, "2023"), package_copy) == working
    assert compiled(package_copy) == sorted([working])


def test_a_superseded_state_another_package_holds_stays(package_copy):
    first = compile_package(open_target(package_copy, "working"), package_copy)
    create_release(package_copy, "2023", "2023-07-18")
    compile_package(open_target(package_copy, "2023"), package_copy)
    ingest_document(package_copy, FIXTURES / "synthetic-typo-fix.txt", list_id="450325-baomi")
    second = compile_package(open_target(package_copy, "working"), package_copy)
    assert first.exists() and second.exists() and second != first  # release 2023 still holds the first state


def test_over_the_cap_the_least_recently_used_file_goes_first(package_copy, monkeypatch):
    release = compile_package(open_target(package_copy, "2022"), package_copy)
    monkeypatch.setenv("POWERLIST_CACHE_MB", str(release.stat().st_size * 1.5 / 1024 / 1024))
    working = compile_package(open_target(package_copy, "working"), package_copy)
    assert working.exists() and not release.exists()  # two files do not fit; the older one went
    assert compiled(package_copy) == [working]
