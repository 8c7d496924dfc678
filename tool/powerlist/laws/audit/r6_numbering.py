"""Rule 6: numbering gaps or duplicates in steps, cases and citation labels; 同N to a missing N.

Not gaps, because the documents do these on purpose: sub-labels 2—1, 2—2 with no bare 2; a
cell holding one unlabeled citation; a last step or case (其他…) that cites no basis.
"""

from __future__ import annotations

import re
from collections import Counter

from .data import AuditData
from .model import Finding

LABEL_NO = re.compile(r"^\s*(\d+)")
REF = re.compile(r"^(\d+)(?:[—－-](\d+))?$")


def _missing(numbers: list[int], upto: int) -> list[int]:
    return [n for n in range(1, upto + 1) if n not in numbers]


def _is_catch_all(row: dict) -> bool:
    return "其他" in ((row.get("name") or "") + (row.get("text") or ""))


def _rows_numbering(data: AuditData, rows: list[dict], number: str, cell: str) -> list[Finding]:
    found = []
    by_item: dict[str, list[dict]] = {}
    for r in rows:
        by_item.setdefault(r["item_id"], []).append(r)
    for item_id, group in by_item.items():
        printed = [int(m.group(1)) if (m := LABEL_NO.match(r.get("label") or "")) else r[number] for r in group]
        dups = sorted(n for n, c in Counter(printed).items() if c > 1)
        gaps = _missing(printed, max(printed))
        if dups or gaps:
            found.append(_finding(data, item_id, cell, "warning",
                                  _say(dups, gaps), {"numbers": printed, "duplicates": dups, "missing": gaps}))
    return found


def _say(dups, gaps, what="编号") -> str:
    parts = ([f"{what}{'、'.join(map(str, dups))}重复"] if dups else []) + \
            ([f"缺少{what}{'、'.join(map(str, gaps))}"] if gaps else [])
    return "；".join(parts)


def _finding(data, item_id, cell, severity, message, evidence) -> Finding:
    return Finding(6, severity, data.list_of(item_id), item_id, cell, message, evidence,
                   **{k: v for k, v in data.where(item_id).items() if k != "item_id"})


def _citation_numbering(data: AuditData) -> list[Finding]:
    found = []
    cells: dict[tuple[str, str], list[dict]] = {}
    for b in data.bases:
        if not b.get("continues"):
            cells.setdefault((b["item_id"], b["role"]), []).append(b)
    counted = {"step": (data.steps, "step_no"), "accountability": (data.cases, "case_no")}
    for (item_id, role), heads in cells.items():
        cell = heads[0]["cell"]
        refs = [(b.get("ref") or "").strip() for b in heads]
        if "" in refs:
            if len(refs) > 1:
                found.append(_finding(data, item_id, cell, "warning", "未编号的依据与其他依据并存", {"labels": refs}))
            continue
        parsed = [(m.group(1), m.group(2)) if (m := REF.match(r.replace("－", "—").replace("-", "—"))) else (None, None)
                  for r in refs]
        bad = [r for r, p in zip(refs, parsed) if p[0] is None]
        normalized = [f"{n}—{s}" if s else n for n, s in parsed if n]
        dups = sorted({r for r, c in Counter(normalized).items() if c > 1})
        problems, evidence = [], {"labels": refs}
        if bad:
            problems.append("无法识别的编号" + "、".join(bad))
        if dups:
            problems.append("编号" + "、".join(dups) + "重复")
        tops = sorted({int(n) for n, _ in parsed if n})
        for n in tops:
            subs = sorted(int(s) for m, s in parsed if m == str(n) and s)
            bare = any(m == str(n) and not s for m, s in parsed)
            if subs and bare:
                problems.append(f"编号{n}与{n}—{subs[0]}并存")
            if subs and _missing(subs, max(subs)):
                problems.append(f"缺少编号" + "、".join(f"{n}—{s}" for s in _missing(subs, max(subs))))
        if role in counted:
            rows, number = counted[role]
            own = sorted((r for r in rows if r["item_id"] == item_id), key=lambda r: r[number])
            upto = len(own)
            if own and _is_catch_all(own[-1]) and upto not in tops:
                upto -= 1  # the last 其他… step or case is left without a basis on purpose
            missing = _missing(tops, upto)
            beyond = [n for n in tops if n > len(own)] if own else []
            if missing:
                problems.append("缺少编号" + "、".join(map(str, missing)))
                evidence["missing"] = missing
            if beyond:
                problems.append(f"编号{'、'.join(map(str, beyond))}超出{len(own)}个{'环节' if role == 'step' else '情形'}")
        else:
            missing = _missing(tops, max(tops)) if tops else []
            if missing:
                problems.append("缺少编号" + "、".join(map(str, missing)))
                evidence["missing"] = missing
        if problems:
            found.append(_finding(data, item_id, cell, "warning", "；".join(problems), evidence))
        for b in heads:
            if b.get("same_as") and b["same_as"] not in [r for r, x in zip(refs, heads) if not x.get("same_as")]:
                found.append(_finding(data, item_id, f"{cell} {b.get('ref') or ''}".strip(), "error",
                                      f"“{b.get('same_as_printed') or '同' + b['same_as']}”指向不存在的依据{b['same_as']}",
                                      {"labels": refs, "same_as": b["same_as"]}))
    return found


def check(data: AuditData) -> list[Finding]:
    return (_rows_numbering(data, data.steps, "step_no", "责任事项")
            + _rows_numbering(data, data.cases, "case_no", "追责情形")
            + _citation_numbering(data))
