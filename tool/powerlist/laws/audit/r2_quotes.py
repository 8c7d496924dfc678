"""Rule 2: the same provision quoted with different wording in different places of a list.

Where the cited version's official text is loaded, rule 8 compares each quote with it and says
which one is wrong; rule 2 then stays silent on that provision (it could only say they differ).
"""

from __future__ import annotations

from ..align import highlight, wording_differences
from .data import AuditData
from .model import Finding


def provision_label(b: dict) -> str:
    return (b.get("article") or "") + (b.get("paragraph") or "")


def check(data: AuditData) -> list[Finding]:
    groups: dict[tuple, dict[str, list[dict]]] = {}
    for b in data.bases:
        if not b.get("law_id") or b.get("article_no") is None or not b.get("text") or b.get("same_as"):
            continue
        if data.texts and data.texts.has(b.get("version_id")):
            continue
        key = (b["list_id"], b["law_id"], b.get("version_id"), b["article_no"], b.get("paragraph_no"))
        groups.setdefault(key, {}).setdefault(b["text"], []).append(b)
    found = []
    for (list_id, law_id, _version, _art, _par), texts in groups.items():
        quotes = list(texts.items())
        for i, (ta, ra) in enumerate(quotes):
            for tb, rb in quotes[i + 1:]:
                diffs = wording_differences(ta, tb)
                if not diffs:
                    continue
                # The finding sits on the quote fewer places use; both are quoted in the evidence.
                (ta, ra), (tb, rb) = sorted([(ta, ra), (tb, rb)], key=lambda q: len(q[1]))
                diffs = wording_differences(ta, tb)
                found.append(_finding(data, list_id, law_id, ta, ra, tb, rb, diffs))
    return found


def _places(data: AuditData, rows: list[dict]) -> list[dict]:
    return [{"item": data.item(r["item_id"]).get("seq"), "item_id": r["item_id"],
             "cell": f"{r['cell']} {r.get('ref') or ''}".strip()} for r in rows]


def _finding(data, list_id, law_id, ta, ra, tb, rb, diffs) -> Finding:
    title = data.reference.laws.get(law_id, {}).get("title", ra[0].get("law_title"))
    first = ra[0]
    provision = f"《{title}》{provision_label(first)}"
    changes = [{"a": d.a, "b": d.b} for d in diffs]
    return Finding(
        2, "warning", list_id, first["item_id"], f"{first['cell']} {first.get('ref') or ''}".strip(),
        f"{provision}引文不一致：“{highlight(ta, [(d.a_at, d.a) for d in diffs], 6)}”与"
        f"“{highlight(tb, [(d.b_at, d.b) for d in diffs], 6)}”",
        {"provision": provision, "differences": changes,
         "a": {"quote": highlight(ta, [(d.a_at, d.a) for d in diffs]), "places": _places(data, ra)},
         "b": {"quote": highlight(tb, [(d.b_at, d.b) for d in diffs]), "places": _places(data, rb)}},
        **{k: v for k, v in data.where(first["item_id"]).items() if k != "item_id"},
    )
