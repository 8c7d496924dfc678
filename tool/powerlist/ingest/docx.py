"""A .docx list document → Grid: paragraphs before the table are the preamble.

Reads the table's XML row by row instead of python-docx's `row.cells`, which repeats a merged
cell once per grid column and per continued row.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import PowerlistError
from .grid import Cell, Grid
from .tabular import grid_from_rows


def _open(path: Path):
    import docx

    try:
        return docx.Document(str(path))
    except Exception as exc:  # python-docx raises zip, XML and key errors alike for a damaged file
        detail = " ".join(str(exc).split())[:120]
        raise PowerlistError(f"{path}: not a readable .docx file ({type(exc).__name__}: {detail})") from None


def _cell_text(tc, table) -> str:
    from docx.table import _Cell

    return "\n".join(p.text for p in _Cell(tc, table).paragraphs).strip()


def table_rows(table) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for r, tr in enumerate(table._tbl.tr_lst, start=1):
        cells, col = [], 1
        for tc in tr.tc_lst:
            text = "" if tc.vMerge == "continue" else _cell_text(tc, table)
            cells.append(Cell(text, r, f"table row {r} column {col}"))
            col += tc.grid_span
        rows.append(cells)
    return rows


def read_docx_grid(path: Path) -> Grid:
    from docx.table import Table

    document = _open(path)
    name = str(path)
    preamble: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            rows = table_rows(block)
            if rows and rows[0] and rows[0][0].text.replace(" ", "") == "序号":
                return grid_from_rows(name, preamble, rows, "table")
            continue  # a layout table before the list (letterhead): not the list
        preamble.extend(block.text.split("\n"))
    raise PowerlistError(f"{name}: no table whose first cell is '序号' found; expected the list's table")
