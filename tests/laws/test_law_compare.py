"""`law compare`: the computed alignment of two versions against the curated map (laws.md) and
against the texts. Computed-only facts asserted here were checked by hand in the files:
2010 第三十二条 (line 170) and 2024 第三十九条 (line 180) are the same sentence, word for word.
"""

from __future__ import annotations

import json

import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import ROOT, snapshot
from powerlist.cli import app
from powerlist.laws.compare import compare_versions, computed_map
from powerlist.laws.reference import load_reference
from powerlist.laws.update import recorded_update

REF = load_reference(ROOT)


def invoke(*args):
    return CliRunner().invoke(app, ["--package", str(ROOT), *args])


@pytest.mark.parametrize("title, old, new, n", [("保守国家秘密法", 2010, 2024, 8), ("实施条例", 2014, 2024, 7)])
def test_the_computed_table_agrees_with_every_curated_row(title, old, new, n):
    c = compare_versions(REF, title, old, new)
    assert len(c.curated) == n and c.disagreements == []
    assert {id(m) for r in c.rows for m in r.curated} == {id(m) for m in c.curated}


def test_the_law_comparison_finds_the_split_and_the_merge_of_laws_md():
    c = compare_versions(REF, "保守国家秘密法", 2010, 2024)
    split = next(r for r in c.rows if r.from_label == "第四十四条")
    assert split.relation == "split" and {p.article for p in split.new} == {51, 52}
    merged = next(r for r in c.rows if r.from_label == "第四十五条")
    assert (merged.relation, merged.to_label) == ("merged", "第五十二条第二款")


def test_computed_only_rows_are_marked_computed_with_a_score_and_trace_uses_them():
    rows = [m for m in computed_map(REF, "baomi-fa-2010", "baomi-fa-2024") if m["from_article"] == 32]
    assert [(m["to_label"], m["relation"], m["basis"], m["score"]) for m in rows] == [
        ("第三十九条", "same", "computed", 1.0)]
    # A curated article keeps its curated answer (no "computed" in it).
    assert REF.trace("baomi-fa-2010", 45, None, "baomi-fa-2024")[0]["relations"] == ["merged"]
    assert REF.trace("baomi-fa-2010", 32, None, "baomi-fa-2024")[0]["relations"] == ["same, computed 1.0"]


def test_the_diffs_update_check_falls_back_on_computed_rows_marked_as_such():
    old = {"law_title": "中华人民共和国保守国家秘密法", "law_doc": None, "article_no": 32, "article": "第三十二条",
           "issued_on": "2022-07-18"}
    new = {**old, "article_no": 39, "article": "第三十九条", "issued_on": "2025-03-01"}
    got = recorded_update(REF, old, new)
    assert (got["label"], got["to"], got["relation"]) == ("依据更新", "第三十九条", "same, computed 1.0")


def test_formats(tmp_path):
    before = snapshot(ROOT / "tables")
    xlsx = tmp_path / "修订对照表.xlsx"
    r = invoke("law", "compare", "保守国家秘密法", "2010", "2024", "-o", str(xlsx))
    assert r.exit_code == 0, r.output
    ws = openpyxl.load_workbook(xlsx).active
    assert ws["A1"].value == "《中华人民共和国保守国家秘密法》2010年版与2024年版条文对照"
    assert [c.value for c in ws[3]][:3] == ["原条款", "新条款", "对应关系"]
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    assert ["第四十五条", "第五十二条第二款", "合并"] in [v[:3] for v in values]
    assert all(isinstance(v, str) for row in values for v in row if v is not None)
    data = json.loads(invoke("law", "compare", "实施条例", "2014", "2024", "-f", "json").output)
    assert data["curated"] == data["curated_agreeing"] == 7
    row = next(r for r in data["rows"] if r["from"] == "第三十五条")
    assert (row["to"], row["relation"], row["basis"]) == ("第六十条", "reworded", "curated")
    html = invoke("law", "compare", "实施条例", "2014", "2024", "-f", "html").output
    assert html.startswith("<!DOCTYPE html>") and "<del>" in html and "<ins>" in html
    md = invoke("law", "compare", "实施条例", "2014", "2024", "-f", "markdown").output
    assert md.startswith("# 《中华人民共和国保守国家秘密法实施条例》2014年版与2024年版条文对照")
    assert snapshot(ROOT / "tables") == before


def test_bad_input_is_one_line():
    for args, says in [(("泄密案件查处办法", "2017", "2017"), "no public full text"),
                       (("保守国家秘密法", "2024", "2010"), "older version with a newer one"),
                       (("保守国家秘密法", "2010", "2024", "-o", "x.doc"), "cannot tell the format"),
                       (("保守国家秘密法", "2010", "2024", "-f", "xlsx"), "give --output")]:
        r = invoke("law", "compare", *args)
        assert r.exit_code == 2 and says in r.output and r.output.count("\n") == 1, (args, r.output)


def test_the_written_table_keeps_the_users_umask(tmp_path):
    import os
    old = os.umask(0o022)
    try:
        out = tmp_path / "t.md"
        assert invoke("law", "compare", "实施条例", "2014", "2024", "-o", str(out)).exit_code == 0
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o644
