"""Parsed citations checked field by field against the printed text of both documents."""

from __future__ import annotations

import pytest

from conftest import ROOT
from powerlist.package import Package

PKG = Package(ROOT, "working")


@pytest.fixture(scope="module")
def bases():
    return PKG.read_table("bases")


def rows(bases, item_id, role):
    return [b for b in sorted(bases, key=lambda b: b["seq"]) if b["item_id"] == item_id and b["role"] == role]


def test_catalog_item_1_setting_bases_field_by_field(bases):
    # 1.【法律】《中华人民共和国保守国家秘密法》第五条：国家保密行政管理部门主管全国的保密工作。…
    # 第四十五条：保密行政管理部门对保密检查中发现的非法获取、持有的国家秘密载体，应当予以收缴。
    # 2.【行政法规】《中华人民共和国保守国家秘密法实施条例》（2014年国务院令第646号）第三十六条：…
    got = rows(bases, "catalog-baomi-001", "setting")
    assert [(b["ref"], b["law_type"], b["law_title"], b["law_doc"], b["article"], b["article_no"], b["continues"])
            for b in got] == [
        ("1", "法律", "中华人民共和国保守国家秘密法", None, "第五条", 5, False),
        ("1", "法律", "中华人民共和国保守国家秘密法", None, "第四十五条", 45, True),
        ("2", "行政法规", "中华人民共和国保守国家秘密法实施条例", "2014年国务院令第646号", "第三十六条", 36, False),
    ]
    assert got[0]["text"] == "国家保密行政管理部门主管全国的保密工作。县级以上地方各级保密行政管理部门主管本行政区域的保密工作。"
    assert got[1]["text"] == "保密行政管理部门对保密检查中发现的非法获取、持有的国家秘密载体，应当予以收缴。"


def test_two_articles_in_one_paragraph_are_two_provisions(bases):
    # catalog item 3: …第五条：…\n\n第四十二条：…指导和监督。第四十四条：保密行政管理部门对机关、单位遵守…
    got = rows(bases, "catalog-baomi-003", "setting")
    assert [b["article_no"] for b in got] == [5, 42, 44, 32]
    assert [b["starts_paragraph"] for b in got] == [True, True, False, True]


def test_sub_labels_map_to_the_step_they_support(bases):
    # catalog item 6 step bases: 1. 2—1. 2—2. 2—3. 2—4. 3. 4.同3。 5. 6.
    got = rows(bases, "catalog-baomi-006", "step")
    assert [(b["ref"], b["step_no"]) for b in got] == [
        ("1", 1), ("2—1", 2), ("2—2", 2), ("2—3", 2), ("2—4", 2), ("3", 3), ("4", 4), ("5", 5), ("6", 6)]
    assert (got[1]["article"], got[1]["paragraph"], got[1]["paragraph_no"]) == ("第六条", "第三款", 3)
    assert got[0]["law_doc"] == "国保发〔2018〕59号"


def test_same_as_reference_is_resolved_and_marked(bases):
    got = {b["ref"]: b for b in rows(bases, "catalog-baomi-006", "step")}
    assert got["4"]["same_as"] == "3" and got["4"]["same_as_printed"] == "同3。"
    assert (got["4"]["law_title"], got["4"]["article_no"]) == ("涉密信息系统测评审查管理规定", 24)


def test_xingan_item_4_accountability_bases_field_by_field(bases):
    # 1．【部门规章】《泄密案件查处办法》（2017年12月29日国家保密局令第2号公布）第九章第六十条：保密行政管理部门办理泄密案件，…
    # 2．同1． … 6．同1．
    got = rows(bases, "450325-baomi-004", "accountability")
    first = got[0]
    assert (first["label"], first["law_type"], first["law_title"], first["law_doc"], first["chapter"],
            first["article"], first["article_no"], first["case_no"]) == (
        "1．", "部门规章", "泄密案件查处办法", "2017年12月29日国家保密局令第2号公布", "第九章", "第六十条", 60, 1)
    assert first["text"].startswith("保密行政管理部门办理泄密案件，未依法履行职责")
    assert [(b["case_no"], b["same_as"], b["same_as_printed"]) for b in got[1:]] == [
        (n, "1", "同1．") for n in range(2, 7)]
    assert all(b["article_no"] == 60 for b in got)


def test_xingan_chapter_article_paragraph_labels(bases):
    # 1．【规范性文件】《保密检查工作规定》（国保发〔2013〕14号）第二章第八条第一款：… 第四章第十七条：…
    got = rows(bases, "450325-baomi-003", "step")
    assert [(b["chapter"], b["article"], b["paragraph"], b["article_no"], b["paragraph_no"]) for b in got[:2]] == [
        ("第二章", "第八条", "第一款", 8, 1), ("第四章", "第十七条", None, 17, None)]
    # 4－1． and 4－2． (full-width hyphen) support step 4; 4－2 was printed after leading spaces
    assert [(b["ref"], b["step_no"]) for b in got[-2:]] == [("4－1", 4), ("4－2", 4)]


def test_unlabeled_single_basis_and_local_regulation_citation(bases):
    got = rows(bases, "450325-baomi-005", "setting")
    assert [(b["ref"], b["label"], b["article_no"]) for b in got] == [(None, None, 5), (None, None, 28)]
    acc = rows(bases, "450325-baomi-001", "accountability")
    local = next(b for b in acc if b["ref"] == "2－2")
    assert (local["law_type"], local["law_title"], local["law_doc"], local["chapter"], local["article_no"]) == (
        "地方性法规", "广西壮族自治区行政过错责任追究办法", "广西壮族自治区人民政府令第24号，2007年4月25日公布", "第二章", 8)
