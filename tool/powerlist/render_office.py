"""Tables → a list's table in the official layout as .docx or .xlsx (the text layout is render.py).

The header is the official two rows: 序号, 权力分类 and 备注 merged down, 权力清单 and 责任清单
merged across their columns. Above the table stands what the list was published with (文号,
notice title, issuer, date, then the list's title), so ingesting the file back recovers the
same `lists` facts as well as the same rows.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

from .errors import PowerlistError
from .files import write_file
from .spreadsheet import text_cells
from .render import ListView

# Relative column widths (characters of CJK text) by column: legal text gets the room.
WIDTHS = {
    "seq": 4, "category": 6, "name": 12, "sub_name": 6, "levels": 7, "implementing_body": 10,
    "undertaking_unit": 6, "setting_bases": 34, "steps": 30, "step_bases": 34, "cases": 28,
    "case_bases": 34, "exemptions": 14, "remark": 5,
}
EXTRA_WIDTH = 8


def title_lines(lst: dict) -> list[str]:
    """The lines above the table: the notice's printed facts, then the list's title (last)."""
    lines: list[str] = []
    if lst["kind"] == "jurisdiction":
        if lst.get("doc_no"):
            lines.append(lst["doc_no"])
        if lst.get("notice_title"):
            lines.append(lst["notice_title"])
        if lst.get("issuer") and lst.get("issued_on"):
            y, m, d = (int(x) for x in lst["issued_on"].split("-"))
            lines += [lst["issuer"], f"{y}年{m}月{d}日"]
        if lines:
            lines.append("附件")
    lines.append(lst["title"])
    return lines


# Columns whose equal values in consecutive rows are written as one cell merged down (a 项目名称
# shared by its 子项 rows, a 实施依据 shared by several items); ingest gives each row the value.
MERGE_DOWN = ("name", "setting_bases")


def header_spans(view: ListView) -> list[tuple[str, int, int]]:
    """First header row as (label, first column, last column), 0-based; extra columns after 备注."""
    n = len(view.layout.columns)
    return view.layout.header_spans() + [(label, n + i, n + i) for i, label in enumerate(view.extra_labels)]


def merge_runs(view: ListView, data: list[list[str]]) -> list[tuple[int, int, int]]:
    """(column, first data row, last data row) of each run of equal non-empty cells to merge down."""
    runs = []
    for c in (view.layout.columns.index(name) for name in MERGE_DOWN if name in view.layout.columns):
        start = 0
        for i in range(1, len(data) + 1):
            if i == len(data) or data[i][c] != data[start][c] or not data[start][c]:
                if i - 1 > start:
                    runs.append((c, start, i - 1))
                start = i
    return runs


def office_rows(view: ListView) -> list[list[str]]:
    """The data rows as written: the layout's cells, then the extra columns' cells."""
    return [cells + view.extra_cells(item) for item, cells in zip(view.items, view.data_rows())]


def second_row(view: ListView) -> list[str]:
    return ["\n".join(p for p in label.split("\n") if p) for label in view.layout.header_row2]


# ---- docx ------------------------------------------------------------------------------

def _fill(cell, text: str, bold: bool = False, center: bool = False) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraphs = text.split("\n") if text else [""]
    for i, part in enumerate(paragraphs):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(part)
        run.bold = bold


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


def docx_bytes(view: ListView) -> bytes:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.table import _Cell
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = "SimSun"
    normal.font.size = Pt(9)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(42.0), Cm(29.7)  # A3: thirteen columns of legal text
    for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, margin, Cm(1.5))

    lines = title_lines(view.list)
    for i, line in enumerate(lines):
        p = document.add_paragraph()
        is_title = i == len(lines) - 1
        if is_title or "关于" in line:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(line)
        run.bold = is_title
        run.font.size = Pt(16 if is_title else 12)

    cols = view.layout.columns + [f"extra:{label}" for label in view.extra_labels]
    data = office_rows(view)
    # The header is merged while the table has only its two rows, and data rows are added after:
    # python-docx's table.cell() walks the whole table on every call.
    table = document.add_table(rows=2, cols=len(cols))
    table.style = "Table Grid"
    table.autofit = False
    usable = section.page_width - section.left_margin - section.right_margin
    total = sum(WIDTHS.get(c, EXTRA_WIDTH) for c in cols)
    widths = [int(usable * WIDTHS.get(c, EXTRA_WIDTH) / total) for c in cols]
    for j, width in enumerate(widths):
        table.columns[j].width = width  # the grid: rows added later take their widths from it
        for row in table.rows:
            row.cells[j].width = width
    for label, first, last in header_spans(view):
        top = table.cell(0, first)
        merged = top.merge(table.cell(0, last)) if last > first else top
        if last == first:
            merged = merged.merge(table.cell(1, first))
        _fill(merged, label, bold=True, center=True)
    for j, label in enumerate(second_row(view)):
        if label:
            _fill(table.cell(1, j), label, bold=True, center=True)
    _repeat_header(table.rows[0])
    _repeat_header(table.rows[1])
    runs = merge_runs(view, data)
    covered = {(i, c) for c, first, last in runs for i in range(first + 1, last + 1)}
    body = []
    for i, cells in enumerate(data):
        row = [_Cell(tc, table) for tc in table.add_row()._tr.tc_lst]
        for j, text in enumerate(cells):
            row[j].width = widths[j]
            if (i, j) not in covered:
                _fill(row[j], text, center=cols[j] == "seq")
        body.append(row)
    for c, first, last in runs:
        body[first][c].merge(body[last][c])
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


# ---- xlsx ------------------------------------------------------------------------------

def _lines_needed(text: str, width: int) -> int:
    # CJK characters are about two width units each in Excel's measure.
    return sum(max(1, math.ceil(len(p) * 2 / max(width, 1))) for p in (text.split("\n") if text else [""]))


def xlsx_bytes(view: ListView) -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    cols = view.layout.columns + [f"extra:{label}" for label in view.extra_labels]
    n = len(cols)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "权责清单"
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap_top = Alignment(wrap_text=True, vertical="top")
    center = Alignment(wrap_text=True, vertical="center", horizontal="center")

    def put(r: int, c: int, value, align=wrap_top, bold=False, boxed=True, size=10):
        cell = ws.cell(row=r, column=c, value=value)
        cell.alignment = align
        cell.font = Font(bold=bold, size=size)
        if boxed:
            cell.border = border
        return cell

    lines = title_lines(view.list)
    for i, line in enumerate(lines, start=1):
        is_title = i == len(lines)
        put(i, 1, line, center if is_title or "关于" in line else Alignment(vertical="center"),
            bold=is_title, boxed=False, size=16 if is_title else 11)
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=n)
        ws.row_dimensions[i].height = 28 if is_title else 18
    h = len(lines) + 2  # a blank row between the title block and the header
    for label, first, last in header_spans(view):
        for c in range(first, last + 1):
            for r in (h, h + 1):
                put(r, c + 1, None, center)
        put(h, first + 1, label, center, bold=True)
        if last > first:
            ws.merge_cells(start_row=h, start_column=first + 1, end_row=h, end_column=last + 1)
        else:
            ws.merge_cells(start_row=h, start_column=first + 1, end_row=h + 1, end_column=first + 1)
    for j, label in enumerate(second_row(view), start=1):
        if label:
            put(h + 1, j, label, center, bold=True)
    ws.row_dimensions[h + 1].height = 45
    for j, c in enumerate(cols, start=1):
        ws.column_dimensions[get_column_letter(j)].width = WIDTHS.get(c, EXTRA_WIDTH) * 1.2
    data = office_rows(view)
    runs = merge_runs(view, data)
    covered = {(i, c) for c, first, last in runs for i in range(first + 1, last + 1)}
    for i, cells in enumerate(data):
        r = h + 2 + i
        for j, (c, text) in enumerate(zip(cols, cells)):
            value = int(text) if c == "seq" and text.isdigit() else text
            put(r, j + 1, None if (i, j) in covered else value, center if c in ("seq", "category") else wrap_top)
        needed = max(_lines_needed(t, int(WIDTHS.get(c, EXTRA_WIDTH) * 1.2)) for c, t in zip(cols, cells))
        ws.row_dimensions[r].height = min(409, 14 * needed)  # 409 pt is Excel's row height limit
    for c, first, last in runs:
        ws.merge_cells(start_row=h + 2 + first, start_column=c + 1, end_row=h + 2 + last, end_column=c + 1)
    ws.freeze_panes = ws.cell(row=h + 2, column=1)
    ws.print_title_rows = f"{h}:{h + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    buf = io.BytesIO()
    text_cells(wb)
    wb.save(buf)
    return buf.getvalue()


WRITERS = {"docx": docx_bytes, "xlsx": xlsx_bytes}


def render_office(view: ListView, fmt: str, path: Path) -> Path:
    """Write the list as .docx or .xlsx at path, atomically; returns the path."""
    try:
        data = WRITERS[fmt](view)
    except ValueError as exc:  # lxml/openpyxl refuse control characters that XML cannot hold
        raise PowerlistError(f"{view.list['list_id']}: cannot write {fmt}: {' '.join(str(exc).split())[:120]}") from None
    write_file(path, data)
    return path
