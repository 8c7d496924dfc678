"""A parsed list with its ids → rows of the package's tables."""

from __future__ import annotations

from .parse import ParsedItem

ROLE_CODES = {"setting": "s", "step": "t", "accountability": "a"}
CHILD_TABLES = ["steps", "accountability", "exemptions", "bases"]


def item_rows(list_id: str, item_id: str, item: ParsedItem) -> dict[str, list[dict]]:
    f = item.fields
    rows: dict[str, list[dict]] = {
        "items": [{"item_id": item_id, "list_id": list_id, **f}],
        "steps": [{"item_id": item_id, "step_no": s["no"], **{k: v for k, v in s.items() if k != "no"}}
                  for s in item.steps],
        "accountability": [{"item_id": item_id, "case_no": c["no"], **{k: v for k, v in c.items() if k != "no"}}
                           for c in item.cases],
        "exemptions": [{"item_id": item_id, **e} for e in item.exemptions],
        "bases": [],
    }
    counters = dict.fromkeys(ROLE_CODES, 0)
    for b in item.bases:
        counters[b["role"]] += 1
        n = counters[b["role"]]
        rows["bases"].append({"basis_id": f"{item_id}-{ROLE_CODES[b['role']]}{n}", "item_id": item_id,
                              "seq": n, **b})
    return rows
