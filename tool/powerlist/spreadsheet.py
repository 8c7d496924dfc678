"""Spreadsheet cells are text, never formulas: the one rule for every xlsx and csv powerlist writes.

A list's text can begin with "=", "+", "-", "@", a tab or a carriage return (an item named
`=HYPERLINK("http://…","点击查看")`, a step "- 审查"); Excel and LibreOffice would run such a cell as
a formula (CSV injection). In xlsx we store every such cell as a string (openpyxl data_type "s"),
which keeps the text exactly; in csv, which has no types, a leading apostrophe is added as the
OWASP guidance on CSV injection recommends (spreadsheets hide it; the text after it is unchanged).

Not applied to the data package's own tables (tables/*.csv and their copies in releases and in
the published zip): those are data for programs, checksummed, and must hold the text as it is.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """value, with an apostrophe in front when it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def text_cells(workbook) -> None:
    """Store every text cell of an openpyxl workbook as a string: none is saved as a formula.

    openpyxl makes any str beginning with "=" a formula (data_type "f"); we never write formulas,
    so each such cell becomes a string cell holding the same text. Call it just before saving.
    """
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith(FORMULA_START)):
                    cell.data_type = "s"
