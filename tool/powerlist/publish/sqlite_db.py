"""An SQLite database of one release, shaped for Datasette: typed columns, primary and foreign keys,
and a full-text index per searchable table (`<table>_fts`, FTS5 over powerlist.textsearch tokens,
so one- and two-character Chinese words are found; publish's metadata.json points Datasette at it).

The full-text index is built over each column's distinct values, not over its rows. At province
scale the same provision, step text and responsible unit recur in every county's list (100,000
items: 600,000 citations quote ~4,000 texts), and indexing each row's Han characters and pairs
was ~90% of the file's cost (80 s and 800 MB per release at 100,000 items). So per searchable table:

- `<table>_fts_index`: a contentless FTS5 table with the table's search columns; each entry is
  ONE distinct value of ONE column (the other columns NULL), so `column MATCH q` searches that
  column and `<table>_fts_index MATCH q` any of them;
- `<table>_fts_index_rows`: each entry's table rowids, as a JSON array;
- `<table>_fts`: a view joining the two through json_each, with the table's rowid as `rowid` and
  the index's columns under their own names, so Datasette's
  `rowid in (select rowid from <table>_fts where <table>_fts match ?)` (and `where name match ?`)
  finds the rows as an FTS table over the rows would. SQLite flattens the view, so MATCH
  reaches the FTS5 table.

What differs from an index over rows: every term of one query must occur in the SAME value (a
query whose words sit in two columns of a row finds nothing, where a row index finds the row),
and a row found through two of its columns is listed twice by a bare `select rowid from …_fts`
(`rowid in (…)` does not care). Every query `textsearch.fts_query` makes from one word is a
word's character pairs, which one value holds together, so those queries find exactly what a
row index finds after the substring check.

The file is written by a child process from the release's Parquet files (background.py).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import duckdb

from ..sqltext import ident, literal
from ..textsearch import SEARCH_COLUMNS, tokens
from .background import child_duckdb, start
from .ddl import create_sql, sqlite_type
from .release_data import ReleaseData
from .reuse import once

BATCH = 20_000  # rows fetched from DuckDB at a time


def fts_table(name: str) -> str:
    """The name Datasette's metadata gives as the table's fts_table (a view, see the module doc)."""
    return f"{name}_fts"


def fts_index(name: str) -> str:
    return f"{name}_fts_index"


def fts_rows(name: str) -> str:
    return f"{name}_fts_index_rows"


def _select(relation: str, fields: list[dict]) -> str:
    """The table's rows as SQLite stores them, the SQLite rowid first (the row's number in its
    Parquet file + 1, which the full-text index refers to): booleans 0/1, lists JSON arrays
    (Datasette facets them), dates ISO text. The scan gives rows in file order (DuckDB preserves
    insertion order), so SQLite appends them in order and the file's bytes are reproducible."""
    cols = []
    for f in fields:
        c = ident(f["name"])
        if f["type"] == "list":
            # json.dumps(value, ensure_ascii=False)'s spelling: elements after ", "
            cols.append(f"'[' || array_to_string(list_transform({c}, lambda x: CAST(to_json(x) AS VARCHAR)), ', ') || ']'")
        elif f["type"] == "boolean":
            cols.append(f"CAST({c} AS INTEGER)")
        elif f["type"] == "date":
            cols.append(f"CAST({c} AS VARCHAR)")
        else:
            cols.append(c)
    return f"SELECT file_row_number + 1, {', '.join(cols)} FROM {relation}"


def _batches(duck: duckdb.DuckDBPyConnection, sql: str):
    """A query's rows as tuples, BATCH at a time (DuckDB's own conversion: no Arrow step)."""
    cur = duck.cursor()
    try:
        cur.execute(sql)
        while batch := cur.fetchmany(BATCH):
            yield batch
    finally:
        cur.close()


