"""The review report as a .docx to attach to a 公文: A4 landscape, 仿宋 text and 黑体 headings
(the CJK font named in w:eastAsia, where Word looks for it), page numbers, table headers
repeated on every page, deletions struck through in red and insertions underlined as Word's
own comparison shows them."""

from __future__ import annotations

import io

from ..textdiff import DELETE, EQUAL, INSERT
from .parts import WHOLE_ITEM, parts

BODY_FONT = ("FangSong", "仿宋")
HEADING_FONT = ("SimHei", "黑体")
RED = (0xC0, 0x00, 0x00)
# Relative widths of the 调整对照表's columns (the rest share the page evenly).
WIDTHS = {"序号": 1.2, "事项名称": 3.5, "调整类型": 2.2, "调整内容": 3.0, "调整前": 8.0, "调整后": 8.0}


def _fonts(element, latin: str, east_asia: str) -> None:
    from docx.oxml.ns import qn

    rfonts = element.get_or_add_rPr().get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)


def _styles(document) -> None:
    from docx.shared import Pt, RGBColor

    normal = document.styles["Normal"]
    normal.font.size = Pt(12)
    _fonts(normal.element, *BODY_FONT)
    for name, size in (("Title", 18), ("Heading 1", 15), ("Heading 2", 12)):
        style = document.styles[name]
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0, 0, 0)
        _fonts(style.element, *HEADING_FONT)


def _page(document) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, margin, Cm(2.0))
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("— ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    p._p.append(field)
    p.add_run(" —")


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


def _text(paragraph, text: str, **style) -> None:
    from docx.shared import RGBColor

    for i, line in enumerate(text.split("\n")):
        run = paragraph.add_run()
        if i:
            run.add_break()  # a line break inside the same paragraph, then the line
        run.add_text(line)
        if style.get("strike"):
            run.font.strike = True
            run.font.color.rgb = RGBColor(*RED)
        if style.get("underline"):
            run.font.underline = True
        if style.get("bold"):
            run.bold = True


def _fill(cell, row: dict, column: str) -> None:
    p = cell.paragraphs[0]
    segs = row.get("segments")
    if segs and column in ("调整前", "调整后"):
        keep = DELETE if column == "调整前" else INSERT
        for op, piece in segs:
            if op == EQUAL:
                _text(p, piece)
            elif op == keep:
                _text(p, piece, strike=op == DELETE, underline=op == INSERT)
        return
    lines = str(row.get(column, "")).split("\n")
    for i, line in enumerate(lines):
        _text(p if i == 0 else cell.add_paragraph(), line)


def render_docx(review: dict) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    document = docx.Document()
    _styles(document)
    _page(document)
    title = document.add_paragraph(review["header"]["title"], style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    usable = 29.7 - 4.0
    for part in parts(review):
        document.add_paragraph(part.title, style="Heading 1")
        for line in part.lines:
            document.add_paragraph(line)
        for t in part.tables:
            if t.title:
                document.add_paragraph(t.title, style="Heading 2")
            table = document.add_table(rows=1, cols=len(t.columns))
            table.style = "Table Grid"
            table.autofit = False
            weights = [WIDTHS.get(c, 3.0) for c in t.columns]
            widths = [Cm(usable * w / sum(weights)) for w in weights]
            for column, width in zip(table.columns, widths):
                column.width = width  # the grid LibreOffice lays out by
            head = table.rows[0]
            _repeat_header(head)
            for cell, name, width in zip(head.cells, t.columns, widths):
                cell.width = width
                _text(cell.paragraphs[0], name, bold=True)
            for row in t.rows:
                cells = table.add_row().cells
                for cell, name, width in zip(cells, t.columns, widths):
                    cell.width = width
                    _fill(cell, row, name)
                if row.get("调整内容") == WHOLE_ITEM:  # a whole item's content gets both columns' room
                    before, after = t.columns.index("调整前"), t.columns.index("调整后")
                    side = "调整后" if row["调整后"] else "调整前"
                    merged = cells[before].merge(cells[after])
                    for p in merged.paragraphs[1:]:
                        p._p.getparent().remove(p._p)
                    merged.paragraphs[0]._p.clear_content()
                    _fill(merged, {**row, "segments": None}, side)
            for p in (c.paragraphs for r in table.rows for c in r.cells):
                for para in p:
                    for run in para.runs:
                        run.font.size = Pt(10.5)
            for note in t.notes:
                document.add_paragraph(note)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
