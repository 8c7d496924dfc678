"""An SQLite database of one release, shaped for Datasette: typed columns, primary and foreign keys,
and a full-text index per searchable table (`<table>_fts`, FTS5 over powerlist.textsearch tokens,
so one- and two-character Chinese words are found; publish's metadata.json points Datasette at it)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from ..sqltext import ident
from ..textsearch import SEARCH_COLUMNS, tokens
from .ddl import create_sql, sqlite_type
from .release_data import ReleaseData


def fts_table(name: str) -> str:
    return f"{name}_fts"


def write_fts(con: sqlite3.Connection, name: str, columns: list[str]) -> None:
    """A contentless FTS5 table whose rowid is the table's rowid: it holds the index only, and the
    rows are read from the table itself (Datasette: rowid in (select rowid … match …)).

    detail=column: each token's rows and columns, no positions. Every query over these tokens is
    an AND of single tokens (a Han character or pair, or a word), which needs no positions, and
    positions were most of the index (a database of 10,000 items: 196 MB with them)."""
    con.create_function("powerlist_tokens", 1, tokens, deterministic=True)
    fts = fts_table(name)
    con.execute(f"CREATE VIRTUAL TABLE {ident(fts)} USING fts5({', '.join(map(ident, columns))}, "
                "content='', detail=column, tokenize='unicode61')")
    con.execute(f"INSERT INTO {ident(fts)} (rowid, {', '.join(map(ident, columns))}) "
                f"SELECT rowid, {', '.join(f'powerlist_tokens({ident(c)})' for c in columns)} FROM {ident(name)}")

def _converter(ftype: str):
    """A value as SQLite stores it: booleans 0/1, lists JSON arrays (Datasette facets them)."""
    if ftype == "boolean":
        return lambda v: None if v is None else int(v)
    if ftype == "list":
        return lambda v: None if v is None else json.dumps(v, ensure_ascii=False)
    return None


def _tuples(rel: ReleaseData, name: str, fields: list[dict]):
    """The table's rows as tuples in schema column order (dates as ISO text), converted where SQLite needs it."""
    conv = [(i, c) for i, f in enumerate(fields) if (c := _converter(f["type"])) is not None]
    for _names, batch in rel.tuples(f"SELECT {rel.columns(name)} FROM {ident(name)}"):
        if conv:
            batch = [list(r) for r in batch]
            for r in batch:
                for i, c in conv:
                    r[i] = c(r[i])
        yield from batch


def write_sqlite(rel: ReleaseData, folder: Path) -> Path:
    path = folder / f"{rel.stem}.sqlite"
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    try:
        # The file is built once, in a staging folder: no journal is needed to survive a crash
        # (an interrupted publish leaves the previous output, never this file).
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        con.execute("PRAGMA cache_size = -262144")  # 256 MiB of pages while the indexes are built
        for name, ts in rel.schemas.items():
            con.execute(create_sql(name, ts.descriptor, sqlite_type, set(rel.schemas)))
            marks = ", ".join("?" for _ in ts.fields)
            con.executemany(f"INSERT INTO {ident(name)} VALUES ({marks})", _tuples(rel, name, ts.fields))
            if name in SEARCH_COLUMNS:
                write_fts(con, name, [c for c in SEARCH_COLUMNS[name] if c in ts.columns])
        con.commit()
    finally:
        con.close()
    return path
