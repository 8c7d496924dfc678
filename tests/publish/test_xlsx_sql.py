"""The table sheets' cells are formatted by DuckDB (xlsx.cell_sql), the list sheets' by Python
(xlsx.cell_xml): for the same value both must give the same SpreadsheetML, text always an inline
string (never a formula), and the deflated pieces of a sheet must read back as one stream."""

from __future__ import annotations

import zipfile
from datetime import date

import duckdb
import openpyxl
import pytest

from powerlist.errors import PowerlistError
from powerlist.publish.xlsx import STYLE_ID, Sheet, WorkbookWriter, cell_sql, cell_xml, row_sql, row_xml

# Awkward values, hand-picked: markup, a formula-looking text, leading blanks, line breaks,
# CJK, the empty text, NULL; integers at the edges; dates around Excel's 1900 leap-year bug.
TEXTS = ["a & b < c > d \"q\" 'p'", "=1+1", "@SUM(A1)", "  leading", "line\nbreak", "收缴（保密局）", "", None]
INTS = [0, -5, 2 ** 62, None]
BOOLS = [True, False, None]
DATES = [date(1900, 3, 1), date(2022, 7, 18), None]
LISTS = [["设区市", "县级"], [], None]


def as_cell(value, ftype):
    """The Python value cell_xml is given for a column of that type (lists comma-joined)."""
    if ftype == "list":
        return None if value is None else ",".join(value)
    return value


@pytest.mark.parametrize("ftype,sql_type,values", [
    ("string", "VARCHAR", TEXTS), ("object", "VARCHAR", TEXTS), ("integer", "BIGINT", INTS),
    ("boolean", "BOOLEAN", BOOLS), ("date", "DATE", DATES), ("list", "VARCHAR[]", LISTS)])
@pytest.mark.parametrize("style", [0, STYLE_ID["date"]])
def test_sql_cells_are_the_python_cells(ftype, sql_type, values, style):
    con = duckdb.connect()
    con.execute(f"CREATE TABLE t (n BIGINT, v {sql_type})")
    con.executemany("INSERT INTO t VALUES (?, ?)", [(i + 2, v) for i, v in enumerate(values)])
    row = "CAST(n AS VARCHAR)"
    got = [r[0] for r in con.execute(f"SELECT {row_sql([cell_sql('C', 'v', ftype, style, row)], row)} FROM t ORDER BY n").fetchall()]
    want = [row_xml(i + 2, cell_xml(f"C{i + 2}", as_cell(v, ftype), style)) for i, v in enumerate(values)]
    assert got == want


def test_a_formula_looking_text_reads_back_as_text_from_a_sql_made_sheet(tmp_path):
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM (VALUES (2, '=1+1'), (3, '@SUM(A1)')) v(n, x)")
    row = "CAST(n AS VARCHAR)"
    body = [r[0].encode() for r in con.execute(f"SELECT {row_sql([cell_sql('A', 'x', 'string', 0, row)], row)} FROM t ORDER BY n").fetchall()]
    path = tmp_path / "t.xlsx"
    book = WorkbookWriter(path, (2024, 7, 1, 0, 0, 0), "synthetic")
    book.add_sheet_bytes(Sheet("t", 1, 3, [10.0]), [row_xml(1, cell_xml("A1", "head", 0)).encode()] + body)
    book.close()
    ws = openpyxl.load_workbook(path)["t"]
    assert [(c.value, c.data_type) for c in ws["A"]] == [("head", "s"), ("=1+1", "s"), ("@SUM(A1)", "s")]


