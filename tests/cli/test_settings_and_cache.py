"""Paths the rest of the suite never walks: cache-clear, validate --engine, the POWERLIST_* overrides."""

from __future__ import annotations

import duckdb
from typer.testing import CliRunner

from powerlist.cli import app
from powerlist.compiled import MEMORY_LIMIT, configure, duckdb_settings

runner = CliRunner()


def invoke(pkg, *args):
    return runner.invoke(app, ["--package", str(pkg), *args])


def test_cache_clear_removes_the_compiled_files_and_saved_diffs_and_says_how_many(package_copy):
    assert invoke(package_copy, "diff", "2022", "working").exit_code == 0
    assert invoke(package_copy, "sql", "SELECT count(*) FROM items").exit_code == 0
    cache = package_copy / ".powerlist-cache"
    compiled, reports = list(cache.glob("pkg-*.duckdb")), list(cache.glob("diff-*.jsonl"))
    assert compiled and len(reports) == 1  # sql compiled the working state; the whole diff saved its report
    cached = [*cache.glob("*.duckdb"), *reports]  # sql's own sql-*.duckdb too
    res = invoke(package_copy, "cache-clear")
    assert res.exit_code == 0
    assert f"removed {len(cached)} cached file(s) (compiled packages, saved diffs)" in res.output
    assert not cache.exists()
    assert "removed 0 cached file(s)" in invoke(package_copy, "cache-clear").output


def test_validate_with_the_reference_engine_and_an_unknown_one(package_copy):
    res = invoke(package_copy, "validate", "working", "--engine", "frictionless")
    assert res.exit_code == 0, res.output
    assert "valid" in res.output and "INVALID" not in res.output
    res = invoke(package_copy, "validate", "--engine", "sqlite")
    assert res.exit_code == 2
    assert res.output.strip() == "error: unknown engine 'sqlite' (known: duckdb, frictionless)"


def test_memory_limit_and_threads_follow_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("POWERLIST_MEMORY_LIMIT", raising=False)
    monkeypatch.delenv("POWERLIST_THREADS", raising=False)
    assert duckdb_settings() == {"memory_limit": MEMORY_LIMIT}
    monkeypatch.setenv("POWERLIST_MEMORY_LIMIT", "300MB")
    monkeypatch.setenv("POWERLIST_THREADS", "1")
    con = duckdb.connect()
    configure(con, tmp_path / "spill")
    assert con.execute("SELECT current_setting('threads')").fetchone()[0] == 1
    # DuckDB reports the limit in its own units: 300MB = 300,000,000 bytes ≈ 286.1 MiB.
    assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] in ("286.1 MiB", "300.0 MB")
