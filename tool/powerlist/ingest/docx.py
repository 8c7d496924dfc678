"""A .docx list document → Grid: every table of the body, and the text around the list.

Tables are read from their XML row by row instead of python-docx's `row.cells` (which repeats a
merged cell once per grid column and per continued row): each row is grid-aligned, one Cell per
grid column, a merged cell's covered positions marked (see grid.Cell). tabular.py decides which
tables are the list (a table continued over several Word tables, one table per 权力分类, a
summary table) and which are layout (a letterhead before the list).

The preamble is, in order: the page headers' paragraphs, then the body's paragraphs (and the
paragraphs of text boxes anchored in them) before the list's first table — a notice before a
cover page included. The list's title is its last line.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import PowerlistError
from .grid import Cell, Grid
from .tabular import SourceTable, grid_from_tables

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _open(path: Path):
    import docx

    try:
        return docx.Document(str(path))
    except Exception as exc:  # python-docx raises zip, XML and key errors alike for a damaged file
        detail = " ".join(str(exc).split())[:120]
        raise PowerlistError(f"{path}: not a readable .docx file ({type(exc).__name__}: {detail})") from None


def _paragraph_text(p) -> str:
    """A paragraph's own text (w:t, tabs and breaks of its runs), without text boxes inside it."""
    parts = []
    for el in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}txbxContent"):
        if el.tag == f"{W}txbxContent":
            continue
        if _in_text_box(el, p):
            continue
        parts.append(el.text or "" if el.tag == f"{W}t" else ("\t" if el.tag == f"{W}tab" else "\n"))
    return "".join(parts)


def _in_text_box(el, p) -> bool:
    """Whether el sits in a text box anchored inside paragraph p (not in p's own runs)."""
    parent = el.getparent()
    while parent is not None and parent is not p:
        if parent.tag == f"{W}txbxContent":
            return True
        parent = parent.getparent()
    return False


def _text_boxes(p) -> list[str]:
    """Lines of the text boxes anchored in a paragraph (a box's VML fallback copy read once)."""
    lines = []
    for box in p.iter(f"{W}txbxContent"):
        if any(a.tag == MC_FALLBACK for a in box.iterancestors()):
            continue
        for inner in box.iter(f"{W}p"):
            lines.extend(_paragraph_text(inner).split("\n"))
    return lines


def _cell_text(tc) -> str:
    return "\n".join(_paragraph_text(p) for p in tc.iter(f"{W}p")).strip()


def _content(parent, *tags: str) -> list:
    """parent's w:<tag> children in order, including those wrapped in content controls (w:sdt)
    or w:customXml, which python-docx's tr_lst/tc_lst and iter_inner_content leave out."""
    wanted = {f"{W}{t}" for t in tags}
    out = []
    for el in parent:
        if el.tag in wanted:
            out.append(el)
        elif el.tag == f"{W}sdt":
            content = el.find(f"{W}sdtContent")
            if content is not None:
                out.extend(_content(content, *tags))
        elif el.tag == f"{W}customXml":
            out.extend(_content(el, *tags))
    return out


def table_rows(tbl, name: str, label: str) -> list[list[Cell]]:
    """Grid-aligned rows of one w:tbl; `label` prefixes locators ("table" or "table 2")."""
    rows: list[list[Cell]] = []
    for r, tr in enumerate(_content(tbl, "tr"), start=1):
        cells: list[Cell] = []
        before = tr.trPr.find(f"{W}gridBefore") if tr.trPr is not None else None
        for _ in range(int(before.get(f"{W}val")) if before is not None else 0):
            cells.append(Cell("", r, f"{label} row {r} column {len(cells) + 1}"))
        for tc in _content(tr, "tc"):
            col = len(cells) + 1
            at = f"{label} row {r} column {col}"
            if tc.find(f".//{W}tbl") is not None:
                raise PowerlistError(
                    f"{name}: {at}: a table nested inside a cell; move its rows into the list's table "
                    "(a nested table cannot be read as list rows)"
                )
            if tc.vMerge == "continue":
                above = rows[-1][col - 1] if rows and col - 1 < len(rows[-1]) else None
                origin = (above.origin or above) if above is not None else None
                cell = Cell("", r, at, "down", origin)
            else:
                cell = Cell(_cell_text(tc), r, at)
            cells.append(cell)
            for _ in range(tc.grid_span - 1):
                cells.append(Cell("", r, f"{label} row {r} column {len(cells) + 1}", "right", cell.origin or cell))
        rows.append(cells)
    return rows


def read_docx_grid(path: Path) -> Grid:
    document = _open(path)
    name = str(path)
    preamble: list[str] = []
    for section in document.sections:
        for header in (section.first_page_header, section.header):
            if not header.is_linked_to_previous:  # linked = no header of its own
                for p in header._element.findall(f"{W}p"):
                    preamble.extend(_paragraph_text(p).split("\n") + _text_boxes(p))
    body = document.element.body
    blocks = _content(body, "p", "tbl")
    n_tables = sum(1 for el in blocks if el.tag == f"{W}tbl")
    tables: list[SourceTable] = []
    for el in blocks:
        if el.tag == f"{W}tbl":
            t = len(tables) + 1
            label = f"table {t}" if n_tables > 1 else "table"
            tables.append(SourceTable(label, table_rows(el, name, label)))
        else:
            lines = _paragraph_text(el).split("\n") + _text_boxes(el)
            if not tables:
                preamble.extend(lines)
            else:
                tables[-1].after.extend(l for l in lines if l.strip())
    if not tables:
        raise PowerlistError(f"{name}: no table whose first cell is '序号' found; expected the list's table")
    return grid_from_tables(name, preamble, tables)
