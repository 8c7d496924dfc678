"""diff / history --with-law-text: the official text of the article each side of a citation
change cites. SYNTHETIC DOCUMENT: the adjusted Xing'an copy of test_law_update_ingest (dated 2025,
item 1 citing 第五十二条第二款 with a placeholder quote); the official texts expected below were
copied by hand from sources/reference/laws/ (2010 line 198, 2024 line 240)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from powerlist.cli import app
from powerlist.ingest.run import ingest_document
from test_law_update_ingest import adjusted

OLD_45 = "保密行政管理部门对保密检查中发现的非法获取、持有的国家秘密载体，应当予以收缴。"
NEW_52_2 = ("保密行政管理部门对保密检查和案件调查处理中发现的非法获取、持有的国家秘密载体，应当予以收缴；"
            "发现存在泄露国家秘密隐患的，应当要求采取措施，限期整改；对存在泄露国家秘密隐患的设施、设备、场所，"
            "应当责令停止使用。")


def run(pkg: Path, *args):
    return CliRunner().invoke(app, ["--package", str(pkg), *args])


def test_diff_and_history_show_both_official_texts(package_copy: Path, tmp_path: Path):
    ingest_document(package_copy, adjusted(tmp_path))
    data = json.loads(run(package_copy, "diff", "2022", "working", "--with-law-text", "-f", "json").output)
    [c] = [c for c in data["changes"] if c["table"] == "bases" and c["field"] == "article"]
    old, new = c["law_text"]["old"], c["law_text"]["new"]
    assert (old["version_id"], old["label"], old["text"]) == ("baomi-fa-2010", "第四十五条", OLD_45)
    assert (new["version_id"], new["label"], new["text"]) == ("baomi-fa-2024", "第五十二条第二款", NEW_52_2)
    # The 2022 quote is the 2010 text: told by its words; the placeholder quote matches nothing: the date.
    assert (old["version_basis"], new["version_basis"]) == ("quote", "list date")
    text = run(package_copy, "diff", "2022", "working", "--with-law-text").output
    assert f"新引用条款官方文本（《中华人民共和国保守国家秘密法》2024年版第五十二条第二款）：{NEW_52_2}" in text
    assert text.count("原引用条款官方文本") == 1          # once per citation, not per changed field
    history = run(package_copy, "history", "450325-baomi-001", "--with-law-text").output
    assert f"原引用条款官方文本（《中华人民共和国保守国家秘密法》2010年版第四十五条）：{OLD_45}" in history
    md = run(package_copy, "diff", "2022", "working", "--with-law-text", "-f", "markdown").output
    assert f"  - 新引用条款官方文本（《中华人民共和国保守国家秘密法》2024年版第五十二条第二款）：{NEW_52_2}" in md
    html = run(package_copy, "diff", "2022", "working", "--with-law-text", "-f", "html").output
    assert f'<li class="where">原引用条款官方文本（《中华人民共和国保守国家秘密法》2010年版第四十五条）：{OLD_45}</li>' in html
    # Without the option nothing is added.
    assert "官方文本" not in run(package_copy, "diff", "2022", "working").output
