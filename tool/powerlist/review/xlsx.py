"""The review report as a workbook: one sheet per part, each with a title row, a frozen header,
a print area and fit-to-width on A4 landscape. Every cell is text, never a formula."""

from __future__ import annotations

import io

from .parts import parts

SHEET_NAMES = ("基本情况", "调整情况汇总", "调整对照表", "合规与审核")
WIDTHS = {"序号": 6, "事项名称": 28, "调整类型": 12, "调整内容": 22, "调整前": 60, "调整后": 60, "项目": 10,
          "对照版本": 50, "审查文件": 50, "说明": 60, "目录": 45, "清单": 45, "位置": 22, "目录事项": 30}


def _put(ws, row: int, col: int, value) -> None:
    cell = ws.cell(row=row, column=col)
    cell.value = "" if value is None else str(value)
    cell.data_type = "s"  # text that starts with "=" stays text, never a formula


def render_xlsx(review: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    title = review["header"]["title"]
    wrap = Alignment(wrap_text=True, vertical="top")
    for part, sheet_name in zip(parts(review), SHEET_NAMES):
        ws = wb.create_sheet(sheet_name)
        width = max([len(t.columns) for t in part.tables] + [1])
        _put(ws, 1, 1, f"{title}　{part.title}")
        ws.cell(row=1, column=1).font = Font(bold=True, size=14)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        r = 2
        header_row = None
        for line in part.lines:
            _put(ws, r, 1, line)
            r += 1
        for t in part.tables:
            if t.title:
                _put(ws, r, 1, t.title)
                ws.cell(row=r, column=1).font = Font(bold=True)
                r += 1
            for c, name in enumerate(t.columns, start=1):
                _put(ws, r, c, name)
                ws.cell(row=r, column=c).font = Font(bold=True)
            header_row = header_row or r
            r += 1
            for row in t.rows:
                for c, name in enumerate(t.columns, start=1):
                    _put(ws, r, c, row.get(name, ""))
                    ws.cell(row=r, column=c).alignment = wrap
                r += 1
            for note in t.notes:
                _put(ws, r, 1, note)
                r += 1
            r += 1
        columns = max((t.columns for t in part.tables), key=len, default=[])
        for c, name in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(c)].width = WIDTHS.get(name, 16)
        if header_row:
            ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
            ws.print_title_rows = f"{header_row}:{header_row}"
        ws.print_area = f"A1:{get_column_letter(width)}{max(r - 1, 1)}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
