"""textdiff: the one character diff (hand-made strings; expected segments written by hand)."""

from __future__ import annotations

from powerlist.conform import canon
from powerlist.textdiff import marked, redline_text, segments, similarity


def test_a_typo_fix_is_one_insertion():
    assert segments("或者越法定权限", "或者超越法定权限") == [("equal", "或者"), ("insert", "超"), ("equal", "越法定权限")]
    assert marked(segments("应组织集体审议", "应当集体讨论决定")) == "应[-组织-]{+当+}集体[-审议-]{+讨论决定+}"


def test_folded_width_and_skipped_space_are_no_difference_but_keep_the_original_characters():
    assert segments("1．（一）", "1. (一)", fold=canon, skip_space=True) == [("equal", "1．（一）")]
    assert segments("第 五 条", "第六条", fold=canon, skip_space=True) == [
        ("equal", "第"), ("delete", "五"), ("insert", "六"), ("equal", "条")]


def test_none_is_empty():
    assert segments(None, "新") == [("insert", "新")]
    assert segments("旧", None) == [("delete", "旧")]


def test_terminal_redline_keeps_markers_only_when_asked_and_cuts_long_equal_runs():
    segs = segments("甲" * 30 + "乙", "甲" * 30 + "丙")
    assert redline_text(segs, markers=True).plain == "甲" * 30 + "[-乙-]{+丙+}"
    assert redline_text(segs, markers=False).plain == "甲" * 30 + "乙丙"
    assert redline_text(segs, context=3).plain == "…甲甲甲[-乙-]{+丙+}"


def test_similarity_floor_only_cuts_what_is_below_it():
    assert similarity("保密检查", "保密检查") == 1.0
    assert similarity("保密检查", "保密审查") == 0.75
    assert similarity("保密检查", "行政处罚", floor=0.5) == 0.0
    assert similarity("保密检查", "保密审查", floor=0.5) == 0.75
