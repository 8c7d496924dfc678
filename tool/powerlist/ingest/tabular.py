"""Rows of cells read from an Office table (docx, xlsx) → the same Grid the text reader gives.

Merged cells arrive already flattened by the readers: a horizontally merged cell is one cell,
the rows below a vertically merged cell hold an empty cell (as in the text layout's header),
so no text is ever duplicated.
"""

from __future__ import annotations

from ..errors import PowerlistError
from .grid import Cell, Grid, check_rows
from ..document.layout import HEADER_ROW1, LAYOUTS, detect_layout, header_key

WIDEST = max(len(lay.columns) for lay in LAYOUTS)


def find_header(rows: list[list[Cell]]) -> int | None:
    for i, row in enumerate(rows):
        if row and header_key(row[0].text) == "序号":
            return i
    return None


def _trim(row: list[Cell]) -> list[Cell]:
    end = len(row)
    while end and not row[end - 1].text:
        end -= 1
    return row[:end]


def grid_from_rows(name: str, preamble: list[str], rows: list[list[Cell]], where: str) -> Grid:
    """`where` names the table for the errors that have no cell to point at (e.g. "sheet 'Sheet1'")."""
    h = find_header(rows)
    if h is None:
        first = next((c for row in rows for c in row if c.text), None)
        found = f", found {first.text[:20]!r} at {first.at}" if first else ""
        raise PowerlistError(f"{name}: {where}: no header row starting with the cell '序号'{found}")
    row1 = _trim(rows[h])
    if len(row1) > len(HEADER_ROW1):
        extra = row1[len(HEADER_ROW1)]
        raise PowerlistError(
            f"{name}: {extra.at}: unexpected header cell {extra.text[:20]!r} after '备注' in the first header row"
        )
    row2 = rows[h + 1] if h + 1 < len(rows) else []
    pad = row2[-1] if row2 else (row1[-1] if row1 else rows[h][0])
    row2 = row2 + [Cell("", pad.line, pad.locator)] * (WIDEST - len(row2))
    layout = detect_layout(row1 + row2, name)
    n = len(layout.columns)
    body: list[list[Cell]] = []
    for row in rows[h + 2:]:
        if not any(c.text for c in row):
            continue  # blank rows (spacing, an empty sheet tail) carry nothing
        if len(row) > n:
            extra = next((c for c in row[n:] if c.text), None)
            if extra is not None:
                raise PowerlistError(
                    f"{name}: {extra.at}: unexpected text {extra.text[:20]!r} beyond the table's {n} columns"
                )
            row = row[:n]
        body.append(row)
    grid = Grid(name, layout, preamble, body)
    check_rows(grid)
    return grid
