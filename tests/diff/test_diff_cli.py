"""`powerlist diff` and `powerlist history` from the command line."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import FIXTURES, ROOT, snapshot
from powerlist.cli import app
from powerlist.diff.history import item_history
from powerlist.errors import PowerlistError
from powerlist.ingest.run import ingest_document

X = "450325-baomi"
runner = CliRunner()


def invoke(package, *args):
    return runner.invoke(app, ["--package", str(package), *args])


@pytest.fixture
def typo_package(package_copy):
    ingest_document(package_copy, FIXTURES / "synthetic-typo-fix.txt", list_id=X)
    return package_copy


def test_exit_code_is_1_with_substantive_changes_and_0_without(typo_package):
    assert invoke(typo_package, "diff", "2022", "working", "--exit-code").exit_code == 1
    assert invoke(typo_package, "diff", "2022", "2022", "--exit-code").exit_code == 0
    assert invoke(typo_package, "diff", "2022", "working").exit_code == 0  # only with --exit-code


def test_unchanged_repository_diff_exits_0_with_exit_code():
    result = invoke(ROOT, "diff", "2022", "working", "--exit-code", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["changes"] == []


def test_unknown_release_is_one_line_and_exit_2(package_copy):
    before = snapshot(package_copy)
    result = invoke(package_copy, "diff", "2019", "working")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: unknown release '2019'")
    assert snapshot(package_copy) == before


def test_xlsx_needs_an_output_file(typo_package):
    result = invoke(typo_package, "diff", "2022", "working", "--format", "xlsx")
    assert result.exit_code == 2 and "--output" in result.stderr


def test_output_file_is_written_and_parses(typo_package, tmp_path):
    target = tmp_path / "out" / "调整对照表.xlsx"
    result = invoke(typo_package, "diff", "2022", "working", "--format", "xlsx", "-o", str(target))
    assert result.exit_code == 0, result.output
    ws = load_workbook(target).active
    assert "追责情形变更" in [c.value for c in ws["C"]]
    assert [p.name for p in target.parent.iterdir()] == ["调整对照表.xlsx"]  # no temporary file left


def test_failed_diff_leaves_an_existing_output_file_alone(package_copy, tmp_path):
    target = tmp_path / "report.html"
    target.write_text("previous report", encoding="utf-8")
    result = invoke(package_copy, "diff", "2019", "working", "--format", "html", "-o", str(target))
    assert result.exit_code == 2
    assert target.read_text(encoding="utf-8") == "previous report"


def test_text_report_on_stdout(typo_package):
    result = invoke(typo_package, "diff", "2022", "working")
    assert "无法定依据或者{+超+}越法定权限" in result.stdout


def test_unknown_format_is_refused(package_copy):
    result = invoke(package_copy, "diff", "2022", "working", "--format", "pdf")
    assert result.exit_code == 2 and "unknown format 'pdf'" in result.stderr


def test_history_lists_each_release_then_working_with_the_step_changes(package_copy):
    ingest_document(package_copy, FIXTURES / "synthetic-renamed-renumbered.txt", list_id=X)
    h = item_history(package_copy, f"{X}-004")
    assert [v["target"] for v in h["versions"]] == ["2022", "working"]
    first, second = h["versions"]
    assert (first["seq"], first["name"], first["changes"]) == (4, "对泄密案件的调查处理", None)
    assert (second["seq"], second["name"]) == (5, "对泄密案件的调查和处理")
    assert [(c["change"], c["old"], c["new"]) for c in second["changes"]] == \
        [("renamed", "对泄密案件的调查处理", "对泄密案件的调查和处理")]


def test_history_of_an_item_added_in_working(package_copy):
    ingest_document(package_copy, FIXTURES / "synthetic-added-item.txt", list_id=X)
    h = item_history(package_copy, f"{X}-006")
    assert [v["present"] for v in h["versions"]] == [False, True]
    assert {c["table"] for c in h["versions"][1]["changes"]} == {"items", "steps", "accountability", "exemptions", "bases"}


def test_history_command_prints_versions(package_copy):
    ingest_document(package_copy, FIXTURES / "synthetic-typo-fix.txt", list_id=X)
    result = invoke(package_copy, "history", f"{X}-001")
    assert result.exit_code == 0
    assert "2022（2022-07-18）  序号1  对非法获取、持有国家秘密载体的行政强制" in result.stdout
    assert "追责情形变更" in result.stdout and "{+超+}" in result.stdout


def test_history_of_unknown_item_is_an_error(package_copy):
    with pytest.raises(PowerlistError, match="unknown item 'nope-001'"):
        item_history(package_copy, "nope-001")
    assert invoke(package_copy, "history", "nope-001").exit_code == 2


def test_piped_json_diff_streams_the_report_and_no_progress_bar(typo_package):
    result = invoke(typo_package, "diff", "2022", "working", "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == ""  # the bar is for terminals only
    assert json.loads(result.stdout)["summary"]["accountability"]["modified"] == 1


def test_diff_reports_each_step_to_a_progress_callback(typo_package):
    from powerlist.diff import open_diff
    steps = []
    with open_diff(typo_package, "2022", "working", progress=lambda *a: steps.append(a)) as report:
        tables = report.tables_compared
    assert steps[0] == ("reading 2022 and working", 0, 0)  # a whole diff reads both sides in one pass
    # The child tables come last (the others are compared while they are still being read).
    children = ["bases", "steps", "accountability", "exemptions"]
    order = [t for t in tables if t not in children] + children
    assert steps[1:-1] == [(f"comparing {t}", i, len(tables)) for i, t in enumerate(order)]
    assert steps[-1] == ("comparing done", len(tables), len(tables))  # ends the bar
    assert tables[:6] == ["lists", "items", "bases", "steps", "accountability", "exemptions"]
