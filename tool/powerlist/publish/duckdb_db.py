"""A DuckDB database of one release: one typed table per resource, with the schemas' descriptions."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ..compiled import load_tables
from ..sqltext import ident, literal
from .release_data import ReleaseData


def write_duckdb(rel: ReleaseData, folder: Path) -> Path:
    path = folder / f"{rel.stem}.duckdb"
    con = duckdb.connect(str(path))
    try:
        load_tables(con, rel.package)
        for name, ts in rel.schemas.items():
            if ts.descriptor.get("description"):
                con.execute(f'COMMENT ON TABLE {ident(name)} IS {literal(ts.descriptor["description"])}')
            for f in ts.fields:
                text = " — ".join(x for x in (f.get("title"), f.get("description")) if x)
                if text:
                    con.execute(f'COMMENT ON COLUMN {ident(name)}.{ident(f["name"])} IS {literal(text)}')
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path
