"""Crafted release folders and tags: no SQL injection through a folder name, one tag grammar,
schema names that cannot collide, tampered releases refused by every reader, staging leftovers
never counted as releases."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import package_files, snapshot
from powerlist.cli import app
from powerlist.errors import PowerlistError
from powerlist.names import check_name, schema_name
from powerlist.release import create_release
from powerlist.sqltext import ident, literal

INJECTION = """z' AS release, * FROM "r2022"."items"; COPY (SELECT 1) TO 'pwned-by-folder-name.csv'; --"""


def cli(root: Path, *args: str):
    return CliRunner().invoke(app, ["-p", str(root), *args])


def test_quoting_helpers_double_embedded_quotes():
    assert literal("a'b") == "'a''b'" and ident('a"b') == '"a""b"'
    assert literal(Path("/x/it's")) == "'/x/it''s'"


def test_a_release_folder_named_like_sql_injection_writes_no_file(package_copy: Path, tmp_path: Path, monkeypatch):
    shutil.copytree(package_copy / "releases" / "2022", package_copy / "releases" / INJECTION)
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    res = cli(package_copy, "sql", "select count(*) as n from all_items")
    assert res.exit_code == 0, res.output
    assert not list(work.iterdir()) and not list(package_copy.rglob("pwned*"))
    # Only release 2022 and the working state are queried: the crafted folder is no release.
    res = cli(package_copy, "sql", "select release from releases order by release", "--format", "csv")
    assert res.stdout.split() == ["release", "2022", "working"]
    res = cli(package_copy, "verify")
    assert res.exit_code == 1
    assert f"releases/{INJECTION}: not a release" in res.stdout


@pytest.mark.parametrize("tag", ["2023\n", "a" * 65, "a" * 300, ".hidden", "-x", "a/b", "../2022", "a b", "中文", "", "working"])
def test_release_refuses_a_tag_outside_the_grammar_in_one_line(package_copy: Path, tag):
    before = snapshot(package_copy)
    res = cli(package_copy, "release", "--date", "2023-07-01", "--", tag)
    assert res.exit_code == 2 and res.stderr.startswith("error: invalid release tag"), res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert snapshot(package_copy) == before


def test_the_grammar_accepts_64_characters_and_dots():
    assert check_name("release tag", "a" * 64) and check_name("release tag", "2023.1-rc_2")
    with pytest.raises(PowerlistError):
        check_name("release tag", "2023\n")


def test_tags_that_would_share_a_sql_schema_are_refused_at_release(package_copy: Path):
    assert schema_name("2023.1") == schema_name("2023_1")
    create_release(package_copy, "2023.1", "2023-07-01")
    with pytest.raises(PowerlistError, match=r"would be queried as SQL schema r2023_1, which release 2023.1 already has"):
        create_release(package_copy, "2023_1", "2023-07-02")
    assert not (package_copy / "releases" / "2023_1").exists()


def test_sql_refuses_a_package_holding_two_releases_of_one_schema(package_copy: Path):
    create_release(package_copy, "2023.1", "2023-07-01")
    shutil.copytree(package_copy / "releases" / "2023.1", package_copy / "releases" / "2023_1")
    res = cli(package_copy, "sql", "select 1")
    assert res.exit_code == 2
    assert res.stderr.strip() == ("error: releases 2023.1 and 2023_1 would both be SQL schema r2023_1; "
                                  "rename one of releases/2023.1 and releases/2023_1")


# ---- a tampered release ---------------------------------------------------------------------

def tamper(root: Path) -> None:
    """One character changed in release 2022's items table, its mtime put back."""
    path = root / "releases" / "2022" / "tables" / "items.csv"
    st = path.stat()
    data = path.read_bytes()
    i = data.index("保密".encode())
    path.write_bytes(data[:i] + "泄密".encode() + data[i + len("保密".encode()):])
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size


READERS = [
    ("sql", "select count(*) from all_items"),
    ("diff", "2022", "working"),
    ("validate", "2022"),
    ("lists", "--release", "2022"),
    ("show", "450325-baomi-001", "--release", "2022"),
    ("render", "450325-baomi", "--release", "2022"),
    ("history", "450325-baomi-001"),
    ("conform", "450325-baomi", "--release", "2022"),
    ("audit", "--release", "2022"),
    ("laws", "-r", "2022"),
]


@pytest.mark.parametrize("args", READERS, ids=[a[0] for a in READERS])
def test_every_reader_refuses_a_tampered_release_in_one_line(package_copy: Path, args):
    assert cli(package_copy, *args).exit_code in (0, 1)   # warms any cache with the good release
    tamper(package_copy)
    res = cli(package_copy, *args)
    assert res.exit_code == 2, res.output
    assert res.stderr.strip() == ("error: release 2022 does not match its release.json: tables/items.csv: "
                                  "changed (SHA-256 differs from release.json); refusing to read it "
                                  "(`powerlist verify 2022` lists every difference)")


def test_publish_refuses_a_tampered_release_and_leaves_the_output(package_copy: Path, tmp_path: Path):
    tamper(package_copy)
    res = cli(package_copy, "publish", "--out", str(tmp_path / "dist"))
    assert res.exit_code == 2 and "release 2022 does not match its release.json: tables/items.csv" in res.stderr
    assert not (tmp_path / "dist").exists()


def test_verify_explains_what_the_readers_refuse(package_copy: Path):
    tamper(package_copy)
    (package_copy / "releases" / "2022" / "extra.txt").write_text("x")
    res = cli(package_copy, "verify", "2022")
    assert res.exit_code == 1
    assert res.stdout.splitlines() == ["2022: MODIFIED", "  tables/items.csv: changed (SHA-256 differs from release.json)",
                                       "  extra.txt: not in release.json"]


