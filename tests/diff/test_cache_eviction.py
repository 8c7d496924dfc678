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


def test_what_a_killed_command_left_half_written_goes_with_the_next_eviction(package_copy):
    # A diff saving its report or a compile killed outright (SIGKILL, the OOM killer) leaves its
    # temporary file, which no eviction counted: SYNTHETIC leftovers of a process that is gone.
    import os
    import subprocess
    import sys
    from powerlist.diff import diff_packages
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    cache = package_copy / ".powerlist-cache"
    cache.mkdir()
    old = 1_000_000_000   # 2001: long before any command now running started
    (cache / "spill").mkdir()
    leftovers = [cache / f".diff-{'0' * 32}.jsonl.{gone}.tmp", cache / f".pkg-{'1' * 32}.duckdb.{gone}.tmp",
                 cache / "spill" / f".differing-x1y2z3.{gone}.tmp", cache / "spill" / f".joined-a1b2c3.{gone}.tmp"]
    live = cache / f".pkg-{'2' * 32}.duckdb.{os.getpid()}.tmp"   # this process's: being written
    for p in [*leftovers, live]:
        p.write_bytes(b"SYNTHETIC half-written file\n")
        os.utime(p, (old, old))
    diff_packages(package_copy, "2022", "working")   # saves its report, then evicts
    assert not any(p.exists() for p in leftovers)
    assert live.exists()


def test_an_eviction_running_beside_another_one_is_not_stopped_by_a_file_it_removed(package_copy, monkeypatch):
    # Two readers (sql, diff) share the package lock and may evict at the same time: a file the
    # other one removes between this one's listing and its stat is skipped, not a traceback.
    import pathlib
    from powerlist import compiled as c
    cache = package_copy / ".powerlist-cache"
    cache.mkdir()
    doomed = cache / f"diff-{'3' * 32}.jsonl"
    doomed.write_bytes(b"SYNTHETIC saved report\n")
    stat = pathlib.Path.stat

    def seen_then_removed(self, *args, **kwargs):
        found = stat(self, *args, **kwargs)
        if self == doomed:
            doomed.unlink()   # the other command's eviction, just after this one first looked
        return found

    monkeypatch.setattr(pathlib.Path, "stat", seen_then_removed)
    monkeypatch.setenv("POWERLIST_CACHE_MB", "0")
    c.evict(cache, set())
    assert not doomed.exists()
