"""Each audit rule on a hand-made minimal fixture: one that triggers it, one that must not.

SYNTHETIC DATA: the instrument 示例法 (law id `demo-fa`), its versions and every quoted text
below are invented for these tests and stand for no real legal text.
"""

from __future__ import annotations

from datetime import date

from powerlist.laws.audit import r1_variants, r2_quotes, r3_siblings, r4_superseded, r5_type_label, r6_numbering, r7_responsible
from powerlist.laws.audit.align import wording_differences
from powerlist.laws.audit.data import build
from powerlist.laws.reference import Reference

REF = Reference.from_rows(
    laws=[{"law_id": "demo-fa", "title": "示例法", "law_type": "地方政府规章", "issuing_form": "示例省人民政府令",
           "issuing_doc": "示例省人民政府令第1号", "source": "synthetic"}],
    versions=[
        {"version_id": "demo-fa-2000", "law_id": "demo-fa", "year": 2000, "in_force_from": "2000-01-01",
         "superseded_by": "demo-fa-2020", "source": "synthetic"},
        {"version_id": "demo-fa-2020", "law_id": "demo-fa", "year": 2020, "in_force_from": "2020-06-01",
         "superseded_by": None, "source": "synthetic"},
    ],
    variants=[
        {"variant": "《示例法》（令第1号）", "law_title": "示例法", "law_doc": "令第1号", "law_id": "demo-fa", "version_id": "demo-fa-2000"},
        {"variant": "《示例法》（2000年令第1号公布）", "law_title": "示例法", "law_doc": "2000年令第1号公布", "law_id": "demo-fa", "version_id": "demo-fa-2000"},
    ],
    articles=[{"law_id": "demo-fa", "from_version": "demo-fa-2000", "from_label": "第三条", "from_article": 3,
               "from_paragraph": None, "to_version": "demo-fa-2020", "to_label": "第九条第二款", "to_article": 9,
               "to_paragraph": 2, "relation": "merged", "note": None, "source": "synthetic"}],
)
LISTS = [{"list_id": "demo", "kind": "jurisdiction", "issued_on": "2019-05-01"}]
ITEMS = [{"item_id": f"demo-00{n}", "list_id": "demo", "seq": n, "name": f"事项{n}"} for n in (1, 2, 3)]


def basis(item=1, role="setting", ref="1", doc="令第1号", article=3, text="甲乙丙丁戊己庚辛壬癸。", **kw):
    return {"basis_id": f"b{item}{role}{ref}{article}{kw.get('paragraph_no', '')}", "item_id": f"demo-00{item}",
            "role": role, "ref": ref, "law_type": kw.pop("law_type", "地方政府规章"), "law_title": "示例法",
            "law_doc": doc, "article": f"第{article}条", "article_no": article, "paragraph_no": None, "text": text, **kw}


def data(bases=(), steps=(), cases=(), as_of=None, lists=LISTS):
    return build(lists, ITEMS, steps, cases, bases, REF, as_of)


# ---- rule 1 ---------------------------------------------------------------------------------

def test_rule1_two_document_forms_of_one_instrument_in_a_list_is_a_finding():
    found = r1_variants.check(data([basis(1), basis(2, doc="2000年令第1号公布")]))
    assert len(found) == 1 and found[0].rule == 1
    assert {v["printed"] for v in found[0].evidence["variants"]} == {"《示例法》（令第1号）", "《示例法》（2000年令第1号公布）"}


def test_rule1_one_form_used_throughout_is_not():
    assert r1_variants.check(data([basis(1), basis(2), basis(3, role="step")])) == []


# ---- rule 2 ---------------------------------------------------------------------------------

LONG = "一二三四五六七八九十，甲乙丙丁应当或者戊己庚辛，子丑寅卯辰巳午未申酉戌亥。"


