"""An .xlsx list document → Grid: every visible sheet, in order; rows above the header are the preamble.

Rows are grid-aligned (one Cell per column, see grid.Cell): openpyxl leaves every cell of a
merged range but the top-left one empty, and those positions are marked covered by it. Visible
sheets after the first list sheet are continuations (tabular.py checks their header). A hidden
sheet is never read: one holding a list table is reported (an old draft is the usual reason).
A formula cell is read by its saved value; one with no saved value (a file written by a program
that does not calculate) is refused, since its value is unknown.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import PowerlistError
from .grid import Cell, Grid
from .tabular import SourceTable, find_header, grid_from_tables


def _open(path: Path, data_only: bool = True):
    import openpyxl

    try:
        return openpyxl.load_workbook(str(path), data_only=data_only)
    except Exception as exc:  # zip, XML and openpyxl's own errors all mean "damaged file"
        detail = " ".join(str(exc).split())[:120]
        raise PowerlistError(f"{path}: not a readable .xlsx file ({type(exc).__name__}: {detail})") from None


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a 序号 typed as a number
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").strip()


def sheet_rows(ws, label: str = "") -> list[list[Cell]]:
    from openpyxl.utils import get_column_letter

    covered: dict[tuple[int, int], tuple[str, tuple[int, int]]] = {}
    for rng in ws.merged_cells.ranges:
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) != (rng.min_row, rng.min_col):
                    how = "down" if c == rng.min_col else "right"
                    covered[(r, c)] = (how, (rng.min_row, rng.min_col))
    rows: list[list[Cell]] = []
    placed: dict[tuple[int, int], Cell] = {}
    for r, values in enumerate(ws.iter_rows(values_only=True), start=1):
        cells = []
        for c, value in enumerate(values, start=1):
            at = f"{label}cell {get_column_letter(c)}{r}"
            how = covered.get((r, c))
            if how:
                cell = Cell("", r, at, how[0], placed.get(how[1]))
            else:
                cell = Cell(cell_text(value), r, at)
            placed[(r, c)] = cell
            cells.append(cell)
        rows.append(cells)
    return rows


def _formulas_without_value(path: Path, wb, name: str) -> None:
    """Refuse a formula cell whose saved value is missing: openpyxl would read it as empty."""
    formulas = _open(path, data_only=False)
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        fws = formulas[ws.title]
        for row in fws.iter_rows():
            for cell in row:
                if cell.data_type == "f" and ws[cell.coordinate].value is None:
                    raise PowerlistError(
                        f"{name}: sheet {ws.title!r} cell {cell.coordinate}: formula {str(cell.value)[:30]!r} "
                        "has no saved value; open the file in Excel or LibreOffice, save it, and ingest again"
                    )


def read_xlsx_grid(path: Path) -> Grid:
    wb = _open(path)
    name = str(path)
    _formulas_without_value(path, wb, name)
    visible = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
    many = len(visible) > 1
    sheets = [(ws, sheet_rows(ws, f"sheet {ws.title!r} " if many else "")) for ws in visible]
    first = next((i for i, (_, rows) in enumerate(sheets) if find_header(rows) is not None), None)
    preamble: list[str] = []
    tables: list[SourceTable] = []
    for i, (ws, rows) in enumerate(sheets):
        if first is not None and i < first:
            # A sheet before the list's (a cover or the notice): its text is preamble.
            for row in rows:
                preamble.extend("".join(c.text for c in row).split("\n"))
            continue
        h = find_header(rows) if i == first else None
        if h:
            for row in rows[:h]:
                preamble.extend("".join(c.text for c in row).split("\n"))
            rows = rows[h:]
        tables.append(SourceTable(f"sheet {ws.title!r}", rows))
    grid = grid_from_tables(name, preamble, tables)
    for ws in wb.worksheets:
        if ws.sheet_state != "visible" and find_header(sheet_rows(ws)) is not None:
            grid.notes.append(f"隐藏工作表 {ws.title!r} 也有清单表（旧稿？），未读取；只读取了可见的工作表")
    return grid
