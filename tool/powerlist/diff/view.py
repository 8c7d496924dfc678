"""What every report format shows: changes grouped by list and item, with readable wording."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .classify import ADDED, COSMETIC, MODIFIED, MOVED, REMOVED, RENAMED
from ..document.columns import COLUMN_TITLES
from .spec import CHILDREN, ROLE_TITLES

TABLE_TITLES = {"lists": "清单", "items": "事项", "steps": "责任事项", "accountability": "追责情形",
                "exemptions": "免责事项", "bases": "依据", "counties": "行政区划"}
SUMMARY_ORDER = ["lists", "items", "bases", "steps", "accountability", "exemptions", "counties"]


@dataclass
class ItemGroup:
    item_id: str | None
    seq: int | None
    old_seq: int | None
    name: str | None
    changes: list[dict] = field(default_factory=list)

    @property
    def children(self) -> list[dict]:
        """The changes other than the item's own added/removed row."""
        head = self.headline
        return [c for c in self.changes if c is not head]

    @property
    def headline(self) -> dict | None:
        """The item's own added/removed row, if the whole item came or went."""
        return next((c for c in self.changes if c["table"] == "items" and c["change"] in (ADDED, REMOVED)), None)


@dataclass
class ListGroup:
    list_id: str | None
    title: str | None
    own: list[dict] = field(default_factory=list)        # changes of the list row itself
    items: list[ItemGroup] = field(default_factory=list)


def visible(result: dict, show_all: bool) -> list[dict]:
    """The changes a report shows, in order: cosmetic ones only with show_all, and a citation's
    law and article changes as one entry (merge_citations)."""
    return merge_citations([c for c in result["changes"] if show_all or c["change"] != COSMETIC])


# A citation names a law and an article: people read 《…》第四十五条 → 《…》第五十二条第二款 as one
# move, not as a character diff of numerals in three columns.
CITATION_FIELDS = ("law_type", "law_title", "law_doc", "chapter", "article", "paragraph")
CITATION = "citation"
_HEAD = re.compile(r"^(?:【[^】]*】)?(.*?)[：:]")
_LAW = re.compile(r"^《[^》]*》(?:（[^）]*）)?")


def citation_head(text: str | None) -> str:
    """The cited law and article of a basis as printed: 《中华人民共和国保守国家秘密法》第四十五条."""
    m = _HEAD.match(text or "")
    return m.group(1) if m else (text or "")


def merge_citations(changes: list[dict]) -> list[dict]:
    out: list[dict] = []
    merged: dict[tuple, dict] = {}
    for c in changes:
        if not (c["table"] == "bases" and c["field"] in CITATION_FIELDS and c["change"] != COSMETIC
                and c.get("old_text") is not None and c.get("new_text") is not None):
            out.append(c)
            continue
        key = (c["item_id"], repr(c["key"]))
        if key in merged:
            continue
        old, new = citation_head(c["old_text"]), citation_head(c["new_text"])
        law = _LAW.match(old)
        if law and new.startswith(law.group(0)) and new != law.group(0):
            new = new[len(law.group(0)):]  # the same law: only its article changed
        merged[key] = entry = {**c, "field": CITATION, "field_title": "依据条款", "old": old, "new": new}
        out.append(entry)
    return out


def group(changes: list[dict]) -> list[ListGroup]:
    """Changes arrive sorted by list, item and table; keep that order."""
    lists: list[ListGroup] = []
    for c in changes:
        if not lists or lists[-1].list_id != c["list_id"]:
            lists.append(ListGroup(c["list_id"], c.get("list_title")))
        lg = lists[-1]
        if not c["item_id"]:
            lg.own.append(c)
            continue
        if not lg.items or lg.items[-1].item_id != c["item_id"]:
            lg.items.append(ItemGroup(c["item_id"], c.get("seq"), c.get("old_seq"), c.get("item_name")))
        lg.items[-1].changes.append(c)
    return lists


def where(c: dict) -> str:
    """Which part of the item a change is in: 追责情形3, 实施依据2—1, 项目名称 …"""
    if c["table"] in CHILDREN:
        return c.get("place") or TABLE_TITLES[c["table"]]
    if c["table"] == "items":
        return "事项" if c["field"] is None else field_name(c)
    name = TABLE_TITLES.get(c["table"], c["table"])
    return name + (f"（{field_name(c)}）" if c["field"] else "")


def field_name(c: dict) -> str:
    return c.get("field_title") or c["field"] or ""  # titles come from the Table Schemas


def what(c: dict) -> str:
    """Where and which column: 追责情形1 追责情形内容, 项目名称, 清单（文号）."""
    return f"{where(c)} {field_name(c)}" if c["table"] in CHILDREN and c["field"] else where(c)


def rows_for_table(result: dict, show_all: bool) -> list[dict]:
    """调整对照表 rows: one per change; a whole added/removed item is one row with its parts counted."""
    out = []
    for lg in group(visible(result, show_all)):
        for c in lg.own:
            out.append(_table_row(c, None, lg.title))
        for item in lg.items:
            head = item.headline
            for c in ([head] if head else item.changes):
                row = _table_row(c, item, lg.title)
                if head:  # the whole item, every part of it: what a reviewer must read
                    row["调整后" if head["change"] == ADDED else "调整前"] = whole_item(head, item.children)
                out.append(row)
    return out


