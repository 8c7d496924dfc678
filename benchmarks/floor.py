"""The floor: a bare DuckDB full-outer-join hash diff of two packages' CSVs.

    python benchmarks/floor.py BASE NEXT --threads 2 --memory-limit '18.8 GiB'

For every table: read both CSVs (typed by the Table Schema, as powerlist compiles them), hash each
row's non-key columns, full-outer-join on the primary key and count added / removed / modified.
No cosmetic classification, no child alignment, no change rows: the least work any correct diff
must do. Prints the counts as JSON (they are NOT expected to equal expected.json: an inserted case
renumbers the cases after it, which a key join sees as modifications).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tool"))

from powerlist.compiled import csv_relation_sql  # noqa: E402
from powerlist.schema import load_schemas  # noqa: E402


def floor_diff(base: Path, next_: Path, threads: int, memory_limit: str) -> dict:
    con = duckdb.connect()
    con.execute(f"SET threads = {int(threads)}")
    con.execute(f"SET memory_limit = '{memory_limit}'")
    summary = {}
    for name, ts in load_schemas(base / "schemas").items():
        key = ts.primary_key
        rest = [c for c in ts.columns if c not in key]
        h = lambda a: "hash(" + ", ".join(f'{a}."{c}"' for c in rest) + ")"  # noqa: E731
        on = " AND ".join(f'o."{k}" = n."{k}"' for k in key)
        o_null = f'o."{key[0]}" IS NULL'
        n_null = f'n."{key[0]}" IS NULL'
        sql = f"""
            SELECT count(*) FILTER (WHERE {o_null}) AS added,
                   count(*) FILTER (WHERE {n_null}) AS removed,
                   count(*) FILTER (WHERE NOT {o_null} AND NOT {n_null} AND {h('o')} <> {h('n')}) AS modified
            FROM {csv_relation_sql(base / 'tables' / f'{name}.csv', ts.fields)} o
            FULL OUTER JOIN {csv_relation_sql(next_ / 'tables' / f'{name}.csv', ts.fields)} n ON {on}"""
        added, removed, modified = con.execute(sql).fetchone()
        summary[name] = {"added": added, "removed": removed, "modified": modified}
    return summary


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("base", type=Path)
    ap.add_argument("next", type=Path)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--memory-limit", default="18.8 GiB")
    a = ap.parse_args()
    print(json.dumps(floor_diff(a.base, a.next, a.threads, a.memory_limit)))
