"""A grid of cells → a parsed list: items with their steps, cases, exemptions and bases.

Nothing here knows about ids or files; match.py gives ids and tables.py flattens to rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ..errors import PowerlistError
from ..document.cells import normalize_paragraphs, split_entries, split_responsible, split_step_name
from ..document.citations import parse_citations
from .grid import Cell, Grid

CATEGORIES = ["行政许可", "行政处罚", "行政强制", "行政征收", "行政给付", "行政检查",
              "行政确认", "行政奖励", "行政裁决", "其他行政权力"]
LEVELS = {"设区市、县级": ["设区市", "县级"], "设区市级": ["设区市"], "县级": ["县级"]}


@dataclass
class ParsedItem:
    fields: dict
    steps: list[dict] = field(default_factory=list)
    cases: list[dict] = field(default_factory=list)
    exemptions: list[dict] = field(default_factory=list)
    bases: list[dict] = field(default_factory=list)  # each with its role


@dataclass
class ParsedList:
    kind: str
    items: list[ParsedItem]


def where(grid: Grid, cell: Cell, column: str) -> str:
    return f"{grid.name}: {cell.at} ({column})"


def parse_grid(grid: Grid) -> ParsedList:
    items = [parse_row(grid, dict(zip(grid.layout.columns, row))) for row in grid.rows]
    for item, extra in zip(items, grid.extras):
        # Columns no synonym knows are kept as printed, in the document's order; empty ones are not.
        kept = {label: normalize_paragraphs(c.text) for label, c in zip(grid.extra_labels, extra) if c.text.strip()}
        item.fields["extra"] = json.dumps(kept, ensure_ascii=False) if kept else None
    seen: dict[int, int] = {}
    for item, row in zip(items, grid.rows):
        seq = item.fields["seq"]
        if seq in seen:
            raise PowerlistError(f"{grid.name}: {row[0].at}: duplicate 序号 {seq}")
        seen[seq] = row[0].line
    return ParsedList(grid.layout.kind, items)


def parse_row(grid: Grid, cells: dict[str, Cell]) -> ParsedItem:
    category = cells["category"].text
    if category not in CATEGORIES:
        raise PowerlistError(
            f"{where(grid, cells['category'], '权力分类')}: unknown 权力分类 {category!r}, "
            f"expected one of {'、'.join(CATEGORIES)}"
        )
    name = normalize_paragraphs(cells["name"].text)
    if not name:
        raise PowerlistError(f"{where(grid, cells['name'], '项目名称')}: empty 项目名称")
    fields = {
        "seq": int(cells["seq"].text),
        "category": category,
        "name": name,
        "sub_name": normalize_paragraphs(cells["sub_name"].text) or None,
        "remark": normalize_paragraphs(cells["remark"].text) or None,
    }
    item = ParsedItem(fields)
    if "levels" in cells:
        fields.update(parse_levels(grid, cells["levels"]))
    if "implementing_body" in cells:
        fields["implementing_body"] = normalize_paragraphs(cells["implementing_body"].text) or None
        fields["undertaking_unit"] = normalize_paragraphs(cells["undertaking_unit"].text) or None
    item.steps = parse_numbered(grid, cells["steps"], "责任事项", with_name=True)
    item.bases += parse_bases(grid, cells["setting_bases"], "setting", "设定/实施依据")
    item.bases += parse_bases(grid, cells["step_bases"], "step", "责任事项依据")
    if "cases" in cells:
        intro, _ = split_entries(cells["cases"].text)
        fields["accountability_intro"] = intro or None
        item.cases = parse_numbered(grid, cells["cases"], "追责情形", with_name=False)
        item.bases += parse_bases(grid, cells["case_bases"], "accountability", "追责依据")
        item.exemptions = parse_exemptions(cells["exemptions"].text)
    return item


def parse_levels(grid: Grid, cell: Cell) -> dict:
    printed = normalize_paragraphs(cell.text)
    if printed not in LEVELS:
        raise PowerlistError(
            f"{where(grid, cell, '实施层级')}: unknown 实施层级 {printed!r}, expected one of "
            + "、".join(repr(k) for k in LEVELS)
        )
    return {"levels": LEVELS[printed], "levels_printed": printed}


def parse_numbered(grid: Grid, cell: Cell, column: str, with_name: bool) -> list[dict]:
    """Steps (with a name before the colon) or accountability cases."""
    intro, entries = split_entries(cell.text)
    if intro and with_name:
        # Only 追责情形 has a lead-in sentence (kept in accountability_intro); text before the
        # first numbered 责任事项 would have nowhere to go.
        raise PowerlistError(
            f"{where(grid, cell, column)}: text {intro[:20]!r} before the first numbered entry (1．); "
            "number it or move it to 备注"
        )
    rows, seen = [], set()
    for e in entries:
        if e.sub is not None:
            raise PowerlistError(f"{where(grid, cell, column)}: entry {e.label} has a sub-number; expected 1., 2., …")
        if e.num in seen:
            raise PowerlistError(f"{where(grid, cell, column)}: entry number {e.num} appears twice")
        seen.add(e.num)
        text, responsible, placement = split_responsible(e.body)
        row = {"no": e.num, "label": e.label, "text": text, "responsible": responsible,
               "responsible_placement": placement, "starts_paragraph": e.starts_paragraph}
        if with_name:
            row["name"], row["text"] = split_step_name(text)
        rows.append(row)
    return rows


def parse_exemptions(cell_text: str) -> list[dict]:
    intro, entries = split_entries(cell_text)
    rows = []
    if intro:
        rows.append({"label": "", "text": intro, "starts_paragraph": True})
    rows += [{"label": e.label, "text": e.body, "starts_paragraph": e.starts_paragraph} for e in entries]
    return [{"seq": i, **r} for i, r in enumerate(rows, start=1)]


def parse_bases(grid: Grid, cell: Cell, role: str, column: str) -> list[dict]:
    if not cell.text.strip():
        return []
    provisions = parse_citations(cell.text, where(grid, cell, column))
    rows = []
    for p in provisions:
        row = {k: v for k, v in p.__dict__.items() if k not in ("num", "sub")}
        row["role"] = role
        row["ref"] = p.ref or None
        row["step_no"] = p.num if role == "step" else None
        row["case_no"] = p.num if role == "accountability" else None
        rows.append(row)
    return rows
