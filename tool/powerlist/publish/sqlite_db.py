"""An SQLite database of one release, shaped for Datasette: typed columns, primary and foreign keys."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from ..sqltext import ident as _q
from .release_data import ReleaseData

SQLITE_TYPES = {"integer": "INTEGER", "number": "REAL", "boolean": "INTEGER"}


def create_sql(name: str, descriptor: dict) -> str:
    cols = []
    for f in descriptor["fields"]:
        required = " NOT NULL" if f.get("constraints", {}).get("required") else ""
        cols.append(f"{_q(f['name'])} {SQLITE_TYPES.get(f['type'], 'TEXT')}{required}")
    if descriptor.get("primaryKey"):
        pk = descriptor["primaryKey"]
        cols.append(f"PRIMARY KEY ({', '.join(_q(c) for c in ([pk] if isinstance(pk, str) else pk))})")
    for fk in descriptor.get("foreignKeys", []):
        fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        ref = fk["reference"]
        ref_fields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
        target = ref.get("resource") or name  # "" means the table itself
        cols.append(f"FOREIGN KEY ({', '.join(map(_q, fields))}) REFERENCES {_q(target)} ({', '.join(map(_q, ref_fields))})")
    return f"CREATE TABLE {_q(name)} (\n  " + ",\n  ".join(cols) + "\n)"


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
            con.execute(create_sql(name, ts.descriptor))
            types = [(f["name"], f["type"]) for f in ts.fields]
            marks = ", ".join("?" for _ in types)
            con.executemany(f"INSERT INTO {_q(name)} VALUES ({marks})",
                            [[_value(r.get(c), t) for c, t in types] for r in rel.tables[name]])
        con.commit()
    finally:
        con.close()
    return path
