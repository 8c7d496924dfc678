"""`powerlist publish`: every artifact read back by its own ecosystem's reader, checksums,
reproducibility and atomicity. Published once per module (two releases: 2022 and synthetic 2023)."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
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
from powerlist.package import Package
from powerlist.publish import publish
from powerlist.render import ListView
from powerlist.render_office import render_office
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
    # A list sheet is exactly what `powerlist render --format xlsx` writes (one renderer).
    for list_id in ("450325-baomi", "catalog-baomi"):
        ws = wb[list_id]
        rendered = render_office(ListView(Package(dist.parent / "pkg" / "releases" / tag, tag), list_id), "xlsx",
                                 dist.parent / f"render-{tag}-{list_id}.xlsx")
        ref = openpyxl.load_workbook(rendered).active
        assert [[c.value for c in r] for r in ws.iter_rows()] == [[c.value for c in r] for r in ref.iter_rows()]
        assert {str(r) for r in ws.merged_cells.ranges} == {str(r) for r in ref.merged_cells.ranges}
        assert [ws.column_dimensions[k].width for k in "ABCDEFGHIJKLM"] == \
               [ref.column_dimensions[k].width for k in "ABCDEFGHIJKLM"]
    ws = wb["450325-baomi"]
    # Xing'an's title block (synthetic 2023 renumbers the 文号): 文号, notice, issuer, date, 附件, title; a blank row; the two header rows.
    assert ws["A1"].value == f"兴保发〔{tag}〕1号" and ws["A6"].value == "中共兴安县委办公室（兴安县国家保密局）权责清单"
    merged = {str(r) for r in ws.merged_cells.ranges}
    # 序号 and 权力分类 span both header rows; 权力清单 spans 项目名称..实施依据, 责任清单 责任事项..免责事项.
    assert {"A6:M6", "A8:A9", "B8:B9", "C8:G8", "H8:L8", "M8:M9"} <= merged
    assert [ws.cell(8, c).value for c in (1, 2, 3, 8, 13)] == ["序号", "权力分类", "权力清单", "责任清单", "备注"]
    assert [ws.cell(r, 1).value for r in range(10, ws.max_row + 1)] == [1, 2, 3, 4, 5]
    # The catalog prints only its title: title, blank row, two header rows, six items.
    assert wb["catalog-baomi"].max_row == 4 + 6


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
        # The partition value is text (r2022, as the SQL schema is named): never inferred as a number.
        assert data.schema.field("release").type == "string"
        by_release = {}
        for r in data.column("release").to_pylist():
            by_release[r] = by_release.get(r, 0) + 1
        assert by_release == {"r2022": count, "r2023": count}
    con = duckdb.connect()
    got = con.execute(f"select release, typeof(release), count(*) from read_parquet('{dist}/parquet/items/*/*.parquet', "
                      "hive_partitioning = true) group by all order by 1").fetchall()
    assert got == [("r2022", "VARCHAR", 11), ("r2023", "VARCHAR", 11)]


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


LAW_TABLES = ["laws", "law_versions", "law_variants", "law_articles_map"]
# The catalog's first item cites 中华人民共和国保守国家秘密法 第四十五条 (gx-catalog-2022.txt); the
# curated reference table names that instrument baomi-fa.
CITATION = ("catalog-baomi-001-s2", "baomi-fa", "中华人民共和国保守国家秘密法")


def test_release_2022_downloads_carry_the_derived_law_id_and_the_law_tables(pkg, dist):
    # The frozen release has neither the column nor the tables; its downloads have both.
    assert "law_id" not in (pkg / "releases/2022/tables/bases.csv").read_text(encoding="utf-8").split("\n")[0]
    assert not (pkg / "releases/2022/tables/laws.csv").exists()
    basis, law_id, title = CITATION
    query = f"select b.law_id, l.title from bases b join laws l using (law_id) where b.basis_id = '{basis}'"
    for tag in TAGS:
        bases = pq.read_table(dist / tag / "parquet" / "bases.parquet").to_pylist()
        assert next(b for b in bases if b["basis_id"] == basis)["law_id"] == law_id
        assert sum(1 for b in bases if b["law_id"]) == len(bases) == 121
        laws = {r["law_id"]: r["title"] for r in pq.read_table(dist / tag / "parquet" / "laws.parquet").to_pylist()}
        assert laws[law_id] == title
        con = duckdb.connect(str(dist / tag / f"{STEM}-{tag}.duckdb"), read_only=True)
        try:
            assert con.execute(query).fetchall() == [(law_id, title)]
            assert {t for (t,) in con.execute("select table_name from duckdb_tables()").fetchall()} >= set(LAW_TABLES)
        finally:
            con.close()
        con = sqlite3.connect(dist / tag / f"{STEM}-{tag}.sqlite")
        try:
            assert con.execute(query).fetchall() == [(law_id, title)]
            assert ("laws", "law_id") in {(r[2], r[3]) for r in con.execute("pragma foreign_key_list('bases')")}
            assert con.execute("pragma foreign_key_check").fetchall() == []
        finally:
            con.close()
        doc = json.loads((dist / tag / "json" / "catalog-baomi.json").read_text(encoding="utf-8"))
        assert next(b for b in doc["items"][0]["bases"] if b["basis_id"] == basis)["law_id"] == law_id
        wb = openpyxl.load_workbook(dist / tag / f"{STEM}-{tag}.xlsx", read_only=True)
        assert set(LAW_TABLES) <= set(wb.sheetnames)


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
    # The .duckdb checksums appear in SHA256SUMS, dcat.json and the index pages, and their own
    # checksums in SHA256SUMS: with those masked, every file must match byte for byte.
    holders = {"SHA256SUMS", "site/index.html", "site/latest/index.html", "dcat.json", "site/downloads/dcat.json"}
    assert differ - duck <= holders

    def masked(text: bytes, files: dict) -> bytes:
        for k in duck | holders - {"SHA256SUMS"}:
            text = text.replace(hashlib.sha256(files[k]).hexdigest().encode(), b"<masked>")
        return text
    for k in holders:
        assert masked(a[k], a) == masked(b[k], b)


def test_a_failing_publish_leaves_the_previous_output_untouched(pkg, dist, monkeypatch):
    before = snapshot(dist)

    def broken(rel, folder):
        raise PowerlistError("synthetic failure while writing the Parquet files")
    monkeypatch.setattr(build_module, "ARTIFACTS", [build_module.ARTIFACTS[0], ("Parquet", broken)])
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
    # No external resource (scripts, images, stylesheets); the licence is a plain hyperlink.
    assert not re.search(r'src="(https?:)?//', index) and not re.search(r'<link[^>]*href="(https?:)?//', index)


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


# What each Table Schema type must read back as, per format (hand-written from the formats' docs):
# arrays where the format has them, JSON arrays in SQLite (Datasette facets them), ISO dates in JSON.
# The schemas readers see every release with (the working state's): a release's derived columns
# and supplied law tables follow these, whatever its own schemas lack.
WORKING_SCHEMAS = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (ROOT / "schemas").glob("*.json")}
# `object` (a row's extra cells) is JSON text in every format for now.
PARQUET_TYPES = {"object": "string", "string": "string", "integer": "int64", "number": "double", "boolean": "bool",
                 "date": "date32[day]", "list": "list<element: string>"}
DUCKDB_TYPES = {"object": "VARCHAR", "string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN",
                "date": "DATE", "list": "VARCHAR[]"}
SQLITE_TYPES = {"object": "TEXT", "string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER",
                "date": "TEXT", "list": "TEXT"}
JSON_TYPES = {"object": str, "string": str, "integer": int, "number": (int, float), "boolean": bool, "date": str, "list": list}


@pytest.mark.parametrize("tag", TAGS)
def test_every_format_types_each_column_as_its_schema_says(pkg, dist, tag):
    schemas = {**{n: WORKING_SCHEMAS[n] for n in LAW_TABLES}, **{n: WORKING_SCHEMAS[n] for n in COUNTS}}
    own = schemas_of(pkg, tag)
    # A release's files hold its own columns (a later one such as items.extra is absent) plus
    # what readers derive (bases.law_id); the Hive dataset holds every release's columns.
    has = {t: {f["name"] for f in own[t]["fields"]} | ({"law_id"} if t == "bases" else set()) for t in own}
    duck = duckdb.connect(str(dist / tag / f"{STEM}-{tag}.duckdb"), read_only=True)
    lite = sqlite3.connect(dist / tag / f"{STEM}-{tag}.sqlite")
    try:
        for table, schema in schemas.items():
            every = {f["name"]: f["type"] for f in schema["fields"]}
            fields = {n: t for n, t in every.items() if table not in has or n in has[table]}
            pq_schema = pq.read_schema(dist / tag / "parquet" / f"{table}.parquet")
            assert {f.name: str(f.type).replace("item: string", "element: string") for f in pq_schema} == \
                   {n: PARQUET_TYPES[t] for n, t in fields.items()}, table
            hive = ds.dataset(dist / "parquet" / table, format="parquet", partitioning="hive").schema
            assert {f.name: str(f.type).replace("item: string", "element: string") for f in hive} == \
                   {**{n: PARQUET_TYPES[t] for n, t in every.items()}, "release": "string"}, table
            got = dict(duck.execute("select column_name, data_type from duckdb_columns() where table_name = ?",
                                    [table]).fetchall())
            assert got == {n: DUCKDB_TYPES[t] for n, t in fields.items()}, table
            got = {r[1]: r[2] for r in lite.execute(f"pragma table_info('{table}')")}
            assert got == {n: SQLITE_TYPES[t] for n, t in fields.items()}, table
            for name, ftype in fields.items():
                if ftype == "list":
                    for (value,) in lite.execute(f"select {name} from {table} where {name} is not null"):
                        assert isinstance(json.loads(value), list)
        # DuckDB declares the keys SQLite does (foreign keys into the same table: SQLite only).
        pks = {r[0] for r in duck.execute("select table_name from duckdb_constraints() where constraint_type = 'PRIMARY KEY'").fetchall()}
        assert pks >= set(schemas)
        fks = {(r[0], r[1]) for r in duck.execute(
            "select table_name, referenced_table from duckdb_constraints() where constraint_type = 'FOREIGN KEY'").fetchall()}
        assert {("items", "lists"), ("steps", "items"), ("bases", "items"), ("bases", "laws"), ("lists", "counties")} <= fks
    finally:
        duck.close()
        lite.close()
    for path in (dist / tag / "json").glob("*.json"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        checks = [("lists", doc["list"])] + [("items", {k: v for k, v in i.items() if k not in CHILDREN}) for i in doc["items"]]
        checks += [(t, row) for i in doc["items"] for t in CHILDREN for row in i[t]]
        for table, row in checks:
            types = {f["name"]: f["type"] for f in WORKING_SCHEMAS[table]["fields"] if f["name"] in has.get(table, {f["name"]})}
            assert set(row) == set(types), table
            for name, value in row.items():
                assert value is None or isinstance(value, JSON_TYPES[types[name]]), (table, name, value)
                assert not (types[name] == "integer" and isinstance(value, bool))


CHILDREN = ["steps", "accountability", "exemptions", "bases"]


def test_portal_metadata_json_ld_and_dcat_with_base_url_and_title(tmp_path):
    from conftest import copy_package
    (tmp_path / "pkg").mkdir()
    pkg = copy_package(tmp_path / "pkg")
    base = "https://data.example.org/powerlist/"
    res = CliRunner().invoke(app, ["-p", str(pkg), "publish", "-o", str(tmp_path / "dist"),
                                   "--base-url", base, "--title", "广西保密工作权责清单（测试标题）",
                                   "--contact", "opendata@example.org"])
    assert res.exit_code == 0, res.output
    dist = tmp_path / "dist"
    index = (dist / "site" / "index.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', index, re.S)
    assert len(blocks) == 1
    ld = json.loads(blocks[0])
    assert ld["@type"] == "Dataset" and ld["name"] == "广西保密工作权责清单（测试标题）"
    assert ld["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert ld["publisher"]["name"] == "powerlist maintainers"
    assert ld["publisher"]["contactPoint"]["email"] == "opendata@example.org"
    assert 'href="mailto:opendata@example.org"' in index
    urls = {d["contentUrl"] for d in ld["distribution"]}
    assert f"{base}downloads/2022/{STEM}-2022.sqlite" in urls
    assert f"{base}downloads/2022/sources/2022/xingan-baomi-2022.txt" in urls
    # The Xing'an document prints its publisher, 文号 and date; the catalog prints none (inferred, so not claimed).
    xingan = next(w for w in ld["isBasedOn"] if w["name"] == "中共兴安县委办公室（兴安县国家保密局）权责清单")
    assert (xingan["publisher"]["name"], xingan["identifier"], xingan["datePublished"]) == \
           ("兴安县国家保密局", "兴保发〔2022〕1号", "2022-07-18")
    catalog = next(w for w in ld["isBasedOn"] if w["name"] == "广西保密工作市、县两级权责清单规范化通用目录")
    assert "publisher" not in catalog and "datePublished" not in catalog
    assert not any("url" in w for w in ld["isBasedOn"])  # no source states a URL: none is invented
    cat = json.loads((dist / "dcat.json").read_text(encoding="utf-8"))
    ds_ = cat["dcat:dataset"][0]
    assert ds_["dct:license"]["@id"] == ld["license"] and ds_["dcat:landingPage"]["@id"] == f"{base}index.html"
    assert ds_["dcat:contactPoint"]["vcard:hasEmail"]["@id"] == "mailto:opendata@example.org"
    sums = dict(reversed(line.split("  ", 1)) for line in (dist / "SHA256SUMS").read_text(encoding="utf-8").splitlines())
    for d in ds_["dcat:distribution"]:
        path = d["dcat:downloadURL"]["@id"].removeprefix(base)
        assert d["spdx:checksum"]["spdx:checksumValue"] == sums[f"site/{path}"]
    meta = json.loads((dist / "2022" / "metadata.json").read_text(encoding="utf-8"))
    assert meta["license"] == "CC-BY-4.0" and meta["source_url"] == f"{base}index.html"
    assert "许可" in index and "著作权法" in index


@pytest.mark.parametrize("args,message", [(["--base-url", "data.example.org"], "is not an http(s) URL"),
                                          (["--title", "  "], "--title is empty"),
                                          (["--contact", "someone"], "neither an e-mail address nor an http(s) URL")])
def test_publish_refuses_a_bad_base_url_or_title_and_writes_nothing(pkg, tmp_path, args, message):
    res = CliRunner().invoke(app, ["-p", str(pkg), "publish", "-o", str(tmp_path / "dist"), *args])
    assert res.exit_code == 2 and message in res.output and len(res.output.strip().splitlines()) == 1
    assert not (tmp_path / "dist").exists()


def test_a_table_longer_than_a_worksheet_is_left_out_of_the_workbook_and_named(dist, monkeypatch, tmp_path):
    from powerlist.publish import workbook
    from powerlist.publish.release_data import load_release
    monkeypatch.setattr(workbook, "EXCEL_ROWS", 100)  # synthetic limit: steps (57 rows) fits, counties (125) does not
    rel = load_release(dist.parent / "pkg", "2022")
    try:
        path = workbook.write_workbook(rel, tmp_path)
    finally:
        rel.close()
    wb = openpyxl.load_workbook(path)
    assert "counties" not in wb.sheetnames and "steps" in wb.sheetnames
    assert wb.sheetnames[0] == "说明" and "counties（125 行）" in wb["说明"]["A1"].value


def test_workbook_cells_keep_their_types_header_style_and_frozen_header(dist):
    """Table sheets as a spreadsheet user meets them: 序号 a number, 发布日期 a date, every text a
    string cell; the header bold and frozen, the table filterable. Expected values from the
    Xing'an notice: 兴保发〔2022〕1号 dated 2022年7月18日; its first item is 序号 1."""
    from datetime import datetime
    wb = openpyxl.load_workbook(dist / "2022" / f"{STEM}-2022.xlsx")
    ws = wb["items"]
    head = [c.value for c in ws[1]]
    assert ws["A1"].font.b and ws.freeze_panes == "A2" and ws.auto_filter.ref == ws.dimensions
    row = next(r for r in ws.iter_rows(min_row=2) if r[head.index("事项编号")].value == "450325-baomi-001")
    assert row[head.index("序号")].value == 1
    assert {c.data_type for c in row if isinstance(c.value, str)} == {"s"}
    lists = wb["lists"]
    lhead = [c.value for c in lists[1]]
    xingan = next(r for r in lists.iter_rows(min_row=2) if r[0].value == "450325-baomi")
    assert xingan[lhead.index("发布日期")].value == datetime(2022, 7, 18)
    assert xingan[lhead.index("发布日期")].number_format == "yyyy-mm-dd"


