"""Versions recognised by their words.

SYNTHETIC LIST: the list `synthetic-2025` and its item are invented; the quotes are real, copied by
hand from sources/reference/laws/ (2010 law 第四十五条, line 198; 2024 law 第四十五条, line 210).
"""

from __future__ import annotations

from datetime import date

from conftest import ROOT
from powerlist.laws.audit import r4_superseded, r8_official_text
from powerlist.laws.audit.data import build
from powerlist.laws.citations import package_citations
from powerlist.laws.reference import load_reference
from powerlist.package import Package

REF = load_reference(ROOT)
TEXT_2010_45 = "保密行政管理部门对保密检查中发现的非法获取、持有的国家秘密载体，应当予以收缴。"
LISTS = [{"list_id": "synthetic-2025", "kind": "jurisdiction", "issued_on": date(2025, 3, 1)}]
ITEMS = [{"item_id": "synthetic-2025-001", "list_id": "synthetic-2025", "seq": 1, "name": "合成事项"}]


def citation(text, article=45):
    return {"basis_id": "s1", "item_id": "synthetic-2025-001", "role": "setting", "ref": "1", "law_type": "法律",
            "law_title": "中华人民共和国保守国家秘密法", "law_doc": None, "article": "第四十五条",
            "article_no": article, "paragraph_no": None, "text": text}


def test_a_2025_list_quoting_the_2010_text_is_recognised_as_2010_and_reported_superseded():
    data = build(LISTS, ITEMS, bases=[citation(TEXT_2010_45)], reference=REF, texts=REF.texts)
    [b] = data.bases
    assert (b["version_id"], b["version_basis"]) == ("baomi-fa-2010", "quote")
    [f] = r4_superseded.check(data)
    assert f.severity == "error" and f.evidence["version_basis"] == "quote"
    assert [n["article"] for n in f.evidence["now"]] == ["第五十二条第二款"]
    assert "2010年版第四十五条（未印文号，引文与2010年版条文相符）已被2024年版替代" in f.message
    assert "现为2024年版第五十二条第二款" in f.message
    # Against the text it was recognised by, the quote is exact: no rule 8 finding.
    assert r8_official_text.check(data) == []


def test_a_quote_matching_no_version_falls_back_to_the_list_date():
    data = build(LISTS, ITEMS, bases=[citation("保密行政管理部门应当依法收缴一切载体。")], reference=REF)
    [b] = data.bases
    assert (b["version_id"], b["version_basis"]) == ("baomi-fa-2024", "list date")


def test_the_2022_citations_of_the_law_are_told_by_their_quotes_and_documents_by_their_numbers():
    rows = package_citations(Package(ROOT, "working"), ROOT, REF)
    law = [r for r in rows if r["law_id"] == "baomi-fa"]
    assert len(law) == 27 and {(r["version_id"], r["version_basis"]) for r in law} == {("baomi-fa-2010", "quote")}
    shishi = [r for r in rows if r["law_id"] == "baomi-fa-shishi"]
    assert {r["version_basis"] for r in shishi} == {"文号"}
