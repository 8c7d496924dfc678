"""Rule 8 and the quote verdicts: quotes against the official texts (sources/reference/laws/).

Real findings, each checked by hand against the files:
- 实施条例 (2014) 第三十五条 reads 调查或者组织 (file line 196); both lists quote 调查或组织 in items 1
  and 5 (catalog lines 32, 154; Xing'an lines 64, 280) and correctly in item 4;
- 实施条例 (2014) 第三十八条 ends 不得利用职权谋取利益。 (line 206); both lists quote 谋取私利 in
  items 2 and 3 (catalog lines 62, 98; Xing'an lines 122, 178);
- 行政强制法 第六十八条 reads 违反本法规定，构成犯罪的 (line 444); Xing'an quotes 违法本法规定 in
  items 1 and 2 (lines 88, 144).
"""

from __future__ import annotations

import pytest

from conftest import ROOT
from powerlist.laws.audit import audit
from powerlist.laws.quotes import DIFFERENT, EXACT, EXCERPT, PUNCTUATION, check_quote
from powerlist.laws.texts import LawTexts

TEXTS = LawTexts.load(ROOT)
ART_35 = [r["text"] for r in TEXTS.units("baomi-fa-shishi-2014", 35)]


@pytest.fixture(scope="module")
def found():
    return [f for f in audit(ROOT, "2022").findings if f.rule == 8]


def _where(found, article):
    return sorted((f.list_id, f.item_seq) for f in found if f.evidence["provision"].endswith(article))


def test_article_35_misquoted_in_items_1_and_5_of_both_lists(found):
    assert _where(found, "第三十五条") == [("450325-baomi", 1), ("450325-baomi", 5),
                                          ("catalog-baomi", 1), ("catalog-baomi", 5)]
    for f in (f for f in found if f.evidence["provision"].endswith("第三十五条")):
        assert f.evidence["provision"] == "《中华人民共和国保守国家秘密法实施条例》（2014年版）第三十五条"
        assert f.evidence["differences"] == [{"quote": "", "official": "者"}]
        assert "调查或⟦⟧组织、督促" in f.evidence["quote_marked"]
        assert "调查或⟦者⟧组织、督促" in f.evidence["official_marked"]
        assert "官方文本“…，应当依法及时调查或⟦者⟧组织" in f.message and "line 196" in f.evidence["source"]


def test_article_38_and_qiangzhi_68_are_the_other_real_differences(found):
    assert _where(found, "第三十八条") == [("450325-baomi", 2), ("450325-baomi", 3),
                                          ("catalog-baomi", 2), ("catalog-baomi", 3)]
    assert _where(found, "第六十八条") == [("450325-baomi", 1), ("450325-baomi", 2)]
    art38 = next(f for f in found if f.evidence["provision"].endswith("第三十八条"))
    assert "谋取⟦私⟧利" in art38.evidence["quote_marked"] and "利⟦益⟧。" in art38.evidence["official_marked"]
    art68 = next(f for f in found if f.evidence["provision"].endswith("第六十八条"))
    assert art68.evidence["differences"] == [{"quote": "法", "official": "反"}]
    assert len(found) == 10


def test_verdicts_exact_excerpt_punctuation_different():
    official = "".join(ART_35)
    assert check_quote(official, ART_35).verdict == EXACT
    # The first sentence alone, and the first plus the last (a sentence skipped): excerpts.
    first, rest = official.split("。", 1)
    assert check_quote(first + "。", ART_35).verdict == EXCERPT
    last = "有关机关、单位应当及时将处理结果书面告知同级保密行政管理部门。"
    assert check_quote(first + "。" + last, ART_35).verdict == EXCERPT
    # Commas for the enumeration's 、 and a half-width full stop: punctuation only.
    assert check_quote(official.replace("、", "，").replace("。", "."), ART_35).verdict == PUNCTUATION
    # A character dropped inside a sentence is not an excerpt.
    assert check_quote(official.replace("或者", "或"), ART_35).verdict == DIFFERENT
    # Cutting mid-sentence and going on elsewhere is not an excerpt either.
    assert check_quote("保密行政管理部门对公民举报有关机关、单位应当及时", ART_35).verdict == DIFFERENT


def test_items_of_an_enumeration_are_an_excerpt():
    # 行政强制法 第六十一条: its lead sentence and item （三） only, as Xing'an quotes it.
    units = [r["text"] for r in TEXTS.units("xingzheng-qiangzhi-fa-2011", 61)]
    assert units[3].startswith("（三）")
    assert check_quote(units[0] + units[3], units).verdict == EXCERPT
    assert check_quote(units[0] + units[3][:10], units).verdict == EXCERPT


def test_excerpts_and_punctuation_only_quotes_are_not_findings(found):
    # 第三十六条 (2014) is quoted as its first paragraph only; 第三十二条 (2014) with full-width （一）
    # where the file has half-width (一); 行政强制法 第六十一条 as its lead and one item each.
    for article in ("第三十六条", "第三十二条", "第六十一条", "第四十四条"):
        assert _where(found, article) == [], article


def test_no_rule_8_finding_for_instruments_without_a_public_text(found):
    assert not any("泄密案件查处办法" in f.evidence["provision"] or "保密检查工作规定" in f.evidence["provision"]
                   for f in found)