def test_item_pages_written_in_parts_are_the_pages_of_one_sort(pkg, dist, monkeypatch):
    """At province scale the item history is sorted in parts (by a hash of the item id); the
    pages must be exactly those of a single sort, however many parts."""
    from powerlist.publish import site as site_module
    monkeypatch.setattr(site_module, "VERSIONS_PER_SORT", 3)  # 22 versions → 8 parts
    again = pkg.parent / "dist-parts"
    publish(pkg, again)
    pages = {p.name: p.read_bytes() for p in (dist / "site" / "items").iterdir()}
    assert len(pages) == COUNTS["items"]
    assert {p.name: p.read_bytes() for p in (again / "site" / "items").iterdir()} == pages


def test_a_failing_diff_child_fails_publish_in_one_line_and_leaves_the_previous_output(pkg, dist, monkeypatch):
    from powerlist.publish import changes

    before = snapshot(dist)
    shutil.rmtree(pkg / ".powerlist-cache")  # no saved report: the child's diff opens DuckDB …
    monkeypatch.setattr(changes, "MEMORY", "no-such-size")  # … which refuses this memory limit
    with pytest.raises(PowerlistError) as failed:
        publish(pkg, dist)
    message = str(failed.value)
    assert message.startswith("the diffs for CHANGELOG.md failed (exit 1): ") and "\n" not in message
    assert "Memory must have a number" in message  # DuckDB's words, quoted from the child's stderr
    assert snapshot(dist) == before
    assert [p.name for p in dist.parent.iterdir() if p.name.startswith(".dist")] == []


