"""Shared fixtures. `package_copy` gives each test its own copy of the real data package."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from powerlist.package import Package

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources" / "2022"
CATALOG_TXT = SOURCES / "gx-catalog-2022.txt"
XINGAN_TXT = SOURCES / "xingan-baomi-2022.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def copy_package(dest: Path) -> Path:
    """A throwaway copy of the repository's data package (working state + releases)."""
    for name in ("datapackage.json", ".gitignore"):
        shutil.copy2(ROOT / name, dest / name)
    for folder in ("tables", "schemas", "sources", "releases"):
        shutil.copytree(ROOT / folder, dest / folder)
    return dest


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    return copy_package(tmp_path / "pkg") if (tmp_path / "pkg").mkdir() is None else None


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, by relative path: to assert that nothing changed.

    The package lock file (.powerlist.lock, empty, ignored by git) is left out: every command
    opens it, reading ones included, and it holds no data."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != ".powerlist.lock"}


def package_files(root: Path) -> dict[str, bytes]:
    """snapshot() of a package without its cache (.powerlist-cache/: digests and compiled files
    any command may remember on the way; not package data)."""
    return {k: v for k, v in snapshot(root).items() if not k.startswith(".powerlist-cache/")}


CHILDREN = {"steps": ("item_id", "step_no"), "accountability": ("item_id", "case_no"),
            "exemptions": ("item_id", "seq"), "bases": ("basis_id",)}


def list_rows(root: Path, list_id: str) -> dict[str, list[dict]]:
    """Every row belonging to one list, in key order (ingest appends a replaced list at the end)."""
    pkg = Package(root, "working")
    items = sorted((i for i in pkg.read_table("items") if i["list_id"] == list_id), key=lambda i: i["item_id"])
    ids = {i["item_id"] for i in items}
    rows = {"items": items}
    for table, key in CHILDREN.items():
        rows[table] = sorted((r for r in pkg.read_table(table) if r["item_id"] in ids),
                             key=lambda r: tuple(r[k] for k in key))
    return rows
