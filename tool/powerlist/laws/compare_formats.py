"""`law compare` as a table (修订对照表): json, markdown, html, xlsx and text for the terminal."""

from __future__ import annotations

import io
import json
from html import escape

from ..diff.formats.html import STYLE, redline
from ..spreadsheet import text_cells
from ..diff.inline import marked
from .compare import REWORDED, RELATION_TITLES, Comparison

COLUMNS = [("from", "原条款"), ("to", "新条款"), ("relation_title", "对应关系"), ("score", "相似度"),
           ("basis_title", "依据"), ("diff", "修改（[-删除-]{+新增+}）"), ("old_text", "原条文"),
           ("new_text", "新条文"), ("note", "说明")]
WIDTHS = {"from": 16, "to": 22, "relation_title": 9, "score": 8, "basis_title": 12, "diff": 60, "old_text": 50,
          "new_text": 50, "note": 30}
BASIS_TITLES = {"curated": "人工核对", "computed": "计算"}


def rows(c: Comparison) -> list[dict]:
    """One dict per shown row. Paragraph rows of an article whose article-level row says `same`
    are left out (nothing to see); curated rows no computed row agrees with come last, flagged."""
    same_articles = {r.old[0].article for r in c.rows if r.old and r.old[0].paragraph == 0 and r.relation == "same"}
    out = []
    for r in c.rows:
        if r.old and r.old[0].paragraph and r.old[0].article in same_articles:
            continue
        old_text = "".join(p.text for p in r.old)
        new_text = "".join(p.text for p in r.new)
        basis = "curated" if r.curated else "computed"
        out.append({"from": r.from_label, "to": r.to_label, "relation": r.relation,
                    "relation_title": RELATION_TITLES[r.relation], "score": r.score, "basis": basis,
                    "basis_title": BASIS_TITLES[basis], "note": "; ".join(dict.fromkeys(m["note"] for m in r.curated if m.get("note"))),
                    "old_text": old_text, "new_text": new_text,
                    "diff": marked(old_text, new_text) if r.relation == REWORDED else ""})
    for m in c.disagreements:
        out.append({"from": m["from_label"], "to": m["to_label"], "relation": m["relation"],
                    "relation_title": RELATION_TITLES[m["relation"]], "score": None, "basis": "curated",
                    "basis_title": "人工核对（计算结果不同）", "note": m.get("note") or "", "old_text": "",
                    "new_text": "", "diff": ""})
    return out


def heading(c: Comparison) -> str:
    return f"《{c.title}》{c.old_version['year']}年版与{c.new_version['year']}年版条文对照"


def counts(c: Comparison) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in c.rows:
        if not (r.old and r.old[0].paragraph == 0):      # count provisions once (not article summaries)
            out[r.relation] = out.get(r.relation, 0) + 1
    return out


def summary(c: Comparison) -> str:
    n = counts(c)
    parts = "，".join(f"{RELATION_TITLES[k]} {n[k]}" for k in RELATION_TITLES if k in n)
    agree = len(c.curated) - len(c.disagreements)
    return f"{parts}；人工核对的对应 {len(c.curated)} 行，{agree} 行与计算结果一致"


def to_json(c: Comparison) -> str:
    return json.dumps({"law_id": c.law_id, "title": c.title, "from_version": c.old_version["version_id"],
                       "to_version": c.new_version["version_id"], "counts": counts(c),
                       "curated": len(c.curated), "curated_agreeing": len(c.curated) - len(c.disagreements),
                       "rows": rows(c)}, ensure_ascii=False, indent=2) + "\n"


def to_text(c: Comparison) -> str:
    lines = [heading(c), summary(c)]
    for r in rows(c):
        score = "" if r["score"] is None else f" {r['score']:.3f}"
        lines.append(f"{r['from'] or '（无）'} → {r['to'] or '（无）'}  {r['relation_title']}{score}"
                     + ("" if r["basis"] == "computed" else f"  [{r['basis_title']}]")
                     + (f"  {r['note']}" if r["note"] else ""))
        if r["diff"]:
            lines.append(f"    {r['diff']}")
    return "\n".join(lines) + "\n"


def _md(text) -> str:
    return ("" if text is None else str(text)).replace("|", "\\|").replace("\n", " ")


def to_markdown(c: Comparison) -> str:
    cols = [k for k, _ in COLUMNS if k not in ("old_text", "new_text")]
    titles = dict(COLUMNS)
    lines = [f"# {heading(c)}", "", summary(c), "",
             "| " + " | ".join(titles[k] for k in cols) + " |", "|" + "---|" * len(cols)]
    for r in rows(c):
        lines.append("| " + " | ".join(_md(r[k]) for k in cols) + " |")
    return "\n".join(lines) + "\n"


def to_html(c: Comparison) -> str:
    body = [f"<h1>{escape(heading(c))}</h1>", f"<p>{escape(summary(c))}</p>",
            '<table class="summary"><tr><th>原条款</th><th>新条款</th><th>对应关系</th><th>相似度</th>'
            "<th>依据</th><th>条文（删除 / 新增）</th><th>说明</th></tr>"]
    for r in rows(c):
        if r["relation"] == REWORDED:
            text = redline(r["old_text"], r["new_text"])
        else:
            text = escape(r["old_text"] or r["new_text"])
        score = "" if r["score"] is None else f"{r['score']:.3f}"
        body.append(f"<tr><td>{escape(r['from'])}</td><td>{escape(r['to'])}</td><td>{escape(r['relation_title'])}</td>"
                    f"<td>{score}</td><td>{escape(r['basis_title'])}</td><td style=\"text-align:left\">{text}</td>"
                    f"<td>{escape(r['note'])}</td></tr>")
    body.append("</table>")
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>"
            + escape(heading(c)) + f"</title><style>{STYLE}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")


def to_xlsx(c: Comparison) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "修订对照表"
    ws.append([heading(c)])
    ws.append([summary(c)])
    ws.append([t for _, t in COLUMNS])
    for r in rows(c):
        ws.append(["" if r[k] is None else str(r[k]) for k, _ in COLUMNS])
    wrap = Alignment(wrap_text=True, vertical="top")
    for cells in ws.iter_rows():
        for cell in cells:
            cell.alignment = wrap
    ws["A1"].font = Font(bold=True, size=14)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for i, (k, _) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = WIDTHS[k]
    ws.freeze_panes = "A4"
    text_cells(wb)   # every cell text, never a formula
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


RENDER = {"text": to_text, "json": to_json, "markdown": to_markdown, "html": to_html, "xlsx": to_xlsx}
