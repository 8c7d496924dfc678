"""Parquet per table for one release, and the Hive-partitioned dataset across releases."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..derived import reader_type
from ..schema import TableSchema
from ..sqltext import ident
from ..names import schema_name as release_schema
from .release_data import ReleaseData
from .reuse import once

ARROW_TYPES = {"integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(), "date": pa.date32(),
               "list": pa.list_(pa.string())}


def arrow_field(f: dict) -> pa.Field:
    meta = {k: f[k] for k in ("title", "description") if f.get(k)}
    return pa.field(f["name"], ARROW_TYPES.get(f["type"], pa.string()),
                    metadata={k: v.encode("utf-8") for k, v in meta.items()} or None)


def arrow_schema(fields: list[dict]) -> pa.Schema:
    return pa.schema([arrow_field(f) for f in fields])


ROWS = 100_000  # rows per Parquet row group, read from DuckDB a batch at a time


def write_parquet(fields: list[dict], rel: ReleaseData, name: str, path: Path) -> None:
    """The release's table with exactly these columns (NULL for one the release lacks), typed by
    the schema, streamed from DuckDB a row group at a time (never the whole table in memory).

    Row groups hold ROWS rows each (the last one the rest): DuckDB's Arrow reader ends a batch
    where its parallel scan happens to (at 100,000 items, batches of 100,000 then 12,000–23,000
    rows, varying from run to run), and a row group per batch made the file's bytes vary with it."""
    have = set(rel.schemas[name].columns)
    columns = ", ".join(ident(f["name"]) if f["name"] in have else f"NULL::{reader_type(f)} AS {ident(f['name'])}"
                        for f in fields)
    schema = arrow_schema(fields)
    path.parent.mkdir(parents=True, exist_ok=True)
    cur = rel.con.cursor()
    try:
        # No statistics on page level or timestamps exist in Parquet metadata; the bytes are reproducible.
        with pq.ParquetWriter(path, schema, compression="zstd") as out:
            held: list[pa.RecordBatch] = []
            rows = 0
            wrote = False
            for batch in cur.sql(f"SELECT {columns} FROM {ident(name)}").to_arrow_reader(ROWS):
                held.append(batch)
                rows += batch.num_rows
                while rows >= ROWS:
                    table = pa.Table.from_batches(held)
                    out.write_table(table.slice(0, ROWS).cast(schema), row_group_size=ROWS)
                    wrote = True
                    rest = table.slice(ROWS)
                    held, rows = [b for b in rest.to_batches() if b.num_rows], rest.num_rows
            if held and (rows or not wrote):  # the rest (an empty table: its one empty batch, if any)
                out.write_table(pa.Table.from_batches(held).cast(schema))
    finally:
        cur.close()


def write_table(rel: ReleaseData, name: str, fields: list[dict], path: Path) -> Path:
    """The table with these columns as Parquet at path, written once per publish: the same rows
    (content key) with the same columns are the same bytes, for a later release with the same
    tables and for a Hive partition whose columns are the release's own (reuse.py)."""
    key = hashlib.sha256(json.dumps([rel.content_key(), fields], sort_keys=True, ensure_ascii=False).encode())
    return once(f"parquet/{name}", key.hexdigest(), path, lambda p: write_parquet(fields, rel, name, p))


def release_parquet(folder: Path, name: str) -> Path:
    """Where a release's table is written as Parquet, in the release's folder."""
    return folder / "parquet" / f"{name}.parquet"


def write_release_parquet(rel: ReleaseData, folder: Path) -> list[Path]:
    return [write_table(rel, name, ts.fields, release_parquet(folder, name)) for name, ts in rel.schemas.items()]


def union_fields(schemas: list[TableSchema]) -> list[dict]:
    """Columns of every release of a table, in first-seen order: older releases get NULL for newer columns."""
    seen: dict[str, dict] = {}
    for ts in schemas:
        for f in ts.fields:
            seen.setdefault(f["name"], f)
    return list(seen.values())


class HiveDataset:
    """out/parquet/<table>/release=r<tag>/part-0.parquet: the release is the partition, not a column.

    The partition value is the release's SQL schema name (r2022), never bare digits: readers
    (pyarrow, DuckDB, pandas) infer a partition of digits as an integer, and a tag is text. Every
    partition of a table has the columns of every release of it (older releases NULL for newer
    columns), so the schemas are read first and each release is added as it is read.
    """

    def __init__(self, releases: list[ReleaseData], out: Path):
        self.out = out
        names = sorted({n for r in releases for n in r.schemas})
        self.fields = {n: union_fields([r.schemas[n] for r in releases if n in r.schemas]) for n in names}

    def add(self, rel: ReleaseData) -> list[Path]:
        paths = []
        for name, fields in self.fields.items():
            if name not in rel.schemas:
                continue
            path = self.out / "parquet" / name / f"release={release_schema(rel.tag)}" / "part-0.parquet"
            paths.append(write_table(rel, name, fields, path))
        return paths
