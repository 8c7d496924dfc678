"""A streaming .xlsx writer for the release workbook: sheets are written row by row straight into
the zip, as SpreadsheetML text, so a province-scale workbook (millions of cells) costs string
formatting per cell rather than an openpyxl object per cell, and never holds a sheet in memory.

Every text cell is an inline string (t="inlineStr"): a cell this writer makes can never be a
formula, whatever its text begins with (the rule of powerlist.spreadsheet). Numbers are numbers,
dates are date serials with a yyyy-mm-dd format, booleans booleans. The archive's bytes depend
only on its content (publish.deterministic's fixed entry times and modes).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import chain
from datetime import date as Date
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np
from xml.sax.saxutils import escape, quoteattr

from ..errors import PowerlistError
from ..render_office import SHEET_STYLES, ListSheet
from ..sqltext import literal
from .deterministic import DateTime, zip_info

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Characters XML 1.0 cannot hold at all (openpyxl and render refuse them too).
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
EPOCH = Date(1899, 12, 30)  # Excel's day 0 (its 1900 leap-year bug makes 1900-03-01 day 61)

# Fonts, fills, borders and cell formats (xf): the few the workbook uses, indexed by style name.
FONTS = ['<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>',
         '<font><sz val="10"/><name val="Calibri"/></font>', '<font><sz val="11"/><name val="Calibri"/></font>',
         '<font><b val="1"/><sz val="16"/><name val="Calibri"/></font>',
         '<font><b val="1"/><sz val="10"/><name val="Calibri"/></font>',
         '<font><b val="1"/><sz val="11"/><name val="Calibri"/><family val="2"/></font>']
FILLS = ['<fill><patternFill/></fill>', '<fill><patternFill patternType="gray125"/></fill>',
         '<fill><patternFill patternType="solid"><fgColor rgb="00E8EEF4"/><bgColor rgb="00E8EEF4"/></patternFill></fill>']
BORDERS = ['<border><left/><right/><top/><bottom/><diagonal/></border>',
           '<border><left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/><diagonal/></border>']
ALIGN = {"top": '<alignment vertical="top" wrapText="1"/>',
         "center": '<alignment horizontal="center" vertical="center" wrapText="1"/>',
         "vcenter": '<alignment vertical="center"/>', "": ""}
DATE_FORMAT = 164  # the first custom number format id


def _xf(font: int, align: str, border: int = 0, fill: int = 0, num: int = 0) -> str:
    attrs = f'numFmtId="{num}" fontId="{font}" fillId="{fill}" borderId="{border}"'
    attrs += ' applyNumberFormat="1"' if num else ""
    if not ALIGN[align]:
        return f"<xf {attrs}/>"
    return f'<xf {attrs} applyAlignment="1">{ALIGN[align]}</xf>'


_SIZES = {(False, 10): 1, (False, 11): 2, (True, 16): 3, (True, 10): 4}
XFS = {"": _xf(0, ""), "table-head": _xf(5, "center", fill=2), "date": _xf(0, "", num=DATE_FORMAT),
       "wrap": _xf(0, "top"), "date-wrap": _xf(0, "top", num=DATE_FORMAT),
       **{name: _xf(_SIZES[(bold, size)], align, border=1 if boxed else 0)
          for name, (align, bold, boxed, size) in SHEET_STYLES.items()}}
STYLE_ID = {name: i for i, name in enumerate(XFS)}


def styles_xml() -> str:
    return (HEAD + f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="{DATE_FORMAT}" formatCode="yyyy-mm-dd"/>'
            f'</numFmts><fonts count="{len(FONTS)}">{"".join(FONTS)}</fonts><fills count="{len(FILLS)}">{"".join(FILLS)}'
            f'</fills><borders count="{len(BORDERS)}">{"".join(BORDERS)}</borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(XFS)}">{"".join(XFS.values())}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def column_letter(n: int) -> str:
    """1 → A, 27 → AA."""
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def cell_xml(ref: str, value, style: int) -> str:
    """One cell; text always as an inline string, so no text is ever read as a formula."""
    s = f' s="{style}"' if style else ""
    if value is None or value == "":  # an empty text is an empty cell, as openpyxl writes it
        return f'<c r="{ref}"{s}/>' if style else ""
    if isinstance(value, str):
        text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, Date):
        return f'<c r="{ref}"{s}><v>{(value - EPOCH).days}</v></c>'
    return f'<c r="{ref}"{s}><v>{value!r}</v></c>'


def _xml_text_sql(text: str) -> str:
    # Most texts hold none of the three: looking is cheaper than three replace() calls each.
    return (f"CASE WHEN contains({text}, '&') OR contains({text}, '<') OR contains({text}, '>') THEN "
            f"replace(replace(replace({text}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;') ELSE {text} END")


def cell_sql(letter: str, value: str, ftype: str, style: int, row: str) -> str:
    """cell_xml as a DuckDB expression: the same text for the same value, so a table sheet's rows
    are formatted in SQL (vectorised) instead of per cell in Python. value: the column's SQL;
    ftype: its Table Schema type; row: the SQL of the row number. Text is an inline string here
    too, never a formula (tests/publish/test_xlsx_sql.py compares the two on awkward values).
    concat() of many pieces, not a chain of ||: one string built per cell instead of one per piece."""
    s = f' s="{style}"' if style else ""
    opening, closing = literal('<c r="' + letter), literal('"' + s)
    ref = f"{opening}, {row}, {closing}"
    empty = f"concat({ref}, '/>')" if style else "''"
    if ftype in ("integer", "number"):
        return f"CASE WHEN {value} IS NULL THEN {empty} ELSE concat({ref}, '><v>', CAST({value} AS VARCHAR), '</v></c>') END"
    if ftype == "boolean":
        return (f"CASE WHEN {value} IS NULL THEN {empty} ELSE concat({ref}, ' t=\"b\"><v>', "
                f"CAST(CAST({value} AS INTEGER) AS VARCHAR), '</v></c>') END")
    if ftype == "date":
        return (f"CASE WHEN {value} IS NULL THEN {empty} ELSE concat({ref}, '><v>', "
                f"CAST(date_diff('day', DATE '{EPOCH.isoformat()}', {value}) AS VARCHAR), '</v></c>') END")
    text = f"array_to_string({value}, ',')" if ftype == "list" else f"CAST({value} AS VARCHAR)"
    return (f"CASE WHEN coalesce({text}, '') = '' THEN {empty} ELSE concat({ref}, "
            f"' t=\"inlineStr\"><is><t xml:space=\"preserve\">', {_xml_text_sql(text)}, '</t></is></c>') END")


def row_sql(cells: list[str], row: str) -> str:
    """row_xml (no height) as a DuckDB expression over the cells' expressions."""
    return f"concat('<row r=\"', {row}, '\">', " + ", ".join(cells) + ", '</row>')"


