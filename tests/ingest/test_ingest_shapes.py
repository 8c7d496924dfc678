"""Documents in the shapes real lists take (SYNTHETIC fixtures from tests/fixtures/shapes.py, made
from the real 2022 lists): each is read whole — the same rows as the 2022 tables, every non-empty
cell counted (counted here independently with python-docx/openpyxl) and placed, and the diff
against release 2022 the same as the diff of the 2022 .txt source (provenance aside) — or refused
with one line, the package untouched.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import docx
import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import CATALOG_TXT, XINGAN_TXT, copy_package, snapshot
from conftest import list_rows as conftest_list_rows
from powerlist.cli import app
from powerlist.diff import diff_packages
from powerlist.document.citations import parse_citations, render_citations
from powerlist.ingest.run import ingest_document
from powerlist.package import Package
from powerlist.render import ListView, render_text
from powerlist.render_office import render_office

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
import shapes  # noqa: E402

TXT = {shapes.CATALOG: CATALOG_TXT, shapes.XINGAN: XINGAN_TXT}
PROVENANCE = {"source_file", "source_sha256"}


def list_rows(root: Path, list_id: str) -> dict[str, list[dict]]:
    """conftest's rows of one list, plus its lists row without the provenance fields."""
    rows = conftest_list_rows(root, list_id)
    pkg = Package(root, "working")
    lst = next(l for l in pkg.read_table("lists") if l["list_id"] == list_id)
    rows["lists"] = [{k: v for k, v in lst.items() if k not in PROVENANCE}]
    return rows


def diff_without_provenance(root: Path) -> list[dict]:
    """The changes against release 2022, without the source document's name and hash (a
    different file of the same content is not a change of the list)."""
    result = diff_packages(root, "2022", "working")
    return [c for c in result["changes"] if not (c["table"] == "lists" and c.get("field") in PROVENANCE)]


@pytest.fixture(scope="module")
def txt_reads(tmp_path_factory) -> dict[str, tuple[dict, dict]]:
    """Per list: (its rows, the diff against 2022) after ingesting the 2022 .txt source."""
    out = {}
    for list_id, txt in TXT.items():
        root = copy_package(tmp_path_factory.mktemp(list_id))
        ingest_document(root, txt)
        out[list_id] = (list_rows(root, list_id), diff_without_provenance(root))
    return out


# ---- counting the source's non-empty cells, independently of the readers ---------------

def docx_cells(path: Path) -> int:
    """Distinct non-empty cells of every table (python-docx repeats a merged cell: counted once)."""
    seen: dict[int, object] = {}  # the elements are kept alive so that their ids stay unique
    for table in docx.Document(str(path)).tables:
        for row in table.rows:
            for cell in row.cells:
                seen.setdefault(id(cell._tc), cell)
    return sum(1 for cell in seen.values() if cell.text.strip())


def xlsx_cells(path: Path) -> int:
    """Non-empty cells of the visible sheets from their 序号 header row down (a merged range
    holds its value in its first cell only)."""
    n = 0
    for ws in openpyxl.load_workbook(str(path)).worksheets:
        if ws.sheet_state != "visible":
            continue
        rows = list(ws.iter_rows(values_only=True))
        start = next(i for i, r in enumerate(rows) if "序号" in [str(v).strip() for v in r if v is not None])
        n += sum(1 for r in rows[start:] for v in r if v is not None and str(v).strip())
    return n


def txt_cells(path: Path) -> int:
    """Cells of the text layout: a TAB line starts one, lines without a TAB continue it."""
    cells: list[str] = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.startswith("\t"):
            cells.append(line[1:])
        elif cells:
            cells[-1] += line
    return sum(1 for c in cells if c.strip())


def source_cells(path: Path) -> int:
    return {"docx": docx_cells, "xlsx": xlsx_cells, "txt": txt_cells}[path.suffix[1:]](path)


# ---- every shape: read whole, counted, same rows, same diff ----------------------------

def check_reads_as_2022(root: Path, doc: Path, list_id: str, txt_reads) -> object:
    rows_txt, diff_txt = txt_reads[list_id]
    report = ingest_document(root, doc)
    assert report.list_id == list_id
    assert (report.cells_read, report.cells_placed) == (source_cells(doc), source_cells(doc))
    assert report.accounting == f"读取 {len(rows_txt['items'])} 项事项、{report.cells_read} 个非空单元格，全部入表"
    assert list_rows(root, list_id) == rows_txt
    assert diff_without_provenance(root) == diff_txt
    return report


