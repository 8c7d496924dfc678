"""The audit on the real 2022 package, asserted by content read off the two documents.

What a reader of the documents finds:
- both lists cite the 实施条例 and the 泄密案件查处办法 with several document forms (catalog: 2 each;
  Xing'an: 3 each, e.g. 2014年国务院令第646号 / …公布 / 2014年1月17日…公布);
- 实施条例 第三十五条 is quoted 调查或者组织、督促 in item 4 but 调查或组织、督促 in items 1 and 5, in
  both lists (catalog lines 108, 32, 154; Xing'an lines 208, 64, 280);
- Xing'an item 1 case 1 says 越法定权限 where items 2, 3, 5 say 超越法定权限 (lines 71, 127, 183, 291);
- Xing'an labels the 人民政府令 instrument 【地方性法规】 in items 1, 2, 3, 5 (lines 86, 142, 194, 302);
- Xing'an item 4's seven steps name no body (lines 211-223), nor do item 5's cases 1-4 (291-297);
- the numbering of steps, cases and citations has no gap or duplicate that is not on purpose.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from powerlist.cli import app
from powerlist.laws.audit import audit


@pytest.fixture(scope="module")
def report():
    return audit(ROOT, "2022")


def by_rule(report, rule):
    return [f for f in report.findings if f.rule == rule]


def invoke(*args):
    return CliRunner().invoke(app, ["--package", str(ROOT), *args])


def test_rule1_finds_the_regulation_and_the_rule_cited_under_several_forms(report):
    got = {(f.list_id, f.evidence["law_id"], len(f.evidence["variants"])) for f in by_rule(report, 1)}
    assert got == {("catalog-baomi", "baomi-fa-shishi", 2), ("catalog-baomi", "xiemi-chachu", 2),
                   ("450325-baomi", "baomi-fa-shishi", 3), ("450325-baomi", "xiemi-chachu", 3)}


def test_rule2_finds_exactly_the_article_35_misquote_in_both_lists(report):
    found = by_rule(report, 2)
    assert sorted(f.list_id for f in found) == ["450325-baomi", "catalog-baomi"]
    for f in found:
        assert f.evidence["provision"] == "《中华人民共和国保守国家秘密法实施条例》第三十五条"
        assert f.evidence["differences"] == [{"a": "者", "b": ""}]
        assert [p["item"] for p in f.evidence["a"]["places"]] == [4]
        assert sorted(p["item"] for p in f.evidence["b"]["places"]) == [1, 5]
        assert "调查或⟦者⟧组织、督促" in f.evidence["a"]["quote"]
        assert "调查或⟦⟧组织、督促" in f.evidence["b"]["quote"]


def test_rule3_finds_the_dropped_chao_in_xingan_item_1(report):
    found = by_rule(report, 3)
    assert [(f.list_id, f.item_seq, f.cell) for f in found] == [("450325-baomi", 1, "追责情形 1")]
    assert found[0].evidence["sibling_items"] == [2, 3, 5]
    assert "越法定权" in found[0].evidence["deviation"] and "超越法定权" in found[0].evidence["siblings_say"]


def test_rule5_finds_the_four_local_regulation_labels(report):
    found = by_rule(report, 5)
    assert [(f.list_id, f.item_seq, f.cell, f.severity) for f in found] == [
        ("450325-baomi", 1, "追责依据 2－2", "error"), ("450325-baomi", 2, "追责依据 2－2", "error"),
        ("450325-baomi", 3, "追责依据 2", "error"), ("450325-baomi", 5, "追责依据 2", "error")]
    assert all(f.evidence["correct"] == "地方政府规章" for f in found)


def test_rule7_finds_item_4_steps_and_item_5_cases_without_a_body(report):
    got = [(f.item_id, f.cell, f.evidence["numbers"], f.evidence["of"]) for f in by_rule(report, 7)]
    assert got == [("450325-baomi-004", "责任事项", [1, 2, 3, 4, 5, 6, 7], 7),
                   ("450325-baomi-005", "追责情形", [1, 2, 3, 4], 5)]


def test_no_numbering_finding_and_no_rule_4_on_the_lists_own_dates(report):
    assert by_rule(report, 6) == [] and by_rule(report, 4) == []
    assert report.dates["450325-baomi"] == {"date": "2022-07-18", "basis": "printed"}
    assert report.dates["catalog-baomi"]["basis"].startswith("inferred")
    assert len(report.findings) == 4 + 2 + 1 + 4 + 2


def test_rule4_needs_an_as_of_date_on_or_after_2024_05_01():
    assert by_rule(audit(ROOT, "2022", as_of=date(2024, 4, 30)), 4) == []
    law_only = by_rule(audit(ROOT, "2022", list_id="catalog-baomi", as_of=date(2024, 6, 1)), 4)
    # Before 2024-09-01 only the law is superseded; catalog cites 2010 articles 5, 45 (item 1),
    # 5, 44 (item 2), 5, 42, 44 (item 3), 5, 28, 50 (item 5), 23(3) (item 6): 14 distinct places.
    assert {f.evidence["law_id"] for f in law_only} == {"baomi-fa"}
    assert len(law_only) == 14
    both = by_rule(audit(ROOT, "2022", as_of=date(2025, 1, 1)), 4)
    assert {f.evidence["in_force_version"] for f in both} == {"baomi-fa-2024", "baomi-fa-shishi-2024"}
    item1 = [f for f in both if f.item_id == "450325-baomi-001" and f.evidence["cited"] == "2010年版第四十五条"]
    assert item1 and all(f.evidence["now"][0]["article"] == "第五十二条第二款" for f in item1)
    split = [f for f in both if f.evidence["cited"] == "2010年版第四十四条"][0]
    assert [n["article"] for n in split.evidence["now"]] == ["第五十一条", "第五十二条第二款"]


def test_working_state_gives_the_same_findings_as_2022(report):
    working = audit(ROOT, "working")
    key = lambda f: (f.rule, f.list_id, f.item_id, f.cell, f.message)  # noqa: E731
    assert sorted(map(key, working.findings)) == sorted(map(key, report.findings))


def test_cli_exit_code_follows_fail_on():
    assert invoke("audit", "--release", "2022").exit_code == 0
    assert invoke("audit", "--release", "2022", "--exit-code").exit_code == 1
    assert invoke("audit", "--release", "2022", "--exit-code", "--fail-on", "error").exit_code == 1
    # The catalog has info and warning findings only.
    assert invoke("audit", "--list", "catalog-baomi", "--exit-code", "--fail-on", "error").exit_code == 0
    assert invoke("audit", "--list", "catalog-baomi", "--exit-code", "--fail-on", "warning").exit_code == 1


def test_cli_formats_and_bad_input():
    as_json = json.loads(invoke("audit", "--release", "2022", "--format", "json").output)
    assert as_json["counts"] == {"info": 4, "warning": 5, "error": 4}
    md = invoke("audit", "--release", "2022", "--format", "markdown").output
    assert md.startswith("# ") and "| 5 | 法规类型标注与发布形式不符 | 错误 | 450325-baomi |" in md
    bad_date = invoke("audit", "--as-of", "2025-13-01")
    assert bad_date.exit_code == 2 and "--as-of" in bad_date.output
    unknown = invoke("audit", "--release", "2031")
    assert unknown.exit_code == 2 and "unknown release" in unknown.output