@dataclass
class Sheet:
    """What a worksheet declares around its rows (everything but sheetData)."""
    name: str
    width: int                          # columns
    height: int                         # rows
    widths: list[float]
    freeze_row: int = 0                 # first row below a frozen pane (0: none)
    print_rows: tuple[int, int] | None = None
    autofilter: bool = False
    merges: list[tuple[int, int, int, int]] | None = None
    column_styles: dict[int, str] | None = None   # column → style name for the whole column
    landscape_fit: bool = False         # print landscape, fitted to one page wide

    @property
    def ref(self) -> str:
        return f"A1:{column_letter(max(self.width, 1))}{max(self.height, 1)}"


def _head(sheet: Sheet) -> str:
    parts = [HEAD, f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}">']
    if sheet.landscape_fit:
        parts.append('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>')
    parts.append(f'<dimension ref="{sheet.ref}"/>')
    if sheet.freeze_row > 1:
        top = f"A{sheet.freeze_row}"
        parts.append(f'<sheetViews><sheetView workbookViewId="0"><pane ySplit="{sheet.freeze_row - 1}" topLeftCell="{top}" '
                     f'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="{top}" '
                     f'sqref="{top}"/></sheetView></sheetViews>')
    parts.append('<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/><cols>')
    styles = sheet.column_styles or {}
    for i, w in enumerate(sheet.widths, start=1):
        style = f' style="{STYLE_ID[styles[i]]}"' if i in styles else ""
        parts.append(f'<col min="{i}" max="{i}" width="{w:.16g}" customWidth="1"{style}/>')
    parts.append("</cols><sheetData>")
    return "".join(parts)


