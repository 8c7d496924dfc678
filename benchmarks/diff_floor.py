"""Diff engine vs the floor: a bare DuckDB full-outer-join hash diff of the same tables.

SYNTHETIC DATA ONLY. Builds two DuckDB files with the package's table layout at N items
(~19 child rows per item), the second with ~1% of items edited (renamed, renumbered, a case
inserted, a step reworded, a citation changed, items added and removed), then times
  floor:     per table, FULL OUTER JOIN on the primary key keeping rows whose hash differs
  powerlist: compare_attached() — the engine diff_packages runs after compiling the packages
with the same DuckDB threads and memory limit. Loading CSVs is excluded from both (packages
are compiled once and cached).

  python benchmarks/diff_floor.py --items 1000000 --threads 2 --memory 8GB --workdir /tmp/diffbench
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb

from powerlist.diff.engine import attach, compare_attached, plan_tables, sort_key, summary_from_counts
from powerlist.diff.spool import ChangeSpool

KEYS = {"items": ["item_id"], "steps": ["item_id", "step_no"], "accountability": ["item_id", "case_no"],
        "exemptions": ["item_id", "seq"], "bases": ["basis_id"]}
TEXT = "'保密行政管理部门对保密检查中发现的非法获取、持有的国家秘密载体，应当予以收缴（合成' || {n} || '）。'"


def build_old(path: Path, n: int) -> None:
    con = duckdb.connect(str(path))
    iid = "'bench-' || lpad(CAST(i AS VARCHAR), 7, '0')"
    con.execute(f"""CREATE TABLE items AS SELECT {iid} AS item_id, 'bench' AS list_id, i AS seq, '行政检查' AS category,
        '合成事项名称第' || i || '项的行政检查' AS name, NULL::VARCHAR AS sub_name, '县级' AS levels,
        NULL::VARCHAR AS levels_printed, '合成实施主体' AS implementing_body, NULL::VARCHAR AS undertaking_unit,
        NULL::VARCHAR AS catalog_item_id, '因不履行或不正确履行行政职责，有下列情形的：' AS accountability_intro,
        NULL::VARCHAR AS remark FROM range(1, {n} + 1) r(i)""")
    for table, num, count, extra in (("steps", "step_no", 5, "'受理责任' AS name, "),
                                     ("accountability", "case_no", 5, ""), ("exemptions", "seq", 1, "")):
        resp = "'县国家保密局' AS responsible, 'before_period' AS responsible_placement, " if table != "exemptions" else ""
        con.execute(f"""CREATE TABLE {table} AS SELECT {iid} AS item_id, k AS {num}, k || '．' AS label, {extra}
            {TEXT.format(n="i * 10 + k")} AS text, {resp} true AS starts_paragraph
            FROM range(1, {n} + 1) r(i), range(1, {count} + 1) s(k)""")
    con.execute(f"""CREATE TABLE bases AS SELECT {iid} || '-t' || k AS basis_id, {iid} AS item_id, 'step' AS role,
        k AS seq, CAST(k AS VARCHAR) AS ref, k || '．' AS label, k AS step_no, NULL::BIGINT AS case_no, '法律' AS law_type,
        '中华人民共和国保守国家秘密法' AS law_title, NULL::VARCHAR AS law_doc, NULL::VARCHAR AS chapter,
        '第' || (k + 40) || '条' AS article, k + 40 AS article_no, NULL::VARCHAR AS paragraph, NULL::BIGINT AS paragraph_no,
        {TEXT.format(n="i * 100 + k")} AS text, false AS continues, NULL::VARCHAR AS same_as,
        NULL::VARCHAR AS same_as_printed, true AS starts_paragraph FROM range(1, {n} + 1) r(i), range(1, 9) s(k)""")
    con.close()


def build_new(old: Path, new: Path) -> None:
    con = duckdb.connect(str(new))
    attach(con, "o", old)
    for t in KEYS:
        con.execute(f"CREATE TABLE {t} AS SELECT * FROM o.main.{t}")
    # ~1% of items touched, each kind of edit on its own residue class.
    con.execute("UPDATE items SET name = name || '和处理' WHERE seq % 500 = 1")
    con.execute("UPDATE items SET seq = seq + 1000000000 WHERE seq % 500 = 2")
    con.execute("UPDATE steps SET text = replace(text, '应当', '必须') WHERE step_no = 2 AND "
                "CAST(substr(item_id, 7) AS BIGINT) % 500 = 3")
    con.execute("UPDATE bases SET article = '第九十九条' WHERE seq = 3 AND CAST(substr(item_id, 7) AS BIGINT) % 500 = 4")
    con.execute("UPDATE accountability SET case_no = case_no + 1, label = (case_no + 1) || '．' "
                "WHERE case_no >= 2 AND CAST(substr(item_id, 7) AS BIGINT) % 500 = 5")
    con.execute("INSERT INTO accountability SELECT item_id, 2, '2．', '合成插入的追责情形。', '县国家保密局', "
                "'before_period', true FROM items WHERE seq % 500 = 5")
    con.execute("UPDATE steps SET label = replace(label, '．', '.') WHERE CAST(substr(item_id, 7) AS BIGINT) % 500 = 6")
    for t in KEYS:
        con.execute(f"DELETE FROM {t} WHERE CAST(substr(item_id, 7) AS BIGINT) % 500 = 7")
    con.close()


def floor(con) -> int:
    total = 0
    for t, key in KEYS.items():
        on = " AND ".join(f"o.{k} = n.{k}" for k in key)
        cols = [r[0] for r in con.execute(f"SELECT column_name FROM duckdb_columns() WHERE database_name='t' "
                                          f"AND table_name='{t}' ORDER BY column_index").fetchall()]
        h = lambda a: "hash(" + ", ".join(f"{a}.{c}" for c in cols) + ")"
        total += con.execute(f"SELECT count(*) FROM (SELECT o.*, n.* FROM f.main.{t} o FULL JOIN t.main.{t} n ON {on} "
                             f"WHERE o.{key[0]} IS NULL OR n.{key[0]} IS NULL OR {h('o')} <> {h('n')})").fetchone()[0]
    return total


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--memory", default="8GB")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/diffbench"))
    args = ap.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    old, new = args.workdir / f"old-{args.items}.duckdb", args.workdir / f"new-{args.items}.duckdb"
    if not new.exists():
        t0 = time.perf_counter()
        build_old(old, args.items)
        build_new(old, new)
        print(f"built synthetic packages in {time.perf_counter() - t0:.1f}s")

    def connect():
        con = duckdb.connect(config={"threads": args.threads, "memory_limit": args.memory})
        attach(con, "f", old)
        attach(con, "t", new)
        return con

    con = connect()
    rows = sum(con.execute(f"SELECT count(*) FROM f.main.{t}").fetchone()[0] for t in KEYS)
    t0 = time.perf_counter()
    differing = floor(con)
    t_floor = time.perf_counter() - t0
    con.close()
    con = connect()
    t0 = time.perf_counter()
    keys = {t: k for t, k in KEYS.items()}
    compared, _ = plan_tables(con, keys)
    spool = ChangeSpool(con, sort_key)
    compare_attached(con, compared, keys, {}, spool)
    t_engine = time.perf_counter() - t0
    summary = summary_from_counts(spool.counts(), compared)
    con.close()
    print(f"items {args.items}, rows {rows}, threads {args.threads}, memory {args.memory}")
    print(f"floor (full outer join hash diff): {t_floor:.2f}s, {differing} differing rows")
    print(f"powerlist engine:                  {t_engine:.2f}s, {spool.arrived} change rows  "
          f"ratio {t_engine / t_floor:.2f}x")
    print({t: {k: v for k, v in s.items() if v} for t, s in summary.items()})


if __name__ == "__main__":
    main()