def test_the_diff_child_s_reports_are_the_engine_s_and_leave_nothing_behind(pkg, dist):
    from powerlist.diff import diff_packages, render_diff

    result = diff_packages(pkg, "2022", "2023")
    redline = (dist / "site" / "redline" / "2022-2023.html").read_text(encoding="utf-8")
    assert render_diff(result, "html") in redline.replace('<p style="margin:.5rem 1rem"><a href="../index.html">← 返回首页</a></p>', "")
    changelog = (dist / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "调查**核实**处理" in changelog
    assert not (dist / build_module.CHANGES).exists()


def test_a_child_failing_with_a_message_of_many_lines_is_quoted_by_its_first_line(pkg, dist, monkeypatch):
    # DuckDB's out-of-memory error ends with advice and "See also https://…": the line quoted
    # must be the one that says what happened.
    from powerlist.publish import changes

    before = snapshot(dist)
    shutil.rmtree(pkg / ".powerlist-cache")
    monkeypatch.setattr(changes, "MEMORY", "1MB")
    with pytest.raises(PowerlistError) as failed:
        publish(pkg, dist)
    message = str(failed.value)
    assert message.startswith("the diffs for CHANGELOG.md failed (exit 1): ") and "\n" not in message
    assert "Out of Memory" in message and "See also" not in message
    assert snapshot(dist) == before


def test_dcat_json_is_written_as_json_dumps_would_write_it(dist):
    # dcat.json is written by orjson for speed; its bytes must stay those of the standard
    # library's json.dumps(ensure_ascii=False, indent=2) (what a reader diffing two publishes
    # sees), checked on the real package's catalogue: Chinese titles, URLs, sizes, digests.
    data = (dist / "dcat.json").read_bytes()
    assert data == (json.dumps(json.loads(data), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    assert any(ord(c) > 127 for c in data.decode("utf-8"))  # non-ASCII kept as text, not \u escapes
