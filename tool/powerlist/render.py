"""Tables → a list's table in the official layout, as the sources' text layout.

Rendering a 2022 list reproduces its source document's table cell for cell (whitespace aside):
the proof that normalization lost nothing.
"""

from __future__ import annotations

import json

from .errors import PowerlistError
from .document.cells import join_responsible
from .document.citations import render_citations
from .document.layout import CATALOG, HEADER_ROW1, JURISDICTION, Layout
from .package import Package


def _entries(rows: list[dict], piece) -> str:
    out: list[str] = []
    for r in rows:
        if out and r["starts_paragraph"]:
            out.append("\n")
        out.append(piece(r))
    return "".join(out)


def steps_cell(steps: list[dict]) -> str:
    def piece(s):
        name = f"{s['name']}：" if s.get("name") else ""
        return f"{s.get('label') or ''}{name}{join_responsible(s['text'], s.get('responsible'), s.get('responsible_placement'))}"
    return _entries(steps, piece)


def cases_cell(intro: str | None, cases: list[dict]) -> str:
    def piece(c):
        return f"{c.get('label') or ''}{join_responsible(c['text'], c.get('responsible'), c.get('responsible_placement'))}"
    body = _entries(cases, piece)
    return "\n".join(p for p in (intro, body) if p)


def exemptions_cell(rows: list[dict]) -> str:
    return _entries(rows, lambda e: f"{e.get('label') or ''}{e['text']}")


def extra_labels_of(extras) -> list[str]:
    """The labels of the items' extra columns (items.extra, JSON objects or None, in item order),
    each in the order it first appears."""
    labels: dict[str, None] = {}
    for extra in extras:
        for label in json.loads(extra or "{}"):
            labels.setdefault(label)
    return list(labels)


CHILD_ORDER = {"steps": "step_no", "accountability": "case_no", "exemptions": "seq", "bases": "seq"}


class ListView:
    """One list with its children grouped by item, read once from a package."""

    def __init__(self, pkg: Package, list_id: str):
        tables = {"lists": pkg.read_table("lists")}
        lists = {l["list_id"] for l in tables["lists"]}
        if list_id not in lists:
            known = ", ".join(sorted(lists)) or "none"
            raise PowerlistError(f"{pkg.label}: unknown list {list_id!r} (known: {known})")
        rows = pkg.read_lists({list_id})  # only this list's files where the package stores one per list
        tables = {"lists": [l for l in tables["lists"] if l["list_id"] == list_id], **rows}
        self._set(*list_views_parts(tables, [list_id])[list_id])

    @classmethod
    def of(cls, lst: dict, items: list[dict], children: dict[str, dict[str, list[dict]]],
           extra_labels: list[str] | None = None) -> "ListView":
        """extra_labels: the whole list's (extra_labels_of), when `items` are only some of its items."""
        view = cls.__new__(cls)
        view._set(lst, items, children)
        view._extra = extra_labels
        return view

    def _set(self, lst: dict, items: list[dict], children: dict[str, dict[str, list[dict]]]) -> None:
        self.list = lst
        self.items = items
        self.children = children
        self._rows: list[list[str]] | None = None      # data_rows, made once (publish asks three times)
        self._extra: list[str] | None = None           # extra_labels, made once (asked once per item)

    @property
    def layout(self) -> Layout:
        return CATALOG if self.list["kind"] == "catalog" else JURISDICTION

    def bases_by_role(self, item_id: str) -> dict[str, list[dict]]:
        """The item's citations of each cited role, in their order: one pass over its bases
        (publish asks for every item of a province)."""
        cited: dict[str, list[dict]] = {"setting": [], "step": [], "accountability": []}
        for b in self.children[item_id].get("bases", ()):
            if b["role"] in cited:
                cited[b["role"]].append(b)
        return cited

    def row_cells(self, item: dict) -> list[str]:
        kids = self.children[item["item_id"]]
        cited = self.bases_by_role(item["item_id"])
        cells = {
            "seq": str(item["seq"]),
            "category": item["category"],
            "name": item["name"],
            "sub_name": item.get("sub_name") or "",
            "levels": item.get("levels_printed") or "",
            "implementing_body": item.get("implementing_body") or "",
            "undertaking_unit": item.get("undertaking_unit") or "",
            "setting_bases": render_citations(cited["setting"]),
            "steps": steps_cell(kids.get("steps", [])),
            "step_bases": render_citations(cited["step"]),
            "cases": cases_cell(item.get("accountability_intro"), kids.get("accountability", [])),
            "case_bases": render_citations(cited["accountability"]),
            "exemptions": exemptions_cell(kids.get("exemptions", [])),
            "remark": item.get("remark") or "",
        }
        return [cells[c] for c in self.layout.columns]

    @property
    def extra_labels(self) -> list[str]:
        """Columns the document had beyond the layout's (items.extra), in their first order."""
        if self._extra is None:
            self._extra = extra_labels_of(item.get("extra") for item in self.items)
        return self._extra

    def extra_cells(self, item: dict) -> list[str]:
        labels = self.extra_labels
        if not labels:  # most lists: no item has extra columns (extra_labels_of has read them all)
            return []
        values = json.loads(item.get("extra") or "{}")
        return [values.get(label, "") for label in labels]

    def header_rows(self) -> list[list[str]]:
        return [list(HEADER_ROW1), list(self.layout.header_row2)]

    def data_rows(self) -> list[list[str]]:
        if self._rows is None:
            self._rows = [self.row_cells(i) for i in self.items]
        return self._rows


def list_views_parts(tables: dict[str, list[dict]], only: list[str] | None = None) -> dict[str, tuple]:
    """(list row, its items by 序号, children by item and table) per list, grouping every table once."""
    wanted = set(only) if only is not None else None
    lists = {l["list_id"]: l for l in tables.get("lists", []) if wanted is None or l["list_id"] in wanted}
    items: dict[str, list[dict]] = {i: [] for i in lists}
    owner: dict[str, str] = {}
    for item in tables.get("items", []):
        if item["list_id"] in items:
            items[item["list_id"]].append(item)
            owner[item["item_id"]] = item["list_id"]
    children: dict[str, dict[str, dict[str, list[dict]]]] = {i: {} for i in lists}
    for list_id, rows in items.items():
        rows.sort(key=lambda i: i["seq"])
        children[list_id] = {i["item_id"]: {} for i in rows}
    for table, key in CHILD_ORDER.items():
        for row in sorted(tables.get(table, []), key=lambda r: r[key]):
            list_id = owner.get(row["item_id"])
            if list_id is not None:
                children[list_id][row["item_id"]].setdefault(table, []).append(row)
    return {i: (lists[i], items[i], children[i]) for i in lists}


def list_views(tables: dict[str, list[dict]]) -> dict[str, ListView]:
    """Every list of already-read tables as a ListView (one pass over each table, not one per list)."""
    return {i: ListView.of(*parts) for i, parts in list_views_parts(tables).items()}


def render_text(view: ListView) -> str:
    """The sources' text layout: title, then each cell on a TAB line, paragraphs blank-line separated."""
    if view.extra_labels:
        # The text layout has the official columns only: printing it would drop these in silence.
        raise PowerlistError(
            f"{view.list['list_id']}: has columns beyond the official layout ({'、'.join(view.extra_labels)}); "
            "render --format docx or xlsx writes them"
        )
    lines = [view.list["title"], ""]
    for row in view.header_rows() + view.data_rows():
        for cell in row:
            lines.append("\t" + cell.replace("\n\n", "\n").replace("\n", "\n\n"))
        lines.append("")
    return "\n".join(lines)
