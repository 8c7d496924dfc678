"""A release killed or stopped by git part-way is finished or cleaned by the next command:
a kill before the final rename leaves staging no one counts (removed with a notice); a kill before
the git commit, or a locked git index (named in the message), is finished by `release TAG` again."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

TOOL = ROOT / "tool"


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


def powerlist(root: Path, *args: str, fault: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(TOOL)}
    env.pop("POWERLIST_FAULT", None)
    if fault:
        env["POWERLIST_FAULT"] = fault
    return subprocess.run([sys.executable, "-c", "from powerlist.cli import app; app()", "-p", str(root), *args],
                          env=env, capture_output=True, text=True, timeout=300)


def checkout(root: Path) -> Path:
    git(root, "init", "-q")
    git(root, "config", "user.name", "t")
    git(root, "config", "user.email", "t@example.invalid")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "2022")
    return root


def test_a_release_killed_before_its_rename_leaves_staging_that_the_next_command_removes(package_copy: Path):
    killed = powerlist(package_copy, "release", "2023", "--date", "2023-07-01", fault="staged_dir:built")
    assert killed.returncode == -9
    staging = [p.name for p in (package_copy / "releases").iterdir() if p.name.startswith(".2023.staging-")]
    assert len(staging) == 1 and (package_copy / "releases" / staging[0] / "release.json").is_file()
    res = powerlist(package_copy, "verify")
    assert (res.returncode, res.stdout) == (0, "2022: ok\n")
    assert res.stderr == f"powerlist: removed releases/{staging[0]} (an unfinished write left by a killed run)\n"
    done = powerlist(package_copy, "release", "2023", "--date", "2023-07-01")
    assert done.returncode == 0 and powerlist(package_copy, "verify", "2023").stdout == "2023: ok\n"


def test_a_release_killed_before_git_is_committed_and_tagged_by_running_it_again(package_copy: Path):
    checkout(package_copy)
    killed = powerlist(package_copy, "release", "2023", "--date", "2023-07-01", fault="release:before-git")
    assert killed.returncode == -9
    assert (package_copy / "releases" / "2023" / "release.json").is_file() and git(package_copy, "tag") == ""
    again = powerlist(package_copy, "release", "2023")
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("released 2023 (2023-07-01): ")
    assert git(package_copy, "tag") == "release/2023\n"
    assert "releases/2023/release.json" in git(package_copy, "show", "--name-only", "--format=", "release/2023")
    third = powerlist(package_copy, "release", "2023")
    assert third.returncode == 2 and "already exists" in third.stderr


def test_a_locked_git_index_is_named_and_the_release_finished_after(package_copy: Path):
    checkout(package_copy)
    lock = package_copy / ".git" / "index.lock"
    lock.write_text("")
    res = powerlist(package_copy, "release", "2023", "--date", "2023-07-01")
    assert res.returncode == 2
    assert res.stderr == (f"error: release 2023 written to releases/2023, but git could not lock its index: {lock} "
                          "exists (another git command is running, or one was killed: remove that file if none is "
                          "running); then run `powerlist release 2023` again to commit and tag it\n")
    lock.unlink()
    assert powerlist(package_copy, "release", "2023").returncode == 0
    assert git(package_copy, "tag") == "release/2023\n"
    assert git(package_copy, "status", "--porcelain", "releases") == ""


def test_an_edited_release_without_a_tag_is_not_tagged(package_copy: Path):
    checkout(package_copy)
    assert powerlist(package_copy, "release", "2023", "--date", "2023-07-01", fault="release:before-git").returncode == -9
    items = package_copy / "releases" / "2023" / "tables" / "lists.csv"
    items.write_bytes(items.read_bytes() + b"\n")
    res = powerlist(package_copy, "release", "2023")
    assert res.returncode == 2 and "already exists" in res.stderr and git(package_copy, "tag") == ""
