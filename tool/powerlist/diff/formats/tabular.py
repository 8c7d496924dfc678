"""调整对照表 (comparison table) as CSV and as an Excel workbook."""

from __future__ import annotations

import csv
import io

from ...spreadsheet import csv_cell, text_cells
from ..view import rows_for_table

COLUMNS = ["序号", "事项名称", "调整类型", "调整前", "调整后", "调整内容", "事项编号", "清单编号"]
WIDTHS = {"序号": 7, "事项名称": 30, "调整类型": 13, "调整前": 60, "调整后": 60, "调整内容": 22,
          "事项编号": 20, "清单编号": 15}


def render_csv(result: dict, *, show_all: bool = False) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows_for_table(result, show_all))
    return buf.getvalue()


def render_xlsx(result: dict, *, show_all: bool = False) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "调整对照表"
    ws.append(COLUMNS)
    for row in rows_for_table(result, show_all):
        ws.append([row[c] for c in COLUMNS])
    wrap = Alignment(wrap_text=True, vertical="top")
    for cells in ws.iter_rows():
        for cell in cells:
            cell.alignment = wrap
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i, name in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = WIDTHS[name]
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    text_cells(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
