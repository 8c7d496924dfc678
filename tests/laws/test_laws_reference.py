"""The curated law tables against laws.md and the two 2022 documents, and bases.law_id.

Expected values were typed from laws.md and from reading the documents, not from the code.
"""

from __future__ import annotations

import json
import re

from conftest import ROOT
from powerlist.laws.citations import package_citations
from powerlist.laws.reference import load_reference
from powerlist.laws.resolve import resolve_law_ids
from powerlist.package import Package, open_target
from powerlist.validate import validate_package

WORKING = Package(ROOT, "working")
REF = load_reference(ROOT)


def test_seven_instruments_and_the_certificate_is_not_one():
    titles = {law["title"] for law in REF.laws.values()}
    assert titles == {
        "中华人民共和国保守国家秘密法", "中华人民共和国保守国家秘密法实施条例", "泄密案件查处办法",
        "中华人民共和国行政强制法", "保密检查工作规定", "涉密信息系统测评审查管理规定",
        "广西壮族自治区行政过错责任追究办法",
    }
    assert not any("合格证" in v["variant"] for v in REF.variants)


def test_types_follow_the_issuing_form_not_the_printed_label():
    types = {law["title"]: (law["law_type"], law["issuing_form"]) for law in REF.laws.values()}
    assert types["广西壮族自治区行政过错责任追究办法"] == ("地方政府规章", "广西壮族自治区人民政府令")
    assert types["泄密案件查处办法"] == ("部门规章", "国家保密局令")
    assert types["中华人民共和国保守国家秘密法实施条例"] == ("行政法规", "国务院令")


def test_versions_carry_the_dates_laws_md_gives_and_leave_unknowns_empty():
    v = REF.versions
    assert (v["baomi-fa-2010"]["adopted"], v["baomi-fa-2010"]["promulgated_by"], v["baomi-fa-2010"]["in_force_from"],
            v["baomi-fa-2010"]["superseded_by"]) == ("2010-04-29", "主席令第二十八号", "2010-10-01", "baomi-fa-2024")
    assert (v["baomi-fa-2024"]["adopted"], v["baomi-fa-2024"]["promulgated_by"], v["baomi-fa-2024"]["in_force_from"]) == (
        "2024-02-27", "主席令第二十号", "2024-05-01")
    assert (v["baomi-fa-shishi-2024"]["promulgated_by"], v["baomi-fa-shishi-2024"]["in_force_from"]) == ("国务院令第786号", "2024-09-01")
    assert v["xiemi-chachu-2017"]["in_force_from"] == "2018-01-01" and v["xiemi-chachu-2017"]["superseded_by"] is None
    # laws.md: 保密检查工作规定 "status after 2013 not found": nothing about dates or successors is filled in.
    jc = v["baomi-jiancha-2013"]
    assert jc["in_force_from"] is None and jc["superseded_by"] is None and jc["adopted"] is None


def test_every_curated_row_names_its_source_and_cited_lines_hold_the_fact():
    for name in ("laws", "law_versions", "law_variants", "law_articles_map"):
        for row in WORKING.read_table(name):
            assert row["source"], (name, row)
            for path, line in re.findall(r"(sources/2022/[\w.-]+\.txt) line (\d+)", row["source"]):
                text = (ROOT / path).read_text(encoding="utf-8").splitlines()[int(line) - 1]
                fact = row.get("law_doc") or row.get("issuing_doc") or row.get("promulgated_by") or row.get("law_title")
                assert fact in text, (name, row["source"], fact)


def test_curated_resources_say_they_are_curated_in_the_descriptor():
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    res = {r["name"]: r for r in descriptor["resources"]}
    for name in ("laws", "law_versions", "law_variants", "law_articles_map"):
        assert res[name]["description"].startswith("Curated reference data"), name
        assert "laws.md" in res[name]["description"]


def test_the_issue_examples_of_variants_resolve_to_one_instrument_and_version():
    for doc in ("2017国家保密局令第2号", "2017年国家保密局令2017年第2号", "2017年12月29日国家保密局令第2号公布"):
        v = REF.variant("泄密案件查处办法", doc)
        assert (v["law_id"], v["version_id"]) == ("xiemi-chachu", "xiemi-chachu-2017")
    for doc in ("2014年国务院令第646号", "2014年国务院令第646号公布", "2014年1月17日国务院令第646号公布"):
        assert REF.variant("中华人民共和国保守国家秘密法实施条例", doc)["version_id"] == "baomi-fa-shishi-2014"
    # The law is cited with no document number, so the citation alone does not name its version.
    assert REF.variant("中华人民共和国保守国家秘密法", None)["version_id"] is None


def test_article_map_records_the_split_and_the_merge_into_52_2():
    rows = [(m["from_label"], m["to_label"], m["relation"]) for m in REF.articles if m["law_id"] == "baomi-fa"]
    assert ("第四十四条", "第五十一条", "split") in rows
    assert ("第四十四条", "第五十二条第二款", "split") in rows
    assert ("第四十五条", "第五十二条第二款", "merged") in rows
    assert len(rows) == 8


def test_every_working_citation_has_a_law_id():
    bases = WORKING.read_table("bases")
    assert len(bases) == 121 and all(b["law_id"] for b in bases)
    by_title = {(b["law_title"], b["law_id"]) for b in bases}
    assert ("广西壮族自治区行政过错责任追究办法", "gx-guocuo-zhuijiu") in by_title


def test_release_2022_is_unchanged_and_its_law_ids_are_derived_at_read_time():
    release = open_target(ROOT, "2022")
    schema = json.loads((release.path / "schemas" / "bases.json").read_text(encoding="utf-8"))
    assert "law_id" not in [f["name"] for f in schema["fields"]]
    assert not (release.path / "tables" / "laws.csv").exists()
    derived = {r["basis_id"]: r["law_id"] for r in package_citations(release, ROOT, REF)}
    stored = {b["basis_id"]: b["law_id"] for b in WORKING.read_table("bases")}
    assert derived == stored


def test_an_unknown_instrument_still_ingests_with_an_empty_law_id_and_is_reported():
    # Synthetic rows: a title no curated variant knows.
    tables = {"law_variants": WORKING.read_table("law_variants"),
              "bases": [{"item_id": "x-001", "law_title": "示例条例（合成）", "law_doc": None},
                        {"item_id": "x-001", "law_title": "泄密案件查处办法", "law_doc": "2017国家保密局令第2号"}]}
    notes = resolve_law_ids(tables, {"x-001"})
    assert [b["law_id"] for b in tables["bases"]] == [None, "xiemi-chachu"]
    assert len(notes) == 1 and "《示例条例（合成）》" in notes[0]


def test_working_and_2022_validate_and_a_dangling_law_id_does_not(package_copy):
    assert validate_package(Package(ROOT, "working")).valid
    assert validate_package(open_target(ROOT, "2022")).valid
    path = package_copy / "tables" / "bases" / "450325-baomi.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",baomi-fa,", ",no-such-law,", 1), encoding="utf-8")
    result = validate_package(Package(package_copy, "working"))
    assert not result.valid and any(f.type == "foreign-key" and f.table == "bases" for f in result.findings)
