"""A damaged compiled file in .powerlist-cache (written over, cut short to nothing) is only a
cache: sql, diff and history build it again and answer as before, never a traceback.

The damage is SYNTHETIC: every DuckDB file of the cache replaced by a few bytes of text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from powerlist.cli import app

COMMANDS = [
    ("sql", "select release, count(*) as n from all_items group by release order by release", "--format", "csv"),
    ("diff", "2022", "working", "--format", "json"),
    ("history", "450325-baomi-001", "--format", "json"),
]


def run(root: Path, *args: str):
    res = CliRunner().invoke(app, ["-p", str(root), *args])
    assert res.exit_code == 0, res.output
    return res.stdout


@pytest.mark.parametrize("damage", [b"SYNTHETIC: not a DuckDB file\n", b""])
def test_commands_rebuild_a_damaged_compiled_file(package_copy: Path, damage: bytes):
    first = [run(package_copy, *c) for c in COMMANDS]
    cached = sorted((package_copy / ".powerlist-cache").glob("*.duckdb"))
    assert any(p.name.startswith("pkg-") for p in cached)
    for p in cached:
        p.write_bytes(damage)
    for c in COMMANDS:
        for p in (package_copy / ".powerlist-cache").glob("diff-*.jsonl"):
            p.unlink()  # the diff computed again, from the compiled files
        assert run(package_copy, *c) == first[COMMANDS.index(c)]


def test_a_compiled_file_cut_short_is_built_again(package_copy: Path):
    first = run(package_copy, *COMMANDS[0])
    for p in (package_copy / ".powerlist-cache").glob("*.duckdb"):
        with open(p, "r+b") as fh:
            fh.truncate(p.stat().st_size - 1000)   # SYNTHETIC: the end of the file lost
    assert run(package_copy, *COMMANDS[0]) == first


def _empty_items(root: Path) -> None:
    """Every compiled file's items table emptied: what a powerlist that compiled differently
    (SYNTHETIC: an older reader dropping the rows) would have left in the cache."""
    import duckdb

    for p in (root / ".powerlist-cache").glob("pkg-*.duckdb"):
        con = duckdb.connect(str(p))
        con.execute("DELETE FROM main.items")
        con.close()


def test_a_compiled_file_made_by_other_code_is_not_read(package_copy: Path, monkeypatch):
    from powerlist import codeversion

    query = ("sql", "select release, count(*) as n from all_items group by release order by release", "--format", "csv")
    assert run(package_copy, *query).split() == ["release,n", "2022,11", "working,11"]  # the 11 items of both documents
    _empty_items(package_copy)
    # The same code trusts its own cache (so the emptied file is what it reads: the test's lever works)...
    assert run(package_copy, *query).split() == ["release,n"]
    # ...another powerlist's code (its own bytes are part of every cache key) compiles afresh.
    monkeypatch.setattr(codeversion, "_digest", "SYNTHETIC: the digest of other code")
    assert run(package_copy, *query).split() == ["release,n", "2022,11", "working,11"]


def test_validation_findings_of_other_code_are_not_read(package_copy: Path, monkeypatch):
    from powerlist import codeversion, validate_cache

    keys = validate_cache.context_key(["items", "schema"])
    monkeypatch.setattr(codeversion, "_digest", "SYNTHETIC: the digest of other code")
    assert validate_cache.context_key(["items", "schema"]) != keys
