"""Rule 1: one instrument cited under different titles or document numbers within a list."""

from __future__ import annotations

from .data import AuditData
from .model import Finding


def printed_head(b: dict) -> str:
    return f"《{b['law_title']}》" + (f"（{b['law_doc']}）" if b.get("law_doc") else "")


def check(data: AuditData) -> list[Finding]:
    found = []
    groups: dict[tuple[str, str], dict[str, list[dict]]] = {}
    for b in data.bases:
        # A 同N reference or a continued article repeats a head printed once; count what was printed.
        if b.get("continues") or b.get("same_as") or not b.get("law_id"):
            continue
        groups.setdefault((b["list_id"], b["law_id"]), {}).setdefault(printed_head(b), []).append(b)
    for (list_id, law_id), heads in groups.items():
        if len(heads) < 2:
            continue
        title = data.reference.laws.get(law_id, {}).get("title", law_id)
        variants = [{"printed": head, "count": len(rows),
                     "items": sorted({data.item(r["item_id"]).get("seq") for r in rows})}
                    for head, rows in sorted(heads.items(), key=lambda kv: -len(kv[1]))]
        found.append(Finding(
            1, "info", list_id, None, "依据",
            f"《{title}》在本清单中以{len(heads)}种不同名称或文号引用",
            {"law_id": law_id, "title": title, "variants": variants},
        ))
    return found
