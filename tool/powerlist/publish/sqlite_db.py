"""An SQLite database of one release, shaped for Datasette: typed columns, primary and foreign keys."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from ..sqltext import ident
from .ddl import create_sql, sqlite_type
from .release_data import ReleaseData

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
        con.commit()
    finally:
        con.close()
    return path
