"""One file per list (layout.py): the incremental paths give exactly what a full rebuild gives.

Every package here is SYNTHETIC (benchmarks/generate.py, ~20 items a list) except where the
real package is named. Each test compares an incremental path (one list's files read or
written, lists with equal files skipped, unchanged files linked) with the whole-package path.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from powerlist.diff import report as diff_report
from powerlist.diff.formats.json_format import write_json
from powerlist.ingest.run import ingest_document
from powerlist.storage import PARTITIONED
from powerlist.package import Package, write_tables
from powerlist.release import create_release, verify_release
from powerlist.render import ListView
from powerlist.render_office import render_office
from powerlist.schema import TABLES
from powerlist.validate import validate_package

sys.path.insert(0, str(ROOT / "benchmarks"))
import generate  # noqa: E402
import workflow  # noqa: E402

N = 200  # 10 synthetic lists


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synthetic-layout") / "n200"
    generate.generate(N, out, seed=3)
    return out


def one_file_package(synthetic: Path, dest: Path) -> Path:
    """The generated base (each table one file) with a SYNTHETIC placeholder source per list."""
    shutil.copytree(synthetic / "base", dest)
    for l in Package(dest, "working").read_table("lists"):
        (dest / l["source_file"]).parent.mkdir(parents=True, exist_ok=True)
        (dest / l["source_file"]).write_text("SYNTHETIC placeholder\n", encoding="utf-8")
    return dest


def per_list_package(synthetic: Path, dest: Path) -> Path:
    """The same package moved to one file per list by the writer every ingest uses."""
    pkg = one_file_package(synthetic, dest)
    working = Package(pkg, "working")
    write_tables(pkg, {name: working.read_table(name) for name in TABLES})
    from powerlist.descriptor import write_descriptor
    write_descriptor(pkg)
    return pkg


def all_rows(root: Path) -> dict[str, list[dict]]:
    pkg = Package(root, "working")
    return {name: sorted(pkg.read_table(name), key=lambda r: json.dumps(r, sort_keys=True, default=str))
            for name in TABLES}


def edited_docx(root: Path, list_id: str, folder: Path) -> Path:
    """The list rendered to Word with one step edited (workflow.edit_one_step)."""
    rendered, edited = folder / f"{list_id}.docx", folder / f"{list_id}-edited.docx"
    render_office(ListView(Package(root, "working"), list_id), "docx", rendered)
    workflow.edit_one_step(rendered, edited)
    return edited


def diff_bytes(root: Path, a: str, b: str, share: float, monkeypatch) -> bytes:
    monkeypatch.setattr(diff_report, "SUBSET_SHARE", share)
    with diff_report.open_diff(root, a, b) as r:
        buf = io.BytesIO()
        write_json(r.fields(), buf, r.change_blocks())
    return buf.getvalue()


def test_the_per_list_package_holds_the_same_rows_and_validates_under_both_engines(synthetic, tmp_path):
    whole = one_file_package(synthetic, tmp_path / "whole")
    parts = per_list_package(synthetic, tmp_path / "parts")
    assert all_rows(parts) == all_rows(whole)
    lists = {l["list_id"] for l in Package(parts, "working").read_table("lists")}
    assert len(lists) == 10
    for name in PARTITIONED:
        assert {p.stem for p in (parts / "tables" / name).glob("*.csv")} == lists
        assert not (parts / "tables" / f"{name}.csv").exists()
    pkg = Package(parts, "working")
    assert pkg.partitioned("items") and not pkg.partitioned("lists")
    for engine in ("duckdb", "frictionless"):
        result = validate_package(pkg, engine=engine)
        assert result.valid, result.findings[:3]
        assert result.rows["steps"] == len(all_rows(whole)["steps"])


def test_reading_one_list_gives_the_rows_a_whole_read_filtered_to_it_gives(synthetic, tmp_path):
    whole = Package(one_file_package(synthetic, tmp_path / "whole"), "working")
    parts = Package(per_list_package(synthetic, tmp_path / "parts"), "working")
    list_id = sorted(l["list_id"] for l in whole.read_table("lists"))[4]
    assert parts.read_lists({list_id}) == whole.read_lists({list_id})
    ids = {i["item_id"] for i in whole.read_table("items") if i["list_id"] == list_id}
    assert {r["item_id"] for r in parts.read_lists({list_id})["steps"]} == ids


def test_ingesting_one_list_rewrites_its_files_only_and_gives_a_full_rebuilds_rows(synthetic, tmp_path):
    whole = one_file_package(synthetic, tmp_path / "whole")      # first ingest migrates it whole
    parts = per_list_package(synthetic, tmp_path / "parts")      # ingest reads and writes one list
    list_id = sorted(l["list_id"] for l in Package(parts, "working").read_table("lists"))[6]
    doc = edited_docx(parts, list_id, tmp_path)
    before = {p.relative_to(parts).as_posix(): p.read_bytes() for p in (parts / "tables").rglob("*.csv")}
    ingest_document(whole, doc)
    ingest_document(parts, doc)
    assert all_rows(parts) == all_rows(whole)
    after = {p.relative_to(parts).as_posix(): p.read_bytes() for p in (parts / "tables").rglob("*.csv")}
    changed = {rel for rel in after if before.get(rel) != after[rel]}
    assert changed <= {f"tables/{t}/{list_id}.csv" for t in PARTITIONED} | {"tables/lists.csv"}
    assert f"tables/steps/{list_id}.csv" in changed
    # The migrated package is laid out exactly as the one that was per-list all along.
    assert sorted((whole / "tables").rglob("*.csv")) and \
        {p.relative_to(whole).as_posix() for p in (whole / "tables").rglob("*.csv")} == set(after)
    assert json.loads((whole / "datapackage.json").read_text())["resources"] == \
        json.loads((parts / "datapackage.json").read_text())["resources"]


def table_files(root: Path) -> dict[str, bytes]:
    """Every table file and the descriptor, by path: what a migration must reproduce exactly."""
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "tables").rglob("*") if p.is_file()}
    return {**files, "datapackage.json": (root / "datapackage.json").read_bytes()}


def scramble_rows(path: Path, seed: int) -> None:
    """Reorder a one-file steps table's data rows (SYNTHETIC): lists' rows no longer come
    together; and spell every tenth step number with a leading zero, which a read respells."""
    import random
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    body = [line.replace(",1,", ",01,", 1) if i % 10 == 0 else line for i, line in enumerate(lines[1:])]
    assert sum(",01," in line for line in body) > 10
    random.Random(seed).shuffle(body)
    path.write_text("".join([lines[0], *body]), encoding="utf-8")


@pytest.mark.parametrize("batch", [1 << 25, 1], ids=["one-batch", "a-batch-per-row"])
def test_the_streamed_migration_writes_the_bytes_a_whole_rewrite_writes(synthetic, tmp_path, monkeypatch, batch):
    # The reference: every table read whole and written by the in-memory layout writer
    # (write_tables, as `reset` writes), then the same document ingested one list at a time.
    # The steps table is shuffled first, so rows of a list arrive scattered among flushes.
    # Some of its numbers are spelled `01`: both writers spell them as read, `1`.
    from powerlist import package
    monkeypatch.setattr(package, "BATCH_CHARS", batch)
    whole = one_file_package(synthetic, tmp_path / "whole")
    scramble_rows(whole / "tables" / "steps.csv", seed=5)
    reference = tmp_path / "reference"
    shutil.copytree(whole, reference)
    working = Package(reference, "working")
    write_tables(reference, {name: working.read_table(name) for name in TABLES})
    from powerlist.descriptor import write_descriptor
    write_descriptor(reference)
    list_id = sorted(l["list_id"] for l in working.read_table("lists"))[3]
    doc = edited_docx(reference, list_id, tmp_path)
    ingest_document(reference, doc)
    ingest_document(whole, doc)  # the migration: streamed, in StagedState pieces
    assert table_files(whole) == table_files(reference)
    assert not (whole / "tables" / "steps.csv").exists()


def test_a_dangling_child_row_stops_the_migration_in_one_line_and_changes_nothing(synthetic, tmp_path):
    from conftest import snapshot
    from powerlist.errors import PowerlistError
    whole = one_file_package(synthetic, tmp_path / "whole")
    with open(whole / "tables" / "steps.csv", "a", encoding="utf-8", newline="") as fh:
        fh.write("no-such-item,1,1．,受理责任,合成,,,false\n")   # SYNTHETIC: a step of no item
    list_id = sorted(l["list_id"] for l in Package(whole, "working").read_table("lists"))[0]
    doc = edited_docx(whole, list_id, tmp_path)
    before = snapshot(whole)
    with pytest.raises(PowerlistError, match=r"^steps: row of item 'no-such-item' belongs to no list being written$"):
        ingest_document(whole, doc)
    assert snapshot(whole) == before


def test_a_migration_keeps_the_users_umask(synthetic, tmp_path):
    import os
    import stat
    whole = one_file_package(synthetic, tmp_path / "whole")
    list_id = sorted(l["list_id"] for l in Package(whole, "working").read_table("lists"))[0]
    doc = edited_docx(whole, list_id, tmp_path)
    old = os.umask(0o027)
    try:
        ingest_document(whole, doc)
    finally:
        os.umask(old)
    modes = {stat.S_IMODE(p.stat().st_mode) for p in (whole / "tables").rglob("*.csv")
             if p.parent.name in PARTITIONED}
    assert modes == {0o640}


MIGRATION_POINTS = ["commit:staged", "commit:journal", "commit:rename:1", "commit:rename:40", "commit:applied"]


@pytest.mark.parametrize("point", MIGRATION_POINTS)
def test_a_migration_killed_at_any_point_leaves_the_old_or_the_new_package(synthetic, tmp_path, point):
    import os
    import subprocess
    from conftest import snapshot
    whole = one_file_package(synthetic, tmp_path / "whole")
    list_id = sorted(l["list_id"] for l in Package(whole, "working").read_table("lists"))[0]
    doc = edited_docx(whole, list_id, tmp_path)
    reference = tmp_path / "reference"
    shutil.copytree(whole, reference)
    ingest_document(reference, doc)
    state = lambda root: {k: v for k, v in snapshot(root).items() if k.startswith(("tables/", "synthetic/", "datapackage"))}
    old, new = state(whole), state(reference)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tool"), "POWERLIST_FAULT": point}
    killed = subprocess.run([sys.executable, "-m", "powerlist", "-p", str(whole), "ingest", str(doc)],
                            env=env, capture_output=True, text=True)
    assert killed.returncode == -9, killed.stderr
    env.pop("POWERLIST_FAULT")
    after = subprocess.run([sys.executable, "-m", "powerlist", "-p", str(whole), "lists"], env=env,
                           capture_output=True, text=True)
    assert after.returncode == 0 and ".powerlist-txn" in after.stderr
    assert state(whole) == (old if point == "commit:staged" else new)


def test_a_diff_of_the_lists_whose_files_differ_is_byte_for_byte_the_whole_diff(synthetic, tmp_path, monkeypatch):
    parts = per_list_package(synthetic, tmp_path / "parts")
    create_release(parts, "base", "2026-01-01")
    list_id = sorted(l["list_id"] for l in Package(parts, "working").read_table("lists"))[2]
    ingest_document(parts, edited_docx(parts, list_id, tmp_path))
    by_list = diff_bytes(parts, "base", "working", 1.0, monkeypatch)
    whole = diff_bytes(parts, "base", "working", -1.0, monkeypatch)
    assert by_list == whole
    report = json.loads(by_list)
    assert {c["list_id"] for c in report["changes"]} == {list_id}
    assert any(c["table"] == "steps" and workflow.EDIT_MARK in (c["new"] or "") for c in report["changes"])


def test_the_real_package_diff_is_the_same_by_list_and_whole(tmp_path, monkeypatch):
    # Release 2022 stores each table in one file, the working state one file per list: nothing
    # to skip by, and the diff reads both layouts.
    from conftest import copy_package
    (tmp_path / "pkg").mkdir()
    root = copy_package(tmp_path / "pkg")
    assert diff_bytes(root, "2022", "working", 1.0, monkeypatch) == diff_bytes(root, "2022", "working", -1.0, monkeypatch)
    assert json.loads(diff_bytes(root, "2022", "working", 1.0, monkeypatch))["changes"] == []


def test_a_release_links_the_files_unchanged_since_the_last_release_and_verifies(synthetic, tmp_path):
    parts = per_list_package(synthetic, tmp_path / "parts")
    create_release(parts, "base", "2026-01-01")
    list_id = sorted(l["list_id"] for l in Package(parts, "working").read_table("lists"))[1]
    ingest_document(parts, edited_docx(parts, list_id, tmp_path))
    create_release(parts, "next", "2026-02-01")
    base, nxt = parts / "releases" / "base", parts / "releases" / "next"
    other = sorted(l for l in (nxt / "tables" / "items").glob("*.csv") if l.stem != list_id)[0]
    assert other.stat().st_ino == (base / "tables" / "items" / other.name).stat().st_ino
    changed = nxt / "tables" / "steps" / f"{list_id}.csv"
    assert changed.stat().st_ino != (base / "tables" / "steps" / f"{list_id}.csv").stat().st_ino
    assert changed.read_bytes() == (parts / "tables" / "steps" / f"{list_id}.csv").read_bytes()
    assert verify_release(parts, "base").ok and verify_release(parts, "next").ok
    assert validate_package(Package(nxt, "next")).valid
    # The link moved the shared inode's change time: both releases' verified records follow it,
    # so neither is hashed whole again on its next read (manifest.check_release).
    verified = {entry["folder"]: entry for entry in
                (json.loads(p.read_text(encoding="utf-8")) for p in (parts / ".powerlist-cache" / "verified").iterdir())}
    rel = f"tables/items/{other.name}"
    st = other.stat()
    for folder in (base, nxt):
        assert verified[str(folder.resolve())]["files"][rel][:4] == [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
    # The list documents are linked too: the edited list's new document is a copy, another's a link.
    lists = {l["list_id"]: l["source_file"] for l in Package(parts, "working").read_table("lists")}
    other_doc = next(path for lid, path in lists.items() if lid != list_id)
    assert (nxt / other_doc).stat().st_ino == (base / other_doc).stat().st_ino
    assert (nxt / lists[list_id]).stat().st_nlink == 1
    assert (nxt / lists[list_id]).read_bytes() == (parts / lists[list_id]).read_bytes()


def test_verify_catches_an_edit_of_a_file_two_releases_share(synthetic, tmp_path):
    parts = per_list_package(synthetic, tmp_path / "parts")
    create_release(parts, "base", "2026-01-01")
    create_release(parts, "next", "2026-02-01")   # nothing changed: every file is a link
    shared = parts / "releases" / "next" / "tables" / "steps" / sorted((parts / "tables" / "steps").iterdir())[0].name
    assert shared.stat().st_nlink == 2
    st = shared.stat()
    data = shared.read_bytes()
    shared.write_bytes(data.replace("责任".encode(), "义务".encode(), 1))   # SYNTHETIC tampering
    os.utime(shared, ns=(st.st_atime_ns, st.st_mtime_ns))
    rel = shared.relative_to(parts / "releases" / "next").as_posix()
    for tag in ("base", "next"):
        result = verify_release(parts, tag)
        assert not result.ok and result.problems == [f"{rel}: changed (SHA-256 differs from release.json)"]
    from powerlist.manifest import ReleaseDamaged
    from powerlist.package import open_target
    with pytest.raises(ReleaseDamaged, match=f"release next does not match its release.json: {rel}: changed"):
        open_target(parts, "next")


def test_findings_in_a_later_file_carry_frictionless_row_numbers(synthetic, tmp_path):
    # A SYNTHETIC corruption in the third list's items file: a bad 序号, a duplicated id, a
    # dangling step. Row numbers count every earlier file's rows, as frictionless reads them.
    parts = per_list_package(synthetic, tmp_path / "parts")
    files = sorted((parts / "tables" / "items").glob("*.csv"))
    first_id = next(csv.DictReader(open(files[0], encoding="utf-8")))["item_id"]
    rows = list(csv.DictReader(open(files[2], encoding="utf-8")))
    rows[1]["seq"] = "二"
    rows[3]["item_id"] = first_id
    with open(files[2], "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    steps = sorted((parts / "tables" / "steps").glob("*.csv"))[5]
    with open(steps, "a", encoding="utf-8", newline="") as fh:
        fh.write("no-such-item,1,1．,受理责任,合成,,,false\n")
    pkg = Package(parts, "working")
    fast, ref = validate_package(pkg, engine="duckdb"), validate_package(pkg, engine="frictionless")
    assert not fast.valid and fast.engine == "duckdb"
    assert [(f.table, f.row, f.field, f.type, f.message) for f in fast.findings] == \
        [(f.table, f.row, f.field, f.type, f.message) for f in ref.findings]
    earlier = sum(1 for p in files[:2] for _ in open(p, encoding="utf-8")) - 2  # data rows before
    # Header = row 1, so the file's data row i (from 0) is row earlier + i + 2.
    assert {(f.table, f.row, f.type) for f in fast.findings} >= {
        ("items", earlier + 1 + 2, "type-error"), ("items", earlier + 3 + 2, "primary-key")}


def test_ingest_reads_the_lists_items_file_of_each_release_only_after_checking_it(synthetic, tmp_path):
    # Item ids are never reused: ingest reads the ids the list had in every release, from the
    # list's own items file, hashed against the release's manifest first.
    from conftest import snapshot
    from powerlist.ingest.run import used_item_ids
    from powerlist.manifest import ReleaseDamaged
    parts = per_list_package(synthetic, tmp_path / "parts")
    list_id = sorted(l["list_id"] for l in Package(parts, "working").read_table("lists"))[5]
    create_release(parts, "base", "2026-01-01")
    items = parts / "tables" / "items" / f"{list_id}.csv"
    ids = {r["item_id"] for r in csv.DictReader(open(items, encoding="utf-8"))}
    # SYNTHETIC: drop the list's last item from the working state; its id stays used (release base).
    lines = items.read_text(encoding="utf-8").splitlines(keepends=True)
    last = lines[-1].split(",")[0]
    items.write_text("".join(lines[:-1]), encoding="utf-8")
    assert last in ids and used_item_ids(parts, list_id) == ids
    released = parts / "releases" / "base" / "tables" / "items" / f"{list_id}.csv"
    released.unlink()
    released.write_text("".join(lines[:-1]), encoding="utf-8")   # SYNTHETIC tampering of the release
    doc = edited_docx(parts, list_id, tmp_path)
    before = snapshot(parts)
    with pytest.raises(ReleaseDamaged, match=rf"^release base does not match its release.json: "
                                             rf"tables/items/{list_id}.csv: changed \(SHA-256 differs from release.json\)"):
        ingest_document(parts, doc)
    assert snapshot(parts) == before


def test_the_digest_memo_hashes_each_file_state_once_and_survives_a_torn_line(synthetic, tmp_path, monkeypatch):
    from powerlist import digests
    parts = per_list_package(synthetic, tmp_path / "parts")
    pkg = Package(parts, "working")
    first = digests.table_digests(pkg, parts)
    assert first == {rel: digests.sha256_file(parts / rel) for rel in first} and len(first) > 50
    hashed = []
    monkeypatch.setattr(digests, "sha256_file", lambda p: hashed.append(p) or "0" * 64)
    assert digests.table_digests(pkg, parts) == first and hashed == []
    # An ingest records the files it wrote by appending, and a line cut short by a kill is skipped.
    log = parts / ".powerlist-cache" / digests.MEMO
    with open(log, "a", encoding="utf-8") as fh:
        fh.write("12 34 56 abc")   # SYNTHETIC: a record a kill cut short
    list_id = sorted(l["list_id"] for l in pkg.read_table("lists"))[0]
    monkeypatch.undo()
    ingest_document(parts, edited_docx(parts, list_id, tmp_path))
    monkeypatch.setattr(digests, "sha256_file", lambda p: hashed.append(p) or "0" * 64)
    after = digests.table_digests(Package(parts, "working"), parts)
    assert hashed == []
    assert after[f"tables/steps/{list_id}.csv"] == hashlib.sha256((parts / "tables" / "steps" / f"{list_id}.csv").read_bytes()).hexdigest()
    assert {rel for rel in first if after[rel] != first[rel]} >= {f"tables/steps/{list_id}.csv"}
    assert "12 34 56 abc\n" in log.read_text(encoding="utf-8")  # ended, so the next record stayed whole


def test_the_manifest_index_follows_an_edited_manifest(synthetic, tmp_path):
    # The per-release index of manifest entries is a cache: an edit of release.json (its
    # stamp changes) is read, never the stale index.
    from powerlist.ingest.run import used_item_ids
    from powerlist.manifest import ReleaseDamaged
    parts = per_list_package(synthetic, tmp_path / "parts")
    list_id = sorted(l["list_id"] for l in Package(parts, "working").read_table("lists"))[2]
    create_release(parts, "base", "2026-01-01")
    assert used_item_ids(parts, list_id)   # builds the index
    assert list((parts / ".powerlist-cache" / "manifest-index").iterdir())
    manifest_path = parts / "releases" / "base" / "release.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["files"][f"tables/items/{list_id}.csv"] = "0" * 64   # SYNTHETIC tampering
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ReleaseDamaged, match=f"tables/items/{list_id}.csv: changed"):
        used_item_ids(parts, list_id)


def test_a_release_does_not_link_a_damaged_file_of_the_earlier_release(synthetic, tmp_path):
    # SYNTHETIC damage to release base after it was written: the next release copies the
    # working file instead of linking the damaged one, so it verifies; base still does not.
    parts = per_list_package(synthetic, tmp_path / "parts")
    create_release(parts, "base", "2026-01-01")
    rel = f"tables/steps/{sorted((parts / 'tables' / 'steps').iterdir())[3].name}"
    damaged = parts / "releases" / "base" / rel
    st = damaged.stat()
    damaged.write_bytes(damaged.read_bytes().replace("责任".encode(), "义务".encode(), 1))
    os.utime(damaged, ns=(st.st_atime_ns, st.st_mtime_ns))
    create_release(parts, "next", "2026-02-01")
    kept = parts / "releases" / "next" / rel
    assert kept.stat().st_ino != damaged.stat().st_ino
    assert kept.read_bytes() == (parts / rel).read_bytes()
    assert verify_release(parts, "next").ok
    assert verify_release(parts, "base").problems == [f"{rel}: changed (SHA-256 differs from release.json)"]


def test_the_caches_an_earlier_version_wrote_are_read_after_an_upgrade(synthetic, tmp_path, monkeypatch):
    # An earlier version kept the digest memo in sha256.json and every release's check records
    # in verified.json; the first command after an upgrade reads them instead of hashing all.
    from powerlist import digests, manifest
    from powerlist.package import open_target
    parts = per_list_package(synthetic, tmp_path / "parts")
    create_release(parts, "base", "2026-01-01")
    cache = parts / ".powerlist-cache"
    pkg = Package(parts, "working")
    rels = [p for res in pkg.descriptor["resources"] for p in (res["path"] if isinstance(res["path"], list) else [res["path"]])]
    legacy = {}
    for rel in rels:
        st = (parts / rel).stat()
        legacy[f"{parts.resolve()}/{rel}"] = [st.st_size, st.st_mtime_ns, st.st_ino, hashlib.sha256((parts / rel).read_bytes()).hexdigest()]
    (cache / "sha256.log").unlink()
    (cache / "sha256.json").write_text(json.dumps(legacy), encoding="utf-8")
    (record,) = (cache / "verified").iterdir()
    entry = json.loads(record.read_text(encoding="utf-8"))
    record.unlink()
    (cache / "verified.json").write_text(json.dumps({entry["folder"]: {"manifest": entry["manifest"], "files": entry["files"]}}),
                                         encoding="utf-8")
    hashed = []
    monkeypatch.setattr(digests, "sha256_file", lambda p: hashed.append(p) or "0" * 64)
    monkeypatch.setattr(manifest, "sha256_file", lambda p: hashed.append(p) or "0" * 64)
    assert digests.table_digests(pkg, parts) == {r: legacy[f"{parts.resolve()}/{r}"][3] for r in rels}
    open_target(parts, "base")
    assert hashed == []
