"""`conform` on the real 2022 lists, with findings checked by reading both source documents.

What the documents show (sources/2022/gx-catalog-2022.txt against xingan-baomi-2022.txt):
- the catalog's item 6 (涉密信息系统投入使用前的保密审查) is 设区市级 only, so a county need not list it;
  Xing'an lists the other five, in the catalog's order, with the catalog's names;
- the only wording differences in the shared columns are in item 3's 责任事项依据: Xing'an prefixes
  every article of 《保密检查工作规定》 and 实施条例 with its chapter (第二章第八条第一款, 第四章第十七条 …
  第五章第二十七条), prints citation 2's two articles in the other order (第十八条 before 第十六条),
  and dates 实施条例 as (2014年1月17日国务院令第646号公布) in 4－1 where the catalog has (2014年国务院令第646号公布);
- 1．/1. numbering, 4－1/4—1 dashes and the responsible bodies （县国家保密局） are Xing'an's form, not deviations;
- 或/或者: both documents quote 实施条例 第三十五条 as "调查或组织" in items 1 and 5 and "调查或者组织" in
  item 4; the county copied the catalog faithfully, so this is no deviation of the list.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from conftest import ROOT
from powerlist.cli import app
from powerlist.conform import char_diff, conform, same_wording
from powerlist.package import Package, write_tables
from powerlist.schema import TABLES


def real():
    return conform(Package(ROOT / "releases" / "2022", "2022"), "450325-baomi")


def test_real_xingan_list_covers_every_county_item_of_the_catalog():
    r = real()
    assert (r.catalog_list_id, r.level) == ("catalog-baomi", "县级")
    assert [c["catalog_item_id"] for c in r.expected] == [f"catalog-baomi-00{n}" for n in range(1, 6)]
    assert r.not_for_level == [{"catalog_item_id": "catalog-baomi-006", "seq": 6,
                                "name": "涉密信息系统投入使用前的保密审查", "levels": "设区市级"}]
    assert [(p["seq"], p["catalog_seq"]) for p in r.pairs] == [(n, n) for n in range(1, 6)]
    assert not [f for f in r.findings if f.kind in ("missing_item", "extra_item", "missing_part", "extra_part")]


def test_real_deviations_are_all_in_item_3_step_bases():
    r = real()
    assert {(f.item_id, f.column) for f in r.findings} == {("450325-baomi-003", "责任事项依据")}
    forms = sorted((f.key, f.list_text) for f in r.findings if f.kind == "citation_form")
    assert forms == sorted([
        ("1 第八条第一款", "第二章第八条第一款"), ("1 第十七条", "第四章第十七条"),
        ("2 第十六条", "第四章第十六条"), ("2 第十八条", "第四章第十八条"),
        ("3 第二十条", "第四章第二十条"), ("3 第二十三条", "第四章第二十三条"),
        ("4—1 第三十八条", "第四章第三十八条"), ("4—2 第二十七条", "第五章第二十七条"),
    ])
    [order] = [f for f in r.findings if f.kind == "order"]
    assert (order.key, order.catalog_text, order.list_text) == ("2", "第十六条、第十八条", "第十八条、第十六条")
    [wording] = [f for f in r.findings if f.kind == "wording"]
    assert wording.key == "4—1 依据文件"
    assert [seg for seg in wording.diff if seg[0] != "equal"] == [("insert", "1月17日")]
    assert len(r.findings) == 10


def test_width_whitespace_and_dashes_are_not_deviations():
    assert same_wording("1．取得批准责任：发现", "1.取得批准责任:发现 ")
    assert same_wording("4－1", "4—1")
    assert not same_wording("越法定权限", "超越法定权限")
    assert char_diff("或组织", "或者组织") == [("equal", "或"), ("insert", "者"), ("equal", "组织")]


def edit_tables(root: Path, fn) -> None:
    pkg = Package(root, "working")
    tables = {name: pkg.read_table(name) for name in TABLES}
    fn(tables)
    write_tables(root, tables)


def test_synthetic_missing_extra_and_reworded_items_are_found(package_copy: Path):
    def damage(t):  # synthetic edits of the working copy, not real data
        gone = "450325-baomi-001"
        t["items"] = [i for i in t["items"] if i["item_id"] != gone]
        for name in ("steps", "accountability", "exemptions", "bases"):
            t[name] = [r for r in t[name] if r["item_id"] != gone]
        for i in t["items"]:
            if i["item_id"] == "450325-baomi-005":
                i["catalog_item_id"] = None
        for s in t["steps"]:
            if (s["item_id"], s["step_no"]) == ("450325-baomi-004", 3):
                s["text"] = s["text"].replace("予以立案", "及时予以立案")
            if (s["item_id"], s["step_no"]) == ("450325-baomi-002", 1):
                s["text"] = s["text"].replace("，", ",")  # width only: no finding
    edit_tables(package_copy, damage)
    r = conform(Package(package_copy, "working"), "450325-baomi")
    kinds = sorted((f.kind, f.catalog_seq, f.seq) for f in r.findings if f.item_id != "450325-baomi-003")
    assert kinds == [("extra_item", None, 5), ("missing_item", 1, None), ("missing_item", 5, None),
                     ("wording", 4, 4)]
    [step] = [f for f in r.findings if f.kind == "wording" and f.seq == 4]
    assert (step.column, step.key) == ("责任事项", "责任事项 3")
    assert [seg for seg in step.diff if seg[0] != "equal"] == [("insert", "及时")]


def test_conform_cli_prints_the_findings_with_character_marks():
    res = CliRunner().invoke(app, ["-p", str(ROOT), "conform", "450325-baomi", "--release", "2022", "--exit-code"])
    assert res.exit_code == 1
    lines = res.stdout.splitlines()
    assert lines[0] == "450325-baomi 对照 catalog-baomi（县级）"
    assert "不要求：目录第 6 项《涉密信息系统投入使用前的保密审查》实施层级为设区市级" in lines
    assert "发现 10 处：引用格式 8，顺序不同 1，表述差异 1" in lines
    assert "  引用格式  责任事项依据 1 第八条第一款：{+第二章+}第八条第一款" in lines


def test_conform_refuses_a_catalog():
    res = CliRunner().invoke(app, ["-p", str(ROOT), "conform", "catalog-baomi"])
    assert (res.exit_code, res.stderr.strip()) == (
        2, "error: catalog-baomi is a catalog list; conform compares a jurisdiction list with its catalog")