def test_rule2_a_character_missing_inside_the_shared_stretch_is_found_and_highlighted():
    shorter = LONG.replace("应当或者", "应当或")
    found = r2_quotes.check(data([basis(1, text=LONG), basis(2, text=shorter), basis(3, text=shorter)]))
    assert len(found) == 1
    f = found[0]
    assert f.item_id == "demo-001"   # the wording only one place uses
    assert f.evidence["differences"] == [{"a": "者", "b": ""}]
    assert "或⟦者⟧戊" in f.evidence["a"]["quote"] and "或⟦⟧戊" in f.evidence["b"]["quote"]
    assert [p["item"] for p in f.evidence["b"]["places"]] == [2, 3]


def test_rule2_a_partial_quote_of_the_same_text_is_not_a_finding():
    # One place quotes the first sentence only, another starts halfway: they agree where they overlap.
    assert r2_quotes.check(data([basis(1, text=LONG), basis(2, text=LONG[:20]), basis(3, text=LONG[11:])])) == []


def test_rule2_different_enumerated_items_of_one_article_are_not_a_finding():
    head = "有下列行为之一的，依法给予处分："
    a = head + "（一）擅自公开内部信息的；（二）私自复制涉密载体的；（三）其他的。"
    b = head + "（四）接受馈赠的；（五）滥用职权的。"
    assert wording_differences(a, b) == []
    assert r2_quotes.check(data([basis(1, text=a), basis(2, text=b)])) == []


def test_rule2_an_omitted_enumerated_item_is_an_excerpt_not_a_wording_difference():
    head = "有下列行为之一的，依法给予处分："
    a = head + "（一）擅自公开内部信息的；（二）私自复制涉密载体的；（三）其他违法行为的。"
    b = head + "（一）擅自公开内部信息的；（三）其他违法行为的。"
    assert r2_quotes.check(data([basis(1, text=a), basis(2, text=b)])) == []


def test_rule2_different_articles_are_never_compared():
    assert r2_quotes.check(data([basis(1, text=LONG), basis(2, article=4, text=LONG.replace("或者", "或"))])) == []


# ---- rule 3 ---------------------------------------------------------------------------------

def case(item, text, no=1, responsible="示例局"):
    return {"item_id": f"demo-00{item}", "case_no": no, "label": f"{no}．", "text": text, "responsible": responsible}


def test_rule3_a_dropped_character_in_one_sibling_is_a_typo_finding():
    good = "无法定依据或者超越法定权限实施处理的。"
    found = r3_siblings.check(data(cases=[case(1, good.replace("超越", "越")), case(2, good), case(3, good)]))
    assert len(found) == 1
    assert (found[0].item_id, found[0].cell) == ("demo-001", "追责情形 1")
    assert found[0].evidence["sibling_items"] == [2, 3]
    assert "⟦超⟧越" in found[0].evidence["siblings_marked"]


def test_rule3_deliberate_adaptations_and_two_against_two_are_not_typos():
    # A substituted word (调查 → 检查) is an adaptation; a longer insertion is not typo-sized; and
    # with no majority wording there is nothing to call a deviation.
    cases = [case(1, "不依法回避；调查不出示执法证件实施调查处理的。"), case(2, "不依法回避；检查不出示执法证件实施调查处理的。"),
             case(3, "不依法回避；调查不出示执法证件实施调查处理和行政强制的。")]
    assert r3_siblings.check(data(cases=cases)) == []
    assert r3_siblings.check(data(cases=[case(1, "甲乙丙丁超越戊己庚辛"), case(2, "甲乙丙丁越戊己庚辛")])) == []


# ---- rule 4 ---------------------------------------------------------------------------------

def test_rule4_a_version_superseded_by_the_as_of_date_names_the_new_version_and_article():
    found = r4_superseded.check(data([basis(1)], as_of=date(2021, 1, 1)))
    assert len(found) == 1
    ev = found[0].evidence
    assert (ev["in_force_version"], ev["date_basis"]) == ("demo-fa-2020", "--as-of")
    assert ev["now"][0]["article"] == "第九条第二款" and ev["now"][0]["relation"] == "merged"


