"""A self-contained redline page (no external resources) to attach to a document."""

from __future__ import annotations

from html import escape

from ...laws.law_text import OncePerCitation
from ..inline import DELETE, EQUAL, segments
from ..view import (shown, ADDED, COSMETIC, MOVED, REMOVED, SUMMARY_ORDER, TABLE_TITLES, child_counts, cosmetic_count,
                    group, item_heading, renumber_note, shows_inline, visible, what)

STYLE = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","SimSun",sans-serif;
 margin:2em auto;max-width:60em;line-height:1.7;color:#222;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.25em;border-bottom:1px solid #ccc;margin-top:2em}h3{font-size:1.05em;margin-bottom:.3em}
table.summary{border-collapse:collapse}table.summary td,table.summary th{border:1px solid #bbb;padding:.2em .8em;text-align:right}
table.summary th:first-child,table.summary td:first-child{text-align:left}
ul{margin-top:.2em}li{margin:.3em 0}
.label{display:inline-block;min-width:6em;font-weight:bold;color:#8a5a00}
.added .label{color:#1a7f37}.removed .label{color:#b42318}.cosmetic .label{color:#777}
del{color:#b42318;background:#ffebe9;text-decoration:line-through}
ins{color:#1a7f37;background:#dafbe1;text-decoration:underline}
.where{color:#555}.id{color:#888;font-size:.85em;font-weight:normal}
"""


def redline(old, new) -> str:
    out = []
    for op, chunk in segments(old, new):
        text = escape(chunk)
        out.append(text if op == EQUAL else f"<del>{text}</del>" if op == DELETE else f"<ins>{text}</ins>")
    return "".join(out)


def marked_value(tag: str, value) -> str:
    """<del>/<ins> around a value; an empty side is a plain （空）, since nothing was deleted or inserted."""
    if value is None or value == "":
        return f'<span class="where">{shown(value)}</span>'
    return f"<{tag}>{escape(str(value))}</{tag}>"


def item_line(c: dict, extra: str = "") -> str:
    body = f'<span class="where">{escape(what(c))}</span>：'
    if c["change"] == ADDED:
        body += f"<ins>{escape(shown(c['new']))}</ins>"
    elif c["change"] == REMOVED:
        body += f"<del>{escape(shown(c['old']))}</del>"
    elif c["change"] == MOVED:
        body = f"序号 <del>{escape(shown(c['old']))}</del> → <ins>{escape(shown(c['new']))}</ins>"
    elif shows_inline(c):
        body += redline(c["old"], c["new"]) + escape(renumber_note(c))
    else:
        body += f"{marked_value('del', c['old'])} → {marked_value('ins', c['new'])}"
    return (f'<li class="{escape(c["change"])}"><span class="label">{escape(c["label"])}</span> '
            f"{body}{escape(extra)}</li>")


def render(result: dict, *, show_all: bool = False) -> str:
    title = f"权责清单调整对照：{result['from']} → {result['to']}"
    parts = ['<!DOCTYPE html>', '<html lang="zh-CN">', '<head>', '<meta charset="utf-8">',
             f"<title>{escape(title)}</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
             f"<h1>{escape(title)}</h1>",
             '<table class="summary"><tr><th>数据表</th><th>新增</th><th>取消</th><th>变更</th></tr>']
    for t in SUMMARY_ORDER + [t for t in result["summary"] if t not in SUMMARY_ORDER]:
        s = result["summary"].get(t)
        if s and (s["added"] or s["removed"] or s["modified"]):
            parts.append(f"<tr><td>{escape(TABLE_TITLES.get(t, t))}</td><td>{s['added']}</td>"
                         f"<td>{s['removed']}</td><td>{s['modified']}</td></tr>")
    parts.append("</table>")
    if not result["substantive"]:
        parts.append("<p>无实质调整。</p>")
    law_text = OncePerCitation()   # --with-law-text: the official texts beside a citation change
    for lg in group(visible(result, show_all)):
        heading = f"《{lg.title}》（{lg.list_id}）" if lg.list_id else "其他数据表"
        parts.append(f"<section><h2>{escape(heading)}</h2>")
        if lg.own:
            parts.append("<ul>" + "".join(item_line(c) for c in lg.own) + "</ul>")
        for item in lg.items:
            parts.append(f"<h3>{escape(item_heading(item))}</h3><ul>")
            head = item.headline
            if head:
                counts = child_counts(item)
                parts.append(item_line(head, f"（含{counts}）" if counts else ""))
            else:
                for c in item.changes:
                    parts.append(item_line(c))
                    parts.extend(f'<li class="where">{escape(line)}</li>' for line in law_text(c))
            parts.append("</ul>")
        parts.append("</section>")
    hidden = 0 if show_all else cosmetic_count(result)
    if hidden:
        parts.append(f"<p class=\"{COSMETIC}\">另有 {hidden} 处文字修正（标点宽度、空白、编号样式）未列出。</p>")
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"
