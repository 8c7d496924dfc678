"""Every format ingest reads besides .txt/.docx/.xlsx gives the rows of the real 2022 lists.

Fixtures (tests/fixtures/make_formats.py, SYNTHETIC conversions of the 2022 lists) are built
once per session. The expected rows are those of release 2022's tables and of the .txt sources
— never of the code under test. LibreOffice-dependent tests skip where soffice is missing, but
fail in CI (the CI environment variable set), where .ci/run installs LibreOffice.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import CATALOG_TXT, ROOT, XINGAN_TXT, list_rows, snapshot
from powerlist.cli import app
from powerlist.diff.report import diff_packages
from powerlist.errors import PowerlistError
from powerlist.ingest import convert
from powerlist.document.cells import normalize_paragraphs
from powerlist.ingest.listmeta import read_meta
from powerlist.ingest.parse import parse_grid
from powerlist.ingest.radicals import EQUIVALENT_IDEOGRAPH, unify_radicals
from powerlist.ingest.readers import read_grid
from powerlist.ingest.run import ingest_document
from powerlist.package import Package, open_target
from powerlist.render import ListView


TXT = {"catalog-baomi": CATALOG_TXT, "450325-baomi": XINGAN_TXT}
CONVERTED = ["doc", "wps", "odt", "xls", "et", "ods"]
FORMATS = CONVERTED + ["pdf", "no-lines.pdf", "html"]
SOURCE_FIELDS = {"source_file", "source_sha256"}


def need_soffice() -> None:
    if shutil.which("soffice") is None:
        if os.environ.get("CI"):
            pytest.fail("soffice (LibreOffice) is missing in CI: .ci/run installs libreoffice-writer-nogui/-calc-nogui")
        pytest.skip("soffice (LibreOffice) is not installed")


@pytest.fixture(scope="session")
def formats(tmp_path_factory) -> Path:
    need_soffice()
    from fixtures.make_formats import build

    out = tmp_path_factory.mktemp("formats")
    build(out)
    return out


def cells(grid) -> list[list[str]]:
    return [[normalize_paragraphs(c.text) for c in row] for row in grid.rows]


def without_source(diff: dict) -> dict:
    """A diff without its provenance (which document each side was read from differs by design;
    older diffs reported it as lists.source_file/source_sha256 changes, left out too)."""
    changes = [c for c in diff["changes"] if not (c["table"] == "lists" and c.get("field") in SOURCE_FIELDS)]
    return {k: v for k, v in diff.items() if k not in ("changes", "summary", "substantive", "provenance")} | {"changes": changes}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("list_id", sorted(TXT))
def test_every_format_ingests_to_the_rows_of_the_2022_list(package_copy: Path, formats: Path, list_id, fmt):
    doc = formats / f"{list_id}.{fmt}"
    text = read_grid(TXT[list_id])
    grid = read_grid(doc)
    assert grid.layout == text.layout
    assert cells(grid) == cells(text)
    assert read_meta(grid.preamble, grid.layout.kind) == read_meta(text.preamble, text.layout.kind)

    # tables/ hold the 2022 lists as the ingester read them from the .txt sources (release 2022
    # itself predates the bases.law_id column, so the working tables are the comparison).
    from_txt = list_rows(package_copy, list_id)
    report = ingest_document(package_copy, doc)
    assert (report.list_id, report.new_list, report.removed) == (list_id, False, [])
    assert list_rows(package_copy, list_id) == from_txt
    lists = {l["list_id"]: l for l in Package(package_copy, "working").read_table("lists")}
    assert lists[list_id]["source_file"] == f"sources/working/{list_id}.{fmt}"
    # The diff against release 2022 is that of the same content read from the .txt: nothing
    # but where the document came from.
    from_format = without_source(diff_packages(package_copy, "2022", "working"))
    ingest_document(package_copy, TXT[list_id])
    assert without_source(diff_packages(package_copy, "2022", "working")) == from_format
    assert from_format["changes"] == []


@pytest.mark.parametrize("fmt", ["pdf", "html", "odt"])
def test_an_edited_list_diffs_the_same_from_any_format_as_from_its_txt(tmp_path: Path, fmt):
    """The synthetic 2023 Xing'an document (doc no, date, a reworded step, markup cells) as .txt,
    and the same list rendered to .docx/.xlsx and converted: the diffs against 2022 agree."""
    from conftest import FIXTURES, copy_package
    from fixtures.make_formats import html_page, soffice

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, b = copy_package(tmp_path / "a"), copy_package(tmp_path / "b")
    ingest_document(a, FIXTURES / "synthetic-xingan-baomi-2023.txt", "450325-baomi")
    expected = without_source(diff_packages(a, "2022", "working"))
    assert any(c["table"] == "steps" for c in expected["changes"])  # the reworded step

    view = ListView(Package(a, "working"), "450325-baomi")
    doc = tmp_path / f"兴安县2023.{fmt}"
    if fmt == "html":
        doc.write_bytes(html_page(view).encode("gbk"))
    else:
        need_soffice()
        from powerlist.render_office import render_office

        render_office(view, "docx", tmp_path / "兴安县2023.docx")
        soffice([tmp_path / "兴安县2023.docx"], fmt, tmp_path)
    ingest_document(b, doc, "450325-baomi")
    assert without_source(diff_packages(b, "2022", "working")) == expected


def test_pdf_text_layer_with_radicals_reads_like_its_word_original(formats: Path):
    radicals = (formats / "xingan-radicals.pdf").read_bytes()
    assert radicals  # made from a .docx where 自/民/门 are ⾃/⺠/⻔ (see make_formats.py)
    assert cells(read_grid(formats / "xingan-radicals.pdf")) == cells(read_grid(XINGAN_TXT))


def test_radical_table_maps_the_issues_examples_and_leaves_other_text_alone():
    assert unify_radicals("⾃治区⼈⺠政府办公⻔户") == "自治区人民政府办公门户"
    assert unify_radicals("《中华人民共和国保守国家秘密法》第四十五条") == "《中华人民共和国保守国家秘密法》第四十五条"
    # Unicode's Kangxi block (U+2F00–U+2FD5) maps whole, as NFKC would; the supplement's
    # ⺠ ⻔ are what NFKC misses.
    assert all(0x2F00 + i in EQUIVALENT_IDEOGRAPH for i in range(214))
    assert EQUIVALENT_IDEOGRAPH[0x2EA0] == ord("民") and EQUIVALENT_IDEOGRAPH[0x2ED4] == ord("门")
    assert all(0x4E00 <= v <= 0x9FFF or 0x3400 <= v <= 0x4DBF or v >= 0x20000 for v in EQUIVALENT_IDEOGRAPH.values())


def test_pdf_rows_cut_by_page_breaks_are_joined(formats: Path):
    import pdfplumber

    with pdfplumber.open(formats / "450325-baomi.pdf") as pdf:
        pages = len(pdf.pages)
        headers = sum(1 for p in pdf.pages if "责任清单" in (p.extract_text() or ""))  # a header-only label
    assert pages > 3 and headers == pages  # five items over several pages, the header on each
    grid = read_grid(formats / "450325-baomi.pdf")
    assert [row[0].text for row in grid.rows] == ["1", "2", "3", "4", "5"]
    assert grid.rows[0][0].at == "page 1 row 3 column 1"


def test_html_page_encodings(tmp_path: Path):
    """The page of the fixture script in UTF-8 (declared), GBK declared gb2312, and undeclared UTF-8."""
    from fixtures.make_formats import html_page

    view = ListView(open_target(ROOT, "2022"), "450325-baomi")
    page = html_page(view)
    want = cells(read_grid(XINGAN_TXT))
    variants = {
        "gbk.html": page.encode("gbk"),
        "utf8.htm": page.replace("charset=gb2312", "charset=utf-8").encode("utf-8"),
        "bare.html": page.replace('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', "").encode("utf-8"),
    }
    for name, data in variants.items():
        (tmp_path / name).write_bytes(data)
        assert cells(read_grid(tmp_path / name)) == want, name
    (tmp_path / "wrong.html").write_bytes(page.replace("charset=gb2312", "charset=utf-8").encode("gbk"))
    with pytest.raises(PowerlistError, match=r"wrong.html: line \d+: not valid utf-8"):
        read_grid(tmp_path / "wrong.html")


def test_html_rowspan_gives_its_value_to_each_row_it_spans(tmp_path: Path):
    from fixtures.make_formats import html_page

    page = html_page(ListView(open_target(ROOT, "2022"), "450325-baomi"))
    # Synthetic edit: 序号 1's 备注 spans down over 序号 2's row, whose own 备注 <td> goes.
    rows = page.split("<tr>")
    first = rows.index(next(r for r in rows if r.startswith("<td>1</td>")))
    rows[first] = rows[first][: rows[first].rindex("<td>")] + '<td rowspan="2">合并备注（synthetic）</td></tr>\n'
    rows[first + 1] = rows[first + 1][: rows[first + 1].rindex("<td>")] + "</tr>\n"
    (tmp_path / "merged.html").write_text("<tr>".join(rows), encoding="gbk")
    grid = read_grid(tmp_path / "merged.html")
    # As for a Word cell merged down (the shared reading in tabular.py): each row gets the value.
    assert [r[12].text for r in grid.rows[:2]] == ["合并备注（synthetic）", "合并备注（synthetic）"]
    assert grid.rows[1][12].at == "table row 4 column 13"
    assert grid.cells_read == read_grid(XINGAN_TXT).cells_read + 1  # the one cell, counted once


REFUSALS = {
    "xingan-scan.pdf": "the PDF has no text layer (a scan: every page is an image); run OCR on it first, "
                       "e.g. `ocrmypdf -l chi_sim in.pdf out.pdf`, check the text, and ingest the result",
    "xingan-locked.pdf": "the PDF is password-protected; open it with its password, save a copy without one, "
                         "and ingest that copy",
    "xingan-locked.docx": "the document is password-protected; open it with its password, save a copy "
                          "without one, and ingest that copy",
    "xingan-locked.xlsx": "the workbook is password-protected; open it with its password, save a copy "
                          "without one, and ingest that copy",
}


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_refused_documents_say_why_in_one_line_and_write_nothing(package_copy: Path, formats: Path, name):
    before = snapshot(package_copy)
    res = CliRunner().invoke(app, ["-p", str(package_copy), "ingest", str(formats / name)])
    assert res.exit_code == 2
    assert res.output == f"error: {formats / name}: {REFUSALS[name]}\n"
    assert snapshot(package_copy) == before


def test_missing_libreoffice_names_the_debian_package(package_copy: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(convert, "soffice", lambda: None)
    before = snapshot(package_copy)
    starts = {".doc": convert.OLE_MAGIC, ".ods": b"PK\x03\x04"}  # how the files begin; never opened further
    for suffix, package in ((".doc", "libreoffice-writer-nogui"), (".ods", "libreoffice-calc-nogui")):
        doc = tmp_path / f"清单{suffix}"
        doc.write_bytes(starts[suffix] + b"synthetic")
        res = CliRunner().invoke(app, ["-p", str(package_copy), "ingest", str(doc)])
        assert res.exit_code == 2
        assert res.output == (f"error: {doc}: reading {suffix} needs LibreOffice, which is not installed; "
                              f"install it with `apt-get install {package}` (or convert the file to "
                              f".{'docx' if suffix == '.doc' else 'xlsx'} yourself)\n")
    assert snapshot(package_copy) == before


def test_conversion_time_limit_ends_libreoffice_with_one_line(package_copy: Path, formats: Path, monkeypatch):
    monkeypatch.setenv(convert.TIMEOUT_ENV, "0.05")
    before = snapshot(package_copy)
    doc = formats / "450325-baomi.odt"
    res = CliRunner().invoke(app, ["-p", str(package_copy), "ingest", str(doc)])
    assert res.exit_code == 2
    assert res.output == (f"error: {doc}: LibreOffice did not convert the file to .docx within 0.05 s "
                          f"(set {convert.TIMEOUT_ENV} to allow longer); the file may be damaged or ask for a password\n")
    assert snapshot(package_copy) == before
    monkeypatch.setenv(convert.TIMEOUT_ENV, "soon")
    with pytest.raises(PowerlistError, match=r"POWERLIST_SOFFICE_TIMEOUT='soon': expected a number of seconds"):
        read_grid(doc)


def test_a_file_that_is_not_what_its_ending_says_is_refused(package_copy: Path, tmp_path: Path):
    doc = tmp_path / "清单.xls"
    doc.write_text("synthetic: a text file named .xls\n", encoding="utf-8")
    before = snapshot(package_copy)
    res = CliRunner().invoke(app, ["-p", str(package_copy), "ingest", str(doc)])
    assert res.exit_code == 2
    assert res.output == (f"error: {doc}: not a .xls file: it does not begin like an Office (OLE compound) file; "
                          "the file may be damaged or have the wrong ending\n")
    assert snapshot(package_copy) == before


def test_pdf_error_names_the_page(formats: Path, tmp_path: Path):
    """A PDF whose 权力分类 is unknown: the error names the printed page, row and column."""
    from docx import Document

    from fixtures.make_formats import soffice

    d = Document(str(formats / "450325-baomi.docx"))
    d.tables[0].cell(4, 1).paragraphs[0].runs[0].text = "行政命令"  # 序号 3's 权力分类 (synthetic edit)
    d.save(str(tmp_path / "edited.docx"))
    d = Document(str(formats / "450325-baomi.docx"))
    d.add_paragraph("注：synthetic text after the table, as a second list's rows could stand")
    d.save(str(tmp_path / "after.docx"))
    soffice([tmp_path / "edited.docx", tmp_path / "after.docx"], "pdf", tmp_path)
    with pytest.raises(PowerlistError) as err:
        parse_grid(read_grid(tmp_path / "edited.pdf"))
    assert str(err.value).startswith(f"{tmp_path / 'edited.pdf'}: page ")
    assert "column 2 (权力分类): unknown 权力分类 '行政命令'" in str(err.value)
    with pytest.raises(PowerlistError) as err:
        read_grid(tmp_path / "after.pdf")
    assert str(err.value).startswith(f"{tmp_path / 'after.pdf'}: page ")
    assert str(err.value).endswith(": text outside the list's table '注：synthetic text after the tab'; "
                                   "expected only the table (and page numbers) after the title")


def test_an_old_binary_file_named_docx_is_told_to_be_renamed(formats: Path, tmp_path: Path):
    shutil.copyfile(formats / "450325-baomi.doc", tmp_path / "清单.docx")
    with pytest.raises(PowerlistError, match=r"is an old binary Office file \(.doc/.xls\) named .docx; rename it to .doc"):
        read_grid(tmp_path / "清单.docx")