def _tail(sheet: Sheet) -> str:
    parts = ["</sheetData>"]
    if sheet.autofilter:
        parts.append(f'<autoFilter ref="{sheet.ref}"/>')
    if sheet.merges:
        parts.append(f'<mergeCells count="{len(sheet.merges)}">' + "".join(
            f'<mergeCell ref="{column_letter(c1)}{r1}:{column_letter(c2)}{r2}"/>' for r1, c1, r2, c2 in sheet.merges)
            + "</mergeCells>")
    parts.append('<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>')
    if sheet.landscape_fit:
        parts.append('<pageSetup orientation="landscape" fitToWidth="1" fitToHeight="0"/>')
    parts.append("</worksheet>")
    return "".join(parts)


LEVEL = 3        # deflate level of the worksheets: 2× the speed of zlib's default 6 for ~1.3× the bytes
PIECE = 1 << 20  # uncompressed bytes deflated at a time (independently, so two threads can share the work)


@dataclass(frozen=True)
class Entry:
    """A worksheet's deflated bytes inside a finished workbook file. A later workbook holding the
    same sheet copies them as they are (copy_sheet) instead of formatting and deflating it again."""
    path: Path
    offset: int           # where the deflated bytes start in the file
    compress_size: int
    file_size: int
    crc: int


def _deflate(data: bytes) -> bytes:
    """One piece as raw deflate blocks ending on a byte boundary, none marked final: pieces
    deflated on their own concatenate into one valid stream (what pigz does) once END follows."""
    z = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return z.compress(data) + z.flush(zlib.Z_SYNC_FLUSH)


END = b"\x03\x00"  # an empty final block: closes a stream of _deflate pieces