def _link_to_same_bytes(root: Path) -> Path:
    """releases/2022/tables/items.csv replaced by a symbolic link to a file holding the very same
    bytes, inside the package: its SHA-256 still matches release.json."""
    frozen = root / "releases" / "2022" / "tables" / "items.csv"
    twin = root / "items-twin.csv"
    twin.write_bytes(frozen.read_bytes())
    frozen.unlink()
    frozen.symlink_to(twin)
    return twin


def test_a_release_file_that_is_a_link_is_refused_even_with_the_same_bytes(package_copy: Path):
    # The link's target can change later without the release folder changing: a frozen release
    # holds its own files, so verify and every reader refuse a link (after a cached good check, too).
    assert cli(package_copy, "lists", "--release", "2022").exit_code == 0
    twin = _link_to_same_bytes(package_copy)
    res = cli(package_copy, "verify", "2022")
    assert res.exit_code == 1
    assert res.stdout.splitlines() == ["2022: MODIFIED",
                                       "  tables/items.csv: a symbolic link (a release holds its own files)"]
    res = cli(package_copy, "lists", "--release", "2022")
    assert res.exit_code == 2
    assert res.stderr.strip() == ("error: release 2022 does not match its release.json: tables/items.csv: a symbolic "
                                  "link (a release holds its own files); refusing to read it "
                                  "(`powerlist verify 2022` lists every difference)")
    twin.write_text("item_id\n", encoding="utf-8")  # what the link would have let through
    assert cli(package_copy, "diff", "2022", "working").exit_code == 2


def test_the_check_is_cached_outside_releases(package_copy: Path):
    assert cli(package_copy, "lists", "--release", "2022").exit_code == 0
    (record,) = (package_copy / ".powerlist-cache" / "verified").iterdir()
    entry = json.loads(record.read_text(encoding="utf-8"))
    assert entry["folder"] == str((package_copy / "releases" / "2022").resolve())
    assert "tables/items.csv" in entry["files"]


def test_a_killed_release_leaves_staging_that_no_command_counts_and_the_next_removes(package_copy: Path):
    staging = package_copy / "releases" / ".2023.staging-abc123"
    shutil.copytree(package_copy / "releases" / "2022", staging)   # a complete-looking release inside
    res = cli(package_copy, "sql", "select release from releases order by release", "--format", "csv")
    assert res.exit_code == 0
    assert res.stdout.split() == ["release", "2022", "working"]
    assert res.stderr.strip() == ("powerlist: removed releases/.2023.staging-abc123 "
                                  "(an unfinished write left by a killed run)")
    assert not staging.exists()


def _lists_naming(root: Path, source_file: str) -> None:
    """The working lists table with the catalog list's source_file replaced (SYNTHETIC tampering)."""
    path = root / "tables" / "lists.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("sources/2022/gx-catalog-2022.txt", source_file),
                    encoding="utf-8")


@pytest.mark.parametrize("source_file", ["../outside.txt", "sources/../../outside.txt", "/etc/hostname", "link-out.txt"])
def test_a_release_refuses_a_list_document_outside_the_package(package_copy: Path, source_file: str):
    outside = package_copy.parent / "outside.txt"
    outside.write_text("SYNTHETIC: a file beside the package\n", encoding="utf-8")
    (package_copy / "link-out.txt").symlink_to(outside)
    _lists_naming(package_copy, source_file)
    siblings = sorted(p.name for p in package_copy.parent.iterdir())
    data = lambda: package_files(package_copy)
    before = data()
    res = cli(package_copy, "release", "2023")
    assert res.exit_code != 0
    assert res.output.startswith("error: lists.csv: list catalog-baomi: source_file: path ")
    assert f"path {source_file!r}" in res.output and "package" in res.output
    assert len(res.output.strip().splitlines()) == 1
    assert data() == before
    assert sorted(p.name for p in package_copy.parent.iterdir()) == siblings


def test_publish_refuses_a_release_whose_list_document_is_outside_it(package_copy: Path, tmp_path: Path):
    # SYNTHETIC: release 2022's lists table names a document beside the release folder, and its
    # release.json is rewritten to match (as a release an earlier version made from such a
    # lists table would be): publish copies each document to the same path in its output.
    rel = package_copy / "releases" / "2022"
    shutil.copy2(rel / "sources" / "2022" / "gx-catalog-2022.txt", package_copy / "releases" / "doc.txt")
    lists = rel / "tables" / "lists.csv"
    lists.write_text(lists.read_text(encoding="utf-8").replace("sources/2022/gx-catalog-2022.txt", "../doc.txt"),
                     encoding="utf-8")
    manifest = json.loads((rel / "release.json").read_text(encoding="utf-8"))
    manifest["files"]["tables/lists.csv"] = hashlib.sha256(lists.read_bytes()).hexdigest()
    (rel / "release.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    out = tmp_path / "work" / "dist"
    out.parent.mkdir()
    res = cli(package_copy, "publish", "--out", str(out))
    assert res.exit_code != 0
    assert "'../doc.txt'" in res.output and "package" in res.output
    assert len(res.output.strip().splitlines()) == 1
    assert list(out.parent.iterdir()) == []


def test_a_release_whose_list_document_is_missing_stops_with_one_line(package_copy: Path):
    (package_copy / "sources" / "2022" / "gx-catalog-2022.txt").unlink()   # SYNTHETIC: the document gone
    res = cli(package_copy, "release", "2023")
    assert res.exit_code == 2
    assert res.output.strip() == ("error: lists.csv: list catalog-baomi: source_file "
                                  "'sources/2022/gx-catalog-2022.txt' is not there")
    assert sorted(p.name for p in (package_copy / "releases").iterdir()) == ["2022"]
