"""`powerlist publish`: every artifact read back by its own ecosystem's reader, checksums,
reproducibility and atomicity. Published once per module (two releases: 2022 and synthetic 2023)."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from frictionless import Package as FrictionlessPackage
from frictionless import validate
from typer.testing import CliRunner

from conftest import ROOT, snapshot
from powerlist.cli import app
from powerlist.errors import PowerlistError
from powerlist.publish import build as build_module
from powerlist.publish import publish
from synthetic_release import IMG_TEXT, SCRIPT_TEXT, two_release_package

# Row counts read off the documents (catalog 6 items/32 steps; Xing'an 5 items/25 steps/27 cases/
# 5 exemptions; 125 Guangxi divisions). The synthetic 2023 release edits text, never counts.
COUNTS = {"items": 11, "steps": 57, "accountability": 27, "exemptions": 5, "counties": 125, "lists": 2}
TAGS = ["2022", "2023"]
STEM = "guangxi-baomi-powerlists"
def schemas_of(pkg: Path, tag: str) -> dict[str, dict]:
    """The Table Schemas a release was made with (a column added later, e.g. items.extra, is
    absent from an older release and from what is published of it)."""
    folder = pkg / "releases" / tag / "schemas"
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("*.json")}


@pytest.fixture(scope="module")
def pkg(tmp_path_factory) -> Path:
    return two_release_package(tmp_path_factory.mktemp("pub") / "pkg")


@pytest.fixture(scope="module")
def dist(pkg) -> Path:
    out = pkg.parent / "dist"
    publish(pkg, out)
    return out


def test_every_release_gets_every_artifact(pkg, dist):
    for tag in TAGS:
        # A release holds the tables it was made with (2022 predates the law reference tables).
        tables = {p.stem for p in (pkg / "releases" / tag / "schemas").glob("*.json")}
        names = {p.relative_to(dist / tag).as_posix() for p in (dist / tag).rglob("*") if p.is_file()}
        for ending in ("zip", "xlsx", "duckdb", "sqlite"):
            assert f"{STEM}-{tag}.{ending}" in names
        assert {f"parquet/{t}.parquet" for t in tables} <= names
        assert {"json/450325-baomi.json", "json/catalog-baomi.json"} <= names
    assert (dist / "CHANGELOG.md").is_file() and (dist / "site" / "index.html").is_file()


@pytest.mark.parametrize("tag", TAGS)
def test_zip_unzips_to_a_valid_frictionless_package_with_the_documents_rows(dist, tmp_path, tag):
    with zipfile.ZipFile(dist / tag / f"{STEM}-{tag}.zip") as zf:
        assert all(i.date_time == (int(tag), 7, 18, 0, 0, 0) for i in zf.infolist())
        zf.extractall(tmp_path)
    descriptor = tmp_path / f"{STEM}-{tag}" / "datapackage.json"
    report = validate(str(descriptor))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])[:3]
    package = FrictionlessPackage(str(descriptor))
    rows = {r.name: len(r.read_rows()) for r in package.resources}
    assert {k: rows[k] for k in COUNTS} == COUNTS


@pytest.mark.parametrize("tag", TAGS)
def test_workbook_has_chinese_headed_table_sheets_and_official_list_sheets(pkg, dist, tag):
    wb = openpyxl.load_workbook(dist / tag / f"{STEM}-{tag}.xlsx")
    for table, count in COUNTS.items():
        ws = wb[table]
        titles = [f["title"] for f in schemas_of(pkg, tag)[table]["fields"]]
        assert [c.value for c in ws[1]] == titles
        assert ws.max_row == count + 1
    ws = wb["450325-baomi"]
    assert ws["A1"].value == "中共兴安县委办公室（兴安县国家保密局）权责清单"
    merged = {str(r) for r in ws.merged_cells.ranges}
    # 序号 and 权力分类 span both header rows; 权力清单 spans 项目名称..实施依据, 责任清单 责任事项..免责事项.
    assert {"A1:M1", "A2:A3", "B2:B3", "C2:G2", "H2:L2", "M2:M3"} <= merged
    assert [ws.cell(2, c).value for c in (1, 2, 3, 8, 13)] == ["序号", "权力分类", "权力清单", "责任清单", "备注"]
    assert ws["C3"].value == "项目名称" and ws["F3"].value == "承办的\n内设机构"
    assert [ws.cell(r, 1).value for r in range(4, ws.max_row + 1)] == ["1", "2", "3", "4", "5"]
    assert ws["H4"].alignment.wrap_text and ws.column_dimensions["H"].width >= 40
    assert wb["catalog-baomi"].max_row == 3 + 6


@pytest.mark.parametrize("tag", TAGS)
def test_parquet_per_table_reads_back_with_pyarrow(pkg, dist, tag):
    for table, count in COUNTS.items():
        t = pq.read_table(dist / tag / "parquet" / f"{table}.parquet")
        assert t.num_rows == count
        assert t.column_names == [f["name"] for f in schemas_of(pkg, tag)[table]["fields"]]
    items = pq.read_table(dist / tag / "parquet" / "items.parquet").to_pylist()
    assert next(i for i in items if i["item_id"] == "catalog-baomi-001")["levels"] == ["设区市", "县级"]


def test_hive_dataset_reads_all_releases_at_once(dist):
    for table, count in COUNTS.items():
        data = ds.dataset(dist / "parquet" / table, format="parquet", partitioning="hive").to_table()
        by_release = {}
        for r in data.column("release").to_pylist():
            by_release[str(r)] = by_release.get(str(r), 0) + 1
        assert by_release == {"2022": count, "2023": count}
    con = duckdb.connect()
    got = con.execute(f"select release, count(*) from read_parquet('{dist}/parquet/items/*/*.parquet', "
                      "hive_partitioning = true) group by 1 order by 1").fetchall()
    assert [(str(a), b) for a, b in got] == [("2022", 11), ("2023", 11)]


@pytest.mark.parametrize("tag", TAGS)
def test_duckdb_and_sqlite_databases_hold_every_table(dist, tag):
    con = duckdb.connect(str(dist / tag / f"{STEM}-{tag}.duckdb"), read_only=True)
    try:
        for table, count in COUNTS.items():
            assert con.execute(f"select count(*) from {table}").fetchone()[0] == count
        comment = con.execute("select comment from duckdb_columns() where table_name = 'items' and column_name = 'name'").fetchone()[0]
        assert comment.startswith("项目名称")
    finally:
        con.close()
    con = sqlite3.connect(dist / tag / f"{STEM}-{tag}.sqlite")
    try:
        for table, count in COUNTS.items():
            assert con.execute(f"select count(*) from {table}").fetchone()[0] == count
        fks = {(r[2], r[3]) for r in con.execute("pragma foreign_key_list('items')")}
        assert ("lists", "list_id") in fks and ("items", "catalog_item_id") in fks
        assert con.execute("select levels from items where item_id = 'catalog-baomi-001'").fetchone()[0] == '["设区市", "县级"]'
        assert con.execute("pragma foreign_key_check").fetchall() == []
    finally:
        con.close()


def test_nested_json_has_one_document_per_list_with_children(dist):
    doc = json.loads((dist / "2022" / "json" / "450325-baomi.json").read_text(encoding="utf-8"))
    assert doc["list"]["doc_no"] == "兴保发〔2022〕1号" and doc["release"] == "2022"
    items = doc["items"]
    assert [i["seq"] for i in items] == [1, 2, 3, 4, 5]
    assert sum(len(i["steps"]) for i in items) == 25
    assert sum(len(i["accountability"]) for i in items) == 27
    assert sum(len(i["exemptions"]) for i in items) == 5
    catalog = json.loads((dist / "2022" / "json" / "catalog-baomi.json").read_text(encoding="utf-8"))
    assert len(catalog["items"]) == 6 and sum(len(i["steps"]) for i in catalog["items"]) == 32


def test_sha256sums_covers_every_file_and_verifies(dist):
    listed = [line.split("  ", 1)[1] for line in (dist / "SHA256SUMS").read_text(encoding="utf-8").splitlines()]
    files = sorted(p.relative_to(dist).as_posix() for p in dist.rglob("*") if p.is_file() and p.name != "SHA256SUMS")
    assert listed == files
    done = subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=dist, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(": OK") == len(files)


def test_publishing_twice_gives_identical_bytes_except_duckdb(pkg, dist):
    again = pkg.parent / "dist-again"
    publish(pkg, again)
    a, b = snapshot(dist), snapshot(again)
    assert a.keys() == b.keys()
    differ = {k for k in a if a[k] != b[k]}
    duck = {k for k in a if k.endswith(".duckdb")}
    assert differ - duck <= {"SHA256SUMS", "site/index.html"}

    # The .duckdb checksums appear in SHA256SUMS and on the index page, and the index page's own
    # checksum in SHA256SUMS: with those masked, both files must match byte for byte.
    def masked(text: bytes, files: dict) -> bytes:
        for k in duck | {"site/index.html"}:
            text = text.replace(hashlib.sha256(files[k]).hexdigest().encode(), b"<masked>")
        return text
    for k in ("SHA256SUMS", "site/index.html"):
        assert masked(a[k], a) == masked(b[k], b)


def test_a_failing_publish_leaves_the_previous_output_untouched(pkg, dist, monkeypatch):
    before = snapshot(dist)

    def broken(rel, folder):
        raise PowerlistError("synthetic failure while writing the workbook")
    monkeypatch.setattr(build_module, "ARTIFACTS", [build_module.ARTIFACTS[0], ("Excel workbook", broken)])
    with pytest.raises(PowerlistError, match="synthetic failure"):
        publish(pkg, dist)
    assert snapshot(dist) == before
    assert [p.name for p in dist.parent.iterdir() if p.name.startswith(".dist")] == []


def test_publish_refuses_to_replace_a_folder_it_did_not_write(pkg, tmp_path):
    out = tmp_path / "precious"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(PowerlistError, match="not an earlier publish output"):
        publish(pkg, out)
    assert snapshot(out) == {"notes.txt": b"keep me"}


def test_list_pages_escape_every_value(dist):
    page = (dist / "site" / "2023" / "450325-baomi.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#x27;xss-remark&#x27;)&lt;/script&gt;合成备注" in page
    assert "&lt;img src=x onerror=alert(&#x27;xss-img&#x27;)&gt;合成子项" in page
    index = (dist / "site" / "search-index.js").read_text(encoding="utf-8")
    assert "<script" not in index and "<img" not in index
    assert SCRIPT_TEXT and IMG_TEXT  # the fixture's strings, rendered as text in the browser test


def test_site_index_links_every_list_page_and_download_with_its_checksum(dist):
    index = (dist / "site" / "index.html").read_text(encoding="utf-8")
    for tag in TAGS:
        for list_id in ("450325-baomi", "catalog-baomi"):
            assert f'href="{tag}/{list_id}.html"' in index
            assert (dist / "site" / tag / f"{list_id}.html").is_file()
    sums = dict(reversed(line.split("  ", 1)) for line in (dist / "SHA256SUMS").read_text(encoding="utf-8").splitlines())
    for href in re.findall(r'href="(downloads/[^"]+)"', index):
        target = dist / "site" / href
        assert target.is_file()
        assert sums[f"site/{href}"] in index
    assert "fetch(" not in (dist / "site" / "search.js").read_text(encoding="utf-8")
    assert not re.search(r'(src|href)="(https?:)?//', index)


def test_changelog_and_redline_pages_come_from_the_diff_engine(dist):
    text = (dist / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## 2023（相对于 2022）" in text
    assert "| 责任事项 | 0 | 0 | 1 |" in text  # the fixture rewords exactly one step
    assert "调查**核实**处理" in text  # the engine marks the inserted words
    redline = (dist / "site" / "redline" / "2022-2023.html").read_text(encoding="utf-8")
    assert "调查<ins>核实</ins>处理" in redline and "<script>alert" not in redline
    assert redline.count('href="../index.html"') == 1


def test_single_release_changelog_says_there_is_nothing_to_compare(tmp_path):
    report = publish(ROOT, tmp_path / "dist")
    assert report.releases == ["2022"] and report.pairs == []
    text = (tmp_path / "dist" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "只有一个发布版本（2022）" in text and "| 2022 | 2022-07-18 | 2 | 11 |" in text
    assert not (tmp_path / "dist" / "site" / "redline").exists()


def test_cli_publish_piped_prints_a_summary_without_a_progress_bar(pkg, tmp_path):
    result = CliRunner().invoke(app, ["--package", str(pkg), "publish", "--out", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"published 2 release(s) (2022, 2023) to {tmp_path / 'd'}")
    assert "━" not in result.output


def test_without_the_diff_engine_publish_says_what_it_skipped(pkg, tmp_path, monkeypatch):
    from powerlist.publish import changes

    def missing():
        raise changes.DiffUnavailable("the diff engine (powerlist.diff) is not installed (synthetic)")
    monkeypatch.setattr(changes, "_engine", missing)
    report = publish(pkg, tmp_path / "dist")
    assert report.pairs == [] and "skipped the changes in CHANGELOG.md" in report.notes[0]
    text = (tmp_path / "dist" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "未生成版本之间的变更：the diff engine (powerlist.diff) is not installed (synthetic)" in text
    assert "本次发布未生成版本对照" in (tmp_path / "dist" / "site" / "index.html").read_text(encoding="utf-8")
