"""Files one publish writes once and links for a later release with the same tables (reuse.py),
and the SQLite file written by a child process: the output must be exactly what a publish that
builds every file itself writes.

The package: the repository's data package with two releases made in a row from the same working
state (2023 and 2024: the same table files, so the same rows), after the real release 2022."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import pytest

from conftest import copy_package, snapshot
from powerlist.errors import PowerlistError
from powerlist.compiled import cache_dir
from powerlist.publish import background, build, publish, release_data, reuse
from powerlist.publish.release_data import ReleaseData
from powerlist.release import create_release

STEM = "guangxi-baomi-powerlists"


class _Forgetful(dict):
    """A record that keeps nothing: every file is built as if no release came before."""

    def __setitem__(self, key, value):
        pass


@pytest.fixture(scope="module")
def pkg(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("reuse") / "pkg"
    root.mkdir()
    copy_package(root)
    create_release(root, "2023", "2023-07-01")
    create_release(root, "2024", "2024-07-01")
    return root


@pytest.fixture(scope="module")
def dist(pkg) -> Path:
    out = pkg.parent / "dist"
    publish(pkg, out)
    return out


@pytest.fixture(scope="module")
def rebuilt(pkg) -> Path:
    out = pkg.parent / "rebuilt"
    close = ReleaseData.close
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(reuse, "_built", _Forgetful())
        mp.setattr(reuse, "_facts", _Forgetful())
        # No database file kept for 2024: it reads its tables from its CSVs as 2023 did.
        mp.setattr(ReleaseData, "close", lambda self, keep=False: close(self))
        publish(pkg, out)
    return out


def test_a_release_with_the_same_tables_links_the_earlier_files(dist):
    for name in ("sqlite", "duckdb"):
        assert os.path.samefile(dist / "2023" / f"{STEM}-2023.{name}", dist / "2024" / f"{STEM}-2024.{name}")
    for table in ("items", "steps", "bases", "laws"):
        earlier = dist / "2023" / "parquet" / f"{table}.parquet"
        assert os.path.samefile(earlier, dist / "2024" / "parquet" / f"{table}.parquet")
        assert os.path.samefile(earlier, dist / "parquet" / table / "release=r2024" / "part-0.parquet")
    docs = sorted((dist / "2024" / "sources").rglob("*.docx")) or sorted((dist / "2024").rglob("*.txt"))
    assert docs and all(os.path.samefile(d, dist / "2023" / d.relative_to(dist / "2024")) for d in docs)
    # 2022 reads other tables (no law tables of its own, law_id derived): nothing is shared with it.
    assert not os.path.samefile(dist / "2022" / f"{STEM}-2022.sqlite", dist / "2023" / f"{STEM}-2023.sqlite")


def test_linked_and_copied_entries_give_the_bytes_of_a_publish_that_builds_everything(dist, rebuilt):
    a, b = snapshot(dist), snapshot(rebuilt)
    assert a.keys() == b.keys()
    # .duckdb files embed a random database id (and their checksums are in these files).
    holders = {"SHA256SUMS", "dcat.json", "site/downloads/dcat.json", "site/index.html", "site/latest/index.html"}
    differ = sorted(k for k in a if a[k] != b[k] and not k.endswith(".duckdb") and k not in holders)
    assert differ == []
    with zipfile.ZipFile(dist / "2024" / f"{STEM}-2024.zip") as zf:
        assert zf.testzip() is None
        assert all(n.startswith(f"{STEM}-2024/") for n in zf.namelist())
    for tag in ("2023", "2024"):
        x = duckdb.connect(str(dist / tag / f"{STEM}-{tag}.duckdb"), read_only=True)
        y = duckdb.connect(str(rebuilt / tag / f"{STEM}-{tag}.duckdb"), read_only=True)
        try:
            for (table,) in x.execute("select table_name from duckdb_tables() order by 1").fetchall():
                assert x.execute(f"select * from {table} order by all").fetchall() == \
                       y.execute(f"select * from {table} order by all").fetchall(), table
        finally:
            x.close()
            y.close()


def test_a_release_with_the_same_tables_opens_the_earlier_ones_database_file(pkg, tmp_path, monkeypatch):
    """2024 holds 2023's rows: its tables are not read from its CSVs again (the bytes are
    rebuilt's, above), and no release database is left in the spill folder after."""
    read, load_view = [], release_data.load_view
    monkeypatch.setattr(release_data, "load_view", lambda con, view: (read.append(view.package.path.name),
                                                                      load_view(con, view)))
    publish(pkg, tmp_path / "dist")
    assert read == ["2022", "2023"]
    assert not list((cache_dir(pkg) / "spill").glob("publish-release-*"))


def test_a_publish_failing_before_the_release_that_would_open_a_kept_file_removes_it(pkg, tmp_path, monkeypatch):
    load, kept = ReleaseData.load, []

    def failing(self, db=None):
        if self.tag == "2024":
            kept.append(db)
            raise PowerlistError("synthetic failure (test)")
        return load(self, db)
    monkeypatch.setattr(ReleaseData, "load", failing)
    with pytest.raises(PowerlistError, match="synthetic failure"):
        publish(pkg, tmp_path / "dist")
    assert kept[0] is not None and kept[0].name.startswith("publish-release-")  # 2023's file, kept for 2024
    assert not list((cache_dir(pkg) / "spill").glob("publish-release-*"))
    assert not (tmp_path / "dist").exists()


