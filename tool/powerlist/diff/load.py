"""Both packages of a whole diff read straight from their CSVs into the diff's own connection.

A first whole diff used to compile each side into a cached DuckDB file and compare those: at
100k items most of its time went into writing two compiled files the comparison then read
back. Here each child table (steps, accountability, exemptions, bases; most of the rows) is
read once per side inside one full outer join on the key the engine pairs rows by, keeping only
the rows of pairs whose row hashes differ — the work of the bare DuckDB floor
(benchmarks/floor.py). A pair of equal rows is exactly what the engine's first step drops
(engine._diff_children, `_dk`), so the engine finds the same pairs among the kept rows and makes
the same report; on these tables (Plan.reduced) it skips that step, which would keep every row.
Before DuckDB reads a child table, the two files' equal stretches are skipped as bytes
(diff/unchanged.py): DuckDB then parses the differing items' records only, the same kept rows.
Items, lists and the small tables are read whole: the engine looks up any item's list, position
and name for context.

The child tables are read on a second connection in a thread of their own (Loading), in the
order the engine compares them, while the calling thread reads the small and whole tables and
then compares each table once it is read.

Kept rows are told apart by their keys and stored in key order: in a package that keeps its key
no report depends on the order of rows with different keys. Where a key repeats among one side's
kept rows (a package breaking its key), they are told apart by their places instead and stored
in file order, as a compiled file holds them: the engine meets the same rows in the same order.
Places are counted by WITH ORDINALITY, which DuckDB computes on one thread (a streaming window),
so reading by key, in parallel, comes first.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb

from ..compiled import _scratch, csv_relation_sql, duck_type
from ..package import Package, joined_parts
from ..sqltext import ident
from .spec import CHILDREN, table_rank
from .unchanged import differing_only

SIDES = ("f", "t")


def table_files(pkg: Package, name: str, lists: set[str] | None) -> list[Path]:
    """The table's files to read: all of them, or with `lists` only those lists' (for a
    partitioned table; its other files are equal on both sides, so they hold no change)."""
    from ..storage import part_path

    if lists is not None and pkg.partitioned(name):
        return [f for f in (pkg.path / part_path(name, l) for l in sorted(lists)) if f.exists()]
    return pkg.table_files(name)


class Plan:
    """What a whole diff reads: databases `f` and `t` attached on the connection (empty), the
    tables each will hold (`names`), and the steps that fill them: (table name, a function of a
    connection to the same database that creates that table in one database or, reduced, in
    both) — `whole` for the small and whole tables, `children` for the reduced child tables in
    the engine's order."""

    def __init__(self, con: duckdb.DuckDBPyConnection, src: Package, dst: Package, lists: set[str] | None = None):
        pkgs = dict(zip(SIDES, (src, dst)))
        for db in SIDES:
            con.execute(f"ATTACH ':memory:' AS {ident(db)}")
        scratch = _scratch(con)
        with_files = {db: {name: table_files(pkg, name, lists) for name in pkg.schemas if pkg.has_table(name)}
                      for db, pkg in pkgs.items()}
        reduced = {name for name in with_files["f"].keys() & with_files["t"].keys()
                   if with_files["f"][name] and with_files["t"][name] and _reducible(src, dst, name)}
        limit = memory_limit_bytes(con)
        self.names = {db: set(with_files[db]) for db in SIDES}
        self.reduced = frozenset(reduced)
        self.whole: list[tuple[str, Callable[[duckdb.DuckDBPyConnection], None]]] = []
        for db, pkg in pkgs.items():
            for name, files in with_files[db].items():
                if name not in reduced:
                    self.whole.append((name, functools.partial(_load_whole, db=db, name=name, fields=pkg.schemas[name].fields,
                                                               files=files, scratch=scratch)))

        def differing(c, name):
            fields = dst.schemas[name].fields
            column = [f["name"] for f in fields].index("item_id")
            with joined_parts(with_files["f"][name], scratch) as old, joined_parts(with_files["t"][name], scratch) as new, \
                    differing_only(old, new, column, scratch) as (old, new):
                _load_differing(c, name, fields, old, new, two_passes=old.stat().st_size > TWO_PASSES * limit)

        self.children = [(name, functools.partial(differing, name=name)) for name in
                         sorted(reduced, key=lambda t: (table_rank(t), t))]


