"""No spreadsheet cell we write is a formula: formula-like text (= + - @ tab CR) in an item is a
string cell in every xlsx (openpyxl data_type "s") and starts with an apostrophe in every csv."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from powerlist.cli import app
from powerlist.laws.formats import to_csv as laws_csv
from powerlist.package import Package, write_tables
from powerlist.schema import TABLES
from powerlist.spreadsheet import csv_cell

# Synthetic payloads, written into a copy of the real package by the fixture below.
NAME = '=HYPERLINK("http://example.invalid/x","点击查看")'
STEP = "@SUM(1+1)"
REMARK = "+1-1"


@pytest.fixture
def poisoned(package_copy: Path) -> Path:
    working = Package(package_copy, "working")
    tables = {name: working.read_table(name) for name in TABLES}
    item = next(i for i in tables["items"] if i["item_id"] == "450325-baomi-001")
    item["name"] = NAME
    step = next(s for s in tables["steps"] if s["item_id"] == "450325-baomi-001")
    step["text"] = STEP
    write_tables(package_copy, tables)
    return package_copy


def cli(root: Path, *args: str):
    res = CliRunner().invoke(app, ["-p", str(root), *args])
    assert res.exit_code in (0, 1), res.output
    return res


def cells(path: Path) -> list:
    wb = openpyxl.load_workbook(path)
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def assert_text_only(path: Path, *payloads: str) -> None:
    every = cells(path)
    assert [c.coordinate for c in every if c.data_type == "f"] == []
    for payload in payloads:
        hits = [c for c in every if isinstance(c.value, str) and payload in c.value]
        assert hits, payload
        assert {c.data_type for c in hits} == {"s"}


def test_diff_xlsx_stores_formula_text_as_strings(poisoned: Path, tmp_path: Path):
    cli(poisoned, "diff", "2022", "working", "--format", "xlsx", "-o", str(tmp_path / "d.xlsx"))
    assert_text_only(tmp_path / "d.xlsx", NAME, STEP)


def test_diff_csv_prefixes_formula_text(poisoned: Path):
    res = cli(poisoned, "diff", "2022", "working", "--format", "csv")
    rows = list(csv.reader(io.StringIO(res.stdout)))
    flat = [v for r in rows for v in r]
    assert "'" + NAME in flat and NAME not in flat
    assert not [v for v in flat if v.startswith(("=", "+", "@", "\t", "\r"))]


def test_render_xlsx_stores_formula_text_as_strings(poisoned: Path, tmp_path: Path):
    cli(poisoned, "render", "450325-baomi", "--format", "xlsx", "-o", str(tmp_path / "r.xlsx"))
    assert_text_only(tmp_path / "r.xlsx", NAME, STEP)


def test_published_workbook_stores_formula_text_as_strings(poisoned: Path, tmp_path: Path):
    cli(poisoned, "release", "2023", "--date", "2023-07-01")
    res = CliRunner().invoke(app, ["-p", str(poisoned), "publish", "--out", str(tmp_path / "dist")])
    assert res.exit_code == 0, res.output
    (book,) = (tmp_path / "dist" / "2023").glob("*.xlsx")
    assert_text_only(book, NAME, STEP)


def test_sql_csv_prefixes_formula_text_but_not_numbers(poisoned: Path):
    res = cli(poisoned, "sql", "select name, -5 as n from items where item_id = '450325-baomi-001'", "--format", "csv")
    assert list(csv.reader(io.StringIO(res.stdout))) == [["name", "n"], ["'" + NAME, "-5"]]


def test_laws_csv_and_the_helper(tmp_path: Path):
    assert [csv_cell(v) for v in ["=1", "+1", "-1", "@x", "\tx", "\rx", "x=1", "", 5, None]] == \
        ["'=1", "'+1", "'-1", "'@x", "'\tx", "'\rx", "x=1", "", 5, None]
    assert laws_csv(["title"], [{"title": REMARK}]) == "title\n'+1-1\n"
