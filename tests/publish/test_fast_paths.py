"""The list pass's faster spellings give the bytes of the general ones: the site's esc() and
paragraphs() against html.escape and the split they replace, the sheet's RowTemplates against
row_template(*DataRowShape.row(…)) (the one description list_sheet uses). SYNTHETIC texts."""

from __future__ import annotations

import html

import pytest

from powerlist.errors import PowerlistError
from powerlist.publish.site.html import esc, paragraphs
from powerlist.publish.xlsx import ROW, RowTemplates, row_template
from powerlist.render_office import DataRowShape

AWKWARD = ["", " ", "\u3000", "办公室", "a&b", "<script>", "x > y", 'say "hi"', "it's", "&amp;", "一\n二", "\n",
           "一\n\n二\n", " \n \u3000\n", "\t", "第四十五条：…（合成）"]


@pytest.mark.parametrize("text", AWKWARD)
def test_esc_is_html_escape(text):
    assert esc(text) == html.escape(text, quote=True)


def test_esc_of_other_values():
    assert esc(None) == "" and esc(12) == "12" and esc(1.5) == "1.5"


@pytest.mark.parametrize("text", AWKWARD + [None])
def test_paragraphs_are_the_escaped_texts_non_blank_lines(text):
    lines = [p for p in html.escape(text or "", quote=True).split("\n") if p.strip()]
    assert paragraphs(text) == "".join(f"<p>{p}</p>" for p in lines)


def test_paragraphs_by_hand():
    assert paragraphs("a<b\n\n c ") == "<p>a&lt;b</p><p> c </p>"
    assert paragraphs(" ") == "" and paragraphs("x") == "<p>x</p>"


COLS = ["seq", "category", "name", "sub_name", "levels", "implementing_body", "undertaking_unit", "setting_bases",
        "steps", "step_bases", "cases", "case_bases", "exemptions", "remark", "extra:备注二"]


@pytest.mark.parametrize("seq", ["1", "12", "1a", "", "١٢", "007"])
# Lengths about each column's width (4–40 units, two per character): the rows' heights at the edges.
@pytest.mark.parametrize("text", AWKWARD + ["字" * n for n in range(1, 42)] + ["字" * 3000, "\n".join(["字" * 40] * 5),
                                   "字" * 7 + "\n" + "字" * 20 + "\n\n" + "字" * 18])
def test_row_templates_are_row_template_of_the_shape(seq, text):
    shape = DataRowShape(COLS)
    cells = [seq, "行政处罚", text, "", text[:5], "合成单位", text, text + "（合成）", text, "", text, "", text, "", text]
    assert RowTemplates(shape, "sheet")(cells) == row_template(*shape.row(cells), "sheet")


def test_row_templates_take_the_general_path_for_a_value_that_is_not_text():
    shape = DataRowShape(COLS)
    cells = ["3", "行政处罚", "名称"] + [""] * 11 + [None]
    assert RowTemplates(shape, "sheet")(cells) == row_template(*shape.row(cells), "sheet")


def test_a_row_template_by_hand():
    shape = DataRowShape(["seq", "name"])
    got = RowTemplates(shape, "s")(["7", "a&b"]).decode()
    body, center = shape.styles[1], shape.styles[0]
    from powerlist.publish.xlsx import STYLE_ID
    assert got == (f'<row r="{ROW}" ht="14" customHeight="1"><c r="A{ROW}" s="{STYLE_ID[center]}"><v>7</v></c>'
                   f'<c r="B{ROW}" s="{STYLE_ID[body]}" t="inlineStr"><is><t xml:space="preserve">a&amp;b</t></is></c></row>')


def test_a_nul_is_refused_with_its_sheet_named():
    shape = DataRowShape(["seq", "name"])
    with pytest.raises(PowerlistError, match="workbook sheet 450100-d00: the character U\\+0000"):
        RowTemplates(shape, "450100-d00")(["1", "a\x00b"])
