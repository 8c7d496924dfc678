"""`powerlist release` freezes the working state or refuses and writes nothing; `verify` catches edits."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from conftest import snapshot
from powerlist.cli import app
from powerlist.files import sha256_file as sha256


def cli(root: Path, *args: str):
    return CliRunner().invoke(app, ["-p", str(root), *args])


def test_release_writes_a_verified_self_contained_folder(package_copy: Path):
    res = cli(package_copy, "release", "2023", "--date", "2023-07-01")
    assert res.exit_code == 0, res.output
    folder = package_copy / "releases" / "2023"
    manifest = json.loads((folder / "release.json").read_text(encoding="utf-8"))
    assert (manifest["tag"], manifest["date"]) == ("2023", "2023-07-01")
    # Every table, schema and source document is inside the folder, each with its checksum.
    assert {"tables/items/450325-baomi.csv", "tables/items/catalog-baomi.csv", "schemas/items.json", "datapackage.json",
            "sources/2022/xingan-baomi-2022.txt", "sources/2022/gx-catalog-2022.txt"} <= set(manifest["files"])
    for rel, digest in manifest["files"].items():
        assert sha256(folder / rel) == digest
    for rel in ("tables/items/450325-baomi.csv", "tables/lists.csv"):
        assert (folder / rel).read_bytes() == (package_copy / rel).read_bytes()
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["version"] == "2023"
    assert all(not p.startswith("..") for r in descriptor["resources"]
               for p in (r["path"] if isinstance(r["path"], list) else [r["path"]]))
    res = cli(package_copy, "verify", "2023")
    assert (res.exit_code, res.stdout.strip()) == (0, "2023: ok")


def test_release_refuses_an_existing_tag_and_writes_nothing(package_copy: Path):
    before = snapshot(package_copy / "releases")
    res = cli(package_copy, "release", "2022")
    assert res.exit_code == 2
    assert res.stderr.strip() == (
        "error: release 2022 already exists in releases/2022; releases are never overwritten")
    assert snapshot(package_copy / "releases") == before


def test_release_refuses_an_invalid_working_state_and_writes_nothing(package_copy: Path):
    items = package_copy / "tables" / "items" / "450325-baomi.csv"
    # Synthetic damage: the first item's 权力分类 becomes a value outside the schema's enum.
    items.write_text(items.read_text(encoding="utf-8").replace(",行政强制,", ",行政命令,", 1), encoding="utf-8")
    before = snapshot(package_copy / "releases")
    res = cli(package_copy, "release", "2023")
    assert res.exit_code == 2
    [line] = res.stderr.splitlines()
    assert line.startswith("error: the working state is invalid (1 findings; first: items row 2: ")
    assert line.endswith("run `powerlist validate`")
    assert snapshot(package_copy / "releases") == before
    assert sorted(p.name for p in (package_copy / "releases").iterdir()) == ["2022"]


def test_release_refuses_a_bad_date(package_copy: Path):
    res = cli(package_copy, "release", "2023", "--date", "2023-13-01")
    assert (res.exit_code, res.stderr.strip()) == (2, "error: invalid release date '2023-13-01': expected YYYY-MM-DD")
    assert not (package_copy / "releases" / "2023").exists()


def test_verify_passes_on_the_untouched_release(package_copy: Path):
    res = cli(package_copy, "verify")
    assert (res.exit_code, res.stdout.strip()) == (0, "2022: ok")


def test_verify_reports_an_edited_a_missing_and_an_extra_file(package_copy: Path):
    folder = package_copy / "releases" / "2022"
    with open(folder / "tables" / "items.csv", "a", encoding="utf-8") as fh:
        fh.write("\n")
    (folder / "tables" / "steps.csv").unlink()
    (folder / "notes.txt").write_text("synthetic extra file", encoding="utf-8")
    res = cli(package_copy, "verify", "2022")
    assert res.exit_code == 1
    assert res.stdout.splitlines() == [
        "2022: MODIFIED",
        "  tables/items.csv: changed (SHA-256 differs from release.json)",
        "  tables/steps.csv: missing",
        "  notes.txt: not in release.json",
    ]


def test_verify_of_a_corrupted_release_folder_is_one_clear_line(package_copy: Path):
    manifest = package_copy / "releases" / "2022" / "release.json"
    manifest.write_text('{"tag": "2022", "files": ', encoding="utf-8")  # cut off mid-way
    res = cli(package_copy, "verify")
    assert res.exit_code == 2
    assert res.stderr.splitlines() == [
        f"error: release 2022: {manifest} is not a valid manifest (Expecting value: line 1 column 26 (char 25))"]


def test_verify_of_a_manifest_without_checksums_is_one_clear_line(package_copy: Path):
    manifest = package_copy / "releases" / "2022" / "release.json"
    manifest.write_text('["not", "a", "manifest"]', encoding="utf-8")
    res = cli(package_copy, "verify", "2022")
    assert res.exit_code == 2
    [line] = res.stderr.splitlines()
    assert line.startswith(f"error: release 2022: {manifest} is not a valid manifest (")


def test_verify_of_an_unknown_release_is_one_clear_line(package_copy: Path):
    res = cli(package_copy, "verify", "2031")
    assert (res.exit_code, res.stderr.strip()) == (2, "error: unknown release '2031' (known: 2022)")


def test_verify_lists_the_problems_in_manifest_order_when_the_files_are_hashed_in_several_tasks(package_copy: Path):
    """SYNTHETIC: release 2022's manifest given 300 more files (so its files are hashed in two
    tasks at least, files.sha256_files) with the first, a middle and the last edited and one
    missing: the problems come in the manifest's order as with one task."""
    import hashlib

    folder = package_copy / "releases" / "2022"
    manifest = json.loads((folder / "release.json").read_text(encoding="utf-8"))
    extra = folder / "extra"
    extra.mkdir()
    for i in range(300):
        (extra / f"n{i:03d}.txt").write_text(f"synthetic file {i}\n", encoding="utf-8")
        manifest["files"][f"extra/n{i:03d}.txt"] = hashlib.sha256(f"synthetic file {i}\n".encode()).hexdigest()
    (folder / "release.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for i in (0, 150, 299):
        (extra / f"n{i:03d}.txt").write_text("edited\n", encoding="utf-8")
    (extra / "n200.txt").unlink()
    res = cli(package_copy, "verify", "2022")
    assert res.exit_code == 1
    assert res.stdout.splitlines() == [
        "2022: MODIFIED",
        "  extra/n000.txt: changed (SHA-256 differs from release.json)",
        "  extra/n150.txt: changed (SHA-256 differs from release.json)",
        "  extra/n200.txt: missing",
        "  extra/n299.txt: changed (SHA-256 differs from release.json)",
    ]
