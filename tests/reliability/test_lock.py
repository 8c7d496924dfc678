"""One package lock, tried with real processes: concurrent ingests serialise (no lost update),
readers share, a writer that cannot get the lock in time fails with one line and changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT, XINGAN_TXT, snapshot
from powerlist.package import Package

TOOL = ROOT / "tool"
HOLD = """
import sys, time
from pathlib import Path
from powerlist.lock import locked
with locked(Path(sys.argv[1]), exclusive=sys.argv[2] == "exclusive"):
    print("held", flush=True)
    time.sleep(60)
"""


def env(**extra: str) -> dict:
    e = {**os.environ, "PYTHONPATH": str(TOOL), **extra}
    e.pop("POWERLIST_FAULT", None)
    return e


def powerlist_cmd(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-c", "from powerlist.cli import app; app()", "-p", str(root), *args]


def hold(root: Path, mode: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(root), mode], env=env(), stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_two_concurrent_ingests_both_land(package_copy: Path):
    procs = [subprocess.Popen(powerlist_cmd(package_copy, "ingest", str(XINGAN_TXT), "--list", list_id),
                              env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for list_id in ("450325-copy-a", "450325-copy-b")]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    working = Package(package_copy, "working")
    lists = {l["list_id"] for l in working.read_table("lists")}
    assert {"450325-copy-a", "450325-copy-b"} <= lists
    items = working.read_table("items")
    assert sum(i["list_id"] == "450325-copy-a" for i in items) == sum(i["list_id"] == "450325-copy-b" for i in items) > 0
    assert len({i["item_id"] for i in items}) == len(items)


def test_a_writer_waits_a_bounded_time_then_fails_in_one_line(package_copy: Path):
    before = snapshot(package_copy)
    holder = hold(package_copy, "exclusive")
    try:
        start = time.monotonic()
        done = subprocess.run(powerlist_cmd(package_copy, "ingest", str(XINGAN_TXT), "--list", "450325-copy"),
                              env=env(POWERLIST_LOCK_TIMEOUT="1"), capture_output=True, text=True, timeout=60)
        waited = time.monotonic() - start
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: the package is busy: another powerlist command holds ")
    assert lines[0].endswith("waited 1 s (POWERLIST_LOCK_TIMEOUT); try again when it has finished")
    assert waited >= 1
    assert {k: v for k, v in snapshot(package_copy).items() if not k.startswith(".powerlist-cache")} == \
        {k: v for k, v in before.items() if not k.startswith(".powerlist-cache")}


def test_readers_share_and_block_a_writer(package_copy: Path):
    holder = hold(package_copy, "shared")
    try:
        reader = subprocess.run(powerlist_cmd(package_copy, "lists"), env=env(POWERLIST_LOCK_TIMEOUT="1"),
                                capture_output=True, text=True, timeout=60)
        writer = subprocess.run(powerlist_cmd(package_copy, "release", "2099", "--date", "2099-01-01"),
                                env=env(POWERLIST_LOCK_TIMEOUT="1"), capture_output=True, text=True, timeout=60)
    finally:
        holder.kill()
        holder.wait()
    assert reader.returncode == 0 and "450325-baomi" in reader.stdout
    assert writer.returncode == 2 and "the package is busy" in writer.stderr
    assert not (package_copy / "releases" / "2099").exists()


def test_a_killed_holder_leaves_no_stale_lock(package_copy: Path):
    holder = hold(package_copy, "exclusive")
    holder.kill()
    holder.wait()
    done = subprocess.run(powerlist_cmd(package_copy, "cache-clear"), env=env(POWERLIST_LOCK_TIMEOUT="1"),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
