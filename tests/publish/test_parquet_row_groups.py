"""A release table's Parquet file is cut into row groups of parquet.ROWS rows whatever batches
DuckDB's Arrow reader gives (they end where its parallel scan happens to, which varies from run
to run: the file's bytes varied with it at 100,000 items). SYNTHETIC rows; the reader is a stand-in
giving batches of uneven sizes, as DuckDB's did (100,000 then 12,000–23,000 rows)."""

from __future__ import annotations

from types import SimpleNamespace

import pyarrow as pa
import pyarrow.parquet as pq

from powerlist.publish import parquet

FIELDS = [{"name": "step_id", "type": "string"}, {"name": "seq", "type": "integer"}]


def _release(sizes: list[int]):
    start, batches = 0, []
    for n in sizes:
        batches.append(pa.record_batch({"step_id": [f"s{i}" for i in range(start, start + n)],
                                        "seq": list(range(start, start + n))}))
        start += n
    reader = SimpleNamespace(to_arrow_reader=lambda rows: iter(batches))
    cursor = SimpleNamespace(sql=lambda sql: reader, close=lambda: None)
    return SimpleNamespace(schemas={"steps": SimpleNamespace(columns=["step_id", "seq"])},
                           con=SimpleNamespace(cursor=lambda: cursor)), start


def _groups(path) -> list[int]:
    meta = pq.ParquetFile(path).metadata
    return [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]


def test_row_groups_hold_rows_rows_each_whatever_the_batches(tmp_path, monkeypatch):
    monkeypatch.setattr(parquet, "ROWS", 5)
    files = {}
    for name, sizes in {"a": [5, 2, 5, 3, 1], "b": [5, 5, 5, 1], "c": [3, 3, 3, 3, 4]}.items():
        rel, total = _release(sizes)
        files[name] = tmp_path / f"{name}.parquet"
        parquet.write_parquet(FIELDS, rel, "steps", files[name])
        assert total == 16 and _groups(files[name]) == [5, 5, 5, 1]
        assert pq.read_table(files[name]).column("seq").to_pylist() == list(range(16))
    assert files["a"].read_bytes() == files["b"].read_bytes() == files["c"].read_bytes()


def test_a_table_of_a_whole_number_of_row_groups_ends_without_an_empty_one(tmp_path, monkeypatch):
    monkeypatch.setattr(parquet, "ROWS", 5)
    rel, _ = _release([4, 6])
    parquet.write_parquet(FIELDS, rel, "steps", tmp_path / "x.parquet")
    assert _groups(tmp_path / "x.parquet") == [5, 5]


def test_an_empty_table_is_written_as_before(tmp_path):
    rel, _ = _release([0])
    parquet.write_parquet(FIELDS, rel, "steps", tmp_path / "x.parquet")
    assert _groups(tmp_path / "x.parquet") == [0] and pq.read_table(tmp_path / "x.parquet").num_rows == 0
