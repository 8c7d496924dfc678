"""Rendering each 2022 list reproduces its source document's table, cell for cell (whitespace aside)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from conftest import CATALOG_TXT, ROOT, XINGAN_TXT
from powerlist.cli import app
from powerlist.document.cells import normalize_paragraphs
from powerlist.ingest.grid import split_cells


def cells_of(text: str) -> list[str]:
    _, cells = split_cells(text)
    return [normalize_paragraphs(c.text) for c in cells]


@pytest.mark.parametrize("list_id, source", [("catalog-baomi", CATALOG_TXT), ("450325-baomi", XINGAN_TXT)])
@pytest.mark.parametrize("release", ["2022", "working"])
def test_render_reproduces_the_source_table(list_id, source, release):
    result = CliRunner().invoke(app, ["--package", str(ROOT), "render", list_id, "--release", release])
    assert result.exit_code == 0, result.output
    rendered = cells_of(result.output)
    original = cells_of(source.read_text(encoding="utf-8"))
    # The sources' last row lacks its trailing empty 备注 cell; render prints it.
    assert rendered[-1] == "" and rendered[:-1] == original
    assert result.output.splitlines()[0] == source.read_text(encoding="utf-8").split("\n")[
        {"catalog-baomi": 0, "450325-baomi": 19}[list_id]].strip()


def test_render_unknown_list_is_one_line_error():
    result = CliRunner().invoke(app, ["--package", str(ROOT), "render", "nope"])
    assert result.exit_code != 0
    assert "unknown list 'nope'" in result.output and len(result.output.strip().splitlines()) == 1
