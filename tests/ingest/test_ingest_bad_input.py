"""Bad documents through the CLI: one `error:` line naming where, exit 2, nothing written.

The expected messages and line numbers were read off the synthetic fixtures by hand (each
fixture's first line says what was edited; its two header lines shift the original numbering by 2).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import FIXTURES, snapshot
from powerlist.cli import app
from powerlist.package import Package
from powerlist.render import ListView
from powerlist.render_office import render_office

CATEGORIES = "行政许可、行政处罚、行政强制、行政征收、行政给付、行政检查、行政确认、行政奖励、行政裁决、其他行政权力"
CATALOG_COLUMNS = "序号、权力分类、项目名称、子项名称、实施层级、设定/实施依据、责任事项、责任事项依据、备注"


def everything(root: Path) -> dict[str, bytes]:
    return {**snapshot(root / "tables"), "datapackage.json": (root / "datapackage.json").read_bytes(),
            **{f"sources/{k}": v for k, v in snapshot(root / "sources").items()}}


def ingest_fails(root: Path, doc: Path, *extra: str) -> str:
    """Run `powerlist ingest`; assert exit 2, one stderr line, nothing written; return that line."""
    before = everything(root)
    res = CliRunner().invoke(app, ["-p", str(root), "ingest", str(doc), *extra])
    assert res.exit_code == 2, res.output
    lines = res.stderr.splitlines()
    assert len(lines) == 1, res.stderr
    assert everything(root) == before
    assert not (root / "sources" / "working").exists()
    return lines[0]


@pytest.mark.parametrize("fixture, message", [
    ("synthetic-catalog-missing-header.txt",
     "line 5: expected the header cell '序号' to start the table, found '1'"),
    ("synthetic-catalog-row-too-few-cells.txt",
     f"line 21: data row 1 (序号 1) has 8 cells, expected 9 ({CATALOG_COLUMNS}); the next 序号 2 is at line 40"),
    ("synthetic-catalog-unknown-category.txt",
     f"line 42 (权力分类): unknown 权力分类 '行政命令', expected one of {CATEGORIES}"),
    ("synthetic-catalog-gb18030.txt",
     "line 3: not valid UTF-8 (the bytes look like GB18030: convert with `iconv -f GB18030 -t UTF-8`)"),
])
def test_bad_text_document_is_one_line_naming_the_line(package_copy: Path, fixture: str, message: str):
    doc = FIXTURES / fixture
    assert ingest_fails(package_copy, doc) == f"error: {doc}: {message}"


def test_empty_file_is_refused(package_copy: Path, tmp_path: Path):
    doc = tmp_path / "empty.txt"  # zero bytes, made here: an empty fixture could say nothing about itself
    doc.write_bytes(b"")
    assert ingest_fails(package_copy, doc) == f"error: {doc}: line 1: the file is empty; expected a list document"


def test_corrupted_docx_is_refused(package_copy: Path, tmp_path: Path):
    doc = tmp_path / "broken.docx"
    doc.write_bytes(b"PK\x03\x04 this is not a zip archive")
    line = ingest_fails(package_copy, doc)
    assert line.startswith(f"error: {doc}: not a readable .docx file (")


def test_zip_without_a_document_is_refused(package_copy: Path, tmp_path: Path):
    doc = tmp_path / "empty-zip.docx"
    with zipfile.ZipFile(doc, "w") as z:
        z.writestr("hello.txt", "synthetic")
    assert ingest_fails(package_copy, doc).startswith(f"error: {doc}: not a readable .docx file (")


def test_corrupted_xlsx_is_refused(package_copy: Path, tmp_path: Path):
    doc = tmp_path / "broken.xlsx"
    doc.write_bytes(b"\x00\x01 not a workbook")
    assert ingest_fails(package_copy, doc).startswith(f"error: {doc}: not a readable .xlsx file (")


def test_docx_without_the_table_is_refused(package_copy: Path, tmp_path: Path):
    doc = tmp_path / "no-table.docx"
    d = docx.Document()
    d.add_paragraph("中共兴安县委办公室（兴安县国家保密局）权责清单")
    d.save(str(doc))
    assert ingest_fails(package_copy, doc) == (
        f"error: {doc}: no table whose first cell is '序号' found; expected the list's table")


def test_xlsx_error_names_the_cell(package_copy: Path, tmp_path: Path):
    doc = render_office(ListView(Package(package_copy, "working"), "catalog-baomi"), "xlsx", tmp_path / "bad.xlsx")
    wb = openpyxl.load_workbook(doc)
    wb.active["B6"] = "行政命令"  # 权力分类 of 序号 2: title row 1, blank row 2, header rows 3-4, data from row 5
    wb.save(doc)
    assert ingest_fails(package_copy, doc) == (
        f"error: {doc}: cell B6 (权力分类): unknown 权力分类 '行政命令', expected one of {CATEGORIES}")


def test_docx_data_cell_merged_across_columns_is_refused_naming_the_cell(package_copy: Path, tmp_path: Path):
    doc = render_office(ListView(Package(package_copy, "working"), "450325-baomi"), "docx", tmp_path / "bad.docx")
    d = docx.Document(str(doc))
    table = d.tables[0]
    table.cell(3, 3).merge(table.cell(3, 4))  # 子项名称 and 实施主体 of 序号 2 become one cell
    d.save(str(doc))
    # The merged cell holds the 实施主体 text in the 子项名称 position: which column it belongs to
    # cannot be known, so the document is refused naming the cell and both columns.
    assert ingest_fails(package_copy, doc) == (
        f"error: {doc}: table row 4 column 4: a data cell merged across the columns 子项名称 and 实施主体 "
        "('中共兴安县委员会办公室（兴安县国家保密局'); split it so each column has its own cell")


def test_document_naming_no_list_is_refused(package_copy: Path, tmp_path: Path):
    # Synthetic: the Xing'an list with its county removed from the title, issuer and 实施主体.
    text = (FIXTURES.parent.parent / "sources" / "2022" / "xingan-baomi-2022.txt").read_text(encoding="utf-8")
    doc = tmp_path / "synthetic-no-county.txt"
    doc.write_text(text.replace("兴安县", "某县").replace("中共兴安县委员会办公室", "某单位"), encoding="utf-8")
    assert ingest_fails(package_copy, doc) == (
        "error: cannot tell which list '中共某县委办公室（某县国家保密局）权责清单' updates: no Guangxi county "
        "named in its title, issuer or 实施主体; use --list LIST_ID")


def test_unknown_document_type_is_refused(package_copy: Path, tmp_path: Path):
    doc = tmp_path / "list.pages"
    doc.write_bytes(b"synthetic")
    assert ingest_fails(package_copy, doc) == (
        f"error: {doc}: unsupported document type '.pages'; expected .txt, .docx, .xlsx, "
        ".doc, .wps, .odt, .xls, .et, .ods, .pdf, .html or .htm")


def test_damaged_pdf_is_refused(package_copy: Path, tmp_path: Path):
    doc = tmp_path / "list.pdf"
    doc.write_bytes(b"%PDF-1.4 synthetic")
    assert ingest_fails(package_copy, doc).startswith(f"error: {doc}: not a readable PDF file (")


def test_error_quoting_a_line_break_stays_one_line(package_copy: Path, tmp_path: Path):
    # Found by the fuzzer: a line break edited into a citation's 【law type】 was quoted raw,
    # splitting the error over two lines. Edited copy of the real Xing'an list.
    text = (package_copy / "sources" / "2022" / "xingan-baomi-2022.txt").read_text(encoding="utf-8")
    doc = tmp_path / "xingan-broken-type.txt"
    doc.write_text(text.replace("【法律】", "【法\n律】", 1), encoding="utf-8")
    line = ingest_fails(package_copy, doc)
    assert "unknown law type 【法\\n律】" in line
