"""What `powerlist ingest` tells a reviewer: which rows kept their ids, which are new, which were removed."""

from __future__ import annotations

from typer.testing import CliRunner

from conftest import FIXTURES
from powerlist.cli import app


def ingest(package, fixture):
    return CliRunner().invoke(app, ["--package", str(package), "ingest", str(FIXTURES / fixture)])


def test_a_removed_item_is_reported_as_removed(package_copy):
    result = ingest(package_copy, "synthetic-removed-item.txt")  # item 5 deleted by hand
    assert result.exit_code == 0, result.output
    assert "updates 450325-baomi" in result.output
    assert "取消 removed: 450325-baomi-005 序号 5 要求互联网及其他公共信息网络运营商、服务商删除涉及泄露国家秘密的信息" in result.output
    assert "items 4," in result.output


def test_an_added_item_gets_the_next_never_used_id(package_copy):
    result = ingest(package_copy, "synthetic-added-item.txt")  # item 6 added by hand
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if "450325-baomi-006" in line)
    assert "│ 6 " in row and "│ new " in row
    assert "items 6," in result.output
