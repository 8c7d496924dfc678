"""One release read once for every artifact, as readers see it (powerlist.derived): derived columns
such as a 2022 citation's law_id and the law reference tables it was read with are part of it.

The tables are loaded into an in-memory DuckDB database typed by the Table Schemas (lists as
arrays, dates as dates); the columnar downloads are written from it, the row-wise ones (JSON,
workbook, site) from `tables`, the same rows as plain values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path

import duckdb

from ..compiled import configure, cache_dir
from ..derived import ReadView, load_view, read_view
from ..package import Package, open_target
from ..render import ListView, list_views
from ..schema import TableSchema
from ..sqltext import ident


@dataclass
class ReleaseData:
    tag: str
    date: str                      # release date from release.json, YYYY-MM-DD
    package: Package
    name: str                      # the data package's name, used as the file name prefix
    schemas: dict[str, TableSchema]
    tables: dict[str, list[dict]]
    views: dict[str, ListView] = field(default_factory=dict)
    read: ReadView | None = None
    con: duckdb.DuckDBPyConnection | None = None
    manifest: dict = field(default_factory=dict)

    @property
    def stem(self) -> str:
        return f"{self.name}-{self.tag}"

    @property
    def day(self) -> Date:
        return Date.fromisoformat(self.date)

    def zip_time(self) -> tuple[int, int, int, int, int, int]:
        """Every archive entry is stamped with the release date, so archives are reproducible."""
        d = self.day
        return (max(d.year, 1980), d.month, d.day, 0, 0, 0)

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None


def _plain(value):
    """DuckDB's Python values as the package reader gives them (dates as ISO text)."""
    return value.isoformat() if isinstance(value, Date) else value


def rows_of(con: duckdb.DuckDBPyConnection, name: str) -> list[dict]:
    cur = con.execute(f"SELECT * FROM {ident(name)}")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, map(_plain, r))) for r in cur.fetchall()]


def load_release(root: Path, tag: str) -> ReleaseData:
    pkg = open_target(root, tag)
    manifest = json.loads((pkg.path / "release.json").read_text(encoding="utf-8"))
    view = read_view(pkg, root)
    con = duckdb.connect()
    configure(con, cache_dir(root) / "spill")
    load_view(con, view)
    tables = {n: rows_of(con, n) for n in view.schemas}
    data = ReleaseData(tag, manifest["date"], pkg, pkg.descriptor.get("name", "powerlist"), view.schemas, tables,
                       read=view, con=con, manifest=manifest)
    data.views = list_views(tables)
    return data
