"""`powerlist sql`: views over the working state, each release and all releases; read-only."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from conftest import snapshot
from powerlist.cli import app
from powerlist.sql import SqlError, compile_database, open_readonly, run_query

runner = CliRunner()

# Row counts read off the two 2022 documents (see tests/test_tables_2022.py): 6 + 5 items,
# 32 + 25 steps, 27 cases and 5 exemptions in the Xing'an list; 125 Guangxi divisions.
COUNTS = {"items": 11, "steps": 57, "accountability": 27, "exemptions": 5, "counties": 125}


def invoke(pkg: Path, *args):
    return runner.invoke(app, ["--package", str(pkg), *args])


@pytest.fixture(scope="module")
def pkg(tmp_path_factory) -> Path:
    from conftest import copy_package
    dest = tmp_path_factory.mktemp("sqlpkg")
    return copy_package(dest)


def scalar(root: Path, query: str):
    return run_query(root, query).rows[0][0]


@pytest.mark.parametrize("table,count", COUNTS.items())
def test_working_release_and_all_views_count_the_documents_rows(pkg, table, count):
    assert scalar(pkg, f"select count(*) from {table}") == count
    assert scalar(pkg, f"select count(*) from r2022.{table}") == count
    by_release = dict(run_query(pkg, f"select release, count(*) from all_{table} group by 1").rows)
    assert by_release == {"2022": count, "working": count}


def test_release_schema_answers_the_issue_example(pkg):
    # Both documents list 对保密检查中发现的泄密隐患的行政强制 and 对保密工作的监督检查.
    res = run_query(pkg, "select item_id, name from r2022.items where name like '%检查%' order by item_id")
    assert [r[0] for r in res.rows] == ["450325-baomi-002", "450325-baomi-003", "catalog-baomi-002", "catalog-baomi-003"]
    assert res.columns == ["item_id", "name"]


def test_typed_columns_come_from_the_table_schemas(pkg):
    res = run_query(pkg, "select seq, issued_on from items join lists using (list_id) where item_id = '450325-baomi-001'")
    assert res.types == ["BIGINT", "DATE"]
    assert str(res.rows[0][1]) == "2022-07-18"


def test_a_column_added_later_is_null_in_older_releases(package_copy):
    # Synthetic edit: the working state gains a column that release 2022 never had.
    schema_path = package_copy / "schemas" / "exemptions.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["fields"].append({"name": "note", "type": "string", "title": "备注（合成测试列）"})
    schema_path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    for table in (package_copy / "tables" / "exemptions").glob("*.csv"):  # one file per list
        rows = list(csv.reader(io.StringIO(table.read_text(encoding="utf-8"))))
        table.write_text("\n".join(",".join(f'"{c}"' for c in r + (["note"] if i == 0 else ["synthetic"]))
                                   for i, r in enumerate(rows)) + "\n", encoding="utf-8")
    got = dict(run_query(package_copy, "select release, count(note) from all_exemptions group by 1").rows)
    assert got == {"2022": 0, "working": 5}
    assert "note" not in run_query(package_copy, "select * from r2022.exemptions").columns


def test_cli_formats_csv_json_markdown(pkg):
    res = invoke(pkg, "sql", "select release, count(*) as n from all_items group by 1 order by 1", "--format", "csv")
    assert res.exit_code == 0
    assert res.stdout.splitlines() == ["release,n", "2022,11", "working,11"]
    res = invoke(pkg, "sql", "select item_id, seq from r2022.items where seq = 5 order by 1", "--format", "json")
    assert json.loads(res.stdout) == [{"item_id": "450325-baomi-005", "seq": 5}, {"item_id": "catalog-baomi-005", "seq": 5}]
    res = invoke(pkg, "sql", "select code, name from counties where code = '450325'", "--format", "markdown")
    assert res.stdout.splitlines() == ["| code | name |", "|---|---|", "| 450325 | 兴安县 |"]
    res = invoke(pkg, "sql", "select name from counties where code = '450325'")
    assert res.exit_code == 0 and "兴安县" in res.stdout


def test_schema_lists_tables_columns_and_descriptions(pkg):
    res = invoke(pkg, "sql", "--schema", "--format", "csv")
    assert res.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    name = next(r for r in rows if r["table"] == "items" and r["column"] == "name")
    assert name["title"] == "项目名称" and name["type"] == "VARCHAR" and name["description"]
    assert {r["table"] for r in rows} >= {"items", "steps", "accountability", "exemptions", "bases", "lists", "counties"}
    assert any("r2022.items" in r["description"] and "all_items" in r["description"] for r in rows)


WRITES = {
    "INSERT": "insert into working.items (item_id) values ('x')",
    "UPDATE": "update working.items set name = 'x'",
    "DELETE": "delete from working.steps",
    "CREATE": "create table t as select 1",
    "CREATE TEMP": "create temp table t (a int)",
    "DROP": "drop view items",
    "ALTER": "alter table working.items add column x int",
    "COPY": "copy items to '{out}/items.csv'",
    "COPY SELECT": "copy (select * from items) to '{out}/items.parquet' (format parquet)",
    "EXPORT": "export database '{out}/export'",
    "ATTACH": "attach '{out}/other.duckdb' as other",
    "INSTALL": "install httpfs",
    "LOAD": "load httpfs",
    "PRAGMA": "pragma enable_external_access = true",
    "IMPORT": "import database '{out}'",
    "SET": "set enable_external_access = true",
    "RESET": "reset lock_configuration",
    "SET VARIABLE": "set variable x = 1",
    "TWO STATEMENTS": "select 1; drop view items",
}


@pytest.mark.parametrize("kind", WRITES)
def test_read_only_guard_refuses_writes_and_changes_no_file(package_copy, tmp_path, kind):
    out = tmp_path / "out"
    out.mkdir()
    compile_database(package_copy)  # the cache is built by any first query; snapshot after it
    before, outside = snapshot(package_copy), snapshot(out)
    res = invoke(package_copy, "sql", WRITES[kind].format(out=out))
    assert res.exit_code == 2
    assert res.output.startswith("error: ") and len(res.output.strip().splitlines()) == 1
    assert "read-only" in res.output or "statements given" in res.output
    assert snapshot(package_copy) == before and snapshot(out) == outside == {}


@pytest.mark.parametrize("statement", [
    "copy items to '{out}/items.csv'", "copy (select 1) to '{out}/x.parquet' (format parquet)",
    "export database '{out}/export'", "attach '{out}/other.duckdb' as other", "install httpfs",
    "load httpfs", "set enable_external_access = true", "set lock_configuration = false",
    "insert into working.items (item_id) values ('x')", "create table t (a int)", "drop view items",
    "select * from read_csv('/etc/passwd')",
])
def test_duckdb_itself_refuses_writes_on_the_locked_connection(pkg, tmp_path, statement):
    # Defence in depth: even a statement that slipped past the parse-level guard fails in DuckDB.
    con = open_readonly(pkg)
    try:
        with pytest.raises(duckdb.Error):
            con.execute(statement.format(out=tmp_path))
    finally:
        con.close()
    assert list(tmp_path.iterdir()) == []


def test_reading_a_file_from_a_select_is_refused_by_duckdb(pkg):
    with pytest.raises(SqlError, match="disabled by configuration"):
        run_query(pkg, "select * from read_csv('/etc/passwd')")


def test_sql_error_is_one_line_without_traceback(pkg):
    cmd = [sys.executable, "-c", "from powerlist.cli import app; app()", "--package", str(pkg), "sql",
           "select * from itemz"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("error: Catalog Error: Table with name itemz does not exist!")


def test_syntax_error_is_duckdbs_message(pkg):
    with pytest.raises(SqlError) as exc:
        run_query(pkg, "selec 1")
    assert str(exc.value) == 'Parser Error: syntax error at or near "selec"'


def test_compiled_database_is_cached_and_follows_edits(package_copy):
    first = compile_database(package_copy)
    assert compile_database(package_copy) == first
    table = package_copy / "tables" / "exemptions" / "450325-baomi.csv"
    table.write_text(table.read_text(encoding="utf-8").rsplit("\n", 2)[0] + "\n", encoding="utf-8")
    second = compile_database(package_copy)
    assert second != first and not first.exists()
    assert scalar(package_copy, "select count(*) from exemptions") == 4
    assert scalar(package_copy, "select count(*) from r2022.exemptions") == 5
