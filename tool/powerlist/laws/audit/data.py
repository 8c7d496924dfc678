"""The rows the rules read, from a package (through DuckDB) or built directly (tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ...compiled import open_compiled
from ...package import Package
from ..citations import cell_name, list_date, package_citations
from ..reference import Reference
from ..texts import LawTexts


@dataclass
class AuditData:
    lists: list[dict]
    items: list[dict]
    steps: list[dict]
    cases: list[dict]          # accountability rows
    bases: list[dict]          # citation rows with law_id, version_id, cell, list_id
    reference: Reference
    as_of: date | None = None
    texts: LawTexts | None = None   # official texts (law_articles); None: quotes are not checked
    items_by_id: dict[str, dict] = field(init=False)

    def __post_init__(self):
        self.items_by_id = {i["item_id"]: i for i in self.items}

    def item(self, item_id: str) -> dict:
        return self.items_by_id.get(item_id, {})

    def list_of(self, item_id: str) -> str:
        return self.item(item_id).get("list_id", "")

    def kind(self, list_id: str) -> str:
        return next((l.get("kind", "") for l in self.lists if l["list_id"] == list_id), "")

    def where(self, item_id: str) -> dict:
        i = self.item(item_id)
        return {"item_id": item_id, "item_seq": i.get("seq"), "item_name": i.get("name")}


def build(lists, items, steps=(), cases=(), bases=(), reference: Reference | None = None,
          as_of: date | None = None, texts: LawTexts | None = None) -> AuditData:
    """AuditData from plain rows, filling what a package read would derive (list_id, cell,
    law_id, version) where the rows leave it out — how the tests build minimal fixtures."""
    reference = reference or Reference()
    items_by_id = {i["item_id"]: i for i in items}
    kinds = {l["list_id"]: l for l in lists}
    filled = []
    for b in bases:
        b = dict(b)
        item = items_by_id.get(b["item_id"], {})
        b.setdefault("list_id", item.get("list_id"))
        lst = kinds.get(b["list_id"], {})
        b.setdefault("cell", cell_name(b["role"], lst.get("kind", "jurisdiction")))
        b.setdefault("continues", False)
        variant = reference.variant(b.get("law_title"), b.get("law_doc"))
        if not b.get("law_id"):
            b["law_id"] = variant["law_id"] if variant else None
        if "version_id" not in b:
            when, _ = list_date(lst)
            b["version_id"], b["version_basis"] = reference.citation_version(
                variant, b["law_id"], when, b.get("article_no"), b.get("paragraph_no"), b.get("text"))
        filled.append(b)
    return AuditData(list(lists), list(items), list(steps), list(cases), filled, reference, as_of, texts)


def _rows(con, sql: str) -> list[dict]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def load(pkg: Package, root: Path, reference: Reference, list_id: str | None = None,
         as_of: date | None = None, texts: LawTexts | None = None) -> AuditData:
    con = open_compiled(pkg, root)
    try:
        lists = _rows(con, "SELECT * FROM lists ORDER BY list_id")
        items = _rows(con, "SELECT * FROM items ORDER BY list_id, seq")
        steps = _rows(con, "SELECT * FROM steps ORDER BY item_id, step_no")
        cases = _rows(con, "SELECT * FROM accountability ORDER BY item_id, case_no")
    finally:
        con.close()
    bases = package_citations(pkg, root, reference)
    if list_id:
        keep = {i["item_id"] for i in items if i["list_id"] == list_id}
        lists = [l for l in lists if l["list_id"] == list_id]
        items = [i for i in items if i["item_id"] in keep]
        steps = [s for s in steps if s["item_id"] in keep]
        cases = [c for c in cases if c["item_id"] in keep]
        bases = [b for b in bases if b["item_id"] in keep]
    return AuditData(lists, items, steps, cases, bases, reference, as_of, texts)
