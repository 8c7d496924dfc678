"""Rule 5: a printed type label (【地方性法规】) that contradicts the instrument's issuing form."""

from __future__ import annotations

from .data import AuditData
from .model import Finding


def check(data: AuditData) -> list[Finding]:
    found = []
    for b in data.bases:
        # Only where a label was printed: a continued article or a 同N copy repeats it unprinted.
        if b.get("continues") or b.get("same_as") or not b.get("law_id") or not b.get("law_type"):
            continue
        law = data.reference.laws.get(b["law_id"])
        if not law or law["law_type"] == b["law_type"]:
            continue
        found.append(Finding(
            5, "error", b["list_id"], b["item_id"], f"{b['cell']} {b.get('ref') or ''}".strip(),
            f"《{law['title']}》标注为【{b['law_type']}】，但以{law.get('issuing_doc') or law['issuing_form']}发布，应为{law['law_type']}",
            {"law_id": law["law_id"], "printed": b["law_type"], "correct": law["law_type"],
             "issuing_form": law["issuing_form"], "issuing_doc": law.get("issuing_doc"),
             "why": law.get("type_basis"), "source": law.get("source")},
            **{k: v for k, v in data.where(b["item_id"]).items() if k != "item_id"},
        ))
    return found
