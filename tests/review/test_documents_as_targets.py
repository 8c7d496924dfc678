"""Documents as targets, working copies and reset, on the real package (edits here are SYNTHETIC)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from conftest import CATALOG_TXT, XINGAN_TXT, package_files
from powerlist.cli import app
from powerlist.conform import conform
from powerlist.ingest.run import ingest_document
from powerlist.package import Package, open_target, write_tables
from powerlist.release import reset_working
from powerlist.render import ListView
from powerlist.render_office import render_office
from powerlist.schema import TABLES
from synthetic_docx_adjustment import NEW_NAME, make_adjustment

X = "450325-baomi"
runner = CliRunner()


def tree(root: Path) -> dict[str, str]:
    return {k: hashlib.sha256(v).hexdigest() for k, v in package_files(root).items()}


def test_every_release_option_takes_a_document_read_only(package_copy, tmp_path):
    doc = tmp_path / "兴安县.txt"
    doc.write_text(XINGAN_TXT.read_text(encoding="utf-8").replace("越法定权限", "超越法定权限"), encoding="utf-8")
    before = tree(package_copy)
    show = runner.invoke(app, ["--package", str(package_copy), "show", f"{X}-001", "-r", str(doc), "-f", "json"])
    assert show.exit_code == 0, show.output
    cases = json.loads(show.output)["accountability"]
    assert cases[0]["text"].startswith("无法定依据或者超越法定权限")  # the document's wording, not working's
    for args in (["lists", "-r", str(doc)], ["conform", X, "-r", str(doc)], ["validate", str(doc)],
                 ["diff", str(doc), "working"]):
        res = runner.invoke(app, ["--package", str(package_copy), *args])
        assert res.exit_code in (0, 1), (args, res.output)
    assert tree(package_copy) == before


def test_a_document_on_top_of_a_release_keeps_the_item_ids(package_copy):
    pkg = open_target(package_copy, str(XINGAN_TXT), "2022")
    assert pkg.document.report.list_id == X and pkg.document.report.how == "same title"
    assert [m.item_id for m in pkg.document.report.matches] == [f"{X}-00{n}" for n in range(1, 6)]


def test_ingest_does_not_link_a_copied_item_to_an_implemented_catalog_item_by_similarity(package_copy, tmp_path):
    # SYNTHETIC (synthetic_docx_adjustment.py): item 1 copied as item 6 under a name similar to catalog item 1's.
    rendered = tmp_path / "2022.docx"
    render_office(ListView(open_target(package_copy, "2022"), X), "docx", rendered)
    doc = make_adjustment(rendered, tmp_path / "synthetic-adjustment.docx")
    report = ingest_document(package_copy, doc, X)
    items = {i["seq"]: i for i in Package(package_copy, "working").read_table("items") if i["list_id"] == X}
    assert items[6]["name"] == NEW_NAME
    assert items[6]["catalog_item_id"] is None and items[1]["catalog_item_id"] == "catalog-baomi-001"
    assert any("序号 6" in n and "not linked to catalog item 1" in n for n in report.notes)


def test_conform_reports_an_item_linked_to_a_catalog_item_another_item_implements(package_copy):
    # SYNTHETIC: item 2 relinked by hand to catalog item 1, which item 1 implements.
    pkg = Package(package_copy, "working")
    tables = {name: pkg.read_table(name) for name in TABLES}
    for i in tables["items"]:
        if i["item_id"] == f"{X}-002":
            i["catalog_item_id"] = "catalog-baomi-001"
    write_tables(package_copy, tables)
    report = conform(pkg, X)
    shared = [f for f in report.findings if f.kind == "shared_catalog_item"]
    assert [(f.seq, f.catalog_seq, f.label) for f in shared] == [(2, 1, "重复对应目录事项")]
    assert shared[0].list_text == "目录第 1 项已由序号 1《对非法获取、持有国家秘密载体的行政强制》实施"


def test_reset_returns_the_working_state_to_the_latest_release(package_copy, tmp_path):
    before = tree(package_copy)
    doc = tmp_path / "synthetic-兴安县.txt"
    doc.write_text(XINGAN_TXT.read_text(encoding="utf-8").replace("越法定权限", "超越法定权限"), encoding="utf-8")
    ingest_document(package_copy, doc)
    ingest_document(package_copy, CATALOG_TXT)
    assert tree(package_copy) != before
    res = runner.invoke(app, ["--package", str(package_copy), "reset"])
    assert res.exit_code == 0, res.output
    assert "working state reset to release 2022" in res.output
    assert "removed working copy sources/working/synthetic-兴安县.txt" in res.output
    assert tree(package_copy) == before


def test_reset_without_a_release_is_one_line(tmp_path):
    root = tmp_path / "pkg"
    root.mkdir()
    for name in ("datapackage.json",):
        shutil.copyfile(Path(XINGAN_TXT).parents[2] / name, root / name)
    shutil.copytree(Path(XINGAN_TXT).parents[2] / "tables", root / "tables")
    shutil.copytree(Path(XINGAN_TXT).parents[2] / "schemas", root / "schemas")
    res = runner.invoke(app, ["--package", str(root), "reset"])
    assert res.exit_code == 2 and "no release in" in res.output
    _ = reset_working


def _terminal(monkeypatch, **kw):
    import io
    import sys

    from rich.console import Console

    # powerlist.cli's attribute `app` (the Typer app) shadows its module of the same name.
    app_module, diff_module = sys.modules["powerlist.cli.app"], sys.modules["powerlist.cli.diff"]
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=200, **kw)
    monkeypatch.setattr(app_module, "out", console)
    monkeypatch.setattr(diff_module, "out", console)
    return buf


def test_a_terminal_without_colour_keeps_the_markers(package_copy, monkeypatch, tmp_path):
    doc = tmp_path / "synthetic-兴安县.txt"
    doc.write_text(XINGAN_TXT.read_text(encoding="utf-8").replace("越法定权限", "超越法定权限"), encoding="utf-8")
    for kw in ({"color_system": None}, {"no_color": True}):  # TERM=dumb gives no colour system; NO_COLOR no_color
        buf = _terminal(monkeypatch, **kw)
        res = runner.invoke(app, ["--package", str(package_copy), "diff", "2022", str(doc)])
        assert res.exit_code == 0, res.output
        assert "{+超+}" in res.output + buf.getvalue(), kw
    buf = _terminal(monkeypatch, color_system="truecolor")
    res = runner.invoke(app, ["--package", str(package_copy), "diff", "2022", str(doc)])
    assert "{+" not in res.output + buf.getvalue() and "超" in buf.getvalue()


def test_pdf_without_libreoffice_is_one_line(package_copy, monkeypatch, tmp_path):
    import powerlist.review.pdf as pdf

    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    res = runner.invoke(app, ["--package", str(package_copy), "review", str(XINGAN_TXT), "-o", str(tmp_path / "r.pdf")])
    assert res.exit_code == 2 and not (tmp_path / "r.pdf").exists()
    assert res.output.strip().splitlines() == [
        "error: cannot write PDF: LibreOffice (soffice) is not installed; write the .docx (-o REPORT.docx) "
        "and convert it, or install libreoffice"]
