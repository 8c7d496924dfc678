"""Tables → a list's table in the official layout as .docx or .xlsx (the text layout is render.py).

The header is the official two rows: 序号, 权力分类 and 备注 merged down, 权力清单 and 责任清单
merged across their columns. Above the table stands what the list was published with (文号,
notice title, issuer, date, then the list's title), so ingesting the file back recovers the
same `lists` facts as well as the same rows.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
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


BODY, CENTERED = "powerlist-body", "powerlist-center"
# The cell styles of a list sheet, by name: (alignment, bold, boxed, font size). BODY and CENTERED
# are the data cells' (openpyxl registers them as named styles); the rest are the title block's
# and the header's.
TITLE, NOTICE_CENTER, NOTICE, HEAD, HEAD_BLANK = "title", "notice-center", "notice", "head", "head-blank"
SHEET_STYLES = {
    TITLE: ("center", True, False, 16), NOTICE_CENTER: ("center", False, False, 11),
    NOTICE: ("vcenter", False, False, 11), HEAD: ("center", True, True, 10), HEAD_BLANK: ("center", False, True, 10),
    BODY: ("top", False, True, 10), CENTERED: ("center", False, True, 10),
}


def _body_styles(wb) -> None:
    """The two styles of data cells, registered once per workbook: a cell takes a named style by
    name, where setting font, alignment and border objects per cell costs openpyxl a style lookup
    each (most of a province-scale workbook's time)."""
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side

    thin = Side(style="thin")
    for name, align in ((BODY, Alignment(wrap_text=True, vertical="top")),
                        (CENTERED, Alignment(wrap_text=True, vertical="center", horizontal="center"))):
        if name not in wb.named_styles:
            wb.add_named_style(NamedStyle(name=name, font=Font(size=10), alignment=align,
                                          border=Border(left=thin, right=thin, top=thin, bottom=thin)))


class DataRowShape:
    """How a list sheet writes one item's row (its cells as office_rows gives them): the cells
    with their styles (a 序号 of digits as a number) and the row's height, before merging."""

    def __init__(self, cols: list[str]):
        self.cols = cols
        self.styles = [CENTERED if c in ("seq", "category") else BODY for c in cols]
        self.widths = [int(WIDTHS.get(c, EXTRA_WIDTH) * 1.2) for c in cols]

    def row(self, cells: list[str]) -> tuple[list[tuple[int, object, str]], float]:
        row = [(j + 1, int(text) if c == "seq" and text.isdigit() else text, self.styles[j])
               for j, (c, text) in enumerate(zip(self.cols, cells))]
        needed = max(_lines_needed(t, w) for w, t in zip(self.widths, cells))
        return row, min(409, 14 * needed)  # 409 pt is Excel's row height limit


@dataclass
class ListSheet:
    """A list's worksheet in the official layout, as data: the one description of it, which
    openpyxl (render) and publish's streaming writer (publish/xlsx.py) both write out."""
    width: int                                         # columns
    rows: list[list[tuple[int, object, str]]]          # per sheet row: (column 1-based, value, style name)
    merges: list[tuple[int, int, int, int]]            # (first row, first column, last row, last column)
    heights: dict[int, float]                          # row → height in points
    widths: list[float]                                # per column
    freeze_row: int                                    # the first row below the frozen panes
    print_rows: tuple[int, int]                        # the header rows repeated on every printed page


def sheet_columns(view: ListView) -> list[str]:
    return view.layout.columns + [f"extra:{label}" for label in view.extra_labels]


def list_sheet(view: ListView) -> ListSheet:
    """The list on one worksheet: the title block, a blank row, the two-row merged header, one row
    per item (equal 项目名称/实施依据 cells in consecutive rows merged down)."""
    cols = sheet_columns(view)
    n = len(cols)
    rows: list[list[tuple[int, object, str]]] = []
    merges: list[tuple[int, int, int, int]] = []
    heights: dict[int, float] = {}
    lines = title_lines(view.list)
    for i, line in enumerate(lines, start=1):
        is_title = i == len(lines)
        rows.append([(1, line, TITLE if is_title else NOTICE_CENTER if "关于" in line else NOTICE)])
        merges.append((i, 1, i, n))
        heights[i] = 28 if is_title else 18
    rows.append([])  # a blank row between the title block and the header
    h = len(lines) + 2
    head: dict[tuple[int, int], tuple[object, str]] = {}
    for label, first, last in header_spans(view):
        for c in range(first, last + 1):
            for r in (h, h + 1):
                head[(r, c + 1)] = (None, HEAD_BLANK)
        head[(h, first + 1)] = (label, HEAD)
        merges.append((h, first + 1, h, last + 1) if last > first else (h, first + 1, h + 1, first + 1))
    for j, label in enumerate(second_row(view), start=1):
        if label:
            head[(h + 1, j)] = (label, HEAD)
    for r in (h, h + 1):
        rows.append([(c, *head[(rr, c)]) for rr, c in sorted(head) if rr == r])
    heights[h + 1] = 45
    widths = [WIDTHS.get(c, EXTRA_WIDTH) * 1.2 for c in cols]
    data = office_rows(view)
    runs = merge_runs(view, data)
    covered = {(i, c) for c, first, last in runs for i in range(first + 1, last + 1)}
    shape = DataRowShape(cols)
    for i, cells in enumerate(data):
        r = h + 2 + i
        row, heights[r] = shape.row(cells)
        rows.append([(j, None, s) if (i, j - 1) in covered else (j, v, s) for j, v, s in row])
    merges += [(h + 2 + first, c + 1, h + 2 + last, c + 1) for c, first, last in runs]
    return ListSheet(n, rows, merges, heights, widths, h + 2, (h, h + 1))


def fill_list_sheet(ws, view: ListView) -> None:
    """The list sheet (list_sheet) written through openpyxl, for `powerlist render --format xlsx`."""
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    _body_styles(ws.parent)
    sheet = list_sheet(view)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    aligns = {"top": Alignment(wrap_text=True, vertical="top"),
              "center": Alignment(wrap_text=True, vertical="center", horizontal="center"),
              "vcenter": Alignment(vertical="center")}
    for r, row in enumerate(sheet.rows, start=1):
        for c, value, style in row:
            cell = ws.cell(row=r, column=c, value=value)
            if style in (BODY, CENTERED):
                cell.style = style
                continue
            align, bold, boxed, size = SHEET_STYLES[style]
            cell.alignment = aligns[align]
            cell.font = Font(bold=bold, size=size)
            if boxed:
                cell.border = border
    for r1, c1, r2, c2 in sheet.merges:
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    for r, height in sheet.heights.items():
        ws.row_dimensions[r].height = height
    for j, width in enumerate(sheet.widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = ws.cell(row=sheet.freeze_row, column=1)
    ws.print_title_rows = f"{sheet.print_rows[0]}:{sheet.print_rows[1]}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def xlsx_bytes(view: ListView) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "权责清单"
    fill_list_sheet(ws, view)
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