def test_a_sheet_deflated_in_pieces_and_a_copied_sheet_read_back_whole(tmp_path, monkeypatch):
    from powerlist.publish import xlsx
    monkeypatch.setattr(xlsx, "PIECE", 64)  # many pieces from a small synthetic sheet
    rows = [row_xml(r, cell_xml(f"A{r}", f"合成第{r}行 & <x>", 0)) for r in range(1, 400)]
    first = tmp_path / "a.xlsx"
    book = WorkbookWriter(first, (2024, 7, 1, 0, 0, 0), "synthetic")
    entry = book.add_sheet(Sheet("s", 1, 399, [10.0]), rows)
    book.close()
    second = tmp_path / "b.xlsx"
    book = WorkbookWriter(second, (2026, 7, 1, 0, 0, 0), "synthetic")
    book.copy_sheet(Sheet("s", 1, 399, [10.0]), entry)
    book.close()
    for path in (first, second):
        with zipfile.ZipFile(path) as zf:
            assert zf.testzip() is None
        ws = openpyxl.load_workbook(path)["s"]
        assert [c.value for c in ws["A"]] == [f"合成第{r}行 & <x>" for r in range(1, 400)]
    with zipfile.ZipFile(first) as a, zipfile.ZipFile(second) as b:
        assert a.read("xl/worksheets/sheet1.xml") == b.read("xl/worksheets/sheet1.xml")


@pytest.mark.parametrize("text,code", [("bell\x07", "0007"), ("tab\tand\nline\x1f", "001F"), ("non-character\ufffe", "FFFE"),
                                       ("\uffff", "FFFF"), ("合成，（）\ufffe末", "FFFE"), ("\x00", "0000")])
def test_a_control_character_is_refused_with_its_sheet_named(tmp_path, text, code):
    book = WorkbookWriter(tmp_path / "c.xlsx", (2024, 7, 1, 0, 0, 0), "synthetic")
    book.add_sheet(Sheet("fine", 1, 1, [10.0]), [row_xml(1, cell_xml("A1", "tab\tline\nreturn\r", 0))])
    with pytest.raises(PowerlistError, match=rf"sheet bad: the character U\+{code}"):
        book.add_sheet(Sheet("bad", 1, 1, [10.0]), [row_xml(1, cell_xml("A1", text, 0))])


@pytest.mark.parametrize("data", ["合成，全角（）：；标点".encode(), "\ufffd\uffe5\uffef\uffbe".encode(), b"\t\n\r",
                                  "末尾\uffe5".encode(), b"", "\U0001f600𠀀".encode()])
def test_characters_beside_the_refused_ones_pass_the_check(data):
    """SYNTHETIC bytes: CJK punctuation (EF BC …), U+FFFD, U+FFE5 and U+FFEF (EF BF BD / A5 / AF,
    the neighbours of U+FFFE and U+FFFF), tab, line feed and return, astral characters: allowed."""
    from powerlist.publish.xlsx import checked
    assert checked(data, "s") is data


@pytest.mark.parametrize("text,code", [("\ufffe", "FFFE"), ("x\uffff", "FFFF"), ("\x0b", "000B"), ("y\x1f", "001F")])
def test_a_refused_character_at_the_very_end_is_found(text, code):
    from powerlist.publish.xlsx import checked
    with pytest.raises(PowerlistError, match=rf"U\+{code}"):
        checked(("合成" + text).encode(), "s")


def test_a_sheets_bytes_depend_on_its_content_not_on_how_its_rows_were_batched(tmp_path, monkeypatch):
    from powerlist.publish import xlsx
    monkeypatch.setattr(xlsx, "PIECE", 100)
    body = b"".join(row_xml(r, cell_xml(f"A{r}", f"合成{r}", 0)).encode() for r in range(1, 300))
    made = []
    for cut in (7, 333, len(body)):  # the same bytes handed over in batches of different sizes
        path = tmp_path / f"b{cut}.xlsx"
        book = WorkbookWriter(path, (2024, 7, 1, 0, 0, 0), "synthetic")
        book.add_sheet_bytes(Sheet("s", 1, 299, [10.0]), [body[i:i + cut] for i in range(0, len(body), cut)])
        book.close()
        made.append(path.read_bytes())
    assert made[0] == made[1] == made[2]
