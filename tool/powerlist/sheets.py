"""Report tables as printable worksheets: the one layout diff's 调整对照表 and review's parts share.

A sheet opens with a title row, then optional lines, then each table (its own title, a bold
header row, wrapped rows, notes). The first table's header is frozen and repeated on every
printed page; the print area covers the sheet, A4 landscape, fitted to the page width. Every
cell is text, never a formula.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Table:
    title: str | None
    columns: list[str]
    rows: list[dict]
    notes: list[str] = field(default_factory=list)   # lines after the table


def put(ws, row: int, col: int, value) -> None:
    cell = ws.cell(row=row, column=col)
    cell.value = "" if value is None else str(value)
    cell.data_type = "s"  # text that starts with "=" stays text, never a formula


def write_sheet(ws, title: str, lines: list[str], tables: list[Table], widths: dict[str, float]) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wrap = Alignment(wrap_text=True, vertical="top")
    width = max([len(t.columns) for t in tables] + [1])
    put(ws, 1, 1, title)
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    r, header_row = 2, None
    for line in lines:
        put(ws, r, 1, line)
        r += 1
    for t in tables:
        if t.title:
            put(ws, r, 1, t.title)
            ws.cell(row=r, column=1).font = Font(bold=True)
            r += 1
        for c, name in enumerate(t.columns, start=1):
            put(ws, r, c, name)
            ws.cell(row=r, column=c).font = Font(bold=True)
        header_row = header_row or r
        r += 1
        for row in t.rows:
            for c, name in enumerate(t.columns, start=1):
                put(ws, r, c, row.get(name, ""))
                ws.cell(row=r, column=c).alignment = wrap
            r += 1
        for note in t.notes:
            put(ws, r, 1, note)
            r += 1
        r += 1 if len(tables) > 1 else 0
    columns = max((t.columns for t in tables), key=len, default=[])
    for c, name in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(c)].width = widths.get(name, 16)
    if header_row:
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
        ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_area = f"A1:{get_column_letter(width)}{max(r - 1, 1)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