@pytest.mark.parametrize("txt", [CATALOG_TXT, XINGAN_TXT], ids=["catalog", "xingan"])
def test_text_source_cells_are_all_counted(package_copy: Path, txt: Path):
    report = ingest_document(package_copy, txt)
    assert report.cells_read == report.cells_placed == txt_cells(txt)


@pytest.mark.parametrize("shape", shapes.DOCX_SHAPES + shapes.XLSX_SHAPES, ids=lambda f: f.__name__)
def test_shape_reads_as_the_2022_list(package_copy: Path, tmp_path: Path, txt_reads, shape):
    list_id = shapes.LIST_OF[shape.__name__]
    doc = shape(shapes.path_for(shape, tmp_path))
    check_reads_as_2022(package_copy, doc, list_id, txt_reads)
    # ... and the round trip: render what was read, read it back, the same rows again.
    for fmt in ("docx", "xlsx"):
        again = render_office(ListView(Package(package_copy, "working"), list_id), fmt, tmp_path / f"again.{fmt}")
        check_reads_as_2022(package_copy, again, list_id, txt_reads)


def test_a_dropped_table_fails_the_check(package_copy: Path, tmp_path: Path, txt_reads):
    """The control: the split document with its second table removed (what a reader reading only
    the first table sees) does not pass — the diff then shows 序号 3 and 4 as 取消."""
    doc = shapes.docx_second_table_dropped(tmp_path / "synthetic-dropped.docx")
    with pytest.raises(AssertionError):
        check_reads_as_2022(package_copy, doc, shapes.XINGAN, txt_reads)
    removed = [c for c in diff_packages(package_copy, "2022", "working")["changes"]
               if c["table"] == "items" and c["change"] == "removed"]
    assert [c["item_id"] for c in removed] == ["450325-baomi-003", "450325-baomi-004"]


def test_split_table_report_says_it_was_read_whole(package_copy: Path, tmp_path: Path):
    report = ingest_document(package_copy, shapes.docx_split_repeated(tmp_path / "synthetic-split.docx"))
    assert "清单表分在 3 个表格/工作表中，已连续读取" in report.notes


def test_per_category_tables_are_numbered_through_and_the_summary_checked(package_copy: Path, tmp_path: Path):
    report = ingest_document(package_copy, shapes.docx_per_category(tmp_path / "synthetic-per-category.docx"))
    assert [m.seq for m in report.matches] == [1, 2, 3, 4, 5, 6]
    assert "序号在 3 个表格中各自从 1 开始：按文档顺序编为 1–6" in report.notes
    assert "汇总表（分类/数量）与清单一致：行政强制 2、行政检查 2、其他行政权力 2" in report.notes


def test_hidden_old_draft_is_reported_not_read(package_copy: Path, tmp_path: Path):
    report = ingest_document(package_copy, shapes.xlsx_hidden_old_draft(tmp_path / "synthetic-hidden.xlsx"))
    assert "隐藏工作表 '旧稿' 也有清单表（旧稿？），未读取；只读取了可见的工作表" in report.notes
    names = [i["name"] for i in Package(package_copy, "working").read_table("items")]
    assert "旧稿中的项目名称（合成）" not in names


# ---- extra columns: kept, reported, written back --------------------------------------

def test_extra_columns_are_kept_reported_and_round_trip(package_copy: Path, tmp_path: Path, txt_reads):
    doc = shapes.xlsx_extra_columns(tmp_path / "synthetic-extra.xlsx")
    report = ingest_document(package_copy, doc)
    assert report.cells_read == report.cells_placed == xlsx_cells(doc)
    assert report.extra_columns == ["权力编码", "办理时限", "监督电话"]
    assert "额外列 权力编码、办理时限、监督电话：保留在 items.extra，render 写回" in report.notes
    rows = list_rows(package_copy, shapes.CATALOG)
    first = json.loads(rows["items"][0]["extra"])
    assert first == {"权力编码": "SYN-0001", "办理时限": "5个工作日（合成）", "监督电话": "0773-0000001（合成）"}
    # Apart from items.extra, the same rows as the 2022 text; the diff against 2022 (which has no
    # extra column) the same as the text's.
    rows_txt, diff_txt = txt_reads[shapes.CATALOG]
    plain = {**rows, "items": [{k: v for k, v in i.items() if k != "extra"} for i in rows["items"]]}
    assert plain == {**rows_txt, "items": [{k: v for k, v in i.items() if k != "extra"} for i in rows_txt["items"]]}
    assert diff_without_provenance(package_copy) == diff_txt
    for fmt in ("docx", "xlsx"):
        out = render_office(ListView(Package(package_copy, "working"), shapes.CATALOG), fmt, tmp_path / f"x.{fmt}")
        again = ingest_document(package_copy, out)
        assert again.extra_columns == ["权力编码", "办理时限", "监督电话"]
        assert list_rows(package_copy, shapes.CATALOG) == rows


