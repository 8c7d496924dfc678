"""The review report as one self-contained, printable HTML page."""

from __future__ import annotations

from html import escape

from ..diff.formats.html import redline_segments
from ..textdiff import DELETE, EQUAL, INSERT
from .parts import parts

STYLE = """
@page{size:A4 landscape;margin:1.5cm}
body{font-family:"FangSong","仿宋","Noto Serif CJK SC","Noto Sans CJK SC","SimSun",serif;margin:1.5em auto;max-width:80em;
 line-height:1.6;color:#000;padding:0 1em}
h1,h2,h3{font-family:"SimHei","黑体","Noto Sans CJK SC",sans-serif}
h1{font-size:1.5em;text-align:center}h2{font-size:1.2em;margin-top:1.6em}h3{font-size:1em}
table{border-collapse:collapse;width:100%;margin:.4em 0}
th,td{border:1px solid #000;padding:.2em .4em;vertical-align:top;text-align:left;white-space:pre-wrap}
thead{display:table-header-group}tr{page-break-inside:avoid}
th{font-family:"SimHei","黑体","Noto Sans CJK SC",sans-serif;background:#eee}
del{color:#c00;text-decoration:line-through}ins{text-decoration:underline;color:#00c}
.note{color:#333}
"""


def _cell(row: dict, column: str) -> str:
    segs = row.get("segments")
    if segs and column in ("调整前", "调整后"):  # the old side with its deletions, the new with its insertions
        return redline_segments(segs, (EQUAL, DELETE if column == "调整前" else INSERT))
    return escape(str(row.get(column, "")))


def render_html(review: dict) -> str:
    title = review["header"]["title"]
    out = ["<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
           f"<title>{escape(title)}</title>", f"<style>{STYLE}</style>", "</head>", "<body>", f"<h1>{escape(title)}</h1>"]
    for part in parts(review):
        out.append(f"<section><h2>{escape(part.title)}</h2>")
        out += [f"<p>{escape(line)}</p>" for line in part.lines]
        for t in part.tables:
            if t.title:
                out.append(f"<h3>{escape(t.title)}</h3>")
            out.append("<table><thead><tr>" + "".join(f"<th>{escape(c)}</th>" for c in t.columns) + "</tr></thead><tbody>")
            for row in t.rows:
                out.append("<tr>" + "".join(f"<td>{_cell(row, c)}</td>" for c in t.columns) + "</tr>")
            out.append("</tbody></table>")
            out += [f'<p class="note">{escape(n)}</p>' for n in t.notes]
        out.append("</section>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"
