"""One Excel workbook per release: a sheet per list in the official table layout (the same sheet
`powerlist render --format xlsx` writes), then a sheet per table (Chinese headers)."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from .deterministic import restamp_zip
from ..render_office import fill_list_sheet
from ..spreadsheet import text_cells
from .release_data import ReleaseData

HEAD_FILL = PatternFill("solid", fgColor="E8EEF4")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(wrap_text=True, horizontal="center", vertical="center")


def display_width(text: str) -> int:
    """CJK characters take two columns in Excel's width unit."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


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
    for n, row in enumerate(rows, start=2):
        for c, f in enumerate(fields, start=1):
            ws.cell(row=n, column=c, value=sheet_value(row.get(f["name"]), f["type"]))
    # Column-wide formats instead of one style per cell (a per-cell style is an openpyxl lookup each).
    for i, f in enumerate(fields, start=1):
        letter = get_column_letter(i)
        longest = max([display_width(f.get("title") or f["name"])] +
                      [display_width(str(r.get(f["name"]) or "")) for r in rows[:500]])
        ws.column_dimensions[letter].width = min(max(longest + 2, 8), 60)
        if f["type"] == "date":
            for cell in ws[letter][1:]:
                cell.number_format = "yyyy-mm-dd"
        if longest > 60:
            ws.column_dimensions[letter].alignment = WRAP_TOP
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


def add_list_sheet(wb: Workbook, rel: ReleaseData, list_id: str) -> None:
    """The same sheet `powerlist render --format xlsx` writes (render_office.fill_list_sheet)."""
    fill_list_sheet(wb.create_sheet(list_id[:31]), rel.views[list_id])


EXCEL_ROWS = 1_048_576  # rows in one worksheet, the header included


def build_workbook(rel: ReleaseData) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    for list_id in sorted(rel.views):
        add_list_sheet(wb, rel, list_id)
    too_long = []
    for name, ts in rel.schemas.items():
        if len(rel.tables[name]) + 1 > EXCEL_ROWS:
            too_long.append(f"{name}（{len(rel.tables[name]):,} 行）")
            continue
        add_table_sheet(wb, name, ts.fields, rel.tables[name])
    if too_long:
        # A table longer than a worksheet is left out whole, never cut, and the workbook says so.
        ws = wb.create_sheet("说明", 0)
        ws.append([f"以下数据表超过 Excel 工作表的行数上限（{EXCEL_ROWS:,} 行），未收入本工作簿，"
                   f"请使用同一版本的 CSV（数据包）、Parquet、SQLite 或 DuckDB 文件：{'、'.join(too_long)}"])
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
