"""Tables of cells read from a document (docx, xlsx, and any reader of a table format) → one Grid.

The interface every table reader uses: a list of SourceTable in document order, each holding
grid-aligned rows (one Cell per grid column; a position covered by a merged cell has text ""
and `covered`="down"/"right" with `origin` = the covering cell, see grid.Cell). A reader that
knows nothing of merges simply gives plain cells. grid_from_rows(name, preamble, rows, where) is
the one-table shorthand.

What this module does with them:
- empty rows and empty columns anywhere are dropped; the table may start anywhere;
- the header (one to three rows, merged or not) runs from the row starting with 序号 to the first
  row starting with a number; each column is named by its lowest label the synonym table
  (document/columns.py) knows, so columns are mapped by name, never by position; a label no
  synonym knows is an extra column, kept and reported;
- a data cell merged down over several rows gives its value to each row; a data cell merged
  across two columns is refused (which column it belongs to is unknowable);
- tables after the first list table are its continuation (header repeated — it must be the same
  header — or not), one table per 权力分类 with 序号 restarting at 1 is numbered through in
  document order, a summary table (分类/数量) is checked against the rows; any other non-empty
  table after the list is refused, never ignored;
- cell accounting: every non-empty cell of the list's tables is placed (header, a column, an
  extra column, or the checked summary) or the document is refused naming the first one left.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..document.columns import COLUMN_TITLES, COUNT_LABELS, GROUP_LABELS, SYNONYMS, header_key
from ..document.layout import CATALOG, JURISDICTION, Layout
from ..errors import PowerlistError
from .grid import Cell, Grid, check_rows

MAX_HEADER_ROWS = 3
# The columns that decide the layout: a catalog prints 实施层级, a jurisdiction list 实施主体 and 追责情形.
KIND_MARKERS = {"levels": CATALOG, "implementing_body": JURISDICTION, "cases": JURISDICTION}
REQUIRED = ("seq", "category", "name")
SUMMARY_TOTAL = {"合计", "总计", "共计", "小计"}


@dataclass
class SourceTable:
    where: str                       # "table 2", "sheet 'Sheet1'": for errors with no cell to name
    rows: list[list[Cell]]
    after: list[str] = field(default_factory=list)  # text between this table and the next (docx)


@dataclass
class _Header:
    columns: list[int]               # kept grid columns, in order
    fields: list[str | None]         # the column each names (None: an extra column)
    labels: list[str]                # the label as printed (whitespace collapsed), per column
    cells: list[Cell]                # the header's own non-empty cells
    size: int                        # header rows


def _own(cell: Cell) -> bool:
    return bool(cell.text) and not cell.covered


def _value(cell: Cell) -> str:
    """What a position shows: its own text, or the text of the merged cell covering it."""
    return cell.origin.text if cell.covered and cell.origin is not None else cell.text


def _is_number(text: str) -> bool:
    return text.strip().isdigit()


def find_header(rows: list[list[Cell]]) -> int | None:
    """Index of the first row holding a cell 序号 (an extra column may stand before it)."""
    for i, row in enumerate(rows):
        if any(header_key(c.text) == "序号" for c in row if _own(c)):
            return i
    return None


def _summary_start(rows: list[list[Cell]]) -> bool:
    """A summary table (分类/数量) whose first row names a category column and a count column."""
    keys = [header_key(c.text) for c in rows[0] if _own(c)]
    return any(SYNONYMS.get(k) == "category" for k in keys) and any(k in COUNT_LABELS for k in keys) \
        and not any(SYNONYMS.get(k) == "name" for k in keys)


def _kept_columns(rows: list[list[Cell]]) -> list[int]:
    width = max((len(r) for r in rows), default=0)
    return [c for c in range(width) if any(c < len(r) and _own(r[c]) for r in rows)]


def _at(row: list[Cell], c: int) -> Cell:
    return row[c] if c < len(row) else Cell("", row[-1].line if row else 0, None)


def _read_header(name: str, rows: list[list[Cell]], columns: list[int], where: str,
                 size: int | None = None) -> _Header:
    """The header of a table starting at rows[0]: it ends before the first row whose cell under
    序号 holds a number (or after `size` rows when given)."""
    if size is None:
        seq = next(c for c in columns if header_key(_at(rows[0], c).text) == "序号")
        size = next((k for k, row in enumerate(rows) if k and _is_number(_value(_at(row, seq)))), len(rows))
    if size > MAX_HEADER_ROWS:
        first = _at(rows[MAX_HEADER_ROWS], seq)
        raise PowerlistError(
            f"{name}: {first.at or where}: expected 序号 (a number) to start the first data row after a header "
            f"of at most {MAX_HEADER_ROWS} rows, found {_value(first)[:20]!r}"
        )
    fields: list[str | None] = []
    labels: list[str] = []
    cells: list[Cell] = []
    for c in columns:
        stack: list[tuple[str, Cell]] = []
        for row in rows[:size]:
            cell = _at(row, c)
            if _own(cell):
                cells.append(cell)
            text = _value(cell)
            if text and (not stack or header_key(stack[-1][0]) != header_key(text)):
                stack.append((text, cell))
        known = next((SYNONYMS[header_key(t)] for t, _ in reversed(stack) if header_key(t) in SYNONYMS), None)
        named = [t for t, _ in stack if header_key(t) not in GROUP_LABELS]
        if known is None and not named:
            data = next((r[c] for r in rows[size:] if c < len(r) and _own(r[c])), None)
            raise PowerlistError(
                f"{name}: {data.at if data else where}: a column with no header label "
                f"(found {data.text[:20]!r} under no label); give the column a label in the header"
                if data else f"{name}: {where}: a header column with only a group label"
            )
        label = " ".join((named[-1] if named else stack[-1][0]).split())
        if known is not None and known in fields:
            dup = stack[-1][1]
            raise PowerlistError(
                f"{name}: {dup.at}: header label {label!r} names {COLUMN_TITLES[known]} a second time"
            )
        fields.append(known)
        labels.append(label)
    return _Header(columns, fields, labels, cells, size)


def _layout(name: str, header: _Header, where: str) -> Layout:
    kinds = {KIND_MARKERS[f].kind: KIND_MARKERS[f] for f in header.fields if f in KIND_MARKERS}
    if len(kinds) != 1:
        found = "、".join(header.labels)
        raise PowerlistError(
            f"{name}: {where}: cannot tell the layout from the header ({found}): a catalog has 实施层级, "
            "a jurisdiction list 实施主体 and 追责情形"
        )
    layout = next(iter(kinds.values()))
    for f in REQUIRED:
        if f not in header.fields:
            raise PowerlistError(f"{name}: {where}: the header has no {COLUMN_TITLES[f]} column ({'、'.join(header.labels)})")
    for f, label in zip(header.fields, header.labels):
        if f is not None and f not in layout.columns:
            raise PowerlistError(f"{name}: {where}: header label {label!r} ({COLUMN_TITLES[f]}) has no place in the {layout.kind} layout")
    return layout


def _extras(header: _Header) -> list[str]:
    return [l for f, l in zip(header.fields, header.labels) if f is None]


def _is_summary(header: _Header) -> bool:
    return "name" not in header.fields and any(header_key(l) in COUNT_LABELS for l in header.labels)


class _Builder:
    """Collects rows of the list from its tables, marking each placed cell."""

    def __init__(self, name: str):
        self.name = name
        self.header: _Header | None = None
        self.width = 0                      # grid columns of the list's first table
        self.layout: Layout | None = None
        self.rows: list[list[Cell]] = []
        self.extras: list[list[Cell]] = []
        self.table_of_row: list[int] = []
        self.placed: set[int] = set()
        self.source: list[Cell] = []       # every own non-empty cell of the list's tables, in order
        self.summaries: list[tuple[SourceTable, list[list[Cell]], _Header]] = []

    def take(self, row: list[Cell], table_no: int) -> None:
        h, lay = self.header, self.layout
        by_field: dict[str, Cell] = {}
        extra: list[Cell] = []
        for k, (c, f) in enumerate(zip(h.columns, h.fields)):
            cell = _at(row, c)
            if cell.covered == "right" and cell.origin is not None and cell.origin.text:
                left = h.labels[k - 1] if k else "?"
                raise PowerlistError(
                    f"{self.name}: {cell.origin.at}: a data cell merged across the columns {left} and "
                    f"{h.labels[k]} ({cell.origin.text[:20]!r}); split it so each column has its own cell"
                )
            if cell.covered == "down" and cell.origin is not None:
                # A value merged down over several rows belongs to each of them.
                cell = Cell(cell.origin.text, cell.line, cell.locator)
            elif _own(cell):
                self.placed.add(id(cell))
            if f is None:
                extra.append(cell)
            else:
                by_field[f] = cell
        first = by_field["seq"]
        self.rows.append([by_field.get(f) or Cell("", first.line, first.locator) for f in lay.columns])
        self.extras.append(extra)
        self.table_of_row.append(table_no)


def _width(rows: list[list[Cell]]) -> int:
    return max((len(r) for r in rows), default=0)


def _trim(rows: list[list[Cell]]) -> list[list[Cell]]:
    return [r for r in rows if any(_own(c) for c in r)]


def grid_from_rows(name: str, preamble: list[str], rows: list[list[Cell]], where: str) -> Grid:
    """One table: `where` names it for the errors that have no cell to point at."""
    return grid_from_tables(name, preamble, [SourceTable(where, rows)])


def grid_from_tables(name: str, preamble: list[str], tables: list[SourceTable]) -> Grid:
    b = _Builder(name)
    preamble = list(preamble)
    grid_notes: list[str] = []
    list_tables = 0
    for t_no, table in enumerate(tables):
        rows = _trim(table.rows)
        if not rows:
            if b.header is None:
                preamble.extend(table.after)
            continue
        h = find_header(rows)
        if b.header is None and h:
            # Rows above the header inside the table (a title row merged across): preamble.
            preamble.extend(" ".join(c.text for c in r if _own(c)) for r in rows[:h])
            rows, h = rows[h:], 0
        elif h and not any(_is_number(c.text) for r in rows[:h] for c in r if _own(c)):
            # A continuation repeating the title above its header: said, not read as rows.
            above = " ".join(c.text for r in rows[:h] for c in r if _own(c))
            grid_notes.append(f"{table.where} 表头上方的文字按标题处理，未入表：{above[:40]}")
            rows, h = rows[h:], 0
        columns = _kept_columns(rows)
        if _summary_start(rows) or h == 0:
            header = _read_header(name, rows, columns, table.where, 1 if h != 0 else None)
            if _is_summary(header):
                b.summaries.append((table, rows, header))
                b.source.extend(c for r in rows for c in r if _own(c))
                b.placed.update(id(c) for c in header.cells)
                # Text after a summary (category headings such as 一、行政强制) is not preamble:
                # the list's title stands above the summary.
                continue
        if h == 0:
            if b.header is None:
                b.header, b.layout, b.width = header, _layout(name, header, table.where), _width(rows)
            elif (header.fields, _extras(header)) != (b.header.fields, _extras(b.header)):
                raise PowerlistError(
                    f"{name}: {header.cells[0].at if header.cells else table.where}: this table's header "
                    f"({'、'.join(header.labels)}) differs from the list's ({'、'.join(b.header.labels)}); "
                    "a continuation must repeat the same header or none"
                )
            else:
                header = _Header(columns, b.header.fields, b.header.labels, header.cells, header.size)
            b.placed.update(id(c) for c in header.cells)
            body = rows[header.size:]
        elif b.header is None:
            continue  # a layout table before the list (letterhead): not the list
        elif _width(rows) == b.width and _is_number(_value(_at(rows[0], b.header.columns[b.header.fields.index("seq")]))):
            # No header: the same grid as the list's first table, read by the same columns.
            header = b.header
            body = rows
        else:
            bad = next(c for r in rows for c in r if _own(c))
            raise PowerlistError(
                f"{name}: {bad.at or table.where}: a table after the list holds {bad.text[:20]!r}: neither a "
                f"continuation of the list (the same header, or rows starting with a 序号 in the list's "
                f"{len(b.header.columns)} columns) nor empty; remove it or make it one"
            )
        list_tables += 1
        b.source.extend(c for r in rows for c in r if _own(c))
        saved, b.header = b.header, header
        for row in body:
            b.take(row, t_no)
        b.header = saved
    if b.header is None:
        first = next((c for t in tables for row in t.rows for c in row if c.text), None)
        where = tables[0].where if tables else "document"
        found = f", found {first.text[:20]!r} at {first.at}" if first else ""
        if len(tables) == 1:
            raise PowerlistError(f"{name}: {where}: no header row starting with the cell '序号'{found}")
        raise PowerlistError(f"{name}: no table whose first cell is '序号' found; expected the list's table")

    grid = Grid(name, b.layout, preamble, b.rows)
    grid.extra_labels = [l for f, l in zip(b.header.fields, b.header.labels) if f is None]
    grid.extras = b.extras
    grid.notes.extend(grid_notes)
    _number_through(grid, b.table_of_row)
    check_rows(grid)
    _note_gaps(grid)
    for table, rows, header in b.summaries:
        _check_summary(grid, rows, header, b.placed)
    if grid.extra_labels:
        grid.notes.append(f"额外列 {'、'.join(grid.extra_labels)}：保留在 items.extra，render 写回")
    missing = [COLUMN_TITLES[f] for f in b.layout.columns if f not in b.header.fields]
    if missing:
        grid.notes.append(f"文档没有这些列（按空白读取）：{'、'.join(missing)}")
    if list_tables > 1:
        grid.notes.append(f"清单表分在 {list_tables} 个表格/工作表中，已连续读取")
    _account(grid, b)
    return grid


def _number_through(grid: Grid, table_of_row: list[int]) -> None:
    """One table per 权力分类 with 序号 restarting at 1: number the rows through in document order."""
    starts: dict[int, str] = {}
    for row, t in zip(grid.rows, table_of_row):
        starts.setdefault(t, row[0].text.strip())
    if len(starts) < 2 or any(s != "1" for s in starts.values()):
        return
    for n, row in enumerate(grid.rows, start=1):
        printed = row[0]
        row[0] = Cell(str(n), printed.line, printed.locator)
    grid.notes.append(f"序号在 {len(starts)} 个表格中各自从 1 开始：按文档顺序编为 1–{len(grid.rows)}")


def _note_gaps(grid: Grid) -> None:
    """序号 that skip numbers: said, since a lost page or table is the usual cause."""
    seqs = [int(r[0].text) for r in grid.rows]
    gaps = [f"{a} 之后是 {b}" for a, b in zip(seqs, seqs[1:]) if b != a + 1]
    if gaps:
        grid.notes.append(f"注意：序号不连续（{'；'.join(gaps)}），请核对是否缺页或缺表")


def _check_summary(grid: Grid, rows: list[list[Cell]], header: _Header, placed: set[int]) -> None:
    """A summary table (分类/数量) must agree with the rows it summarises."""
    cat_col = next((c for c, f in zip(header.columns, header.fields) if f == "category"), None)
    count_col = next((c for c, l in zip(header.columns, header.labels) if header_key(l) in COUNT_LABELS), None)
    if cat_col is None:
        raise PowerlistError(f"{grid.name}: {header.cells[0].at}: a summary table with no 分类 column")
    actual: dict[str, int] = {}
    for row in grid.rows:
        actual[row[grid.layout.columns.index("category")].text] = actual.get(row[grid.layout.columns.index("category")].text, 0) + 1
    said: dict[str, Cell] = {}
    for row in rows[header.size:]:
        cat, count = _at(row, cat_col), _at(row, count_col)
        label = header_key(_value(cat))
        m = re.fullmatch(r"(\d+)项?", header_key(_value(count)))
        if not m:
            raise PowerlistError(f"{grid.name}: {count.at}: summary count {_value(count)[:20]!r} is not a number")
        n = int(m.group(1))
        want = len(grid.rows) if label in SUMMARY_TOTAL else actual.get(label, 0)
        if n != want:
            raise PowerlistError(
                f"{grid.name}: {count.at}: the summary says {label} {n} 项, the list has {want}"
            )
        if label not in SUMMARY_TOTAL:
            said[label] = count
        placed.update(id(c) for c in row if _own(c))
    unsummarised = [c for c in actual if c not in said]
    if unsummarised:
        raise PowerlistError(
            f"{grid.name}: {header.cells[0].at}: the summary table does not count {'、'.join(unsummarised)}, "
            "which the list has"
        )
    grid.notes.append("汇总表（分类/数量）与清单一致：" + "、".join(f"{c} {actual[c]}" for c in actual))


def _account(grid: Grid, b: _Builder) -> None:
    grid.cells_read = len(b.source)
    grid.cells_placed = sum(1 for c in b.source if id(c) in b.placed)
    left = next((c for c in b.source if id(c) not in b.placed), None)
    if left is not None:
        raise PowerlistError(
            f"{grid.name}: {left.at}: cell {left.text[:20]!r} was read but placed in no column "
            f"({grid.cells_placed} of {grid.cells_read} non-empty cells placed)"
        )
