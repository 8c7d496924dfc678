"""A DuckDB database of one release: one table per resource, typed by its Table Schema (lists as
VARCHAR[]), with the same primary and foreign keys as the SQLite file and the schemas' descriptions."""

from __future__ import annotations

from pathlib import Path

from ..derived import reader_type
from ..sqltext import ident, literal
from .ddl import create_sql, primary_key, self_references
from .release_data import ReleaseData
from .reuse import once

OUT = "download"


def write_duckdb(rel: ReleaseData, folder: Path) -> Path:
    return once("duckdb", rel.content_key(), folder / f"{rel.stem}.duckdb", lambda path: _build(rel, path))


def _build(rel: ReleaseData, path: Path) -> None:
    con = rel.con
    con.execute(f"ATTACH {literal(str(path))} AS {OUT}")
    try:
        names = set(rel.schemas)
        for name, ts in rel.schemas.items():  # parents first: a foreign key needs its target
            # DuckDB checks a foreign key against rows already stored and so refuses a row that
            # points to itself (a prefecture is its own city_code): keys into the same table
            # (counties.city_code, items.catalog_item_id) are declared in the SQLite file only,
            # and the column comment says so.
            # The primary key is added once the rows are in: DuckDB then builds its index in one
            # pass, where an index filled row by row cost most of this file's time (100,000
            # items: 5 of 12 s). Foreign keys cannot be added later and are checked as rows go in.
            keyless = {k: v for k, v in ts.descriptor.items() if k != "primaryKey"}
            con.execute(create_sql(name, keyless, reader_type, names, prefix=f"{OUT}.", self_keys=False))
            columns = ", ".join(map(ident, ts.columns))
            con.execute(f"INSERT INTO {OUT}.{ident(name)} SELECT {columns} FROM memory.{ident(name)}")
            if ts.descriptor.get("primaryKey"):
                con.execute(f"ALTER TABLE {OUT}.{ident(name)} ADD PRIMARY KEY ({', '.join(map(ident, primary_key(ts.descriptor)))})")
            selfref = set(self_references(name, ts.descriptor))
            if ts.descriptor.get("description"):
                con.execute(f"COMMENT ON TABLE {OUT}.{ident(name)} IS {literal(ts.descriptor['description'])}")
            for f in ts.fields:
                text = " — ".join(x for x in (f.get("title"), f.get("description")) if x)
                if f["name"] in selfref:
                    text += f" (foreign key into {name} itself; declared in the SQLite file)"
                if text:
                    con.execute(f"COMMENT ON COLUMN {OUT}.{ident(name)}.{ident(f['name'])} IS {literal(text)}")
        con.execute(f"CHECKPOINT {OUT}")
    finally:
        con.execute(f"DETACH {OUT}")
