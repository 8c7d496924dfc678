"""An .html/.htm page holding the list (a government site's 公开 page) → Grid.

The list is the first <table> with a row whose first cell is 序号; text before it (block by block)
is the preamble, so the page's title block reads like a Word document's paragraphs. rowspan and
colspan are expanded the way the Word reader does: every grid position is a Cell, those a span
covers marked covered with the spanning cell as origin, so no text is counted twice.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import PowerlistError
from .grid import Cell, Grid
from ..document.columns import header_key
from .tabular import grid_from_rows

CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
# GB2312 pages routinely hold GBK characters (and GBK pages GB18030 ones): read the superset.
SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030"}
BLOCKS = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table", "section",
          "article", "header", "footer", "center", "blockquote", "pre", "hr", "dt", "dd"}
SKIP = {"script", "style", "noscript", "template", "head"}


def decode_page(data: bytes, name: str) -> str:
    """The page's text: a BOM, else the <meta> charset, else UTF-8; a wrong byte is named."""
    if data.startswith(b"\xef\xbb\xbf"):
        encoding, data = "utf-8", data[3:]
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encoding = "utf-16"
    else:
        m = CHARSET.search(data[:4096])
        declared = m.group(1).decode("ascii").lower() if m else "utf-8"
        encoding = SUPERSET.get(declared, declared)
    try:
        return data.decode(encoding)
    except LookupError:
        raise PowerlistError(f"{name}: the page declares an unknown character set {encoding!r}") from None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PowerlistError(f"{name}: line {line}: not valid {encoding} (the page's declared or default encoding)") from None


class _Stop(Exception):
    pass


def _lines(el, stop=None) -> list[str]:
    """Visible text of an element as lines: a break at each block boundary and <br>; reading
    ends at `stop` (the list's table, for the preamble). Runs of whitespace are one space."""
    parts: list[str] = []

    def walk(node):
        if node is stop:
            raise _Stop
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if tag in SKIP:
            return
        if tag in BLOCKS:
            parts.append("\n")
        if node.text and tag:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if tag in BLOCKS:
            parts.append("\n")

    try:
        walk(el)
    except _Stop:
        pass
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return [line for line in lines if line]


def table_rows(table) -> list[list[Cell]]:
    """Grid-aligned rows; positions covered by a rowspan/colspan are Cells marked covered, with
    the spanning cell as origin (the Word reader's contract, grid.Cell)."""
    rows: list[list[Cell]] = []
    below: dict[int, tuple[int, Cell]] = {}  # grid column → (rows still covered, the spanning cell)
    for r, tr in enumerate(_rows_of(table), start=1):
        cells: list[Cell] = []
        queue = [td for td in tr if isinstance(td.tag, str) and td.tag.lower() in ("td", "th")]
        while queue or below.get(len(cells) + 1, (0, None))[0] > 0:
            col = len(cells) + 1
            left, origin = below.get(col, (0, None))
            if left > 0:
                below[col] = (left - 1, origin)
                cells.append(Cell("", r, f"table row {r} column {col}", "down", origin))
                continue
            td = queue.pop(0)
            span, down = _span(td, "colspan"), _span(td, "rowspan")
            cell = Cell("\n".join(_lines(td)), r, f"table row {r} column {col}")
            cells.append(cell)
            for k in range(1, span):
                cells.append(Cell("", r, f"table row {r} column {col + k}", "right", cell))
            if down > 1:
                for k in range(span):
                    below[col + k] = (down - 1, cell)
        rows.append(cells)
    return rows


def _rows_of(table):
    """The table's own rows (thead/tbody/tfoot included), not those of tables nested in cells."""
    for child in table:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag == "tr":
            yield child
        elif tag in ("thead", "tbody", "tfoot"):
            yield from (tr for tr in child if isinstance(tr.tag, str) and tr.tag.lower() == "tr")


def _span(td, attr: str) -> int:
    try:
        return max(1, int(str(td.get(attr, "1")).strip() or 1))
    except ValueError:
        return 1


def read_html_grid(path: Path) -> Grid:
    import lxml.html

    name = str(path)
    text = decode_page(path.read_bytes(), name)
    if not text.strip():
        raise PowerlistError(f"{name}: the page is empty; expected a page holding the list's table")
    try:
        root = lxml.html.document_fromstring(re.sub(r"^\s*<\?xml[^>]*\?>", "", text))
    except Exception as exc:  # lxml's parser errors: not a page at all
        raise PowerlistError(f"{name}: not a readable HTML page ({type(exc).__name__}: {exc})") from None
    for table in root.iter("table"):
        rows = table_rows(table)
        if any(row and header_key(row[0].text) == "序号" for row in rows):
            return grid_from_rows(name, _lines(root, stop=table), rows, "table")
    raise PowerlistError(f"{name}: no table with a row starting with the cell '序号' found; expected the list's table")
