"""In a git checkout, a release is committed with the state it was made from and tagged."""

from __future__ import annotations

import subprocess

import pytest

from conftest import FIXTURES
from powerlist.errors import PowerlistError
from powerlist.ingest.run import ingest_document
from powerlist.release import create_release


def git(root, *args) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


def test_release_commits_the_released_state_and_tags_it(package_copy):
    git(package_copy, "init", "-q")
    git(package_copy, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "add", "-A")
    git(package_copy, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "2022")
    git(package_copy, "config", "user.name", "t")
    git(package_copy, "config", "user.email", "t@example.invalid")
    ingest_document(package_copy, FIXTURES / "synthetic-typo-fix.txt", "450325-baomi")

    create_release(package_copy, "2023", "2023-07-01")

    assert git(package_copy, "tag", "--list") == "release/2023\n"
    assert git(package_copy, "status", "--porcelain") == ""  # tables/, sources/working/ committed too
    assert "sources/working/synthetic-typo-fix.txt" in git(package_copy, "show", "--name-only", "release/2023")
    with pytest.raises(PowerlistError, match="already exists"):
        create_release(package_copy, "2023", "2023-07-02")