class WorkbookWriter:
    """Sheets appended one at a time, each streamed into the archive; close() writes the rest.

    Worksheets are deflated here in pieces (zlib releases the GIL, so a second thread compresses
    beside the one formatting rows) and written into the archive as they are; each returns its
    Entry so a later workbook can copy an identical sheet's bytes."""

    def __init__(self, path: Path, date_time: DateTime, title: str, creator: str = "powerlist"):
        self.path = path
        self.zf = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED)
        self.date_time = date_time
        self.title, self.creator = title, creator
        self.sheets: list[Sheet] = []
        self.pool: ThreadPoolExecutor | None = None

    def _entry(self, name: str):
        return self.zf.open(zip_info(name, self.date_time), "w")

    def _raw(self, name: str, pieces: Iterable[bytes], crc_size: Callable[[], tuple[int, int]]) -> Entry:
        """An entry whose deflated bytes are given (pieces); its CRC and size are asked for after
        the last piece. Written as ZipFile's own writer does: header, data, header again."""
        zf = self.zf
        info = zip_info(name, self.date_time)
        info.header_offset = zf.fp.tell()
        info.CRC = info.compress_size = info.file_size = 0
        zf.fp.write(info.FileHeader(zip64=True))  # zip64 sizes: a province's sheet may pass 4 GiB
        start = zf.fp.tell()
        for piece in pieces:
            zf.fp.write(piece)
        end = zf.fp.tell()
        info.CRC, info.file_size = crc_size()
        info.compress_size = end - start
        zf.fp.seek(info.header_offset)
        zf.fp.write(info.FileHeader(zip64=True))
        zf.fp.seek(end)
        zf.start_dir = end
        zf.filelist.append(info)
        zf.NameToInfo[name] = info
        return Entry(self.path, start, info.compress_size, info.file_size, info.CRC)

    def _sheet_entry(self, sheet: Sheet, body: Iterable[bytes]) -> Entry:
        """Deflate the sheet's XML (head, body, tail) in pieces of PIECE bytes: a sheet of one piece
        (a list's) in this thread, a longer one two pieces at a time in threads (handing a small
        piece to a thread costs more than deflating it)."""
        state = [0, 0]  # crc, size of what was deflated so far

        def pieces():
            pending: deque = deque()
            first = None
            for data in _coalesced(chain([_head(sheet).encode("utf-8")], body,
                                         [_tail(sheet).encode("utf-8")])):
                state[0] = zlib.crc32(data, state[0])
                state[1] += len(data)
                if first is None and not pending:
                    first = data
                    continue
                if self.pool is None:
                    self.pool = ThreadPoolExecutor(2)
                if first is not None:
                    pending.append(self.pool.submit(_deflate, first))
                    first = None
                pending.append(self.pool.submit(_deflate, data))
                if len(pending) > 2:
                    yield pending.popleft().result()
            if first is not None:
                yield _deflate(first)
            while pending:
                yield pending.popleft().result()
            yield END
        self.sheets.append(sheet)
        return self._raw(f"xl/worksheets/sheet{len(self.sheets)}.xml", pieces(), lambda: (state[0], state[1]))

    def add_sheet(self, sheet: Sheet, rows: Iterable[str]) -> Entry:
        """rows: each row's <row> element (row_xml), as text."""
        return self._sheet_entry(sheet, _pieces(_encoded(rows), sheet.name))

    def add_sheet_bytes(self, sheet: Sheet, body: Iterable[bytes]) -> Entry:
        """body: the sheetData's rows as UTF-8 pieces (made by SQL: table_rows_sql)."""
        return self._sheet_entry(sheet, _pieces(body, sheet.name))

    def add_checked_sheet(self, sheet: Sheet, body: bytes) -> Entry:
        """body: the sheetData's rows as UTF-8, already checked (checked())."""
        return self._sheet_entry(sheet, [body])

    def copy_sheet(self, sheet: Sheet, entry: Entry) -> Entry:
        """The sheet whose deflated bytes an earlier (finished) workbook holds at entry."""
        def pieces():
            with open(entry.path, "rb") as fh:
                fh.seek(entry.offset)
                left = entry.compress_size
                while left:
                    data = fh.read(min(left, PIECE))
                    if not data:
                        raise PowerlistError(f"{entry.path}: cut short while copying a worksheet")
                    left -= len(data)
                    yield data
        self.sheets.append(sheet)
        return self._raw(f"xl/worksheets/sheet{len(self.sheets)}.xml", pieces(), lambda: (entry.crc, entry.file_size))

    def close(self) -> None:
        n = len(self.sheets)
        sheets = "".join(f'<sheet name={quoteattr(s.name)} sheetId="{i}" r:id="rId{i}"/>'
                         for i, s in enumerate(self.sheets, start=1))
        names = []
        for i, s in enumerate(self.sheets):
            quoted = "'" + s.name.replace("'", "''") + "'"
            if s.autofilter:
                names.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
                             f'{escape(quoted)}!$A$1:${column_letter(s.width)}${s.height}</definedName>')
            if s.print_rows:
                names.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
                             f'{escape(quoted)}!${s.print_rows[0]}:${s.print_rows[1]}</definedName>')
        defined = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
        y, m, d = self.date_time[:3]
        stamp = f"{y:04d}-{m:02d}-{d:02d}T00:00:00Z"
        parts = {
            "[Content_Types].xml": HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                      'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                      for i in range(1, n + 1)) + "</Types>",
            "_rels/.rels": HEAD + f'<Relationships xmlns="{PKG_REL}">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
            f'<Relationship Id="rId2" Type="{PKG_REL}/metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{REL}/extended-properties" Target="docProps/app.xml"/></Relationships>',
            "docProps/core.xml": HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{escape(self.title)}</dc:title><dc:creator>{escape(self.creator)}</dc:creator>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>',
            "docProps/app.xml": HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<Application>powerlist</Application></Properties>",
            "xl/workbook.xml": HEAD + f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><workbookPr/>'
            '<bookViews><workbookView activeTab="0"/></bookViews>'
            f"<sheets>{sheets}</sheets>{defined}<calcPr calcId=\"124519\"/></workbook>",
            "xl/_rels/workbook.xml.rels": HEAD + f'<Relationships xmlns="{PKG_REL}">' + "".join(
                f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, n + 1))
            + f'<Relationship Id="rId{n + 1}" Type="{REL}/styles" Target="styles.xml"/></Relationships>',
            "xl/styles.xml": styles_xml(),
        }
        for name, text in parts.items():
            with self._entry(name) as fh:
                fh.write(text.encode("utf-8"))
        self.zf.close()
        if self.pool is not None:
            self.pool.shutdown()


