"""An .xlsx list document → Grid: rows above the header row are the preamble.

openpyxl leaves every cell of a merged range but the top-left one empty; the cells to the right
of it are dropped (one merged cell, as in the text layout) and the cells below it stay empty.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import PowerlistError
from .grid import Cell, Grid
from .tabular import find_header, grid_from_rows


def _open(path: Path):
    import openpyxl

    try:
        return openpyxl.load_workbook(str(path), data_only=True)
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


def sheet_rows(ws) -> list[list[Cell]]:
    from openpyxl.utils import get_column_letter

    covered: dict[tuple[int, int], str] = {}
    for rng in ws.merged_cells.ranges:
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) != (rng.min_row, rng.min_col):
                    covered[(r, c)] = "drop" if c != rng.min_col else "blank"
    rows: list[list[Cell]] = []
    for r, values in enumerate(ws.iter_rows(values_only=True), start=1):
        cells = []
        for c, value in enumerate(values, start=1):
            how = covered.get((r, c))
            if how == "drop":
                continue
            text = "" if how == "blank" else cell_text(value)
            cells.append(Cell(text, r, f"cell {get_column_letter(c)}{r}"))
        rows.append(cells)
    return rows


def read_xlsx_grid(path: Path) -> Grid:
    wb = _open(path)
    name = str(path)
    sheets = [(ws, sheet_rows(ws)) for ws in wb.worksheets]
    ws, rows = next(((ws, rows) for ws, rows in sheets if find_header(rows) is not None), sheets[0])
    h = find_header(rows) or 0
    preamble = []
    for row in rows[:h]:
        preamble.extend("".join(c.text for c in row).split("\n"))
    return grid_from_rows(name, preamble, rows, f"sheet {ws.title!r}")
