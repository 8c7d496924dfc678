"""Every diff format is produced and read back with an ordinary parser."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser

import pytest
from hypothesis import given, strategies as st
from openpyxl import load_workbook

from conftest import FIXTURES, copy_package
from powerlist.diff import diff_packages, render_diff
from powerlist.ingest.run import ingest_document

X = "450325-baomi"
TYPO_OLD = "无法定依据或者越法定权限实施调查处理和行政强制的。"
TYPO_NEW = "无法定依据或者超越法定权限实施调查处理和行政强制的。"


def _adjusted(tmp_path_factory, *names: str) -> dict:
    pkg = tmp_path_factory.mktemp("pkg")
    copy_package(pkg)
    for name in names:
        ingest_document(pkg, FIXTURES / f"synthetic-{name}.txt", list_id=X)
    return diff_packages(pkg, "2022", "working")


@pytest.fixture(scope="module")
def typo(tmp_path_factory) -> dict:
    return _adjusted(tmp_path_factory, "typo-fix")


@pytest.fixture(scope="module")
def punctuation(tmp_path_factory) -> dict:
    return _adjusted(tmp_path_factory, "punctuation-only")


@pytest.fixture(scope="module")
def removed(tmp_path_factory) -> dict:
    return _adjusted(tmp_path_factory, "removed-item")


def test_json_is_the_contract(typo):
    data = json.loads(render_diff(typo, "json"))
    assert (data["from"], data["to"]) == ("2022", "working")
    assert data["summary"]["accountability"]["modified"] == 1
    [c] = [c for c in data["changes"] if c["table"] == "accountability"]
    for key in ("table", "change", "label", "list_id", "item_id", "item_name", "key", "field", "old", "new"):
        assert key in c
    assert (c["change"], c["label"], c["key"], c["old"], c["new"]) == \
        ("modified", "追责情形变更", {"case_no": 1}, TYPO_OLD, TYPO_NEW)


def test_json_keeps_cosmetic_changes(punctuation):
    data = json.loads(render_diff(punctuation, "json"))
    assert [c["change"] for c in data["changes"] if c["table"] == "steps"] == ["cosmetic"]


def test_text_marks_the_inserted_character_and_names_the_item(typo):
    text = render_diff(typo, "text")
    assert "无法定依据或者{+超+}越法定权限实施调查处理和行政强制的。" in text
    assert "追责情形变更  追责情形1 追责情形内容：" in text
    assert "序号1  对非法获取、持有国家秘密载体的行政强制  [450325-baomi-001]" in text


def test_text_hides_cosmetic_changes_unless_all(punctuation):
    hidden = render_diff(punctuation, "text")
    assert "文字修正  责任事项1" not in hidden and "另有 1 处文字修正" in hidden
    shown = render_diff(punctuation, "text", show_all=True)
    assert "文字修正  责任事项1 编号（原文）：1[-．-]{+.+}" in shown


def test_text_shows_a_removed_item_as_one_line_with_its_parts_counted(removed):
    text = render_diff(removed, "text")
    line = next(l for l in text.splitlines() if l.strip().startswith("取消"))
    assert "要求互联网及其他公共信息网络运营商、服务商删除涉及泄露国家秘密的信息" in line
    assert "依据11项、责任事项5项、追责情形5项、免责事项1项" in line


def test_markdown_release_notes_have_summary_and_redline(typo):
    lines = render_diff(typo, "markdown").splitlines()
    assert lines[0] == "# 权责清单调整说明：2022 → working"
    assert "| 追责情形 | 0 | 0 | 1 |" in lines
    assert "### 序号1  对非法获取、持有国家秘密载体的行政强制  \\[450325-baomi-001\\]" in lines
    assert "- **追责情形变更** 追责情形1 追责情形内容：无法定依据或者**超**越法定权限实施调查处理和行政强制的。" in lines


class _Redline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.found: dict[str, list[str]] = {"ins": [], "del": []}
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)
        self.external += [v for k, v in attrs if k in ("src", "href") and v]

    def handle_endtag(self, tag):
        self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1] in self.found:
            self.found[self.stack[-1]].append(data)


def test_html_is_a_self_contained_redline_page(typo):
    page = render_diff(typo, "html")
    parser = _Redline()
    parser.feed(page)
    assert "超" in parser.found["ins"]
    assert "sources/2022/xingan-baomi-2022.txt" in parser.found["del"]
    assert parser.external == [] and "@import" not in page and "url(" not in page
    assert "Noto Sans CJK SC" in page


def test_html_escapes_data_values(typo):
    hostile = json.loads(json.dumps(typo))
    c = next(c for c in hostile["changes"] if c["table"] == "accountability")
    c["new"] = c["new"] + "<script>alert(1)</script>"
    c["item_name"] = "<b>x</b>&"
    page = render_diff(hostile, "html")
    assert "<script>" not in page and "<b>x</b>" not in page
    assert "&lt;script&gt;" in page and "&lt;b&gt;x&lt;/b&gt;&amp;" in page


def test_csv_is_the_comparison_table(typo):
    rows = list(csv.reader(io.StringIO(render_diff(typo, "csv"))))
    assert rows[0][:5] == ["序号", "事项名称", "调整类型", "调整前", "调整后"]
    body = [dict(zip(rows[0], r)) for r in rows[1:]]
    [case] = [r for r in body if r["调整类型"] == "追责情形变更"]
    assert (case["序号"], case["事项名称"], case["调整前"], case["调整后"]) == \
        ("1", "对非法获取、持有国家秘密载体的行政强制", TYPO_OLD, TYPO_NEW)


def test_xlsx_is_the_comparison_table_with_wrapped_text(typo):
    ws = load_workbook(io.BytesIO(render_diff(typo, "xlsx"))).active
    header = [c.value for c in ws[1]][:5]
    assert header == ["序号", "事项名称", "调整类型", "调整前", "调整后"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    [case] = [r for r in rows if r[2] == "追责情形变更"]
    assert case[:5] == [1, "对非法获取、持有国家秘密载体的行政强制", "追责情形变更", TYPO_OLD, TYPO_NEW]
    assert ws["D2"].alignment.wrap_text and ws.column_dimensions["D"].width >= 40


def test_tables_leave_cosmetic_rows_out_unless_all(punctuation):
    rows = list(csv.reader(io.StringIO(render_diff(punctuation, "csv"))))
    assert "文字修正" not in [r[2] for r in rows]
    rows = list(csv.reader(io.StringIO(render_diff(punctuation, "csv", show_all=True))))
    assert [r[3:5] for r in rows if r[2] == "文字修正"] == [["1．", "1."]]


def test_json_report_holds_the_result_with_one_change_per_line(typo, punctuation):
    # The CLI streams large reports change by change; what a reader parses is the result itself,
    # and each change is one line (grep/head/jq can take the report apart line by line).
    from powerlist.diff.formats.json_format import write_json
    odd = {"from": "a", "changes": [{"key": {}, "row": {"n": 15, "b": True, "z": None, "l": [1, "引号\"\n\t\x01\u2028"]},
                                     "empty": [], "nested": {"a": {"b": []}}}], "summary": {"t": {"added": 1}},
           "tables": []}
    for result in (typo, punctuation, odd):
        buf = io.BytesIO()
        write_json(result, buf)
        text = buf.getvalue().decode("utf-8")
        assert text == render_diff(result, "json")
        assert json.loads(text) == result
        lines = text.split("\n")  # not splitlines(): U+2028 in a value is no line break for readers
        start = lines.index('  "changes": [')
        assert [json.loads(line.strip().rstrip(",")) for line in lines[start + 1:start + 1 + len(result["changes"])]] \
            == result["changes"]


@given(st.recursive(st.none() | st.booleans() | st.integers(-2**63, 2**63 - 1) | st.text(),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
                    max_leaves=12))
def test_json_report_reads_back_as_any_value_a_diff_holds(value):
    from powerlist.diff.formats.json_format import write_json
    buf = io.BytesIO()
    write_json({"changes": [{"old": value}], "v": value}, buf)
    assert json.loads(buf.getvalue()) == {"changes": [{"old": value}], "v": value}


def test_a_removed_items_step_is_reported_whole_with_its_item_and_list(removed):
    # The removed item's rows are built by DuckDB (rows dropped whole), not by Python: the entry
    # must still be the contract's, with the same keys in the same order. Values from the
    # Xing'an list, item 5 (要求…删除涉及泄露国家秘密的信息), step 2 as printed.
    [c] = [c for c in json.loads(render_diff(removed, "json"))["changes"]
           if c["table"] == "steps" and c["key"] == {"step_no": 2}]
    assert list(c) == ["table", "change", "label", "list_id", "item_id", "item_name", "key", "field", "old",
                       "new", "place", "row", "seq", "old_seq", "new_seq", "list_title", "field_title"]
    assert {k: v for k, v in c.items() if k != "row"} == {
        "table": "steps", "change": "removed", "label": "取消", "list_id": X, "item_id": f"{X}-005",
        "item_name": "要求互联网及其他公共信息网络运营商、服务商删除涉及泄露国家秘密的信息",
        "key": {"step_no": 2}, "field": None,
        "old": "调查责任：对立案的案件，指定专人负责，组织调查取证。与当事人有直接利害关系的应当回避。"
               "调查时应出示执法证件，执法人员不得少于二人，执法人员应保守案件秘密。允许当事人辩解陈述。（县国家保密局）",
        "new": None, "place": "责任事项2", "seq": 5, "old_seq": 5, "new_seq": None,
        "list_title": "中共兴安县委办公室（兴安县国家保密局）权责清单", "field_title": None}
    assert (c["row"]["name"], c["row"]["responsible"], c["row"]["label"]) == ("调查责任", "县国家保密局", "2．")
    assert removed["summary"]["steps"]["removed"] == 5 and removed["summary"]["bases"]["removed"] == 11


def test_diff_json_written_to_a_file_is_the_rendered_json(tmp_path, typo):
    from powerlist.files import write_file
    from powerlist.diff.formats.json_format import write_json
    target = tmp_path / "out" / "diff.json"
    write_file(target, lambda fh: write_json(typo, fh))
    assert target.read_bytes() == render_diff(typo, "json").encode("utf-8")
    assert [p.name for p in target.parent.iterdir()] == ["diff.json"]  # no temporary file left
