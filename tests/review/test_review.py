"""`powerlist review` on a SYNTHETIC adjustment of the real Xing'an list (tests/synthetic_docx_adjustment.py:
the 2022 list rendered to .docx, then a reworded step, a deleted case with renumbering, a new
item copied from item 1 under a new name, and a citation moved to the 2024 law's 第五十二条第二款).

Expected rows are written by hand from those edits, the 2022 source and the official 2024 text.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import copy_package, package_files
from powerlist.cli import app
from powerlist.render import ListView
from powerlist.render_office import render_office
from powerlist.package import open_target
from powerlist.review import render_review, review_document
from synthetic_docx_adjustment import ARTICLE_52_2, NEW_NAME, make_adjustment

X = "450325-baomi"
runner = CliRunner()
TITLE = "中共兴安县委办公室（兴安县国家保密局）权责清单"
ITEM1 = "对非法获取、持有国家秘密载体的行政强制"


def tree(root: Path) -> dict[str, str]:
    """Hashes of every file of the package; the cache (.powerlist-cache/, ignored by git) is not the package."""
    return {k: hashlib.sha256(v).hexdigest() for k, v in package_files(root).items()}


@pytest.fixture(scope="module")
def pkg(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("pkg")
    return copy_package(root)


@pytest.fixture(scope="module")
def rendered(pkg, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("docs") / "兴安县2022年.docx"
    render_office(ListView(open_target(pkg, "2022"), X), "docx", out)
    return out


@pytest.fixture(scope="module")
def adjusted(rendered) -> Path:
    return make_adjustment(rendered, rendered.with_name("synthetic-兴安县2024年调整.docx"))


@pytest.fixture(scope="module")
def report(pkg, adjusted) -> dict:
    before = tree(pkg)
    r = review_document(pkg, adjusted)
    assert tree(pkg) == before
    return r


def test_review_leaves_the_package_byte_identical(pkg, adjusted, tmp_path):
    before = tree(pkg)
    for ext in ("txt", "json", "html", "xlsx", "docx"):
        res = runner.invoke(app, ["--package", str(pkg), "review", str(adjusted), "-o", str(tmp_path / f"r.{ext}")])
        assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["--package", str(pkg), "diff", "2022", str(adjusted), "--exit-code"])
    assert res.exit_code == 1, res.output
    assert tree(pkg) == before


def test_header_names_both_versions_and_how_the_document_was_matched(report, adjusted):
    h = report["header"]
    assert h["title"] == f"《{TITLE}》调整审查报告"
    assert (h["before"]["version"], h["before"]["doc_no"], h["before"]["issued_on"]) == ("2022", "兴保发〔2022〕1号", "2022-07-18")
    assert (h["after"]["doc_no"], h["after"]["issued_on"]) == ("兴保发〔2024〕1号", "2024-09-01")
    assert (h["matched"]["list_id"], h["matched"]["how_zh"], h["matched"]["new_list"]) == (X, "标题相同", False)
    assert [(i["seq"], i["item_id"], i["rule"]) for i in h["matched"]["items"]] == [
        (1, f"{X}-001", "name"), (2, f"{X}-002", "name"), (3, f"{X}-003", "name"), (4, f"{X}-004", "name"),
        (5, f"{X}-005", "name"), (6, f"{X}-006", "new")]
    assert h["provenance"] == [{"list_id": X,
                                "from": {"file": "sources/2022/xingan-baomi-2022.txt", "sha256": h["before"]["source_sha256"]},
                                "to": {"file": f"sources/working/{adjusted.name}",
                                       "sha256": hashlib.sha256(adjusted.read_bytes()).hexdigest()}}]


def test_summary_counts_the_rows_by_official_label(report):
    assert report["summary"] == [{"调整类型": "变更", "条数": 2}, {"调整类型": "依据更新", "条数": 2},
                                 {"调整类型": "责任事项变更", "条数": 1}, {"调整类型": "取消", "条数": 1},
                                 {"调整类型": "新增", "条数": 1}]


def test_comparison_table_holds_exactly_the_hand_written_rows(report):
    got = [(r["序号"], r["事项名称"], r["调整类型"], r["调整内容"], r["调整前"], r["调整后"] if r["调整类型"] != "新增" else None)
           for r in report["rows"]]
    assert got == [
        ("", TITLE, "变更", "清单（文号）", "兴保发〔2022〕1号", "兴保发〔2024〕1号"),
        ("", TITLE, "变更", "清单（发布日期）", "2022-07-18", "2024-09-01"),
        # The citation as a whole: law and article, not a character diff of numerals.
        ("1", ITEM1, "依据更新", "责任事项依据3 依据条款", "《中华人民共和国保守国家秘密法》第四十五条", "第五十二条第二款"),
        ("1", ITEM1, "依据更新", "责任事项依据3 条文内容",
         "保密行政管理部门对保密检查中发现的非法获取、持有的国家秘密载体，应当予以收缴。", ARTICLE_52_2),
        ("3", "对保密工作的监督检查", "责任事项变更", "责任事项3 责任事项内容",
         "根据检查结果及当事人陈述意见作出处理决定，重大案件应组织集体审议。",
         "根据检查结果及当事人陈述意见作出处理决定，重大案件应当集体讨论决定。"),
        # Cases 3–7 renumbered to 2–6 are not changes: only the deleted one is.
        ("4", "对泄密案件的调查处理", "取消", "追责情形2", "不按规定对涉嫌泄露国家秘密线索进行初查的。（县国家保密局）", ""),
        ("6", NEW_NAME, "新增", "整个事项", "", None),
    ]
    step = report["rows"][4]["segments"]
    assert [s for s in step if s[0] != "equal"] == [("delete", "组织"), ("insert", "当"), ("delete", "审议"), ("insert", "讨论决定")]


# Item 1 of the 2022 source, which the new item copies: its parts, one line each, as the document prints them.
NEW_ITEM_LINES = [
    "权力分类：行政强制", f"项目名称：{NEW_NAME}", "实施主体：中共兴安县委员会办公室（兴安县国家保密局）",
    "实施依据1：【法律】《中华人民共和国保守国家秘密法》第五条：国家保密行政管理部门主管全国的保密工作。县级以上地方各级保密行政管理部门主管本行政区域的保密工作。",
    "实施依据1：【法律】《中华人民共和国保守国家秘密法》第四十五条：保密行政管理部门对保密检查中发现的非法获取、持有的国家秘密载体，应当予以收缴。",
    "责任事项1：取得批准责任：发现非法获取、持有国家秘密载体的，取得批准后组织调查处理。（县国家保密局）",
    "责任事项4：其他法律法规规章文件规定应履行的责任。（县国家保密局）",
    "责任事项依据3：【法律】《中华人民共和国保守国家秘密法》第四十五条：保密行政管理部门对保密检查中发现的非法获取、持有的国家秘密载体，应当予以收缴。",
    "追责情形1：无法定依据或者越法定权限实施调查处理和行政强制的。（县国家保密局）",
    "追责依据4：【规范性文件】《保密检查工作规定》（国保发〔2013〕14号）第六章第三十一条：检查人员在检查工作中有下列行为之一的，应当予以批评；情节严重的，依纪依法给予处分；构成犯罪的，依法追究刑事责任（四）接受检机关、单位和人员馈赠或者贿赂的；（五）未依法履行职责或者滥用职权、玩忽职守、徇私舞弊的。",
    "免责事项1：法律法规规定的免责情形自治区党委、自治区人民政府有关文件中明确的免责情形。",
]


def test_the_new_item_shows_its_whole_content_in_document_order(report):
    lines = report["rows"][-1]["调整后"].split("\n")
    assert [l for l in lines if l in NEW_ITEM_LINES] == NEW_ITEM_LINES
    # 4 steps, 5 cases, 1 exemption, 13 citation rows: every one of them.
    assert [sum(l.startswith(p) for l in lines) for p in ("责任事项", "追责情形", "免责事项")] == [4 + 3, 5, 1]
    assert sum(l.startswith(("实施依据", "责任事项依据", "追责依据")) for l in lines) == 13


def test_conformance_names_the_doubly_linked_catalog_item_and_only_new_findings(report):
    conf = report["checks"]["conformance"]
    assert conf["catalog_list_id"] == "catalog-baomi"
    outside = [f for f in conf["new"] if f["类型"] == "目录外事项"]
    assert outside == [{"类型": "目录外事项", "序号": "6", "事项名称": NEW_NAME,
                        "目录事项": f"目录第 1 项《{ITEM1}》", "位置": "", "目录": ITEM1,
                        "清单": f"{NEW_NAME}（与目录第 1 项相近，该目录事项已由序号 1《{ITEM1}》实施）"}]
    assert sorted((f["类型"], f["序号"], f["位置"]) for f in conf["new"]) == [
        ("多出目录外内容", "1", "责任事项依据 3 第五十二条第二款"), ("目录外事项", "6", ""),
        ("缺少目录内容", "1", "责任事项依据 3 第四十五条"), ("表述差异", "3", "责任事项 责任事项 3")]
    assert conf["already_present"] > 0
    notes = report["header"]["matched"]["notes"]
    assert any("not linked to catalog item 1" in n and "序号 1 already implements" in n for n in notes)


def test_audit_findings_are_only_the_new_ones(report):
    audit = report["checks"]["audit"]
    # The 2024 date makes the 2014 regulation's citations superseded (in force 2024-09-01): new in
    # the document. Item 6 copies item 1's 【地方性法规】 label of a 政府令 (rule 5): new as item 6's
    # (item 1's was there before). And with the copy, two siblings (items 1 and 6) print
    # 「国家秘密载体的，取得」 where item 5 prints 「国家秘密的，取得」: a sibling typo new in item 5.
    # The 保密法 citations print no 文号 but quote the 2010 text, so they are read as 2010 and are
    # superseded on 2024-09-01 as well (2024 law in force 2024-05-01). Item 6 also copies item 1's
    # two misquotes of the official texts (rule 8): 行政强制法 第六十八条 「违法本法规定」 for
    # 「违反本法规定」 at 追责依据 3－1, and 实施条例 (2014) 第三十五条 「调查或组织」 for
    # 「调查或者组织」 at 责任事项依据 1 — each checked against sources/reference/laws.
    assert {f["规则"] for f in audit["new"]} == {"3 sibling-typo", "4 superseded-version", "5 type-label",
                                                  "8 official-text"}
    assert [(f["序号"], f["位置"]) for f in audit["new"] if f["规则"] == "5 type-label"] == [("6", "追责依据 2－2")]
    assert [(f["序号"], f["位置"]) for f in audit["new"] if f["规则"] == "3 sibling-typo"] == [("5", "责任事项 1")]
    assert sorted((f["序号"], f["位置"]) for f in audit["new"] if f["规则"] == "8 official-text") == [
        ("6", "责任事项依据 1"), ("6", "追责依据 3－1")]
    assert all(f["说明"].startswith(("《中华人民共和国保守国家秘密法实施条例》2014年版",
                                     "《中华人民共和国保守国家秘密法》2010年版"))
               for f in audit["new"] if f["规则"] == "4 superseded-version")
    assert audit["already_present"] > 0
    keys = [(f["序号"], f["位置"], f["说明"]) for f in audit["new"]]
    assert len(keys) == len(set(keys))


def test_docx_is_a_landscape_a4_attachment_with_the_whole_new_item(report, tmp_path):
    path = tmp_path / "r.docx"
    path.write_bytes(render_review(report, "docx"))
    doc = Document(str(path))
    s = doc.sections[0]
    assert s.page_width > s.page_height and round(s.page_width.cm, 1) == 29.7 and round(s.page_height.cm, 1) == 21.0
    text = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    for line in NEW_ITEM_LINES:
        assert line in text, line
    xml = path.read_bytes()
    body = doc.element.xml
    assert 'w:eastAsia="仿宋"' in doc.styles.element.xml and 'w:eastAsia="黑体"' in doc.styles.element.xml
    assert "w:tblHeader" in body
    assert 'w:instr="PAGE"' in s.footer._element.xml
    heads = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert heads == ["一、基本情况", "二、调整情况汇总", "三、调整对照表", "四、合规与审核"]
    struck = [r.text for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs if r.font.strike]
    under = [r.text for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs if r.font.underline]
    assert "组织" in struck and "审议" in struck and "讨论决定" in under and "当" in under
    assert xml


def test_html_is_self_contained_and_holds_the_whole_new_item(report):
    page = render_review(report, "html")
    for line in NEW_ITEM_LINES:
        assert line in page, line
    assert "<del>组织</del>" in page and "<ins>讨论决定</ins>" in page
    assert "src=" not in page and "href=" not in page and "@page" in page
    assert page.index("一、基本情况") < page.index("二、调整情况汇总") < page.index("三、调整对照表") < page.index("四、合规与审核")


def test_xlsx_has_a_sheet_per_part_with_title_frozen_header_and_print_setup(report, tmp_path):
    path = tmp_path / "r.xlsx"
    path.write_bytes(render_review(report, "xlsx"))
    wb = load_workbook(path)
    assert wb.sheetnames == ["基本情况", "调整情况汇总", "调整对照表", "合规与审核"]
    ws = wb["调整对照表"]
    assert ws["A1"].value == f"《{TITLE}》调整审查报告　三、调整对照表"
    header = [c.value for c in ws[3]]
    assert header[:6] == ["序号", "事项名称", "调整类型", "调整内容", "调整前", "调整后"]
    assert ws.freeze_panes == "A4" and ws.print_title_rows == "$3:$3"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_area
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[2]]
    assert len(rows) == len(report["rows"])  # what the command says it wrote
    assert all(c.data_type == "s" for row in ws.iter_rows() for c in row if c.value is not None)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed (CI installs it)")
def test_docx_converts_to_pdf_with_libreoffice(report):
    pdf = render_review(report, "pdf")
    assert pdf.startswith(b"%PDF-")


def test_json_is_the_diff_contract_plus_the_review(report):
    data = json.loads(render_review(report, "json"))
    for key in ("from", "to", "summary", "changes", "substantive", "provenance"):
        assert key in data
    assert data["header"]["list_id"] == X and data["conformance"]["new"] and "audit" in data
    assert not any(c["table"] == "lists" and c["field"] in ("source_file", "source_sha256") for c in data["changes"])


def test_an_unchanged_rerendered_document_gives_exit_code_0(pkg, rendered):
    res = runner.invoke(app, ["--package", str(pkg), "review", str(rendered), "--exit-code"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["--package", str(pkg), "diff", "2022", str(rendered), "--exit-code", "-f", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["changes"] == [] and data["provenance"][0]["to"]["file"] == f"sources/working/{rendered.name}"


def test_output_extension_must_match_format(pkg, rendered, tmp_path):
    res = runner.invoke(app, ["--package", str(pkg), "review", str(rendered), "-o", str(tmp_path / "x.xlsx"), "-f", "html"])
    assert res.exit_code == 2 and "the extension .xlsx says xlsx, but --format is html" in res.output
    res = runner.invoke(app, ["--package", str(pkg), "diff", "2022", "working", "-o", str(tmp_path / "x.xlsx"), "-f", "text"])
    assert res.exit_code == 2 and not (tmp_path / "x.xlsx").exists()
    res = runner.invoke(app, ["--package", str(pkg), "diff", "2022", "working", "-o", str(tmp_path / "x.docx")])
    assert res.exit_code == 2 and "cannot write .docx" in res.output