class Loading:
    """A Plan's child tables read on a second connection to the same database, in a thread of
    their own, while the calling thread reads the whole tables and then compares what is ready:
    DuckDB's CSV reading and joining leave a core partly idle, which the comparison of the tables
    already read (much of it Python) fills.

    wait(name) returns once the table is in both databases (committed, so a transaction begun
    after it sees the table) and raises what the loading raised; finish() waits for every table.
    close() stops the loading if it is still going (the comparison failed) and waits for its
    thread."""

    def __init__(self, con: duckdb.DuckDBPyConnection, plan: Plan, background: bool = True):
        """background=False reads the child tables on the calling thread after the whole ones,
        before any comparison: a connection of one DuckDB thread (publish's diff child, beside
        its parent's work, within a small memory limit) gains nothing from the overlap, and the
        reading and the comparison at once could take more than that limit."""
        self.names = plan.names
        self._cursor = con.cursor()
        self._steps = plan.children
        self._pending = collections.Counter(name for name, _ in plan.children)  # steps left per table
        self._error: BaseException | None = None
        self._stop = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="powerlist-diff-load", daemon=True) if background else None
        if self._thread is not None:
            self._thread.start()
        try:
            for _, step in plan.whole:
                step(con)
            if self._thread is None:
                self._run()
                self.finish()
        except BaseException:
            self.close()
            raise

    def _run(self) -> None:
        try:
            for name, step in self._steps:
                if self._stop:
                    return
                step(self._cursor)
                with self._changed:
                    self._pending[name] -= 1
                    self._changed.notify_all()
        except BaseException as e:  # handed to the waiting thread
            with self._changed:
                self._error = e
                self._changed.notify_all()

    def wait(self, name: str) -> None:
        with self._changed:
            while self._pending[name] > 0 and self._error is None:
                self._changed.wait()
            if self._error is not None:
                raise self._error

    def finish(self) -> None:
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error

    def close(self) -> None:
        self._stop = True
        if self._thread is not None:
            if self._thread.is_alive():
                self._cursor.interrupt()
            self._thread.join()
        self._cursor.close()


def _reducible(src: Package, dst: Package, name: str) -> bool:
    """A child table typed alike on both sides with the columns the engine pairs rows by."""
    spec = CHILDREN.get(name)
    if spec is None:
        return False
    fields = [(f["name"], duck_type(f)) for f in dst.schemas[name].fields]
    if fields != [(f["name"], duck_type(f)) for f in src.schemas[name].fields]:
        return False
    return set(_pair_key(name)) <= {c for c, _ in fields}


def _pair_key(name: str) -> list[str]:
    """The columns engine._diff_children pairs a table's rows by (its step 1)."""
    spec = CHILDREN[name]
    return ["item_id", *([spec.part] if spec.part else []), spec.number]


def _load_whole(con, db: str, name: str, fields: list[dict], files: list[Path], scratch: Path) -> None:
    table = f"{ident(db)}.main.{ident(name)}"
    if not files:
        cols = ", ".join(f"{ident(f['name'])} {duck_type(f)}" for f in fields)
        con.execute(f"CREATE TABLE {table} ({cols})")
        return
    with joined_parts(files, scratch) as path:
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM {csv_relation_sql(path, fields)}")


# One pass holds one side's whole rows in the join's hash table: beyond this share of the memory
# limit it would spill them to disk (the 1 GB floor at 1M items spends most of its time so), and
# reading that side's CSV a second time for the few rows that differ costs less.
TWO_PASSES = 0.5
_SIZE = re.compile(r"([0-9.]+)\s*([KMGTP]?)(i?)B", re.I)


