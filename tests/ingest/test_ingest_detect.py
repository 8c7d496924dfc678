"""Which list a document updates: title, then jurisdiction (title, issuer, 实施主体); --list overrides.

Every document here is a synthetic edit of the real Xing'an text, written to tmp_path.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from conftest import XINGAN_TXT
from powerlist.cli import app
from powerlist.ingest.run import ingest_document
from powerlist.package import Package

TITLE = "中共兴安县委办公室（兴安县国家保密局）权责清单"


def synthetic(tmp_path: Path, name: str, edit) -> Path:
    text = XINGAN_TXT.read_text(encoding="utf-8")
    preamble, table = text.split("\t序号", 1)
    doc = tmp_path / name
    doc.write_text(edit(preamble, table), encoding="utf-8")
    return doc


def test_a_list_for_another_county_becomes_a_new_list_with_a_message(package_copy: Path, tmp_path: Path):
    doc = synthetic(tmp_path, "synthetic-lingchuan.txt",
                    lambda pre, tab: (pre + "\t序号" + tab).replace("兴安县", "灵川县"))
    res = CliRunner().invoke(app, ["-p", str(package_copy), "ingest", str(doc)])
    assert res.exit_code == 0, res.output
    assert "new list 450323-baomi (jurisdiction, new jurisdiction)" in res.stdout
    assert "新清单 new list 450323-baomi: no existing list has this title or this jurisdiction" in res.stdout
    lists = {l["list_id"]: l for l in Package(package_copy, "working").read_table("lists")}
    assert lists["450323-baomi"]["county_code"] == "450323"
    assert lists["450323-baomi"]["catalog_list_id"] == "catalog-baomi"
    assert "450325-baomi" in lists  # the Xing'an list is left as it was


def test_county_named_only_by_the_issuer(package_copy: Path, tmp_path: Path):
    doc = synthetic(tmp_path, "synthetic-retitled.txt",
                    lambda pre, tab: pre.replace(f"\n{TITLE}\n", "\n保密工作权责清单\n") + "\t序号" + tab)
    report = ingest_document(package_copy, doc)
    assert (report.list_id, report.new_list, report.how) == ("450325-baomi", False, "same jurisdiction and field of work")
    assert "jurisdiction: 桂林市兴安县 450325 (named in the issuer)" in report.notes


def test_county_named_only_by_the_implementing_body(package_copy: Path, tmp_path: Path):
    doc = synthetic(tmp_path, "synthetic-no-county-in-notice.txt",
                    lambda pre, tab: pre.replace("兴安县", "本县") + "\t序号" + tab)
    report = ingest_document(package_copy, doc)
    assert (report.list_id, report.new_list) == ("450325-baomi", False)
    assert "jurisdiction: 桂林市兴安县 450325 (named in the 实施主体)" in report.notes
    assert [m.rule for m in report.matches] == ["name"] * 5


def test_list_option_overrides_detection(package_copy: Path):
    report = ingest_document(package_copy, XINGAN_TXT, "450325-baomi-copy")
    assert (report.list_id, report.new_list, report.how) == ("450325-baomi-copy", True, "--list")
    ids = [i["item_id"] for i in Package(package_copy, "working").read_table("items") if i["list_id"] == "450325-baomi-copy"]
    assert ids == [f"450325-baomi-copy-00{n}" for n in range(1, 6)]


def test_list_option_must_be_an_id(package_copy: Path):
    res = CliRunner().invoke(app, ["-p", str(package_copy), "ingest", str(XINGAN_TXT), "--list", "兴安 list"])
    assert (res.exit_code, res.stderr.strip()) == (
        2, "error: invalid list id (--list) '兴安 list': 1 to 64 ASCII letters, digits, '.', '_' or '-', "
        "starting with a letter or digit")
