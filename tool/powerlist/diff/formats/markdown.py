"""Release notes in Markdown: summary table, then changes by list and item."""

from __future__ import annotations

import re

from ...laws.law_text import OncePerCitation
from ..inline import DELETE, EQUAL, segments
from ..view import (shown, ADDED, MOVED, REMOVED, SUMMARY_ORDER, TABLE_TITLES, child_counts, cosmetic_count, group,
                    item_heading, renumber_note, shows_inline, visible, what)

# Lines always start with our own markup ("- **", "### "), so only inline markup needs escaping.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def esc(value) -> str:
    return _SPECIAL.sub(r"\\\1", "" if value is None else str(value))


def redline(old, new) -> str:
    out = []
    for op, chunk in segments(old, new):
        out.append(esc(chunk) if op == EQUAL else f"~~{esc(chunk)}~~" if op == DELETE else f"**{esc(chunk)}**")
    return "".join(out)


def bullet(c: dict) -> str:
    head = f"- **{esc(c['label'])}** "
    if c["change"] in (ADDED, REMOVED):
        return head + f"{esc(what(c))}：{esc(shown(c['new'] if c['change'] == ADDED else c['old']))}"
    if c["change"] == MOVED:
        return head + f"序号 {esc(shown(c['old']))} → {esc(shown(c['new']))}"
    if shows_inline(c):
        return head + f"{esc(what(c))}：{redline(c['old'], c['new'])}{esc(renumber_note(c))}"
    return head + f"{esc(what(c))}：{esc(shown(c['old']))} → {esc(shown(c['new']))}"


def render(result: dict, *, show_all: bool = False) -> str:
    lines = [f"# 权责清单调整说明：{esc(result['from'])} → {esc(result['to'])}", "",
             "| 数据表 | 新增 | 取消 | 变更 |", "|---|---:|---:|---:|"]
    for t in SUMMARY_ORDER + [t for t in result["summary"] if t not in SUMMARY_ORDER]:
        s = result["summary"].get(t)
        if s and (s["added"] or s["removed"] or s["modified"]):
            lines.append(f"| {esc(TABLE_TITLES.get(t, t))} | {s['added']} | {s['removed']} | {s['modified']} |")
    lines.append("")
    lines.append("删除的文字以 ~~删除线~~ 标出，新增的文字以 **粗体** 标出。")
    law_text = OncePerCitation()   # --with-law-text: the official texts beside a citation change
    for lg in group(visible(result, show_all)):
        lines += ["", f"## 《{esc(lg.title)}》（{esc(lg.list_id)}）" if lg.list_id else "## 其他数据表", ""]
        lines += [bullet(c) for c in lg.own]
        for item in lg.items:
            lines += ["", f"### {esc(item_heading(item))}", ""]
            head = item.headline
            if head:
                counts = child_counts(item)
                lines.append(bullet(head) + (f"（含{esc(counts)}）" if counts else ""))
            else:
                for c in item.changes:
                    lines.append(bullet(c))
                    lines += [f"  - {esc(line)}" for line in law_text(c)]
    hidden = 0 if show_all else cosmetic_count(result)
    if hidden:
        lines += ["", f"另有 {hidden} 处文字修正（标点宽度、空白、编号样式）未列出。"]
    return "\n".join(lines) + "\n"
