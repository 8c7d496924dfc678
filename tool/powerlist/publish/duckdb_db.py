"""A DuckDB database of one release: one table per resource, typed by its Table Schema (lists as
VARCHAR[]), with the same primary and foreign keys as the SQLite file and the schemas' descriptions.

Written by a child process from the release's Parquet files (background.py)."""

from __future__ import annotations

from pathlib import Path

from ..derived import reader_type
from ..schema import TableSchema
from ..sqltext import ident, literal
from .background import child_duckdb, start
from .ddl import create_sql, primary_key, self_references
from .release_data import ReleaseData
from .reuse import once


def write_duckdb(rel: ReleaseData, folder: Path) -> Path:
    """Start the child that writes the release's DuckDB file from its Parquet files (written
    before this step); background.wait() says when it is done."""
    return once("duckdb", rel.content_key(), folder / f"{rel.stem}.duckdb",
                lambda path: start("duckdb", rel, folder, path), background=True)


def build(path: Path, tables: dict[str, dict], parquet: dict[str, str], spill: Path, memory: str) -> None:
    """The database at path from each table's Table Schema descriptor and Parquet file, in the
    order given (parents first: a foreign key needs its target). Runs in a child (background.py)."""
    con = child_duckdb(spill, memory, str(path))
    try:
        names = set(tables)
        for name, descriptor in tables.items():
            ts = TableSchema(name, descriptor)
            # DuckDB checks a foreign key against rows already stored and so refuses a row that
            # points to itself (a prefecture is its own city_code): keys into the same table
            # (counties.city_code, items.catalog_item_id) are declared in the SQLite file only,
            # and the column comment says so.
            # The primary key is added once the rows are in: DuckDB then builds its index in one
            # pass, where an index filled row by row cost most of this file's time (100,000
            # items: 5 of 12 s). Foreign keys cannot be added later and are checked as rows go in.
            keyless = {k: v for k, v in descriptor.items() if k != "primaryKey"}
            con.execute(create_sql(name, keyless, reader_type, names, self_keys=False))
            columns = ", ".join(map(ident, ts.columns))
            con.execute(f"INSERT INTO {ident(name)} SELECT {columns} FROM read_parquet({literal(parquet[name])})")
            if descriptor.get("primaryKey"):
                con.execute(f"ALTER TABLE {ident(name)} ADD PRIMARY KEY ({', '.join(map(ident, primary_key(descriptor)))})")
            selfref = set(self_references(name, descriptor))
            if descriptor.get("description"):
                con.execute(f"COMMENT ON TABLE {ident(name)} IS {literal(descriptor['description'])}")
            for f in ts.fields:
                text = " — ".join(x for x in (f.get("title"), f.get("description")) if x)
                if f["name"] in selfref:
                    text += f" (foreign key into {name} itself; declared in the SQLite file)"
                if text:
                    con.execute(f"COMMENT ON COLUMN {ident(name)}.{ident(f['name'])} IS {literal(text)}")
        con.execute("CHECKPOINT")
    finally:
        con.close()