def test_text_render_refuses_to_drop_extra_columns(package_copy: Path, tmp_path: Path):
    ingest_document(package_copy, shapes.xlsx_extra_columns(tmp_path / "synthetic-extra.xlsx"))
    with pytest.raises(Exception, match=r"columns beyond the official layout \(权力编码、办理时限、监督电话\)"):
        render_text(ListView(Package(package_copy, "working"), shapes.CATALOG))


# ---- a value shared by several rows: read into each, written back merged -------------------

def test_shared_setting_basis_renders_merged_and_reads_back(package_copy: Path, tmp_path: Path):
    # Synthetic: the 2022 catalog with 序号 2 citing exactly what 序号 1 cites in its 设定依据.
    text_doc = tmp_path / "synthetic-shared-basis.txt"
    other = copy_package((tmp_path / "other").mkdir() or tmp_path / "other")
    v = ListView(Package(package_copy, "working"), shapes.CATALOG)
    rows = v.data_rows()
    col = v.layout.columns.index("setting_bases")
    source = CATALOG_TXT.read_text(encoding="utf-8")
    second = rows[1][col].replace("\n", "\n\n")
    assert source.count(second) == 1
    text_doc.write_text(source.replace(second, rows[0][col].replace("\n", "\n\n")), encoding="utf-8")
    ingest_document(package_copy, text_doc)
    expected = list_rows(package_copy, shapes.CATALOG)
    expected_diff = diff_without_provenance(package_copy)
    view = ListView(Package(package_copy, "working"), shapes.CATALOG)
    docx_out = render_office(view, "docx", tmp_path / "shared.docx")
    tcs = [tr.tc_lst[col] for tr in docx.Document(str(docx_out)).tables[0]._tbl.tr_lst[2:4]]
    assert [tc.vMerge for tc in tcs] == ["restart", "continue"]
    xlsx_out = render_office(view, "xlsx", tmp_path / "shared.xlsx")
    assert "F5:F6" in {str(r) for r in openpyxl.load_workbook(str(xlsx_out)).active.merged_cells.ranges}
    for out in (docx_out, xlsx_out):
        report = ingest_document(other, out)
        assert report.cells_read == report.cells_placed == source_cells(out)
        assert list_rows(other, shapes.CATALOG) == expected
        assert diff_without_provenance(other) == expected_diff


# ---- refused, one line, nothing written -------------------------------------------------

def refused(root: Path, doc: Path) -> str:
    before = snapshot(root)
    res = CliRunner().invoke(app, ["-p", str(root), "ingest", str(doc)])
    assert res.exit_code == 2, res.output
    assert len(res.stderr.splitlines()) == 1, res.stderr
    assert snapshot(root) == before
    return res.stderr.strip()


def test_nested_word_table_is_refused(package_copy: Path, tmp_path: Path):
    doc = shapes.docx_nested_table(tmp_path / "synthetic-nested.docx")
    assert refused(package_copy, doc) == (
        f"error: {doc}: table row 4 column 13: a table nested inside a cell; move its rows into the "
        "list's table (a nested table cannot be read as list rows)")


def test_summary_disagreeing_with_the_rows_is_refused(package_copy: Path, tmp_path: Path):
    doc = shapes.docx_wrong_summary(tmp_path / "synthetic-wrong-summary.docx")
    assert refused(package_copy, doc) == f"error: {doc}: table 1 row 2 column 3: the summary says 行政强制 3 项, the list has 2"


def test_formula_without_saved_value_is_refused(package_copy: Path, tmp_path: Path):
    doc = shapes.xlsx_formula_without_value(tmp_path / "synthetic-formula.xlsx")
    assert refused(package_copy, doc) == (
        f"error: {doc}: sheet '权责清单' cell I6: formula '=CONCATENATE(\"合成\",\"备注\")' has no saved value; "
        "open the file in Excel or LibreOffice, save it, and ingest again")


def test_table_after_the_list_that_is_not_a_continuation_is_refused(package_copy: Path, tmp_path: Path):
    d = shapes.rendered_docx(shapes.XINGAN)
    extra = d.add_table(rows=1, cols=2)
    extra.cell(0, 0).text, extra.cell(0, 1).text = "签发人", "某某（合成）"
    doc = shapes.save_docx(d, tmp_path / "synthetic-trailing-table.docx", shapes.XINGAN, "a table after the list")
    assert refused(package_copy, doc) == (
        f"error: {doc}: table 2 row 1 column 1: a table after the list holds '签发人': neither a continuation "
        "of the list (the same header, or rows starting with a 序号 in the list's 13 columns) nor empty; "
        "remove it or make it one")


