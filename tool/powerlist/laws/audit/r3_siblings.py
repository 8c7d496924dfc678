"""Rule 3: a wording deviation between sibling rows that looks like a typo.

Sibling rows are the same step or case number in different items of one list (the lists repeat
one 追责情形 pattern item after item). A typo-like deviation is a one- or two-character insertion
or deletion between identical runs; it is reported on the item whose wording only it uses, when
at least two siblings share the other wording. Substitutions are left out: siblings adapt a shared
pattern on purpose (调查不出示 in an investigation item, 检查不出示 in the inspection item).
"""

from __future__ import annotations

from difflib import SequenceMatcher

from ..align import MARK, is_punctuation_or_space
from .data import AuditData
from .model import Finding

CONTEXT = 4         # identical characters required on each side of the deviation
MAX_INDEL = 2


def small_edits(a: str, b: str) -> list[tuple[str, str]]:
    """(phrase in a, phrase in b) for each typo-sized edit between identical context."""
    ops = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    out = []
    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal" or k == 0 or k == len(ops) - 1:
            continue
        before, after = ops[k - 1], ops[k + 1]
        if before[0] != "equal" or after[0] != "equal":
            continue
        if before[2] - before[1] < CONTEXT or after[2] - after[1] < CONTEXT:
            continue
        ra, rb = a[i1:i2], b[j1:j2]
        if tag == "replace" or len(ra + rb) > MAX_INDEL or is_punctuation_or_space(ra + rb):
            continue
        out.append((a[i1 - CONTEXT:i2 + CONTEXT], b[j1 - CONTEXT:j2 + CONTEXT], ra, rb))
    return out


def _mark(phrase: str, run: str) -> str:
    return phrase[:CONTEXT] + MARK.format(run) + phrase[CONTEXT + len(run):]


def _siblings(data: AuditData):
    for table, rows, number, cell in (("steps", data.steps, "step_no", "责任事项"),
                                      ("accountability", data.cases, "case_no", "追责情形")):
        groups: dict[tuple, list[dict]] = {}
        for r in rows:
            groups.setdefault((data.list_of(r["item_id"]), r[number]), []).append(r)
        for (list_id, no), group in groups.items():
            yield list_id, cell, no, group


def check(data: AuditData) -> list[Finding]:
    found, seen = [], set()
    for list_id, cell, no, group in _siblings(data):
        for a in group:
            for b in group:
                if a["item_id"] == b["item_id"]:
                    continue
                for pa, pb, ra, rb in small_edits(a["text"] or "", b["text"] or ""):
                    with_a = [r for r in group if pa in (r["text"] or "")]
                    with_b = [r for r in group if pb in (r["text"] or "")]
                    if len(with_a) != 1 or len(with_b) < 2 or (a["item_id"], pa) in seen:
                        continue
                    seen.add((a["item_id"], pa))
                    others = "、".join(str(data.item(r["item_id"]).get("seq")) for r in with_b)
                    found.append(Finding(
                        3, "warning", list_id, a["item_id"], f"{cell} {no}",
                        f"“…{_mark(pa, ra)}…”与同类事项（事项{others}）的“…{_mark(pb, rb)}…”不一致，疑似笔误",
                        {"text": a["text"], "deviation": pa, "siblings_say": pb,
                         "marked": _mark(pa, ra), "siblings_marked": _mark(pb, rb),
                         "sibling_items": sorted(data.item(r["item_id"]).get("seq") for r in with_b)},
                        **{k: v for k, v in data.where(a["item_id"]).items() if k != "item_id"},
                    ))
    return found
