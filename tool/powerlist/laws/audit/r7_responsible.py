"""Rule 7: a step or case naming no responsible body where the column header demands one
(责任事项（明确责任主体）, 追责情形（明确内部追责主体）)."""

from __future__ import annotations

from ...document.columns import header_key
from ...document.layout import LAYOUTS
from .data import AuditData
from .model import Finding

DEMANDS = {"steps": "明确责任主体", "accountability": "明确内部追责主体"}
CELLS = {"steps": ("责任事项", "step_no", "环节"), "accountability": ("追责情形", "case_no", "情形")}


def demanded(kind: str, table: str) -> bool:
    """Whether the layout of this kind of list prints the demand in that column's header."""
    for layout in LAYOUTS:
        if layout.kind == kind:
            return any(DEMANDS[table] in header_key(h) for h in layout.header_row2)
    return False


def check(data: AuditData) -> list[Finding]:
    found = []
    for table, rows in (("steps", data.steps), ("accountability", data.cases)):
        cell, number, noun = CELLS[table]
        by_item: dict[str, list[dict]] = {}
        for r in rows:
            by_item.setdefault(r["item_id"], []).append(r)
        for item_id, group in by_item.items():
            if not demanded(data.kind(data.list_of(item_id)), table):
                continue
            missing = [r[number] for r in group if not (r.get("responsible") or "").strip()]
            if not missing:
                continue
            scope = f"全部{len(group)}个{noun}" if len(missing) == len(group) else \
                f"{len(group)}个{noun}中的第{'、'.join(map(str, missing))}个"
            found.append(Finding(
                7, "warning", data.list_of(item_id), item_id, cell,
                f"{scope}未明确{'责任主体' if table == 'steps' else '内部追责主体'}",
                {"numbers": missing, "of": len(group), "header_demands": DEMANDS[table]},
                **{k: v for k, v in data.where(item_id).items() if k != "item_id"},
            ))
    return found