def test_continuation_with_another_header_is_refused(package_copy: Path, tmp_path: Path):
    d = shapes.rendered_docx(shapes.XINGAN)
    shapes.split_tables(d, [[0, 1], [2, 3, 4]], repeat_header=True)
    shapes._set_text(d.tables[1].rows[1].cells[6]._tc, "办理时限")
    doc = shapes.save_docx(d, tmp_path / "synthetic-other-header.docx", shapes.XINGAN, "second header differs")
    line = refused(package_copy, doc)
    assert line.startswith(f"error: {doc}: table 2 row 1 column 1: this table's header (")
    assert line.endswith("a continuation must repeat the same header or none")


# ---- citations: nested book-title marks ---------------------------------------------------

@pytest.mark.parametrize("title", ["广西壮族自治区实施《中华人民共和国保守国家秘密法》办法",
                                   "广西壮族自治区实施〈中华人民共和国保守国家秘密法〉办法"])
def test_nested_book_title_is_parsed_whole(title):
    # Synthetic cell: the article text is a placeholder, not law.
    cell = f"1．【地方性法规】《{title}》第十条：（合成占位文本）。第十一条：（合成占位文本）。"
    provisions = parse_citations(cell, "synthetic")
    assert [(p.law_title, p.article_no, p.text) for p in provisions] == [
        (title, 10, "（合成占位文本）。"), (title, 11, "（合成占位文本）。")]
    assert render_citations([p.__dict__ for p in provisions]) == cell


def test_table_inside_a_content_control_is_read(package_copy: Path, tmp_path: Path, txt_reads):
    """Word wraps a table in a content control (w:sdt); python-docx's document.tables skips it."""
    plain = shapes.docx_split_repeated(tmp_path / "synthetic-split.docx")
    d = docx.Document(str(plain))
    tbl = d.tables[1]._tbl
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    sdt = shapes.parse_xml(f'<w:sdt xmlns:w="{w}"><w:sdtPr/><w:sdtContent/></w:sdt>')
    tbl.addprevious(sdt)
    sdt[1].append(tbl)
    doc = shapes.save_docx(d, tmp_path / "synthetic-sdt.docx", shapes.XINGAN, "the second table in a content control")
    assert len(docx.Document(str(doc)).tables) == 2  # what python-docx alone sees: one table fewer
    report = ingest_document(package_copy, doc)
    assert report.cells_read == report.cells_placed == docx_cells(plain)
    rows_txt, _ = txt_reads[shapes.XINGAN]
    assert list_rows(package_copy, shapes.XINGAN) == rows_txt


def test_text_beside_the_table_under_no_label_is_refused(package_copy: Path, tmp_path: Path):
    wb = shapes.rendered_xlsx(shapes.CATALOG)
    wb.active["J6"] = "旁注（合成）"  # right of 备注 (column I), on 序号 2's row: a column with no label
    doc = shapes.save_xlsx(wb, tmp_path / "synthetic-side-note.xlsx", shapes.CATALOG, "a note beside the table")
    assert refused(package_copy, doc) == (
        f"error: {doc}: cell J6: a column with no header label (found '旁注（合成）' under no label); "
        "give the column a label in the header")


def test_header_of_more_than_three_rows_is_refused(package_copy: Path, tmp_path: Path):
    wb = shapes.rendered_xlsx(shapes.CATALOG)
    ws = wb.active
    ws.insert_rows(5, 2)  # two rows between the header (rows 3-4) and 序号 1: now row 7
    ws["C5"], ws["C6"] = "（合成）", "（合成）"
    doc = shapes.save_xlsx(wb, tmp_path / "synthetic-tall-header.xlsx", shapes.CATALOG, "four header rows")
    assert refused(package_copy, doc) == (
        f"error: {doc}: cell A6: expected 序号 (a number) to start the first data row after a header "
        "of at most 3 rows, found ''")


BAD_TEXT = {"synthetic-catalog-gb18030.txt", "synthetic-catalog-missing-header.txt",
            "synthetic-catalog-row-too-few-cells.txt"}


@pytest.mark.parametrize("path", sorted(p for p in (Path(__file__).resolve().parents[1] / "fixtures").glob("synthetic-*.txt")
                                        if p.name not in BAD_TEXT), ids=lambda p: p.name)
def test_every_text_fixture_has_all_its_cells_counted(path: Path):
    from powerlist.ingest.readers import read_grid

    grid = read_grid(path)
    assert grid.cells_read == grid.cells_placed == txt_cells(path)