def memory_limit_bytes(con) -> float:
    """The connection's memory limit in bytes (DuckDB spells it like '953.6 MiB')."""
    text = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    m = _SIZE.fullmatch(text.strip())
    if not m:
        return float("inf")
    base = 1024 if m.group(3) else 1000
    return float(m.group(1)) * base ** " KMGTP".index((m.group(2) or " ").upper())


def _load_differing(con, name: str, fields: list[dict], old: Path, new: Path, two_passes: bool = False) -> None:
    """f.<name> and t.<name>: each side's rows that are in a pair (by _pair_key, as the engine
    joins: NULL never equal) whose row hashes differ, or in no pair.

    Read by key (in key order; parallel) when no key repeats among either side's kept rows, so
    each kept row is told by its key; else (a package breaking its key) by place in file order
    (WITH ORDINALITY, which DuckDB numbers on one thread).

    In one pass the join carries both sides' whole rows. In two passes the old side enters the
    join as keys and hashes only, and its kept rows are read from its CSV again; the joins are
    then built on the side written on the right (DuckDB's own choice goes by its estimate of a
    CSV's rows, which is far too low, and would build on a whole CSV)."""
    if not _by_key(con, name, fields, old, new, two_passes):
        for db in SIDES:
            con.execute(f"DROP TABLE IF EXISTS {ident(db)}.main.{ident(name)}")
        _by_place(con, name, fields, old, new, two_passes)
    con.execute("DROP TABLE IF EXISTS _pairs")


# DuckDB's optimizer settings are the database's, not a connection's: while the loading thread has
# the build-side choice off, the comparison's joins (built on whole item tables) would go without
# it too. Holding this lock, either runs alone (report.open_diff holds it while comparing a table).
SETTINGS = threading.Lock()


@contextlib.contextmanager
def built_on_the_right(con) -> Iterator[None]:
    """DuckDB's build-side choice off: each join builds its hash table on the side written on its right."""
    with SETTINGS:
        con.execute("SET disabled_optimizers = 'build_side_probe_side'")
        try:
            yield
        finally:
            con.execute("RESET disabled_optimizers")


def _parts(name: str, fields: list[dict]) -> tuple[list[str], list[str], str, str, str, str]:
    cols = [f["name"] for f in fields]
    key = _pair_key(name)
    row = "struct_pack(" + ", ".join(f"{ident(c)} := x.{ident(c)}" for c in cols) + ")"
    row_hash = "hash(" + ", ".join(f"x.{ident(c)}" for c in cols) + ")"
    keys = ", ".join(f"x.{ident(k)}" for k in key)
    on = " AND ".join(f"o.{ident(k)} = n.{ident(k)}" for k in key)
    return cols, key, row, row_hash, keys, on