def _table_row(c: dict, item: "ItemGroup | None", list_title) -> dict:
    def show(v):
        return "" if v is None else str(v)
    old, new = show(c["old"]), show(c["new"])
    if c["change"] == RENAMED and c.get("renumbered"):
        old += f"（序号{c.get('old_seq')}）"
        new += f"（序号{c.get('new_seq')}）"
    return {"序号": "" if c.get("seq") is None else c["seq"],
            "事项名称": c.get("item_name") or (list_title or "") if item else (list_title or c["table"]),
            "调整类型": c["label"], "调整前": old, "调整后": new, "调整内容": what(c),
            "事项编号": c.get("item_id") or "", "清单编号": c.get("list_id") or ""}


def shown_count(result: dict, show_all: bool) -> int:
    """How many entries a rendered report (text, markdown, html, csv, xlsx) shows: one per row of
    rows_for_table, a whole added or removed item being one."""
    return len(rows_for_table(result, show_all))


# An item's own cells shown for a whole added/removed item (titles as schemas/items.json has them).
# An item's own cells as the list prints them, titled as its header does.
ITEM_FIELDS = [(f, COLUMN_TITLES[f]) for f in ("category", "name", "sub_name", "implementing_body",
                                                "undertaking_unit", "remark")]


# The columns of the official layout, left to right: a whole item reads in that order.
PRINT_ORDER = {("bases", "setting"): 0, ("steps", None): 1, ("bases", "step"): 2, ("accountability", None): 3,
               ("bases", "accountability"): 4, ("exemptions", None): 5}


def _print_order(c: dict) -> int:
    return PRINT_ORDER.get((c["table"], c["key"].get("role") if c["table"] == "bases" else None), 9)


def whole_item(head: dict, children: list[dict]) -> str:
    """Every part of an added or removed item, one per line, in the order the document prints it."""
    children = sorted(children, key=_print_order)  # stable: numbers keep their order
    row = head.get("row") or {}
    side = "new" if head["change"] == ADDED else "old"
    lines = [f"{title}：{row[f]}" for f, title in ITEM_FIELDS if row.get(f)]
    if not row:
        lines.append(f"项目名称：{shown(head[side])}")
    lines += [f"{what(c)}：{shown(c[side])}" for c in children]
    return "\n".join(lines)


def child_counts(item: ItemGroup) -> str:
    """For a whole added/removed item: how many rows of each kind came or went with it."""
    counts: dict[str, int] = {}
    for c in item.changes:
        if c["table"] in CHILDREN:
            counts[TABLE_TITLES[c["table"]]] = counts.get(TABLE_TITLES[c["table"]], 0) + 1
    return "、".join(f"{k}{v}项" for k, v in counts.items())


def item_heading(item: ItemGroup) -> str:
    seq = "" if item.seq is None else f"序号{item.seq}"
    if item.old_seq is not None and item.seq is not None and item.old_seq != item.seq:
        seq += f"（原序号{item.old_seq}）"
    return f"{seq}  {item.name or ''}  [{item.item_id}]".strip()


def renumber_note(c: dict) -> str:
    if c["change"] == RENAMED and c.get("renumbered"):
        return f"（序号 {c.get('old_seq')} → {c.get('new_seq')}）"
    return ""


def summary_phrase(result: dict) -> str:
    parts = []
    for t in SUMMARY_ORDER + [t for t in result["summary"] if t not in SUMMARY_ORDER]:
        s = result["summary"].get(t)
        if not s or not (s["added"] or s["removed"] or s["modified"]):
            continue
        bits = [f"{w}{s[k]}" for k, w in (("added", "新增"), ("removed", "取消"), ("modified", "变更")) if s[k]]
        parts.append(f"{TABLE_TITLES.get(t, t)} " + "、".join(bits))
    return "；".join(parts) if parts else "无实质调整"


def provenance_lines(result: dict) -> list[str]:
    """Where each side's list came from, for a report header (provenance is never a change)."""
    def side(p: dict) -> str:
        return f"{p.get('file') or '（空）'}（SHA-256 {(p.get('sha256') or '')[:12]}…）"
    return [f"来源文件 {p['list_id']}：{side(p['from'])} → {side(p['to'])}" for p in result.get("provenance") or []]


def cosmetic_count(result: dict) -> int:
    return sum(1 for c in result["changes"] if c["change"] == COSMETIC)


_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


# Identifiers, file paths and checksums read as whole values even when they contain Chinese
# (a document named 兴安县权责清单.docx): a character redline of a path is unreadable.
_WHOLE_VALUE_SUFFIXES = ("_id", "_code", "_file", "_sha256")


def shows_inline(c: dict) -> bool:
    """Sentences are shown redlined character by character; codes, paths and hashes as old → new."""
    old, new = c.get("old"), c.get("new")
    if (c.get("field") or "").endswith(_WHOLE_VALUE_SUFFIXES) or c.get("field") == CITATION:
        return False
    return (c["change"] in (MODIFIED, RENAMED, COSMETIC) and isinstance(old, str) and isinstance(new, str)
            and bool(_CJK.search(old) or _CJK.search(new)))


def role_title(role: str) -> str:
    return ROLE_TITLES.get(role, role)


def shown(value) -> str:
    """A value as people read it: an empty cell is （空）, never Python's "None"."""
    return "（空）" if value is None or value == "" else str(value)


__all__ = ["ADDED", "REMOVED", "MODIFIED", "RENAMED", "MOVED", "COSMETIC", "visible", "group", "where"]