def test_the_sqlite_rowids_the_search_index_gives_are_the_rows_it_found(dist):
    # The index maps distinct values to rowids: each row a search returns must hold the word.
    con = sqlite3.connect(dist / "2024" / f"{STEM}-2024.sqlite")
    try:
        for table, column, word in [("steps", "text", "收缴"), ("bases", "text", "秘密"), ("items", "name", "保密")]:
            rows = con.execute(f"select {column} from {table} where rowid in "
                               f"(select rowid from {table}_fts where {column} match ?)", (f'"{word}"',)).fetchall()
            every = con.execute(f"select count(*) from {table} where {column} like ?", (f"%{word}%",)).fetchone()[0]
            assert rows and len(rows) == every and all(word in r[0] for r in rows), (table, word)
    finally:
        con.close()


def test_a_failing_sqlite_child_fails_publish_and_leaves_the_previous_output(pkg, dist, monkeypatch):
    before = snapshot(dist)
    monkeypatch.setattr(background, "MEMORY", "not a size")  # the child's DuckDB refuses it
    with pytest.raises(PowerlistError, match=r"writing guangxi-baomi-powerlists-2022\.sqlite failed"):
        publish(pkg, dist)
    assert snapshot(dist) == before


def test_the_children_import_nothing_from_the_current_folder(pkg, dist, tmp_path, monkeypatch):
    # publish run in a folder holding a json.py (SYNTHETIC: one that stops whoever imports it,
    # as code planted in a downloaded package folder could do anything): `python -m` would put
    # that folder first on a child's sys.path; the console script's own process never does.
    here = tmp_path / "here"
    here.mkdir()
    (here / "json.py").write_text("raise SystemExit('SYNTHETIC: json.py of the current folder imported')\n",
                                  encoding="utf-8")
    monkeypatch.chdir(here)
    publish(pkg, tmp_path / "out")
    assert snapshot(tmp_path / "out").keys() == snapshot(dist).keys()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_database_child_dies_with_a_publish_killed_outright(tmp_path):
    # A parent starts a child the way background._run does and hands it a job whose Parquet file
    # is a FIFO nobody writes (SYNTHETIC: one table of one text column), so the child is busy
    # inside DuckDB, past reading its job; then the parent is killed with SIGKILL. The child must
    # not outlive it (it would go on writing into a staging folder nobody will rename).
    fifo = tmp_path / "items.parquet"
    os.mkfifo(fifo)
    (tmp_path / "spill").mkdir()
    job = {"kind": "sqlite", "path": str(tmp_path / "out.sqlite"), "spill": str(tmp_path / "spill"),
           "memory": "64MB", "tables": {"items": {"fields": [{"name": "item_id", "type": "string"}]}},
           "parquet": {"items": str(fifo)}}
    parent = subprocess.Popen([sys.executable, "-c", (
        "import json, subprocess, sys, time\n"
        f"c = subprocess.Popen({background.COMMAND!r}, stdin=subprocess.PIPE)\n"
        "c.stdin.write(sys.argv[1].encode()); c.stdin.close()\n"
        "print(c.pid, flush=True)\n"
        "time.sleep(60)\n"), json.dumps(job)], stdout=subprocess.PIPE, text=True, env=os.environ)
    child = int(parent.stdout.readline())
    _blocked_on_the_fifo(child)
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(child):
        time.sleep(0.1)
    survived = _alive(child)
    if survived:
        os.kill(child, signal.SIGKILL)  # not left behind by a failing run
    assert not survived


def _blocked_on_the_fifo(pid: int) -> None:
    """Until the child waits in open() of the FIFO (its job read, its prctl call made)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/wchan", encoding="ascii") as fh:
                if fh.read() == "wait_for_partner":  # the kernel's name for open() of a FIFO
                    return
        except OSError:
            break
        time.sleep(0.1)
    time.sleep(3)  # no wchan to read: give its imports time


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"  # a zombie has died (init reaps it)
    except FileNotFoundError:
        return False


def test_two_publishes_into_one_folder_wait_for_each_other(package_copy, tmp_path, monkeypatch):
    # A second publish into the same --out, started while the first is writing its staging
    # folder (here: from inside the first, just before its checksums), took that folder for a
    # killed run's leftover and removed it, and the first failed. It waits for the first now
    # (and, past POWERLIST_LOCK_TIMEOUT, stops with one line, touching nothing).
    from powerlist.publish import build
    out = tmp_path / "out"
    monkeypatch.setenv("POWERLIST_LOCK_TIMEOUT", "0.2")
    real = build.write_sha256sums
    second = []

    def meanwhile(folder):
        if not second:   # the first publish only (the second, if it ran, would come here too)
            second.append("started")
            try:
                publish(package_copy, out)
                second.append("published")
            except PowerlistError as exc:
                second.append(str(exc))
        return real(folder)

    monkeypatch.setattr(build, "write_sha256sums", meanwhile)
    publish(package_copy, out)
    assert second == ["started", f"another publish is writing in {out.parent}: waited 0.2 s (POWERLIST_LOCK_TIMEOUT); "
                      "try again when it has finished"]
    monkeypatch.undo()
    assert subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=out).returncode == 0
