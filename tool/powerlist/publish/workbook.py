"""One Excel workbook per release: a sheet per list in the official table layout (the same sheet
`powerlist render --format xlsx` writes: render_office.list_sheet), then a sheet per table
(Chinese headers). Streamed by publish.xlsx: every text cell an inline string, never a formula."""

from __future__ import annotations

import unicodedata
from datetime import date as Date
from pathlib import Path

from itertools import chain, islice
from typing import Iterable

from ..render_office import list_sheet
from .release_data import ITEM_TABLES, ReleaseData
from .xlsx import STYLE_ID, Sheet, WorkbookWriter, cell_xml, column_letter, list_sheet_frame, list_sheet_rows, row_xml

EXCEL_ROWS = 1_048_576  # rows in one worksheet, the header included
WIDTH_SAMPLE = 500      # rows read to size a table sheet's columns


def display_width(text: str) -> int:
    """CJK characters take two columns in Excel's width unit."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def sheet_value(value, ftype: str):
    if value is None:
        return None
    if ftype == "list":
        return ",".join(value)
    if ftype == "date":
        return Date.fromisoformat(value)
    return value


def table_sheet(name: str, fields: list[dict], count: int, sample: list[dict]) -> Sheet:
    """The sheet's frame: columns sized to the title and the first rows (sample), long text
    wrapped, the header frozen and filtered; count: the table's rows."""
    widths, styles = [], {}
    for i, f in enumerate(fields, start=1):
        longest = max([display_width(f.get("title") or f["name"])] +
                      [display_width(str(r.get(f["name"]) or "")) for r in sample])
        widths.append(min(max(longest + 2, 8), 60))
        if longest > 60:
            styles[i] = "wrap"
    return Sheet(name, len(fields), count + 1, widths, freeze_row=2, autofilter=True, column_styles=styles)


def table_rows(fields: list[dict], rows: Iterable[dict]):
    """The header row (bold, shaded), then one row per record; dates as dates, lists comma-joined."""
    letters = [column_letter(i) for i in range(1, len(fields) + 1)]
    head = STYLE_ID["table-head"]
    yield row_xml(1, "".join(cell_xml(f"{L}1", f.get("title") or f["name"], head) for L, f in zip(letters, fields)))
    date_style = STYLE_ID["date"]
    cols = [(f["name"], f["type"], L, date_style if f["type"] == "date" else 0) for f, L in zip(fields, letters)]
    for n, r in enumerate(rows, start=2):
        yield row_xml(n, "".join(cell_xml(f"{L}{n}", sheet_value(r.get(c), t), s) for c, t, L, s in cols))


class ReleaseWorkbook:
    """The release's workbook, written as the release is read: add() a list's sheet per list (in
    list_id order), then close() writes a sheet per table, streamed from the release's tables."""

    def __init__(self, rel: ReleaseData, folder: Path):
        self.rel = rel
        self.path = folder / f"{rel.stem}.xlsx"
        self.book = WorkbookWriter(self.path, rel.zip_time(), f"{rel.package.descriptor.get('title', rel.name)} {rel.tag}")
        self.too_long = [n for n in rel.schemas if rel.counts[n] + 1 > EXCEL_ROWS]
        if self.too_long:
            # A table longer than a worksheet is left out whole, never cut, and the workbook says so.
            note = (f"以下数据表超过 Excel 工作表的行数上限（{EXCEL_ROWS:,} 行），未收入本工作簿，"
                    f"请使用同一版本的 CSV（数据包）、Parquet、SQLite 或 DuckDB 文件："
                    + "、".join(f"{n}（{rel.counts[n]:,} 行）" for n in self.too_long))
            self.book.add_sheet(Sheet("说明", 1, 1, [120.0]), [row_xml(1, cell_xml("A1", note, 0))])

    def add(self, view) -> None:
        sheet = list_sheet(view)
        self.book.add_sheet(list_sheet_frame(view.list["list_id"][:31], sheet), list_sheet_rows(sheet))

    def close(self) -> Path:
        rel = self.rel
        for name, ts in rel.schemas.items():
            if name in self.too_long:
                continue
            rows = rel.rows(name) if name in ITEM_TABLES else iter(rel.tables[name])
            sample = list(islice(rows, WIDTH_SAMPLE))
            self.book.add_sheet(table_sheet(name, ts.fields, rel.counts[name], sample),
                                table_rows(ts.fields, chain(sample, rows)))
        self.book.close()
        return self.path


def write_workbook(rel: ReleaseData, folder: Path) -> Path:
    """The whole workbook in one call (publish itself feeds ReleaseWorkbook in its one pass over the lists)."""
    book = ReleaseWorkbook(rel, folder)
    for view in rel.list_views():
        book.add(view)
    return book.close()