def _by_key(con, name: str, fields: list[dict], old: Path, new: Path, two_passes: bool) -> bool:
    """Load the kept rows told apart by their keys; False when a key repeats among them (then
    the tables made here do not hold exactly the kept rows)."""
    cols, key, row, row_hash, keys, on = _parts(name, fields)
    whole = lambda path: f"(SELECT {row} AS r, {keys}, {row_hash} AS h FROM {csv_relation_sql(path, fields)} AS x)"
    order = ", ".join(ident(k) for k in key)
    if not two_passes:
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _pairs AS
            SELECT o.r AS o, n.r AS n FROM {whole(old)} o FULL JOIN {whole(new)} n ON {on}
            WHERE o.h IS DISTINCT FROM n.h""")
        sides = (("f", "o"), ("t", "n"))
    else:
        kept = ", ".join(f"o.{ident(k)} AS {ident('o_' + k)}" for k in key)
        same = " AND ".join(f"x.{ident(k)} IS NOT DISTINCT FROM p.{ident('o_' + k)}" for k in key)
        picked = ", ".join(f"x.{ident(c)} AS {ident(c)}" for c in cols)
        with built_on_the_right(con):
            con.execute(f"""CREATE OR REPLACE TEMP TABLE _pairs AS
                SELECT {kept}, o.h AS oh, n.r AS n
                FROM {whole(new)} n FULL JOIN (SELECT {keys}, {row_hash} AS h FROM {csv_relation_sql(old, fields)} AS x) o
                  ON {on} WHERE o.h IS DISTINCT FROM n.h""")
            okeys = ", ".join(ident("o_" + k) for k in key)
            con.execute(f"""CREATE TABLE f.main.{ident(name)} AS
                SELECT {picked} FROM {csv_relation_sql(old, fields)} AS x
                SEMI JOIN (SELECT DISTINCT {okeys} FROM _pairs WHERE oh IS NOT NULL) p ON {same}
                ORDER BY {', '.join(f'x.{ident(k)}' for k in key)}""")
        sides = (("t", "n"),)
    for db, r in sides:
        picked = ", ".join(f"{r}.{ident(c)} AS {ident(c)}" for c in cols)
        con.execute(f"CREATE TABLE {ident(db)}.main.{ident(name)} AS SELECT {picked} FROM _pairs WHERE {r} IS NOT NULL "
                    f"ORDER BY {order}")
    distinct = "struct_pack(" + ", ".join(f"{ident(k)} := {ident(k)}" for k in key) + ")"
    return all(con.execute(f"SELECT count(*) = count(DISTINCT {distinct}) FROM {ident(db)}.main.{ident(name)}").fetchone()[0]
               for db in SIDES)


def _by_place(con, name: str, fields: list[dict], old: Path, new: Path, two_passes: bool) -> None:
    """Load the kept rows told apart by their places in their files, in file order."""
    cols, key, row, row_hash, keys, on = _parts(name, fields)

    def side(path: Path) -> str:
        # ordinality: the row's place in its file, which keeps each side in file order below
        return (f"(SELECT {row} AS r, {keys}, {row_hash} AS h, ordinality AS pos "
                f"FROM {csv_relation_sql(path, fields)} WITH ORDINALITY AS x)")

    if not two_passes:
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _pairs AS
            SELECT o.pos AS opos, n.pos AS npos, o.r AS o, n.r AS n
            FROM {side(old)} o FULL JOIN {side(new)} n ON {on}
            WHERE o.h IS DISTINCT FROM n.h""")
        sides = (("f", "opos", "o"), ("t", "npos", "n"))
    else:
        with built_on_the_right(con):
            con.execute(f"""CREATE OR REPLACE TEMP TABLE _pairs AS
                SELECT o.pos AS opos, n.pos AS npos, n.r AS n
                FROM {side(new)} n FULL JOIN (SELECT {keys}, {row_hash} AS h, ordinality AS pos
                                              FROM {csv_relation_sql(old, fields)} WITH ORDINALITY AS x) o ON {on}
                WHERE o.h IS DISTINCT FROM n.h""")
            picked = ", ".join(f"x.{ident(c)} AS {ident(c)}" for c in cols)
            con.execute(f"""CREATE TABLE f.main.{ident(name)} AS
                SELECT {picked} FROM {csv_relation_sql(old, fields)} WITH ORDINALITY AS x
                SEMI JOIN (SELECT DISTINCT opos FROM _pairs WHERE opos IS NOT NULL) p ON x.ordinality = p.opos
                ORDER BY x.ordinality""")
        sides = (("t", "npos", "n"),)
    for db, pos, r in sides:
        picked = ", ".join(f"{r}.{ident(c)} AS {ident(c)}" for c in cols)
        con.execute(f"""CREATE TABLE {ident(db)}.main.{ident(name)} AS
            SELECT {picked} FROM (SELECT {pos}, any_value({r}) AS {r} FROM _pairs WHERE {pos} IS NOT NULL GROUP BY {pos})
            ORDER BY {pos}""")
