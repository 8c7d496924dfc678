"""render --format docx|xlsx writes the official layout, and ingesting the file gives back the same rows."""

from __future__ import annotations

from pathlib import Path

import docx
import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import CATALOG_TXT, XINGAN_TXT, list_rows
from powerlist.cli import app
from powerlist.document.cells import normalize_paragraphs
from powerlist.ingest.readers import read_grid
from powerlist.ingest.run import ingest_document
from powerlist.package import Package
from powerlist.render import ListView
from powerlist.render_office import render_office

LISTS = {"catalog-baomi": CATALOG_TXT, "450325-baomi": XINGAN_TXT}
@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
@pytest.mark.parametrize("list_id", sorted(LISTS))
def test_rendered_office_file_ingests_back_to_the_same_rows(package_copy: Path, tmp_path: Path, list_id, fmt):
    before = list_rows(package_copy, list_id)
    lists_before = {l["list_id"]: l for l in Package(package_copy, "working").read_table("lists")}
    out = render_office(ListView(Package(package_copy, "working"), list_id), fmt, tmp_path / f"{list_id}.{fmt}")

    report = ingest_document(package_copy, out)

    assert (report.list_id, report.new_list, report.how) == (list_id, False, "same title")
    assert [m.rule for m in report.matches] == ["name"] * len(before["items"])
    assert report.removed == []
    assert list_rows(package_copy, list_id) == before
    # The title block above the table carries the printed facts, so the lists row survives too;
    # only the source document (now the rendered file, copied under sources/working/) differs.
    after = {l["list_id"]: l for l in Package(package_copy, "working").read_table("lists")}
    ignore = {"source_file", "source_sha256"}
    assert {k: v for k, v in after[list_id].items() if k not in ignore} == \
           {k: v for k, v in lists_before[list_id].items() if k not in ignore}
    assert after[list_id]["source_file"] == f"sources/working/{list_id}.{fmt}"
    assert (package_copy / "sources" / "working" / f"{list_id}.{fmt}").read_bytes() == out.read_bytes()


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
@pytest.mark.parametrize("list_id", sorted(LISTS))
def test_office_reader_gives_the_cells_of_the_source_text(package_copy: Path, tmp_path: Path, list_id, fmt):
    out = render_office(ListView(Package(package_copy, "working"), list_id), fmt, tmp_path / f"x.{fmt}")
    office, text = read_grid(out), read_grid(LISTS[list_id])
    assert office.layout == text.layout
    assert [[normalize_paragraphs(c.text) for c in row] for row in office.rows] == \
           [[normalize_paragraphs(c.text) for c in row] for row in text.rows]


def test_docx_header_is_two_rows_with_merged_cells(package_copy: Path, tmp_path: Path):
    out = render_office(ListView(Package(package_copy, "working"), "450325-baomi"), "docx", tmp_path / "x.docx")
    document = docx.Document(str(out))
    assert document.paragraphs[-1].text == "中共兴安县委办公室（兴安县国家保密局）权责清单"
    assert document.paragraphs[0].text == "兴保发〔2022〕1号"
    tbl = document.tables[0]._tbl
    row1, row2 = tbl.tr_lst[0].tc_lst, tbl.tr_lst[1].tc_lst
    # 序号 权力分类 | 权力清单 over 项目名称…实施依据 (5) | 责任清单 over 责任事项…免责事项 (5) | 备注
    assert [tc.grid_span for tc in row1] == [1, 1, 5, 5, 1]
    assert [tc.vMerge for tc in row1] == ["restart", "restart", None, None, "restart"]
    assert len(row2) == 13
    assert [row2[i].vMerge for i in (0, 1, 12)] == ["continue"] * 3


def test_xlsx_header_is_two_rows_with_merged_cells(package_copy: Path, tmp_path: Path):
    out = render_office(ListView(Package(package_copy, "working"), "catalog-baomi"), "xlsx", tmp_path / "x.xlsx")
    ws = openpyxl.load_workbook(out).active
    # The catalog prints only its title: row 1 is the title, row 2 blank, the header starts on row 3.
    assert ws["A1"].value == "广西保密工作市、县两级权责清单规范化通用目录"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:I1", "A3:A4", "B3:B4", "C3:F3", "G3:H3", "I3:I4"} <= merged
    assert [ws.cell(4, c).value for c in range(3, 9)] == ["项目名称", "子项名称", "实施层级", "设定依据", "责任事项", "责任事项依据"]
    assert ws["A5"].value == 1 and ws["A5"].data_type == "n"
    assert ws["C5"].alignment.wrap_text is True
    assert ws.column_dimensions["F"].width > ws.column_dimensions["A"].width


def test_docx_cell_merged_down_gives_each_row_its_value(package_copy: Path, tmp_path: Path):
    out = render_office(ListView(Package(package_copy, "working"), "450325-baomi"), "docx", tmp_path / "x.docx")
    document = docx.Document(str(out))
    table = document.tables[0]
    merged = table.cell(2, 12).merge(table.cell(3, 12))  # 备注 of 序号 1 and 2 (synthetic edit)
    merged.paragraphs[0].add_run("合并备注（synthetic）")
    document.save(str(out))
    grid = read_grid(out)
    assert [r[12].text for r in grid.rows[:2]] == ["合并备注（synthetic）"] * 2
    assert grid.rows[1][12].at == "table row 4 column 13"
    # One merged cell in the document, placed in two rows: counted once.
    assert grid.cells_read == grid.cells_placed


def test_xlsx_cell_merged_down_gives_each_row_its_value(package_copy: Path, tmp_path: Path):
    out = render_office(ListView(Package(package_copy, "working"), "catalog-baomi"), "xlsx", tmp_path / "x.xlsx")
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    ws["I5"] = "合并备注（synthetic）"
    ws.merge_cells("I5:I6")  # 备注 of 序号 1 and 2
    wb.save(out)
    grid = read_grid(out)
    assert [r[8].text for r in grid.rows[:2]] == ["合并备注（synthetic）"] * 2
    assert grid.rows[1][8].at == "cell I6"


def test_render_cli_writes_docx_and_ingest_cli_reads_it_back(package_copy: Path, tmp_path: Path):
    runner = CliRunner()
    out = tmp_path / "兴安.docx"
    res = runner.invoke(app, ["-p", str(package_copy), "render", "450325-baomi", "--format", "docx", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert out.is_file()
    res = runner.invoke(app, ["-p", str(package_copy), "ingest", str(out)])
    assert res.exit_code == 0, res.output
    assert "updates 450325-baomi (jurisdiction, same title)" in res.output


def test_render_office_format_requires_an_output_path(package_copy: Path):
    res = CliRunner().invoke(app, ["-p", str(package_copy), "render", "450325-baomi", "--format", "xlsx"])
    assert res.exit_code == 2
    assert "error: --format xlsx writes a file: give its path with -o PATH" in res.output
