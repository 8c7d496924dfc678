"""Parquet per table for one release, and the Hive-partitioned dataset across releases."""

from __future__ import annotations

from datetime import date as Date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..schema import TableSchema
from .release_data import ReleaseData

ARROW_TYPES = {"integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(), "date": pa.date32(),
               "list": pa.list_(pa.string())}


def arrow_field(f: dict) -> pa.Field:
    meta = {k: f[k] for k in ("title", "description") if f.get(k)}
    return pa.field(f["name"], ARROW_TYPES.get(f["type"], pa.string()),
                    metadata={k: v.encode("utf-8") for k, v in meta.items()} or None)


def _value(v, ftype: str):
    if v is not None and ftype == "date":
        return Date.fromisoformat(v)
    return v


def arrow_table(fields: list[dict], rows: list[dict]) -> pa.Table:
    schema = pa.schema([arrow_field(f) for f in fields])
    columns = {f["name"]: [_value(r.get(f["name"]), f["type"]) for r in rows] for f in fields}
    return pa.Table.from_pydict(columns, schema=schema)


def write(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # No statistics on page level or timestamps exist in Parquet metadata; the bytes are reproducible.
    pq.write_table(table, path, compression="zstd")


def write_release_parquet(rel: ReleaseData, folder: Path) -> list[Path]:
    paths = []
    for name, ts in rel.schemas.items():
        path = folder / "parquet" / f"{name}.parquet"
        write(arrow_table(ts.fields, rel.tables[name]), path)
        paths.append(path)
    return paths


def union_fields(schemas: list[TableSchema]) -> list[dict]:
    """Columns of every release of a table, in first-seen order: older releases get NULL for newer columns."""
    seen: dict[str, dict] = {}
    for ts in schemas:
        for f in ts.fields:
            seen.setdefault(f["name"], f)
    return list(seen.values())


def write_hive_dataset(releases: list[ReleaseData], out: Path) -> list[Path]:
    """out/parquet/<table>/release=<tag>/part-0.parquet: the release is the partition, not a column."""
    paths = []
    names = sorted({n for r in releases for n in r.schemas})
    for name in names:
        fields = union_fields([r.schemas[name] for r in releases if name in r.schemas])
        for rel in releases:
            if name not in rel.schemas:
                continue
            path = out / "parquet" / name / f"release={rel.tag}" / "part-0.parquet"
            write(arrow_table(fields, rel.tables[name]), path)
            paths.append(path)
    return paths