# Control characters XML cannot hold: every C0 byte but tab, line feed and carriage return (as
# UTF-8 bytes), and U+FFFE / U+FFFF (EF BF BE, EF BF BF). Looked for with numpy over the bytes (a
# sheet is hundreds of megabytes at province scale): the two by the bytes after each EF, which
# is ~4× faster than searching for them (CJK punctuation starts with EF); the regex only names
# the first one found.
_ALLOWED_C0 = np.array([9, 10, 13], dtype=np.uint8)


def checked(data: bytes, sheet: str) -> bytes:
    """data, once it is known to hold no character XML cannot hold (else one clear error)."""
    codes = np.frombuffer(data, dtype=np.uint8)
    low = codes[codes < 32]
    lead = np.flatnonzero(codes[:-2] == 0xEF)
    if (low.size and not np.isin(low, _ALLOWED_C0).all()) or ((codes[lead + 1] == 0xBF) & (codes[lead + 2] >= 0xBE)).any():
        bad = ILLEGAL.search(data.decode("utf-8"))
        raise PowerlistError(f"workbook sheet {sheet}: the character U+{ord(bad.group()):04X} cannot be written to "
                             "xlsx (XML holds no control characters); remove it from the data")
    return data


def _encoded(rows: Iterable[str]) -> Iterator[bytes]:
    """Rows of text joined into pieces of about PIECE bytes, UTF-8."""
    chunk: list[str] = []
    size = 0
    for row in rows:
        chunk.append(row)
        size += len(row)
        if size > PIECE // 2:  # characters, most of them one to three bytes
            yield "".join(chunk).encode("utf-8")
            chunk, size = [], 0
    if chunk:
        yield "".join(chunk).encode("utf-8")