def write_fts(con: sqlite3.Connection, duck: duckdb.DuckDBPyConnection, name: str, relation: str,
              columns: list[str]) -> None:
    """The table's full-text index over its columns' distinct values (module doc). Entries are
    numbered in (column, value) order, so the file is the same bytes for the same rows.

    detail=column: each token's entries and columns, no positions. Every query over these tokens
    is an AND of single tokens (a Han character or pair, or a word), which needs no positions."""
    index, rows = fts_index(name), fts_rows(name)
    cols = ", ".join(map(ident, columns))
    con.execute(f"CREATE VIRTUAL TABLE {ident(index)} USING fts5({cols}, content='', detail=column, "
                "tokenize='unicode61')")
    con.execute(f"CREATE TABLE {ident(rows)} (id INTEGER PRIMARY KEY, rowids TEXT NOT NULL)")
    entry = 0
    marks = ", ".join("?" for _ in range(len(columns) + 1))
    for at, column in enumerate(columns):
        c = ident(column)
        sql = (f"SELECT CAST({c} AS VARCHAR) AS v, "
               f"'[' || string_agg(CAST(file_row_number + 1 AS VARCHAR), ',' ORDER BY file_row_number) || ']' "
               f"FROM {relation} WHERE {c} IS NOT NULL GROUP BY v ORDER BY v")
        for batch in _batches(duck, sql):
            entries, lists = [], []
            for value, ids in batch:
                text = tokens(value)
                if not text:
                    continue
                entry += 1
                blank = [None] * len(columns)
                blank[at] = text
                entries.append((entry, *blank))
                lists.append((entry, ids))
            con.executemany(f"INSERT INTO {ident(index)} (rowid, {cols}) VALUES ({marks})", entries)
            con.executemany(f"INSERT INTO {ident(rows)} VALUES (?, ?)", lists)
    view_cols = ", ".join(f"i.{ident(c)}" for c in columns)
    con.execute(f"CREATE VIEW {ident(fts_table(name))} (rowid, {ident(fts_table(name))}, {cols}) AS "
                f"SELECT j.value, i.{ident(index)}, {view_cols} FROM {ident(index)} i "
                f"JOIN {ident(rows)} r ON r.id = i.rowid, json_each(r.rowids) j")


def build(path: Path, tables: dict[str, dict], parquet: dict[str, str], spill: Path, memory: str) -> None:
    """The database at path (an existing empty file) from each table's Table Schema descriptor
    and Parquet file, in the order given (parents first). Runs in a child (background.py)."""
    duck = child_duckdb(spill, memory)
    try:
        con = sqlite3.connect(path)
        try:
            # The file is built once, in a staging folder: no journal is needed to survive a crash
            # (an interrupted publish leaves the previous output, never this file).
            con.execute("PRAGMA journal_mode = OFF")
            con.execute("PRAGMA synchronous = OFF")
            con.execute("PRAGMA cache_size = -131072")  # 128 MiB of pages while the indexes are built
            for name, descriptor in tables.items():
                fields = descriptor["fields"]
                relation = f"read_parquet({literal(parquet[name])}, file_row_number = true)"
                con.execute(create_sql(name, descriptor, sqlite_type, set(tables)))
                columns = ", ".join(ident(f["name"]) for f in fields)
                marks = ", ".join("?" for _ in range(len(fields) + 1))
                insert = f"INSERT INTO {ident(name)} (rowid, {columns}) VALUES ({marks})"
                for batch in _batches(duck, _select(relation, fields)):
                    con.executemany(insert, batch)
                if name in SEARCH_COLUMNS:
                    have = {f["name"] for f in fields}
                    write_fts(con, duck, name, relation, [c for c in SEARCH_COLUMNS[name] if c in have])
            con.commit()
        finally:
            con.close()
    finally:
        duck.close()


def write_sqlite(rel: ReleaseData, folder: Path) -> Path:
    """Start the child that writes the release's SQLite file from its Parquet files (written
    before this step); background.wait() says when it is done."""
    return once("sqlite", rel.content_key(), folder / f"{rel.stem}.sqlite",
                lambda path: start("sqlite", rel, folder, path), background=True)
