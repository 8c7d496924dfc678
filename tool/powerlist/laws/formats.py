"""Text renderings of laws / cites / audit results (csv, text, markdown); JSON is the dicts."""

from __future__ import annotations

import csv
import io

from ..spreadsheet import csv_cell
from .audit.model import RULES
from .cites import HIT_COLUMNS


def to_csv(columns: list[str], rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow(["" if r.get(c) is None else csv_cell(r.get(c)) for c in columns])
    return buf.getvalue()


def citation_summary(law: dict) -> str:
    return "; ".join(f"{rel}: " + ", ".join(f"{lid} {c['citations']}" for lid, c in lists.items())
                     for rel, lists in law["citations"].items())


def versions_summary(law: dict) -> str:
    return ", ".join(f"{v['year']}" + (f" (施行 {v['in_force_from']})" if v.get("in_force_from") else "")
                     + (" → " + v["superseded_by"] if v.get("superseded_by") else "") for v in law["versions"])


LAW_CSV = ["law_id", "title", "law_type", "printed_types", "issuing_form", "issuing_doc", "versions", "release",
           "list_id", "citations", "items"]


def laws_csv(result: dict) -> str:
    """One row per instrument, release and list (an uncited instrument gets one row of its own)."""
    rows = []
    for law in result["laws"]:
        base = {**law, "printed_types": "、".join(law["printed_types"]), "versions": versions_summary(law)}
        pairs = [(rel, lid, c) for rel, lists in law["citations"].items() for lid, c in lists.items()]
        for rel, lid, c in pairs or [(None, None, {})]:
            rows.append({**base, "release": rel, "list_id": lid, **c})
    return to_csv(LAW_CSV, rows)


def cites_csv(result) -> str:
    return to_csv(HIT_COLUMNS, result.hits)


def _where(f) -> str:
    item = f"事项{f.item_seq}（{f.item_name}）" if f.item_seq else "全清单"
    return f"{f.list_id} {item} {f.cell}"


def audit_text(report) -> str:
    lines = [f"audit {report.target}" + (f" as of {report.as_of}" if report.as_of else "")]
    for list_id, d in report.dates.items():
        lines.append(f"  {list_id}: 规则4所用日期 {d['date'] or '（无）'}（{date_basis_title(d['basis'])}）")
    for f in report.findings:
        lines.append(f"[{f.severity}] rule {f.rule} {f.rule_id}: {_where(f)}: {f.message}")
        if f.rule == 2:
            for side in ("a", "b"):
                places = "、".join(f"事项{p['item']} {p['cell']}" for p in f.evidence[side]["places"])
                lines.append(f"    {places}: {f.evidence[side]['quote']}")
        elif f.rule == 1:
            for v in f.evidence["variants"]:
                lines.append(f"    {v['printed']} ×{v['count']} (事项{'、'.join(map(str, v['items']))})")
    lines.append(_counts(report))
    return "\n".join(lines) + "\n"


SEVERITY_TITLES = {"error": "错误", "warning": "警告", "info": "提示"}
INFERRED_PREFIX = "inferred: earliest date of its inferred 文号 "


def date_basis_title(basis: str) -> str:
    """The audit's date basis (a machine value in JSON) as a reader of the text report wants it."""
    if basis == "printed":
        return "清单所印日期"
    if basis == "--as-of":
        return "--as-of 指定"
    if basis.startswith(INFERRED_PREFIX):
        return f"推断：取推断文号 {basis[len(INFERRED_PREFIX):]} 所在年份的最早日期"
    return basis


def _counts(report) -> str:
    by = report.to_dict()["counts"]
    return f"共 {len(report.findings)} 项发现" + (
        "（" + "，".join(f"{SEVERITY_TITLES[k]} {by[k]}" for k in ("error", "warning", "info") if k in by) + "）"
        if by else "")


def audit_markdown(report) -> str:
    lines = [f"# 权责清单引用审查：{report.target}" + (f"（截至 {report.as_of}）" if report.as_of else ""), ""]
    lines.append("| 规则 | 规则说明 | 严重程度 | 清单 | 事项 | 位置 | 发现 |")
    lines.append("|---|---|---|---|---|---|---|")
    for f in report.findings:
        cells = [str(f.rule), RULES[f.rule][1], SEVERITY_TITLES.get(f.severity, f.severity), f.list_id,
                 f"{f.item_seq}（{f.item_name}）" if f.item_seq else "", f.cell, f.message]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    lines += ["", _counts(report), ""]
    return "\n".join(lines)