def _coalesced(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """The pieces' bytes cut into pieces of exactly PIECE bytes (the last may be shorter): each
    is deflated on its own, so where they are cut decides the archive's bytes, and it must depend
    on the content only (not on how DuckDB or the rows happened to be batched)."""
    rest = b""
    for data in pieces:
        if rest:
            data = rest + data
        whole = len(data) // PIECE * PIECE
        for at in range(0, whole, PIECE):
            yield data[at:at + PIECE]
        rest = data[whole:]
    if rest:
        yield rest


def _pieces(body: Iterable[bytes], sheet: str) -> Iterator[bytes]:
    """Each piece checked for characters XML cannot hold."""
    for data in body:
        if data:
            yield checked(data, sheet)


def row_xml(n: int, cells: str, height: float | None = None) -> str:
    ht = f' ht="{height:.16g}" customHeight="1"' if height is not None else ""
    return f'<row r="{n}"{ht}>{cells}</row>'


def list_sheet_rows(sheet: ListSheet) -> Iterator[str]:
    """The official-layout list sheet's rows (render_office.list_sheet), as SpreadsheetML."""
    letters = [column_letter(c) for c in range(1, sheet.width + 1)]
    for r, row in enumerate(sheet.rows, start=1):
        cells = "".join(cell_xml(f"{letters[c - 1]}{r}", v, STYLE_ID[s]) for c, v, s in row)
        yield row_xml(r, cells, sheet.heights.get(r))


def list_sheet_frame(name: str, sheet: ListSheet) -> Sheet:
    return Sheet(name, sheet.width, len(sheet.rows), sheet.widths, sheet.freeze_row, sheet.print_rows,
                 merges=sheet.merges, landscape_fit=True)


# A list sheet's data row made once and placed at any row number (publish.list_pass): its XML
# with ROW where the row number goes. NUL cannot be in a sheet (checked() refuses it), so it can
# stand for the number without meeting a value's own text.
ROW = "\x00"


def _holds_nul(sheet: str) -> PowerlistError:
    """A value holding ROW (NUL) cannot be placed: one line naming the sheet."""
    return PowerlistError(f"workbook sheet {sheet}: the character U+0000 cannot be written to xlsx "
                          "(XML holds no control characters); remove it from the data")


def row_template(row: list[tuple[int, object, str]], height: float, sheet: str) -> bytes:
    """One data row of a list sheet (render_office.DataRowShape.row) as UTF-8 with ROW for its number."""
    letters = _LETTERS
    if any(isinstance(v, str) and ROW in v for _, v, _ in row):
        raise _holds_nul(sheet)
    return row_xml(ROW, "".join(cell_xml(f"{letters[c]}{ROW}", v, STYLE_ID[s]) for c, v, s in row), height).encode("utf-8")


_LETTERS = [""] + [column_letter(c) for c in range(1, 16_385)]  # Excel's columns A…XFD


class RowTemplates:
    """row_template(*shape.row(cells), sheet) for one list's rows (shape: its
    render_office.DataRowShape), the same bytes made with each column's cell openings spelt once
    per list instead of per cell (~0.6 of the list pass's sheet rows at province scale). A row
    holding anything but text (an extra column's JSON null) takes the general path."""

    def __init__(self, shape, sheet: str):
        self.shape, self.sheet = shape, sheet
        self.columns = []  # per column: (is 序号, width, empty cell, opening of a text, of a number)
        for j, (c, style, width) in enumerate(zip(shape.cols, shape.styles, shape.widths)):
            ref, sid = f"{_LETTERS[j + 1]}{ROW}", STYLE_ID[style]
            s = f' s="{sid}"' if sid else ""
            self.columns.append((c == "seq", max(width, 1), f'<c r="{ref}"{s}/>' if sid else "",
                                 f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">', f'<c r="{ref}"{s}><v>'))

    def __call__(self, cells: list) -> bytes:
        if any(c.__class__ is not str for c in cells):
            return row_template(*self.shape.row(cells), self.sheet)
        out, needed = [], 1
        for (seq, width, empty, text_open, number_open), text in zip(self.columns, cells):
            if not text:
                out.append(empty)
                continue
            if ROW in text:
                raise _holds_nul(self.sheet)
            # render_office._lines_needed: each paragraph's lines, two width units per character
            # (the ceiling in integers: the same as math.ceil of the quotient for these sizes)
            if "\n" in text:
                lines = sum((len(p) * 2 + width - 1) // width or 1 for p in text.split("\n"))
            else:
                lines = (len(text) * 2 + width - 1) // width or 1
            if lines > needed:
                needed = lines
            if seq and text.isdigit():
                out.append(f"{number_open}{int(text)!r}</v></c>")
                continue
            if "&" in text or "<" in text or ">" in text:
                text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            out.append(f"{text_open}{text}</t></is></c>")
        return row_xml(ROW, "".join(out), min(409, 14 * needed)).encode("utf-8")


def placed_row(template: bytes, n: int, covered: list[tuple[int, str]] = ()) -> bytes:
    """The row at number n; covered: (column, style) of the cells a merge above covers, which are
    written empty (list_sheet gives them no value)."""
    for c, style in covered:
        opening = f'<c r="{_LETTERS[c]}{ROW}"'.encode()
        start = template.index(opening)
        end = template.find(b'<c r="', start + 1)
        if end < 0:
            end = template.rindex(b"</row>")
        template = template[:start] + cell_xml(f"{_LETTERS[c]}{ROW}", None, STYLE_ID[style]).encode() + template[end:]
    return template.replace(ROW.encode(), str(n).encode())
