"""The inspection commands a new user runs first: lists, show, validate."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from conftest import ROOT
from powerlist.cli import app

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, ["--package", str(ROOT), *args])


def test_lists_shows_both_2022_lists_with_jurisdiction_doc_no_date_and_count():
    result = invoke("lists", "--release", "2022")
    assert result.exit_code == 0
    xa = next(l for l in result.output.splitlines() if "450325-baomi" in l)
    for expected in ("jurisdiction", "桂林市 兴安县 450325", "兴保发〔2022〕1号", "2022-07-18", "│ 5 "):
        assert expected in xa
    cat = next(l for l in result.output.splitlines() if "catalog-baomi" in l)
    assert "桂编办发〔2022〕2号 (inferred)" in cat and "│ 6 " in cat


def test_show_prints_an_item_with_all_its_parts():
    result = invoke("show", "450325-baomi-004")
    assert result.exit_code == 0
    out = result.output
    assert "对泄密案件的调查处理" in out and "行政检查" in out
    for heading in ("设定/实施依据", "责任事项依据", "追责依据", "责任事项", "追责情形", "免责事项"):
        assert heading in out
    assert "6. 结案责任：对符合结案条件的泄密案件进行结案处理。" in out
    assert "[同1．]" in out


def test_show_json_nests_children():
    result = invoke("show", "catalog-baomi-006", "--format", "json")
    record = json.loads(result.output)
    assert record["levels_printed"] == "设区市级"
    assert len(record["steps"]) == 7 and record["accountability"] == [] and len(record["bases"]) == 11


def test_show_unknown_item_and_unknown_release_fail_in_one_line():
    for args in (("show", "450325-baomi-999"), ("lists", "--release", "1999")):
        result = invoke(*args)
        assert result.exit_code == 2
        assert len(result.output.strip().splitlines()) == 1 and result.output.startswith("error: ")


def test_validate_reports_every_package_valid():
    result = invoke("validate")
    assert result.exit_code == 0
    rows = [l.split("│")[1:3] for l in result.output.splitlines() if "│ valid" in l]
    assert sorted((a.strip(), b.strip()) for a, b in rows) == [("2022", "valid"), ("working", "valid")]


def test_history_and_conform_speak_json_through_the_same_format_option():
    history = json.loads(invoke("history", "450325-baomi-001", "--format", "json").output)
    assert [v["target"] for v in history["versions"]] == ["2022", "working"]
    conform = json.loads(invoke("conform", "450325-baomi", "-f", "json").output)
    assert (conform["list_id"], conform["catalog_list_id"]) == ("450325-baomi", "catalog-baomi")
