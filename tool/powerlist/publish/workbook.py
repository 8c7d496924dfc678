"""One Excel workbook per release: a sheet per list in the official table layout (the same sheet
`powerlist render --format xlsx` writes: render_office.list_sheet), then a sheet per table
(Chinese headers). Streamed by publish.xlsx: every text cell an inline string, never a formula."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from typing import Iterator

import numpy as np
import pyarrow as pa

from ..errors import PowerlistError
from ..render_office import list_sheet
from ..sqltext import ident
from .release_data import BATCH, ReleaseData
from .xlsx import (STYLE_ID, Entry, Sheet, WorkbookWriter, cell_sql, cell_xml, column_letter, list_sheet_frame,
                   list_sheet_rows, row_sql, row_xml)

EXCEL_ROWS = 1_048_576  # rows in one worksheet, the header included
WIDTH_SAMPLE = 500      # rows read to size a table sheet's columns


def display_width(text: str) -> int:
    """CJK characters take two columns in Excel's width unit."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


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


def table_rows_sql(rel: ReleaseData, name: str, fields: list[dict]) -> str:
    """The SELECT giving one <row> element per record of the table, in table order, as cell_xml
    would write each cell (xlsx.cell_sql): dates as dates, lists comma-joined, text inline."""
    date_style = STYLE_ID["date"]
    row = "CAST(rowid + 2 AS VARCHAR)"  # the header is row 1; rowids of a table made by CREATE TABLE AS are 0…n-1
    cells = [cell_sql(column_letter(i), ident(f["name"]), f["type"], date_style if f["type"] == "date" else 0, row)
             for i, f in enumerate(fields, start=1)]
    return f"SELECT {row_sql(cells, row)} FROM {ident(name)}"


def table_body(rel: ReleaseData, name: str, fields: list[dict]) -> Iterator[bytes]:
    """The sheet's header row (bold, shaded), then its records' rows, formatted by DuckDB and
    taken as the bytes of each Arrow batch's string buffer (no Python object per row)."""
    head = STYLE_ID["table-head"]
    yield row_xml(1, "".join(cell_xml(f"{column_letter(i)}1", f.get("title") or f["name"], head)
                             for i, f in enumerate(fields, start=1))).encode("utf-8")
    count, last = rel.con.execute(f"SELECT count(*), coalesce(max(rowid), -1) FROM {ident(name)}").fetchone()
    if last != count - 1:
        raise PowerlistError(f"workbook sheet {name}: the table's row ids are not 0…{count - 1}; cannot number its rows")
    cur = rel.con.cursor()
    try:
        for batch in cur.sql(table_rows_sql(rel, name, fields)).to_arrow_reader(BATCH):
            yield _string_bytes(batch.column(0))
    finally:
        cur.close()


def _string_bytes(array: pa.Array) -> bytes:
    """The concatenated values of a string array without nulls: a slice of its data buffer."""
    if array.null_count or not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        return "".join(array.to_pylist()).encode("utf-8")
    width = np.int64 if pa.types.is_large_string(array.type) else np.int32
    offsets = np.frombuffer(array.buffers()[1], dtype=width)[array.offset:array.offset + len(array) + 1]
    data = array.buffers()[2]
    return b"" if data is None else memoryview(data)[offsets[0]:offsets[-1]].tobytes()


class ReleaseWorkbook:
    """The release's workbook, written as the release is read: add() a list's sheet per list (in
    list_id order), then close() writes a sheet per table, streamed from the release's tables."""

    def __init__(self, rel: ReleaseData, folder: Path, tables: dict | None = None):
        """tables: table sheets made by earlier workbooks of this publish, by content key
        (ListPass's), which this one copies when its table has the same key."""
        self.rel = rel
        self.made_tables = {} if tables is None else tables
        self.path = folder / f"{rel.stem}.xlsx"
        self.book = WorkbookWriter(self.path, rel.zip_time(), f"{rel.package.descriptor.get('title', rel.name)} {rel.tag}")
        self.too_long = [n for n in rel.schemas if rel.counts[n] + 1 > EXCEL_ROWS]
        if self.too_long:
            # A table longer than a worksheet is left out whole, never cut, and the workbook says so.
            note = (f"以下数据表超过 Excel 工作表的行数上限（{EXCEL_ROWS:,} 行），未收入本工作簿，"
                    f"请使用同一版本的 CSV（数据包）、Parquet、SQLite 或 DuckDB 文件："
                    + "、".join(f"{n}（{rel.counts[n]:,} 行）" for n in self.too_long))
            self.book.add_sheet(Sheet("说明", 1, 1, [120.0]), [row_xml(1, cell_xml("A1", note, 0))])

    def add(self, view) -> tuple[Sheet, Entry]:
        sheet = list_sheet(view)
        frame = list_sheet_frame(view.list["list_id"][:31], sheet)
        return frame, self.book.add_sheet(frame, list_sheet_rows(sheet))

    def add_rows(self, frame: Sheet, body: bytes) -> tuple[Sheet, Entry]:
        """A list sheet given as its frame and its rows' UTF-8 bytes, checked (ListPass makes them item by item)."""
        return frame, self.book.add_checked_sheet(frame, body)

    def copy(self, made: tuple[Sheet, Entry]) -> tuple[Sheet, Entry]:
        """A list sheet an earlier workbook holds (made: what add() returned there)."""
        frame, entry = made
        return frame, self.book.copy_sheet(frame, entry)

    def close(self) -> Path:
        rel = self.rel
        for name, ts in rel.schemas.items():
            if name in self.too_long:
                continue
            key = rel.table_key(name)
            if key in self.made_tables:
                sheet, entry = self.made_tables[key]
                self.book.copy_sheet(sheet, entry)
                continue
            sample = [dict(zip(names, r)) for names, batch in
                      rel.tuples(f"SELECT {rel.columns(name)} FROM {ident(name)} LIMIT {WIDTH_SAMPLE}") for r in batch]
            sheet = table_sheet(name, ts.fields, rel.counts[name], sample)
            self.made_tables[key] = sheet, self.book.add_sheet_bytes(sheet, table_body(rel, name, ts.fields))
        self.book.close()
        return self.path


def write_workbook(rel: ReleaseData, folder: Path) -> Path:
    """The whole workbook in one call (publish itself feeds ReleaseWorkbook in its one pass over the lists)."""
    book = ReleaseWorkbook(rel, folder)
    for view in rel.list_views():
        book.add(view)
    return book.close()
