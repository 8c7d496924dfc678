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
    """One sheet: a title row naming both versions, then the table, printable (sheets.write_sheet)."""
    from openpyxl import Workbook

    from ...sheets import Table, write_sheet

    wb = Workbook()
    ws = wb.active
    ws.title = "调整对照表"
    write_sheet(ws, f"权责清单调整对照表：{result['from']} → {result['to']}", [],
                [Table(None, COLUMNS, rows_for_table(result, show_all))], WIDTHS)
    ws.auto_filter.ref = f"A2:{ws.cell(row=2, column=len(COLUMNS)).column_letter}{ws.max_row}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