def test_rule4_not_before_the_new_version_is_in_force():
    assert r4_superseded.check(data([basis(1)], as_of=date(2020, 5, 31))) == []
    # Without --as-of the list's own printed date (2019-05-01) decides: still in force then.
    assert r4_superseded.check(data([basis(1)])) == []


def test_rule4_a_list_already_out_of_date_when_issued_is_an_error_and_says_its_date():
    lists = [{"list_id": "demo", "kind": "jurisdiction", "issued_on": "2021-03-01"}]
    found = r4_superseded.check(data([basis(1)], lists=lists))
    assert len(found) == 1 and found[0].severity == "error"
    assert found[0].evidence["date_basis"] == "the list's date (printed)"


# ---- rule 5 ---------------------------------------------------------------------------------

def test_rule5_a_label_contradicting_the_issuing_form_is_an_error():
    found = r5_type_label.check(data([basis(1, law_type="地方性法规"), basis(2, law_type="地方性法规", ref="2", same_as="1")]))
    # The 同1 copy repeats the printed label; only the printed one is counted.
    assert len(found) == 1 and found[0].evidence["printed"] == "地方性法规" and found[0].evidence["correct"] == "地方政府规章"


def test_rule5_a_matching_label_is_not():
    assert r5_type_label.check(data([basis(1)])) == []


# ---- rule 6 ---------------------------------------------------------------------------------

def step(item, no, name="甲责任", responsible="示例局", label=None):
    return {"item_id": f"demo-00{item}", "step_no": no, "label": label or f"{no}．", "name": name, "text": name,
            "responsible": responsible}


STEPS = [step(1, 1), step(1, 2), step(1, 3, name="其他法律法规规章文件规定应履行的责任")]


def test_rule6_a_skipped_citation_number_and_a_dangling_same_as_are_found():
    bases = [basis(1, role="step", ref="1"), basis(1, role="step", ref="3"), basis(1, role="step", ref="4", same_as="9")]
    found = r6_numbering.check(data(bases, steps=STEPS + [step(1, 4)]))
    messages = " / ".join(f.message for f in found)
    assert "缺少编号2" in messages
    assert any(f.severity == "error" and f.evidence.get("same_as") == "9" for f in found)


def test_rule6_a_duplicated_step_label_is_found():
    found = r6_numbering.check(data(steps=[step(1, 1), step(1, 2, label="1．"), step(1, 3)]))
    assert len(found) == 1 and found[0].evidence["duplicates"] == [1]


def test_rule6_documented_non_gaps_are_not_findings():
    bases = [
        basis(1, role="step", ref="1"), basis(1, role="step", ref="2—1"), basis(1, role="step", ref="2—2"),  # no bare 2
        basis(2, role="setting", ref=""),                                                                  # single unlabeled
    ]
    # Item 1's last step (其他…) cites no basis on purpose.
    assert r6_numbering.check(data(bases, steps=STEPS)) == []


def test_rule6_a_missing_sub_label_is_a_gap():
    bases = [basis(1, role="step", ref="1"), basis(1, role="step", ref="2—1"), basis(1, role="step", ref="2—3")]
    found = r6_numbering.check(data(bases, steps=STEPS))
    assert len(found) == 1 and "2—2" in found[0].message


# ---- rule 7 ---------------------------------------------------------------------------------

def test_rule7_steps_without_a_body_under_a_demanding_header_are_found_once_per_cell():
    found = r7_responsible.check(data(steps=[step(1, 1, responsible=None), step(1, 2, responsible=None), step(2, 1)]))
    assert len(found) == 1 and (found[0].item_id, found[0].evidence["numbers"]) == ("demo-001", [1, 2])


def test_rule7_a_catalog_header_demands_no_body():
    lists = [{"list_id": "demo", "kind": "catalog", "issued_on": None}]
    assert r7_responsible.check(data(steps=[step(1, 1, responsible=None)], lists=lists)) == []
