"""SYNTHETIC TEST FIXTURE builder: a 2024 adjustment of the Xing'an list, made by editing the
.docx that `powerlist render 450325-baomi --release 2022 -f docx` writes. Not a real document.

The four edits (each a hand-made example of what a county's annual adjustment does):
1. a reworded step: item 3 step 3 「重大案件应组织集体审议」 → 「重大案件应当集体讨论决定」;
2. a deleted case with renumbering: item 4 loses 追责情形 2, cases 3–7 become 2–6;
3. a new item 6, item 1's row copied under a new name (NEW_NAME);
4. a citation moved: item 1's 责任事项依据 3 cites the 2024 law's 第五十二条第二款 (its official
   text, from /work/shared/sources/laws/中华人民共和国保守国家秘密法(2024-02-27).md) instead of
   the 2010 law's 第四十五条;
and the preamble's 文号 and date become 兴保发〔2024〕1号, 2024年9月1日 (after the 2024 law took
effect on 2024-05-01, so the new citation reads against the 2024 text).
"""

from __future__ import annotations

import copy
from pathlib import Path

from docx import Document

NEW_NAME = "对非法获取、持有国家秘密载体的先行登记保存"
OLD_STEP = "重大案件应组织集体审议"
NEW_STEP = "重大案件应当集体讨论决定"
DELETED_CASE = "2．不按规定对涉嫌泄露国家秘密线索进行初查的（县国家保密局）。"
OLD_CITATION = ("3．【法律】《中华人民共和国保守国家秘密法》第四十五条：保密行政管理部门对保密检查中发现的"
                "非法获取、持有的国家秘密载体，应当予以收缴。")
ARTICLE_52_2 = ("保密行政管理部门对保密检查和案件调查处理中发现的非法获取、持有的国家秘密载体，应当予以收缴；"
                "发现存在泄露国家秘密隐患的，应当要求采取措施，限期整改；对存在泄露国家秘密隐患的设施、设备、"
                "场所，应当责令停止使用。")
NEW_CITATION = f"3．【法律】《中华人民共和国保守国家秘密法》第五十二条第二款：{ARTICLE_52_2}"
HEADER_ROWS = 2
NAME, STEPS, STEP_BASES, CASES = 2, 7, 8, 9  # column positions of the official layout


def _set(paragraph, text: str) -> None:
    runs = paragraph.runs
    runs[0].text = text
    for r in runs[1:]:
        r.text = ""


def _replace_in_cell(cell, old: str, new: str) -> None:
    for p in cell.paragraphs:
        if old in p.text:
            _set(p, p.text.replace(old, new))
            return
    raise AssertionError(f"{old!r} not in the cell")


def make_adjustment(rendered: Path, dest: Path) -> Path:
    doc = Document(str(rendered))
    for p in doc.paragraphs:
        if p.text == "兴保发〔2022〕1号":
            _set(p, "兴保发〔2024〕1号")
        elif p.text == "2022年7月18日":
            _set(p, "2024年9月1日")
    table = doc.tables[0]
    rows = table.rows
    item = {int(r.cells[0].text): r for r in rows[HEADER_ROWS:]}

    # 3. item 1's row copied (before its citation is moved) as item 6 under a new name.
    new_tr = copy.deepcopy(item[1]._tr)
    rows[-1]._tr.addnext(new_tr)
    new_row = table.rows[-1]
    _set(new_row.cells[0].paragraphs[0], "6")
    _set(new_row.cells[NAME].paragraphs[0], NEW_NAME)

    # 1. the reworded step.
    _replace_in_cell(item[3].cells[STEPS], OLD_STEP, NEW_STEP)

    # 2. case 2 of item 4 deleted, the later ones renumbered (case 4 and 5 share a paragraph).
    cases = item[4].cells[CASES]
    gone = next(p for p in cases.paragraphs if p.text == DELETED_CASE)
    gone._p.getparent().remove(gone._p)
    for p in cases.paragraphs:
        text = p.text
        for n in range(3, 8):
            text = text.replace(f"{n}．", f"\0{n - 1}．")
        _set(p, text.replace("\0", ""))

    # 4. the citation moved to the 2024 law.
    _replace_in_cell(item[1].cells[STEP_BASES], OLD_CITATION, NEW_CITATION)
    doc.save(str(dest))
    return dest
