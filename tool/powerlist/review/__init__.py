"""`powerlist review DOC`: what a received list document changes against a release, as one report.

The report (plain data, review_document()) has four parts, in this order, as reviewers write
them: the header (both versions' 文号 and dates, what the document was matched to and how, the
source files), 调整情况汇总 (rows by official label), 调整对照表 (one row per changed cell; a
new or removed item with its whole content), 合规与审核 (conformance with the catalog and audit
findings that are new in the document; those the release already had are only counted).
Nothing of the package is written: the document is read as a target (documents.py).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ..conform import conform
from ..diff import diff_packages
from ..diff.classify import ADDED, REMOVED
from ..diff.history import release_order
from ..diff.view import group, shown, shows_inline, visible, what, whole_item
from ..errors import PowerlistError
from ..laws.audit.run import audit_package
from ..files import sha256_file
from ..package import WORKING, open_target
from ..textdiff import segments
from .parts import WHOLE_ITEM

__all__ = ["review_document", "render_review", "review_json", "FORMATS"]

FORMATS = ("docx", "html", "xlsx", "pdf", "json", "text")
COLUMNS = ["序号", "事项名称", "调整类型", "调整内容", "调整前", "调整后"]

HOW = {"same title": "标题相同", "--list": "按 --list 指定", "same jurisdiction and field of work": "同一行政区划、同一工作领域",
       "same kind and field of work": "同类清单、同一工作领域", "new jurisdiction": "新的行政区划（新清单）",
       "new catalog": "新目录（新清单）"}
RULES = {"name": "名称相同", "catalog": "对应同一目录事项", "similarity": "内容相似", "new": "新增事项（新编号）"}
def latest_release_with(root: Path, list_id: str) -> str:
    """The newest release (in release order) that holds the list."""
    for tag in reversed(release_order(root)):
        if any(l["list_id"] == list_id for l in open_target(root, tag).read_table("lists")):
            return tag
    raise PowerlistError(f"no release holds list {list_id}: give the version to compare with, --against TAG")


def review_document(root: Path, doc: Path, against: str | None = None) -> dict:
    """The review report of a document against a release (default: the latest holding its list)."""
    root, doc = Path(root), Path(doc)
    if not doc.is_file():
        raise PowerlistError(f"{doc}: no such file")
    target = str(doc)
    list_id = open_target(root, target).document.report.list_id
    against = against or latest_release_with(root, list_id)
    if against != WORKING and against not in release_order(root):
        raise PowerlistError(f"--against {against!r}: not a release (known: {', '.join(release_order(root)) or 'none'}) "
                             "nor 'working'")
    base = open_target(root, against)
    mine = open_target(root, target, against)
    state = mine.document
    list_id = state.report.list_id
    result = diff_packages(root, against, target)
    rows = table_rows(result)
    return {
        "header": header(base, mine, doc, against, state, result),
        "summary": [{"调整类型": label, "条数": n} for label, n in Counter(r["调整类型"] for r in rows).items()],
        "rows": rows,
        "checks": checks(root, base, mine, list_id),
        "diff": result,
    }


def _list_row(pkg, list_id: str) -> dict:
    return next((l for l in pkg.read_table("lists") if l["list_id"] == list_id), {})


def header(base, mine, doc: Path, against: str, state, result: dict) -> dict:
    r = state.report
    old, new = _list_row(base, r.list_id), _list_row(mine, r.list_id)
    return {
        "title": f"《{new.get('title') or r.title}》调整审查报告",
        "list_id": r.list_id, "list_title": new.get("title") or r.title,
        "before": {"version": against, "doc_no": old.get("doc_no"), "issued_on": old.get("issued_on"),
                   "source_file": old.get("source_file"), "source_sha256": old.get("source_sha256")},
        "after": {"document": doc.name, "doc_no": new.get("doc_no"), "issued_on": new.get("issued_on"),
                  "source_file": doc.name, "source_sha256": sha256_file(doc)},
        "matched": {"list_id": r.list_id, "new_list": r.new_list, "how": r.how, "how_zh": HOW.get(r.how, r.how),
                    "items": [{"seq": m.seq, "name": m.name, "item_id": m.item_id, "rule": m.rule,
                               "rule_zh": RULES.get(m.rule, m.rule) + (f" {m.score}" if m.score is not None else ""),
                               "old_seq": m.old_seq} for m in r.matches],
                    "removed": [{"seq": i["seq"], "name": i["name"], "item_id": i["item_id"]} for i in r.removed],
                    "notes": list(r.notes)},
        "provenance": result.get("provenance") or [],
    }


def _row(c: dict, name: str, old: str, new: str, redline: bool) -> dict:
    return {"序号": "" if c.get("seq") is None else str(c["seq"]), "事项名称": name, "调整类型": c["label"],
            "调整内容": what(c), "调整前": old, "调整后": new, "事项编号": c.get("item_id") or "",
            "segments": segments(old, new) if redline else None}


def table_rows(result: dict) -> list[dict]:
    """调整对照表: one row per changed cell; a whole new or removed item is one row with all of it."""
    rows = []
    for lg in group(visible(result, False)):
        for c in lg.own:
            rows.append(_row(c, lg.title or "", shown(c["old"]), shown(c["new"]), shows_inline(c)))
        for item in lg.items:
            head = item.headline
            if head:
                body = whole_item(head, [c for c in item.changes if c is not head])
                old, new = ("", body) if head["change"] == ADDED else (body, "")
                rows.append(_row(head, item.name or "", old, new, False) | {"调整内容": WHOLE_ITEM})
                continue
            for c in item.changes:
                inline = shows_inline(c)
                old = "" if c["change"] == ADDED else shown(c["old"])
                new = "" if c["change"] == REMOVED else shown(c["new"])
                rows.append(_row(c, item.name or "", old, new, inline))
    return rows


def _finding_key(f) -> tuple:
    return (f.kind, f.item_id, f.column, f.key, f.catalog_item_id, f.catalog_text, f.list_text)


def _audit_key(f) -> tuple:
    # Not the message: a sibling-typo finding names the sibling items, and a new sibling is
    # no new typo. Findings of one rule in one cell are matched by how many there are.
    return (f.rule, f.item_id, f.cell)


def _new(now: list, before: list, key) -> list:
    """The findings of `now` beyond those `before` had (per key, by count)."""
    left = Counter(key(f) for f in before)
    out = []
    for f in now:
        if left[key(f)]:
            left[key(f)] -= 1
        else:
            out.append(f)
    return out


def checks(root: Path, base, mine, list_id: str) -> dict:
    """合规与审核: findings in the document that the release did not have; the others counted."""
    lst = _list_row(mine, list_id)
    out: dict = {"conformance": None, "audit": None, "kind": lst.get("kind")}
    if lst.get("kind") == "jurisdiction" and lst.get("catalog_list_id"):
        now = conform(mine, list_id)
        before = conform(base, list_id).findings if _list_row(base, list_id) else []
        new = _new(now.findings, before, _finding_key)
        out["conformance"] = {"catalog_list_id": now.catalog_list_id, "level": now.level,
                              "new": [_conform_row(f) for f in new],
                              "already_present": len(now.findings) - len(new)}
    now_a = audit_package(root, mine, list_id).findings
    before_a = audit_package(root, base, list_id).findings if _list_row(base, list_id) else []
    new_a = _new(now_a, before_a, _audit_key)
    out["audit"] = {"new": [{"规则": f"{f.rule} {f.rule_id}", "严重程度": f.severity,
                             "序号": "" if f.item_seq is None else str(f.item_seq), "事项名称": f.item_name or "",
                             "位置": f.cell, "说明": f.message} for f in new_a],
                    "already_present": len(now_a) - len(new_a)}
    return out


def _conform_row(f) -> dict:
    catalog = f"目录第 {f.catalog_seq} 项" if f.catalog_seq is not None else ""
    return {"类型": f.label, "序号": "" if f.seq is None else str(f.seq), "事项名称": f.name or f.list_text or "",
            "目录事项": catalog + (f"《{f.catalog_text}》" if f.kind in ("missing_item", "shared_catalog_item",
                                                               "extra_item") and f.catalog_text else ""),
            "位置": " ".join(x for x in (f.column, f.key) if x), "目录": f.catalog_text or "", "清单": f.list_text or ""}


def review_json(review: dict) -> dict:
    """The diff's JSON contract with the review's own parts beside it."""
    checks = review["checks"]
    return {**review["diff"], "header": review["header"], "label_counts": review["summary"], "rows": review["rows"],
            "conformance": checks["conformance"], "audit": checks["audit"]}


def render_review(review: dict, fmt: str) -> str | bytes:
    """The report in one format: docx, pdf and xlsx as bytes, the others as text."""
    if fmt == "json":
        import json
        return json.dumps(review_json(review), ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        from .html import render_html
        return render_html(review)
    if fmt == "text":
        from .text import render_text
        return render_text(review)
    if fmt == "xlsx":
        from .xlsx import render_xlsx
        return render_xlsx(review)
    from .docx import render_docx
    if fmt == "docx":
        return render_docx(review)
    if fmt == "pdf":
        from .pdf import docx_to_pdf
        return docx_to_pdf(render_docx(review))
    raise PowerlistError(f"unknown review format {fmt!r} (choose from {', '.join(FORMATS)})")
