"""The 2022 tables hold every cell of both documents; expected values are read off the documents."""

from __future__ import annotations

from collections import Counter

import pytest

from conftest import ROOT
from powerlist.package import Package

PKG = Package(ROOT, "working")


@pytest.fixture(scope="module")
def t():
    return {name: PKG.read_table(name) for name in
            ("lists", "items", "steps", "accountability", "exemptions", "bases", "counties")}


def per_list(rows, items, list_id):
    ids = {i["item_id"] for i in items if i["list_id"] == list_id}
    return [r for r in rows if r["item_id"] in ids]


def test_catalog_has_6_items_and_32_steps(t):
    assert sum(i["list_id"] == "catalog-baomi" for i in t["items"]) == 6
    # steps per item as printed: 4, 4, 5, 7, 5, 7
    steps = Counter(s["item_id"] for s in per_list(t["steps"], t["items"], "catalog-baomi"))
    assert [steps[f"catalog-baomi-00{n}"] for n in range(1, 7)] == [4, 4, 5, 7, 5, 7]


def test_xingan_has_5_items_25_steps_27_cases_5_exemptions(t):
    items = t["items"]
    assert sum(i["list_id"] == "450325-baomi" for i in items) == 5
    assert len(per_list(t["steps"], items, "450325-baomi")) == 25
    cases = Counter(c["item_id"] for c in t["accountability"])
    # cases per item as printed: 5, 5, 5, 7, 5
    assert [cases[f"450325-baomi-00{n}"] for n in range(1, 6)] == [5, 5, 5, 7, 5]
    assert len(t["exemptions"]) == 5
    assert {e["text"] for e in t["exemptions"]} == {
        "法律法规规定的免责情形自治区党委、自治区人民政府有关文件中明确的免责情形。"}


def test_item_columns_of_the_catalog_are_structured(t):
    by_seq = {i["seq"]: i for i in t["items"] if i["list_id"] == "catalog-baomi"}
    assert by_seq[1]["category"] == "行政强制"
    assert by_seq[1]["name"] == "对非法获取、持有国家秘密载体的行政强制"
    assert by_seq[1]["levels"] == ["设区市", "县级"] and by_seq[1]["levels_printed"] == "设区市、县级"
    assert by_seq[6]["levels"] == ["设区市"] and by_seq[6]["levels_printed"] == "设区市级"
    assert by_seq[5]["category"] == "其他行政权力"
    assert all(i["sub_name"] is None for i in by_seq.values())


def test_jurisdiction_items_link_to_the_catalog_item_they_implement(t):
    links = {i["seq"]: i["catalog_item_id"] for i in t["items"] if i["list_id"] == "450325-baomi"}
    assert links == {n: f"catalog-baomi-00{n}" for n in range(1, 6)}
    item = next(i for i in t["items"] if i["item_id"] == "450325-baomi-001")
    assert item["implementing_body"] == "中共兴安县委员会办公室（兴安县国家保密局）"
    assert item["undertaking_unit"] is None


def test_two_steps_in_one_paragraph_are_two_rows(t):
    # catalog item 1: "2.调查责任：…等。3.收缴责任：…。4.其他法律法规规章文件规定应履行的责任。" is one paragraph
    steps = {s["step_no"]: s for s in t["steps"] if s["item_id"] == "catalog-baomi-001"}
    assert steps[3]["name"] == "收缴责任"
    assert steps[3]["text"] == "对非法获取、持有的国家秘密载体予以收缴。"
    assert [steps[n]["starts_paragraph"] for n in (1, 2, 3, 4)] == [True, True, False, False]
    assert steps[4]["name"] is None
    assert steps[4]["text"] == "其他法律法规规章文件规定应履行的责任。"


def test_responsible_body_in_parentheses_is_split_off_wherever_it_stands(t):
    steps = {(s["item_id"], s["step_no"]): s for s in t["steps"]}
    before = steps[("450325-baomi-001", 1)]   # …组织调查处理（县国家保密局）。
    assert before["text"] == "发现非法获取、持有国家秘密载体的，取得批准后组织调查处理。"
    assert (before["responsible"], before["responsible_placement"]) == ("县国家保密局", "before_period")
    after = steps[("450325-baomi-002", 1)]    # …依法享有的权利。（县国家保密局）
    assert after["text"].endswith("当事人依法享有的权利。")
    assert (after["responsible"], after["responsible_placement"]) == ("县国家保密局", "end")
    missing = steps[("450325-baomi-004", 1)]  # item 4 names no body in its steps
    assert missing["responsible"] is None and missing["name"] == "受理责任"


def test_accountability_keeps_the_lead_in_and_the_published_typo(t):
    item1 = next(i for i in t["items"] if i["item_id"] == "450325-baomi-001")
    assert item1["accountability_intro"] == "因不履行或不正确履行行政职责，有下列情形的，行政机关及相关工作人员应承担相应的责任："
    cases = {(c["item_id"], c["case_no"]): c for c in t["accountability"]}
    assert cases[("450325-baomi-001", 1)]["text"] == "无法定依据或者越法定权限实施调查处理和行政强制的。"
    assert cases[("450325-baomi-002", 1)]["text"] == "无法定依据或者超越法定权限实施调查处理和行政强制的。"
    # item 4, cases 4 and 5 share one printed paragraph
    assert cases[("450325-baomi-004", 5)]["starts_paragraph"] is False
    # item 5 case 5 ends in the body without a closing 。
    last = cases[("450325-baomi-005", 5)]
    assert (last["text"], last["responsible"], last["responsible_placement"]) == (
        "除以上追责情形外，其他违反法律法规规章的行为依法追究相应责任", "县国家保密局", "end")
    assert cases[("450325-baomi-005", 1)]["responsible"] is None
