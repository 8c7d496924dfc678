"""The sources' text layout → a grid: preamble lines, header rows and data rows of cells.

Layout (shared/sources/README.md): each cell starts on a line beginning with a TAB; lines
without a TAB continue the cell above; the header is two rows (merged cells); the last row
may lack its trailing empty 备注 cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import PowerlistError
from ..document.layout import Layout, detect_layout


@dataclass(eq=False)
class Cell:
    text: str
    line: int  # 1-based line where the cell starts (docx/xlsx: the table or sheet row)
    locator: str | None = None  # docx/xlsx readers name the cell instead, e.g. "cell G12"
    # A grid position covered by a merged cell: "down" (by the cell above) or "right" (by the
    # cell to the left), with origin = the cell that holds the text. Such a position has text "".
    covered: str = ""
    origin: "Cell | None" = None

    @property
    def at(self) -> str:
        """Where the cell is, as error messages say it: "line 12", "cell G12", "table row 5 column 7"."""
        return self.locator or f"line {self.line}"


@dataclass
class Grid:
    """What every reader (text, docx, xlsx) produces: rows in the layout's column order.

    cells_read counts the non-empty cells of the document's list table(s) (header, data, a
    summary table), cells_placed those that landed in a column (or the header, or were checked
    as the summary); tabular.py refuses the document when they differ, so they are always equal.
    """

    name: str
    layout: Layout
    preamble: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    extra_labels: list[str] = field(default_factory=list)   # columns no synonym knows, in order
    extras: list[list[Cell]] = field(default_factory=list)  # per row, aligned to extra_labels
    cells_read: int = 0
    cells_placed: int = 0
    notes: list[str] = field(default_factory=list)          # what the reader saw and did, in Chinese


def split_cells(text: str) -> tuple[list[str], list[Cell]]:
    preamble: list[str] = []
    cells: list[Cell] = []
    for lineno, line in enumerate(text.split("\n"), start=1):
        if line.startswith("\t"):
            cells.append(Cell(line[1:], lineno))
        elif cells:
            cells[-1].text += "\n" + line
        else:
            preamble.append(line)
    for c in cells:
        c.text = c.text.strip()
    return preamble, cells


def read_text_grid(text: str, name: str) -> Grid:
    preamble, cells = split_cells(text)
    if not cells:
        raise PowerlistError(f"{name}: line 1: no table found; expected cells on lines starting with a TAB")
    layout = detect_layout(cells, name)
    body = cells[layout.header_cells:]
    n = len(layout.columns)
    rows: list[list[Cell]] = []
    for start in range(0, len(body), n):
        row = body[start:start + n]
        last = start + n >= len(body)
        if len(row) == n - 1 and last:
            # The sources' last row has no trailing empty 备注 cell.
            row.append(Cell("", row[-1].line, row[-1].locator))
        rows.append(row)
    grid = Grid(name, layout, preamble, rows)
    check_rows(grid)
    # Every cell after the preamble is a header cell or one of a row's cells, by construction.
    grid.cells_read = sum(1 for c in cells if c.text)
    grid.cells_placed = sum(1 for c in cells[:layout.header_cells] if c.text) + \
        sum(1 for row in rows for c in row if c.text)
    grid.extras = [[] for _ in rows]
    return grid


def check_rows(grid: Grid) -> None:
    """Every row must be complete and start with a 序号; misaligned cells show up here."""
    n = len(grid.layout.columns)
    for i, row in enumerate(grid.rows, start=1):
        first = row[0]
        if not first.text.isdigit():
            short = _misaligned_row(grid, i)
            if short:
                raise PowerlistError(short)
            raise PowerlistError(
                f"{grid.name}: {first.at}: expected 序号 (a number) to start data row {i}, "
                f"found {first.text[:20]!r} (a row before it has too few or too many cells?)"
            )
        if len(row) < n:
            raise PowerlistError(
                f"{grid.name}: {first.at}: data row {i} (序号 {first.text}) has {len(row)} cells, "
                f"expected {n} ({grid.layout.column_titles})"
            )


def _misaligned_row(grid: Grid, i: int) -> str | None:
    """When data row i (1-based) does not start with a 序号, name the row before it if its
    length is what is wrong: the next 序号 standing k cells after its own means it has k cells."""
    if i < 2 or not grid.rows[i - 2][0].text.isdigit():
        return None
    prev = grid.rows[i - 2]
    want = str(int(prev[0].text) + 1)
    flat = [c for row in grid.rows[i - 2:i + 1] for c in row]
    n = len(grid.layout.columns)
    k = next((k for k, c in enumerate(flat[1:], start=1) if c.text == want), None)
    if k is None or k == n:
        return None
    return (f"{grid.name}: {prev[0].at}: data row {i - 1} (序号 {prev[0].text}) has {k} cells, "
            f"expected {n} ({grid.layout.column_titles}); the next 序号 {want} is at {flat[k].at}")
