"""`cites` on the real package. Expected items were read off the two 2022 documents:

2010 保密法 第四十四条 is cited by catalog items 2 (设定依据 1, 责任事项依据 2—1) and 3 (设定依据 1) and by
Xing'an items 2 and 3 at the same places; 第四十五条 by catalog item 1 and Xing'an item 1
(设定/实施依据 1 and 责任事项依据 3). No other item cites either article.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from powerlist.cli import app
from powerlist.errors import PowerlistError
from powerlist.laws.cites import cites
from powerlist.laws.reference import load_reference

REF = load_reference(ROOT)
CITING_44_OR_45 = ["catalog-baomi-001", "catalog-baomi-002", "catalog-baomi-003",
                   "450325-baomi-001", "450325-baomi-002", "450325-baomi-003"]


def invoke(*args):
    return CliRunner().invoke(app, ["--package", str(ROOT), *args])


def test_article_52_of_2024_finds_exactly_the_items_citing_2010_articles_44_or_45():
    result = cites(ROOT, "保守国家秘密法", article=52, version=2024, ref=REF)
    for release in ("2022", "working"):
        assert sorted(i for r, i in result.items if r == release) == sorted(CITING_44_OR_45)
    assert {r for r, _ in result.items} == {"2022", "working"}
    assert {h["article"] for h in result.hits} == {"第四十四条", "第四十五条"}
    assert all(h["now"].startswith("第五十二条第二款") for h in result.hits)


def test_article_51_of_2024_finds_only_the_items_citing_44():
    result = cites(ROOT, "中华人民共和国保守国家秘密法", article="五十一", version=2024, releases=["2022"], ref=REF)
    assert sorted(i for _, i in result.items) == sorted(
        ["catalog-baomi-002", "catalog-baomi-003", "450325-baomi-002", "450325-baomi-003"])


def test_article_45_by_chinese_numeral_finds_item_1_of_both_lists_in_both_roles():
    result = cites(ROOT, "保守国家秘密法", article="第四十五条", releases=["2022"], ref=REF)
    assert sorted((h["item_id"], h["role"]) for h in result.hits) == [
        ("450325-baomi-001", "setting"), ("450325-baomi-001", "step"),
        ("catalog-baomi-001", "setting"), ("catalog-baomi-001", "step")]


def test_a_paragraph_narrows_the_search():
    # Only catalog item 6 cites 第二十三条第三款 (设定依据 1).
    result = cites(ROOT, "保守国家秘密法", article=23, paragraph=3, releases=["working"], ref=REF)
    assert result.items == [("working", "catalog-baomi-006")]
    assert cites(ROOT, "保守国家秘密法", article=23, paragraph=2, releases=["working"], ref=REF).hits == []


def test_titles_resolve_from_any_variant_and_ambiguity_is_an_error():
    assert REF.find_law("保守国家秘密法") == "baomi-fa"
    assert REF.find_law("实施条例") == "baomi-fa-shishi"
    assert REF.find_law("《泄密案件查处办法》（2017国家保密局令第2号）") == "xiemi-chachu"
    with pytest.raises(PowerlistError, match="more than one"):
        REF.find_law("保守国家秘密")
    with pytest.raises(PowerlistError, match="no cited instrument"):
        REF.find_law("涉密信息系统审查合格证")


def test_an_unknown_version_is_a_clear_error():
    result = invoke("cites", "保守国家秘密法", "--article", "52", "--version", "2030")
    assert result.exit_code == 2 and "no version 2030" in result.output


def test_cli_json_and_csv_carry_the_same_hits():
    as_json = json.loads(invoke("cites", "保守国家秘密法", "--article", "52", "--version", "2024",
                                "--release", "2022", "--format", "json").output)
    assert sorted(i for _, i in as_json["items"]) == sorted(CITING_44_OR_45)
    as_csv = invoke("cites", "保守国家秘密法", "--article", "52", "--version", "2024", "--release", "2022", "--format", "csv")
    lines = as_csv.output.strip().splitlines()
    assert lines[0].startswith("release,list_id,item_id") and len(lines) == 1 + len(as_json["hits"]) == 11


def test_laws_lists_every_instrument_with_counts_per_list_and_release():
    result = json.loads(invoke("laws", "--format", "json").output)
    laws = {l["law_id"]: l for l in result["laws"]}
    assert len(laws) == 7 and result["unresolved"] == []
    # Xing'an prints 【地方性法规】 four times for the government rule (items 1, 2, 3, 5).
    gx = laws["gx-guocuo-zhuijiu"]
    assert gx["printed_types"] == ["地方性法规"] and gx["law_type"] == "地方政府规章"
    assert gx["citations"]["2022"] == {"450325-baomi": {"citations": 4, "items": 4}}
    # 涉密信息系统测评审查管理规定 is cited only by the catalog's item 6 (设区市 level).
    assert laws["shemi-xitong-ceping"]["citations"]["working"] == {"catalog-baomi": {"citations": 9, "items": 1}}
    assert [v["year"] for v in laws["baomi-fa"]["versions"]] == [2010, 2024]
    csv_out = invoke("laws", "--format", "csv").output.splitlines()
    assert csv_out[0].startswith("law_id,title,law_type")
