"""recorded_update: the check behind the diff's 依据更新, on the real reference tables.

The basis dicts are shaped like bases rows; articles and versions come from laws.md's table
(2010 第四十五条 → 2024 第五十二条第二款 merged; 第四十四条 → 第五十一条 and 第五十二条第二款 split).
"""

from __future__ import annotations

from conftest import ROOT
from powerlist.laws.reference import load_reference
from powerlist.laws.update import recorded_update

REF = load_reference(ROOT)
LAW = "中华人民共和国保守国家秘密法"


def basis(article_no, article, paragraph_no=None, paragraph=None, issued_on="2022-07-18", title=LAW, doc=None, **kw):
    return {"law_title": title, "law_doc": doc, "article_no": article_no, "article": article,
            "paragraph_no": paragraph_no, "paragraph": paragraph, "issued_on": issued_on, **kw}


NEW_52_2 = basis(52, "第五十二条", 2, "第二款", issued_on="2025-03-01")


def test_article_45_of_2010_to_52_2_of_2024_is_a_recorded_update():
    got = recorded_update(ROOT, basis(45, "第四十五条"), NEW_52_2)
    assert got["label"] == "依据更新"
    assert (got["from_version"], got["to_version"], got["from"], got["to"], got["relation"]) == (
        "baomi-fa-2010", "baomi-fa-2024", "第四十五条", "第五十二条第二款", "merged")


def test_a_split_article_may_move_to_either_of_its_new_places():
    assert recorded_update(REF, basis(44, "第四十四条"), basis(51, "第五十一条", issued_on="2025-03-01"))["relation"] == "split"
    assert recorded_update(REF, basis(44, "第四十四条"), NEW_52_2)["relation"] == "split"


def test_an_unrecorded_move_is_not_an_update():
    # 第四十五条 went to 第五十二条第二款 only; 第五十一条 is a change of substance.
    assert recorded_update(REF, basis(45, "第四十五条"), basis(51, "第五十一条", issued_on="2025-03-01")) is None


def test_the_same_version_renumbered_is_not_an_update():
    # Both lists date from before 2024-05-01, so both cite the 2010 text.
    assert recorded_update(REF, basis(45, "第四十五条"), basis(52, "第五十二条", 2, "第二款", issued_on="2023-01-01")) is None


def test_another_instrument_is_not_an_update():
    other = basis(52, "第五十二条", 2, "第二款", issued_on="2025-03-01", title="中华人民共和国保守国家秘密法实施条例",
                  doc="2014年国务院令第646号")
    assert recorded_update(REF, basis(45, "第四十五条"), other) is None


def test_explicit_versions_work_for_the_regulation_whose_new_order_no_list_prints_yet():
    old = basis(35, "第三十五条", title="中华人民共和国保守国家秘密法实施条例", doc="2014年国务院令第646号公布")
    new = basis(60, "第六十条", title="中华人民共和国保守国家秘密法实施条例", doc="2024年国务院令第786号公布",
                law_id="baomi-fa-shishi", version_id="baomi-fa-shishi-2024")
    got = recorded_update(REF, old, new)
    assert (got["from_version"], got["to_version"], got["to"]) == ("baomi-fa-shishi-2014", "baomi-fa-shishi-2024", "第六十条")
