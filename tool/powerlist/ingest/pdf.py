"""A .pdf with a text layer → Grid: the table read from its ruling lines, page by page, as one table.

pdfplumber finds each page's table from its drawn lines; each character goes to the cell holding
its centre. A table drawn without lines is read by position instead (`_positional`): columns are
the x ranges the text covers below the 序号 header line (the gaps between them are the cells'
padding), rows start where a number stands in the first column. A PDF keeps no paragraphs, only printed lines, so a cell's lines are joined back into
paragraphs by where they end: a line that runs to the column's right edge was wrapped by the
layout and continues on the next line, a line ending short of it ended its paragraph.

Pages: the header rows repeated on each page are read once; a row that a page break cut in two
(its 序号 cell empty at the top of the next page) is joined to the row it continues. Text above
the table on its first page (and on any page before it) is the preamble. Places in errors are
"page P row R column C" of the printed table.

Refused with one line: an encrypted PDF, a scan (pages that are images with no text layer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import PowerlistError
from .grid import Cell, Grid
from ..document.columns import header_key
from .protected import refuse
from .radicals import unify_radicals
from .tabular import grid_from_rows


# Line breaking (as in Word, WPS and LibreOffice) never starts a line with closing punctuation
# nor ends one with opening punctuation, and never splits a run of digits or Latin letters: the
# first unit of a line is what had to move down together.
CLOSING = set("）)]｝}〕】》」』〉”’。，、；：！？…—·%％")
OPENING = set("（([｛{〔【《「『〈“‘")
# What starts a paragraph in these lists whatever the room: an entry number (cells.py's labels).
# (An article, 第四十四条, may run on after a 。 in the same paragraph: only the room tells.)
PARAGRAPH_START = re.compile(r"\d+(?:[—－-]\d+)?[．.]")


@dataclass
class _Line:
    text: str
    x0: float              # left end of the line's first character
    x1: float              # right end of the line's last character
    widths: list[float]    # printed width of each character

    def first_unit(self) -> float:
        """Width of what the layout had to move to this line together: an opening bracket with
        what follows it, a run of digits/letters, a character with the closing marks after it."""
        i, t = 0, self.text
        while i < len(t) and t[i] in OPENING:
            i += 1
        if i < len(t) and t[i].isascii() and t[i].isalnum():
            while i < len(t) and t[i].isascii() and (t[i].isalnum() or t[i] in ".,"):
                i += 1
        else:
            i += 1
        while i < len(t) and t[i] in CLOSING:
            i += 1
        return sum(self.widths[:i])


@dataclass
class _PdfCell:
    """One printed cell: its lines and the right edge text may reach in its column."""

    lines: list[_Line]
    right: float       # the cell's right border; then (see _set_right_edges) where its text must end
    box_x0: float
    page: int
    row: int
    col: int
    parts: list[tuple[list[_Line], float]] = field(default_factory=list)
    covered: str = ""                   # "down"/"right": a position a merged cell covers (grid.Cell)
    origin: "_PdfCell | None" = None

    def text(self) -> str:
        lines = [(line, right) for lines, right in self.parts + [(self.lines, self.right)] for line in lines]
        out = ""
        for i, (line, right) in enumerate(lines):
            if i:
                prev, prev_right = lines[i - 1]
                # Wrapped by the layout when the next line's first unit would not have fitted. The
                # layouts measured (LibreOffice, Word) also push units of digits with what follows
                # them, so up to two more characters of room still mean "wrapped"; an entry number
                # starts a paragraph whatever the room.
                em = max(prev.widths)
                starts = PARAGRAPH_START.match(line.text)
                wrapped = not starts and prev.x1 + line.first_unit() + 2 * em > prev_right
                out += "" if wrapped else "\n"
            out += line.text
        return out.strip()


def _open(path: Path):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(str(path))
        pdf.pages  # noqa: B018 — parses the page tree, where a damaged file fails
        return pdf
    except Exception as exc:  # pdfplumber wraps pdfminer's errors; the cause says what it was
        cause = exc.__cause__ or exc.__context__ or exc
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)) or isinstance(exc, (PDFPasswordIncorrect, PDFEncryptionError)):
            refuse(path, "PDF")
        detail = " ".join(str(cause).split())[:120]
        raise PowerlistError(f"{path}: not a readable PDF file ({type(cause).__name__}: {detail})") from None


def _char_lines(chars: list[dict]) -> list[list[dict]]:
    """Characters → printed lines (characters of about the same top), each left to right."""
    lines: list[list[dict]] = []
    for ch in sorted(chars, key=lambda c: (round(c["top"], 1), c["x0"])):
        if lines and abs(ch["top"] - lines[-1][0]["top"]) < ch["size"] * 0.5:
            lines[-1].append(ch)
        else:
            lines.append([ch])
    for line in lines:
        line.sort(key=lambda c: c["x0"])
    return lines


def _line(chars: list[dict]) -> _Line:
    """One printed line (characters left to right) with its ends and widths. Office programs
    print a space as a gap, not a character: a gap of a quarter character or more is a space."""
    text, widths = "", []
    for i, c in enumerate(chars):
        if i and not c["text"].isspace() and not text.endswith(" ") and \
                c["x0"] - chars[i - 1]["x1"] >= 0.25 * min(c["size"], chars[i - 1]["size"]):
            text += " "
            widths.append(c["x0"] - chars[i - 1]["x1"])
        text += c["text"]
        widths.append(c["x1"] - c["x0"])
    return _Line(unify_radicals(text), chars[0]["x0"], chars[-1]["x1"], widths)


def _lines_of(chars: list[dict]) -> list[_Line]:
    """Characters → printed lines, top to bottom."""
    return [_line(line) for line in _char_lines(chars)]


def _page_table(page, pageno: int):
    """(bbox, rows of _PdfCell, characters outside the table) of the page's list table (its
    largest ruled table), or None when the page has none."""
    tables = page.find_tables()
    if not tables:
        return None
    table = max(tables, key=lambda t: (t.bbox[2] - t.bbox[0]) * (t.bbox[3] - t.bbox[1]))
    boxes = [c for row in table.rows for c in row.cells if c is not None]
    by_box: dict[tuple, list[dict]] = {b: [] for b in boxes}
    outside: list[dict] = []
    for ch in page.chars:
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        box = next((b for b in boxes if b[0] <= cx <= b[2] and b[1] <= cy <= b[3]), None)
        (by_box[box] if box else outside).append(ch)
    rows: list[list[_PdfCell]] = []
    xs = sorted({round(b[0], 1) for b in boxes})
    for r, row in enumerate(table.rows, start=1):
        cells: list[_PdfCell] = []
        for c, box in enumerate(row.cells, start=1):
            if box is None:
                if _covered_across(row.cells, c - 1, xs):
                    left = cells[-1] if cells else None
                    cells.append(_PdfCell([], 0.0, 0.0, pageno, r, c, covered="right",
                                          origin=(left.origin or left) if left else None))
                else:
                    above = rows[-1][c - 1] if rows and c - 1 < len(rows[-1]) else None
                    cells.append(_PdfCell([], 0.0, 0.0, pageno, r, c, covered="down",
                                          origin=(above.origin or above) if above else None))
                continue
            lines = _lines_of(by_box[box])
            cells.append(_PdfCell(lines, box[2], box[0], pageno, r, c))
        rows.append(cells)
    _set_right_edges(rows)
    return table.bbox, rows, outside


def _covered_across(cells: list, i: int, xs: list[float]) -> bool:
    """Is grid column i of this row covered by a cell starting further left (a merge across)?"""
    x = xs[i] if i < len(xs) else None
    return x is not None and any(b is not None and b[0] < x - 0.5 < b[2] - 1 for b in cells[:i])


def _set_right_edges(rows: list[list[_PdfCell]]) -> None:
    """Where a line of a cell may end: the cell's right border less its padding. The padding is
    measured on the left (closest any line starts to the left border, over the page's cells) and
    taken to be the same on the right, as every office program lays cells out."""
    lefts = [line_x0 - box_x0 for row in rows for c in row if c.lines
             for box_x0, line_x0 in [(c.box_x0, min(l.x0 for l in c.lines))]]
    pad = min(lefts) if lefts else 0.0
    for row in rows:
        for cell in row:
            cell.right -= pad


def read_pdf_grid(path: Path) -> Grid:
    name = str(path)
    with _open(path) as pdf:
        if not pdf.pages:
            raise PowerlistError(f"{name}: the PDF has no pages")
        scanned = [i for i, p in enumerate(pdf.pages, start=1) if not p.chars and p.images]
        if scanned and len(scanned) == sum(1 for p in pdf.pages if not p.chars):
            if len(scanned) == len(pdf.pages):
                raise PowerlistError(
                    f"{name}: the PDF has no text layer (a scan: every page is an image); run OCR on it "
                    "first, e.g. `ocrmypdf -l chi_sim in.pdf out.pdf`, check the text, and ingest the result"
                )
            raise PowerlistError(
                f"{name}: page {scanned[0]} has no text layer (a scanned page); run OCR on the PDF first, "
                "e.g. `ocrmypdf -l chi_sim --skip-text in.pdf out.pdf`, and ingest the result"
            )
        preamble: list[str] = []
        rows: list[list[_PdfCell]] = []
        for pageno, page in enumerate(pdf.pages, start=1):
            found = _page_table(page, pageno)
            if found is None:
                if not rows:
                    preamble += [l.text for l in _lines_of(page.chars)]
                elif page.chars:  # a table with ruling lines, then a page of text without any
                    raise PowerlistError(
                        f"{name}: page {pageno}: text after the table without a table (ruling lines) "
                        "on the page; expected the list's table to continue or the document to end"
                    )
                continue
            bbox, page_rows, outside = found
            above = [c for c in outside if not rows and c["bottom"] <= bbox[1]]
            preamble += [l.text for l in _lines_of(above)]
            _refuse_stray([c for c in outside if c not in above], name, pageno)
            _add_page(rows, page_rows)
        if not rows:
            # No ruling lines anywhere: the table is laid out by column positions alone.
            preamble, rows = _positional(pdf, name)
    return grid_from_rows(name, preamble, _grid_cells(rows), "page 1")


def _grid_cells(rows: list[list[_PdfCell]]) -> list[list[Cell]]:
    made: dict[int, Cell] = {}
    out = []
    for row in rows:
        cells = []
        for c in row:
            cell = Cell("" if c.covered else c.text(), c.row, f"page {c.page} row {c.row} column {c.col}", c.covered,
                        made.get(id(c.origin)) if c.origin is not None else None)
            made[id(c)] = cell
            cells.append(cell)
        out.append(cells)
    return out


PAGE_NUMBER = re.compile(r"[\s\-—－–第页共/\d]*")


def _refuse_stray(chars: list[dict], name: str, pageno: int) -> None:
    """Text beside, below or on later pages outside the table could be more of the list: refuse it
    rather than drop it. Page numbers (- 3 -, 第3页/共9页) are the only text let pass."""
    for line in _lines_of(chars):
        if not PAGE_NUMBER.fullmatch(line.text):
            raise PowerlistError(
                f"{name}: page {pageno}: text outside the list's table {line.text[:30]!r}; expected only "
                "the table (and page numbers) after the title"
            )


def _add_page(rows: list[list[_PdfCell]], page_rows: list[list[_PdfCell]]) -> None:
    """Append one page's table rows: its repeated header skipped, a row cut by the page joined."""
    def first_text(row):
        return header_key(row[0].text()) if row else ""

    start = 0
    if rows:
        if page_rows and first_text(page_rows[0]) == "序号":
            header_len = next((i for i, r in enumerate(rows) if first_text(r).isdigit()), 2)
            start = header_len  # the header repeated on this page
        if start < len(page_rows) and not page_rows[start][0].lines and rows and len(page_rows[start]) == len(rows[-1]):
            for prev, cont in zip(rows[-1], page_rows[start]):
                prev.parts.append((prev.lines, prev.right))
                prev.lines, prev.right = cont.lines, cont.right
            start += 1
    rows.extend(page_rows[start:])


# ---- Tables without ruling lines: columns from where the text stands ----------------------------

# The first header row's labels over several columns: their text straddles the gaps between
# columns, so they are left out when the gaps are found.
MERGED_ACROSS = ("权力清单", "责任清单")


def _header_line(chars: list[dict]) -> list[dict] | None:
    """The characters of the printed line that starts with 序号, if the page has one."""
    for line in _char_lines(chars):
        text = "".join(c["text"] for c in line).replace(" ", "")
        # 序号 may wrap in a narrow first column (序 / 号): the line also names 权力….
        if text.startswith("序号") or (text.startswith("序") and "权力" in text):
            return line
    return None


def _words(line: list[dict]) -> list[list[dict]]:
    """A printed line cut where the gap between characters is wider than half a character."""
    words: list[list[dict]] = []
    for ch in line:
        if ch["text"].isspace():
            continue
        if words and ch["x0"] - words[-1][-1]["x1"] < ch["size"] * 0.5:
            words[-1].append(ch)
        else:
            words.append([ch])
    return words


def _columns(header: list[dict], body: list[dict]) -> list[tuple[float, float]]:
    """Column extents: the x ranges that text covers, merged where they touch (gaps separate)."""
    keep = [c for w in _words(header) if "".join(ch["text"] for ch in w) not in MERGED_ACROSS for c in w]
    spans = sorted((c["x0"], c["x1"]) for c in keep + body if not c["text"].isspace())
    cols: list[list[float]] = []
    for x0, x1 in spans:
        if cols and x0 <= cols[-1][1] + 1.0:
            cols[-1][1] = max(cols[-1][1], x1)
        else:
            cols.append([x0, x1])
    return [(a, b) for a, b in cols]


def _positional(pdf, name: str) -> tuple[list[str], list[list[_PdfCell]]]:
    pages = []  # (pageno, page chars, header line chars)
    for pageno, page in enumerate(pdf.pages, start=1):
        header = _header_line(page.chars)
        if header is None and not pages:
            continue
        pages.append((pageno, page.chars, header))
    if not pages:
        raise PowerlistError(f"{name}: no table found: no page has ruling lines or a line starting with 序号")
    first_page, first_chars, first_header = pages[0]
    top = min(c["top"] for c in first_header)
    preamble = [l.text for p in pdf.pages[:first_page - 1] for l in _lines_of(p.chars)]
    preamble += [l.text for l in _lines_of([c for c in first_chars if c["bottom"] <= top])]

    def below_header(chars, header):
        line_bottom = max(c["bottom"] for c in header) if header else -1
        return [c for c in chars if c["top"] >= line_bottom - 0.5]

    body_all = [c for _, chars, header in pages for c in below_header(chars, header)]
    cols = _columns(first_header, body_all)
    rights = [b for _, b in cols]

    def column_of(ch) -> int:
        cx = (ch["x0"] + ch["x1"]) / 2
        return next((i for i, (a, b) in enumerate(cols) if a - 1 <= cx <= b + 1), len(cols) - 1)

    rows: list[list[_PdfCell]] = []
    header_height = None
    for pageno, chars, header in pages:
        body = below_header(chars, header)
        first_col = [line for line in _char_lines([c for c in body if column_of(c) == 0])]
        starts = [min(c["top"] for c in line) for line in first_col
                  if "".join(c["text"] for c in line).strip().isdigit()]
        if header_height is None:
            if not starts:
                raise PowerlistError(f"{name}: page {pageno}: no 序号 below the header line")
            header_height = starts[0] - max(c["bottom"] for c in header)
        head_bottom = (max(c["bottom"] for c in header) + header_height) if header else None
        # The header, however many printed lines it takes, is read as one row: each column's
        # labels joined (header_key ignores the line breaks); group labels are left out.
        bands: list[tuple[float, float]] = []
        if header is not None:
            bands.append((min(c["top"] for c in header) - 0.5, head_bottom - 0.5))
        body_top = head_bottom - 0.5 if header is not None else -1.0
        cuts = [body_top] + [s - 0.5 for s in starts if s - 0.5 > body_top + 0.1] + [float("inf")]
        bands += list(zip(cuts, cuts[1:]))
        page_rows: list[list[_PdfCell]] = []
        for r, (y0, y1) in enumerate(bands, start=1):
            in_band = [c for c in chars if y0 <= c["top"] < y1]
            if r == 1 and header is not None:
                in_band = [c for line in _char_lines(in_band) for w in _words(line)
                           if "".join(ch["text"] for ch in w) not in MERGED_ACROSS for c in w]
            if not in_band and (r > 1 or header is None) and y1 == float("inf"):
                continue
            by_col: list[list[dict]] = [[] for _ in cols]
            for c in in_band:
                by_col[column_of(c)].append(c)
            page_rows.append([_PdfCell(_lines_of(cc), rights[i], cols[i][0], pageno, r, i + 1)
                              for i, cc in enumerate(by_col)])
        _add_page(rows, page_rows)
    return preamble, rows
