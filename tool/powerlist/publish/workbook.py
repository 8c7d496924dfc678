"""One Excel workbook per release: a sheet per table (Chinese headers), a sheet per list in the
official table layout (title, merged two-row header, wrapped text, readable widths)."""

from __future__ import annotations

import io
import math
import unicodedata
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from .deterministic import restamp_zip
from ..spreadsheet import text_cells
from .layout import header_cells
from .release_data import ReleaseData

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="E8EEF4")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(wrap_text=True, horizontal="center", vertical="center")
# Column widths (in Excel character units) for the list sheets, by layout column.
LIST_WIDTHS = {"seq": 6, "category": 10, "name": 22, "sub_name": 12, "levels": 10, "implementing_body": 16,
               "undertaking_unit": 10, "setting_bases": 46, "steps": 46, "step_bases": 46, "cases": 44,
               "case_bases": 44, "exemptions": 36, "remark": 8}
MAX_ROW_HEIGHT = 409  # Excel's limit, in points
LINE_HEIGHT = 15


def display_width(text: str) -> int:
    """CJK characters take two columns in Excel's width unit."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def line_count(text: str, width: int) -> int:
    return sum(max(1, math.ceil(display_width(p) / max(width - 1, 1))) for p in text.split("\n"))


def sheet_value(value, ftype: str):
    if value is None:
        return None
    if ftype == "list":
        return ",".join(value)
    if ftype == "date":
        return datetime.fromisoformat(value).date()
    return value


def add_table_sheet(wb: Workbook, name: str, fields: list[dict], rows: list[dict]) -> None:
    ws = wb.create_sheet(name)
    ws.append([f.get("title") or f["name"] for f in fields])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
        cell.alignment = CENTER
    for row in rows:
        ws.append([sheet_value(row.get(f["name"]), f["type"]) for f in fields])
    for i, f in enumerate(fields, start=1):
        letter = get_column_letter(i)
        longest = max([display_width(f.get("title") or f["name"])] +
                      [display_width(str(r.get(f["name"]) or "")) for r in rows[:500]])
        ws.column_dimensions[letter].width = min(max(longest + 2, 8), 60)
        if f["type"] == "date":
            for cell in ws[letter][1:]:
                cell.number_format = "yyyy-mm-dd"
        if longest > 60:
            for cell in ws[letter][1:]:
                cell.alignment = WRAP_TOP
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


def add_list_sheet(wb: Workbook, rel: ReleaseData, list_id: str) -> None:
    view = rel.views[list_id]
    columns = view.layout.columns
    ws = wb.create_sheet(list_id[:31])
    ws.cell(1, 1, view.list["title"]).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = CENTER
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    ws.row_dimensions[1].height = 30
    for h in header_cells(view):
        cell = ws.cell(2 + h.row, 1 + h.col, h.text)
        cell.font = Font(bold=True)
        cell.alignment = CENTER
        if h.rowspan > 1 or h.colspan > 1:
            ws.merge_cells(start_row=2 + h.row, start_column=1 + h.col,
                           end_row=2 + h.row + h.rowspan - 1, end_column=1 + h.col + h.colspan - 1)
    for r in (2, 3):
        ws.row_dimensions[r].height = 36
        for c in range(1, len(columns) + 1):
            ws.cell(r, c).border = BORDER
            ws.cell(r, c).fill = HEAD_FILL
    for i, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = LIST_WIDTHS.get(col, 16)
    for n, row in enumerate(view.data_rows(), start=4):
        lines = 1
        for i, (col, text) in enumerate(zip(columns, row), start=1):
            cell = ws.cell(n, i, text or None)
            cell.alignment = CENTER if col in ("seq", "category") else WRAP_TOP
            cell.border = BORDER
            lines = max(lines, line_count(text, LIST_WIDTHS.get(col, 16)))
        # openpyxl cannot measure text; an estimate keeps wrapped cells readable when opened.
        ws.row_dimensions[n].height = min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT + 6)
    ws.freeze_panes = "C4"
    ws.print_title_rows = "2:3"
    ws.page_setup.orientation = "landscape"


def build_workbook(rel: ReleaseData) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    for list_id in sorted(rel.views):
        add_list_sheet(wb, rel, list_id)
    for name, ts in rel.schemas.items():
        add_table_sheet(wb, name, ts.fields, rel.tables[name])
    stamp = datetime(rel.day.year, rel.day.month, rel.day.day)
    wb.properties.creator = "powerlist"
    wb.properties.title = f"{rel.package.descriptor.get('title', rel.name)} {rel.tag}"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    return wb


def write_workbook(rel: ReleaseData, folder: Path) -> Path:
    """Saved through ExcelWriter (save_workbook would stamp the current time), then restamped."""
    path = folder / f"{rel.stem}.xlsx"
    buf = io.BytesIO()
    archive = zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED)
    wb = build_workbook(rel)
    text_cells(wb)
    ExcelWriter(wb, archive).save()
    restamp_zip(buf.getvalue(), path, rel.zip_time())
    return path
