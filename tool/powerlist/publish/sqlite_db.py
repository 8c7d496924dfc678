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
    rows are read from the table itself (Datasette: rowid in (select rowid … match …))."""
    con.create_function("powerlist_tokens", 1, tokens, deterministic=True)
    fts = fts_table(name)
    con.execute(f"CREATE VIRTUAL TABLE {ident(fts)} USING fts5({', '.join(map(ident, columns))}, "
                "content='', tokenize='unicode61')")
    con.execute(f"INSERT INTO {ident(fts)} (rowid, {', '.join(map(ident, columns))}) "
                f"SELECT rowid, {', '.join(f'powerlist_tokens({ident(c)})' for c in columns)} FROM {ident(name)}")

def _value(v, ftype: str):
    if v is None:
        return None
    if ftype == "boolean":
        return int(v)
    if ftype == "list":
        return json.dumps(v, ensure_ascii=False)  # Datasette facets JSON arrays
    return v


def write_sqlite(rel: ReleaseData, folder: Path) -> Path:
    path = folder / f"{rel.stem}.sqlite"
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    try:
        for name, ts in rel.schemas.items():
            con.execute(create_sql(name, ts.descriptor, sqlite_type, set(rel.schemas)))
            types = [(f["name"], f["type"]) for f in ts.fields]
            marks = ", ".join("?" for _ in types)
            con.executemany(f"INSERT INTO {ident(name)} VALUES ({marks})",
                            [[_value(r.get(c), t) for c, t in types] for r in rel.tables[name]])
            if name in SEARCH_COLUMNS:
                write_fts(con, name, [c for c in SEARCH_COLUMNS[name] if c in ts.columns])
        con.commit()
    finally:
        con.close()
    return path
