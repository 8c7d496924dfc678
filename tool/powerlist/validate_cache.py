"""What validating each table file alone found, kept by the file's content (validate's cache).

A province-scale package holds tens of thousands of per-list files, and a one-list change
rewrites five of them. Validating a file alone gives everything a whole validation needs from
it: its record count, its first line (the header), the findings of its cells (row numbers local
to the file) and its key columns (the typed values the primary- and foreign-key checks compare).
Those are stored here under (the table's schema context, the file's SHA-256 from
digests.table_digests), so the next run loads only files it has not seen, and checks keys over
the stored key columns of every file, each file's rows shifted by its place in the table.

One DuckDB file in <root>/.powerlist-cache holds it all. Every change to it is one transaction
(a killed run leaves the last committed state, never a half-written one), and one process at a
time uses it (an flock on a lock file beside it); whoever cannot get it within the package lock's
timeout, or cannot open or write it, validates with a private in-memory store instead — slower,
never different. Entries no run has used for KEEP_RUNS runs (at least KEEP_RUNS / 2) are
dropped, so the file stays about the size of the states validated lately.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from .codeversion import code_digest
from .sqltext import ident

FORMAT = "2"  # bump when what is stored per file changes
KEEP_RUNS = 32
LOCK_NAME = "validate.lock"

def db_name() -> str:
    # DuckDB's regular expressions and casts decide which cells count as plainly valid, so a
    # new DuckDB starts a new store (the old one is dropped by cache clear or eviction).
    return f"validate-v{FORMAT}-duckdb{duckdb.__version__}.db"


class FileInfo:
    """What one file alone gave: record count, first line (hex), cell findings by local row."""

    __slots__ = ("records", "head", "findings")

    def __init__(self, records: int, head: str, findings: str):
        self.records, self.head, self.findings = records, head, findings


class Store:
    """The per-file results of one validation run, over an open DuckDB connection.

    The connection is in one transaction from open to close: `commit()` makes the run's
    additions visible to the next run, anything else rolls them back.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, spill: Path, persistent: bool):
        self.con, self.spill, self.persistent = con, spill, persistent
        con.execute("CREATE TABLE IF NOT EXISTS files (ctx VARCHAR, id VARCHAR, records BIGINT, head VARCHAR, "
                    "findings VARCHAR, used BIGINT)")
        con.execute("CREATE TABLE IF NOT EXISTS results (key VARCHAR, value VARCHAR, used BIGINT)")
        con.execute("CREATE TABLE IF NOT EXISTS runs (n BIGINT)")
        con.execute("CREATE TABLE IF NOT EXISTS fkeys (key VARCHAR, used BIGINT)")
        con.execute("BEGIN TRANSACTION")
        row = con.execute("SELECT max(n) FROM runs").fetchone()
        self.run = (row[0] or 0) + 1
        self.used: dict[str, set[str]] = {}   # ctx → ids this run read
        self.tables = {name for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND database_name = current_database()").fetchall()}

    # ---- per-file entries ------------------------------------------------------------------

    def keys_table(self, ctx: str, key_columns: list[str]) -> str:
        """The table of the context's key columns (id, r = record index in the file, k_…)."""
        name = f"keys_{ctx}"
        if name not in self.tables:
            cols = ", ".join(f"{ident(c)} VARCHAR" for c in key_columns)
            self.con.execute(f"CREATE TABLE IF NOT EXISTS {ident(name)} (id VARCHAR, r BIGINT{', ' + cols if cols else ''})")
            self.tables.add(name)
        return ident(name)

    def lookup(self, ctx: str, ids: list[str]) -> dict[str, FileInfo]:
        self.used.setdefault(ctx, set()).update(ids)
        # Every entry of the context and a filter here: the store holds about one package's
        # files per context, and a join against a list of 5,000 digests costs three times more.
        wanted = set(ids)
        rows = self.con.execute("SELECT id, records, head, findings FROM files WHERE ctx = ?", [ctx]).fetchall()
        return {i: FileInfo(n, h, fs) for i, n, h, fs in rows if i in wanted}

    def add(self, ctx: str, infos: dict[str, FileInfo]) -> None:
        """Record files just analysed (their key rows are in the keys table already)."""
        ids = list(infos)
        self.con.execute(
            "INSERT INTO files SELECT ?, unnest(?::VARCHAR[]), unnest(?::BIGINT[]), unnest(?::VARCHAR[]), "
            "unnest(?::VARCHAR[]), ?",
            [ctx, ids, [infos[i].records for i in ids], [infos[i].head for i in ids],
             [infos[i].findings for i in ids], self.run])

    # ---- the last state checked per schema context (primary keys) ----------------------------

    def state_table(self, kind: str, ctx: str) -> str:
        return ident(f"{kind}_{ctx}")

    def added_since_last(self, ctx: str, ids: list[str], records: list[int]) -> list[str] | None:
        """The files this state holds more often than the last state checked for the context
        (usually the few a change rewrote), or None when there is no last state or so much is
        new that checking every key costs no more."""
        if f"state_{ctx}" not in self.tables or f"dups_{ctx}" not in self.tables:
            return None
        last = dict(self.con.execute(f"SELECT id, n FROM {self.state_table('state', ctx)}").fetchall())
        count: dict[str, int] = {}
        size: dict[str, int] = {}
        for i, n in zip(ids, records):
            count[i] = count.get(i, 0) + 1
            size[i] = n
        added = [i for i, c in count.items() if c > last.get(i, 0)]
        if sum(size[i] for i in added) * 4 > max(sum(records), 1):
            return None
        return added

    def save_state(self, ctx: str, ids: list[str], dups: str, columns: list[str]) -> None:
        """Remember this state's files and duplicated keys (the temp table `dups`) for the next run."""
        self.con.execute(f"CREATE OR REPLACE TABLE {self.state_table('state', ctx)} AS "
                         "SELECT id, count(*) AS n FROM (SELECT unnest(?::VARCHAR[]) AS id) GROUP BY id", [ids])
        self.con.execute(f"CREATE OR REPLACE TABLE {self.state_table('dups', ctx)} AS SELECT {', '.join(columns)} FROM {dups}")
        self.tables.update({f"state_{ctx}", f"dups_{ctx}"})

    # ---- the last state checked per foreign key (validate._fk_violations) ----------------------

    def fk_last(self, key: str) -> tuple[set[str], set[str]] | None:
        """(the referencing table's files, the referenced table's files) of the last state whose
        foreign key `key` was checked, or None; its violating rows are in fk_table(key)."""
        if f"fkv_{key}" not in self.tables or f"fkids_{key}" not in self.tables:
            return None
        self.con.execute("UPDATE fkeys SET used = ? WHERE key = ?", [self.run, key])
        t_ids, s_ids = self.con.execute(f"SELECT t, s FROM {ident('fkids_' + key)}").fetchone()
        return set(t_ids), set(s_ids)

    def fk_table(self, key: str) -> str:
        return ident(f"fkv_{key}")

    def fk_save(self, key: str, t_ids: list[str], s_ids: list[str], rows: str, columns: list[str]) -> None:
        """Remember this state's files on both sides and its violating rows (the temp table `rows`)."""
        # one row of two lists: 10,000 ids read back as two values, not as 10,000 rows
        self.con.execute(f"CREATE OR REPLACE TABLE {ident('fkids_' + key)} AS SELECT ?::VARCHAR[] AS t, ?::VARCHAR[] AS s",
                         [t_ids, s_ids])
        self.con.execute(f"CREATE OR REPLACE TABLE {self.fk_table(key)} AS SELECT {', '.join(columns)} FROM {rows}")
        self.con.execute("DELETE FROM fkeys WHERE key = ?", [key])
        self.con.execute("INSERT INTO fkeys VALUES (?, ?)", [key, self.run])
        self.tables.update({f"fkids_{key}", f"fkv_{key}"})

    def has_files(self, ctx: str, ids: list[str]) -> bool:
        """Whether every one of the files `ids` has its entry (and key rows) in the context."""
        if not ids:
            return True
        n = self.con.execute("SELECT count(DISTINCT id) FROM files WHERE ctx = ? AND id IN (SELECT unnest(?::VARCHAR[]))",
                             [ctx, ids]).fetchone()[0]
        return n == len(set(ids))

    # ---- whole-package results ---------------------------------------------------------------

    def result(self, key: str) -> dict | None:
        row = self.con.execute("SELECT value FROM results WHERE key = ?", [key]).fetchone()
        if row is None:
            return None
        self.con.execute("UPDATE results SET used = ? WHERE key = ?", [self.run, key])
        return json.loads(row[0])

    def remember(self, key: str, value: dict) -> None:
        self.con.execute("DELETE FROM results WHERE key = ?", [key])
        self.con.execute("INSERT INTO results VALUES (?, ?, ?)", [key, json.dumps(value, ensure_ascii=False), self.run])

    # ---- end of run ------------------------------------------------------------------------

    def commit(self, prune: bool = True) -> None:
        """Mark what this run used, drop what no recent run used (when `prune`: a run that looked
        at no file entry leaves them be), and make it all durable."""
        con = self.con
        # Marking 25,000 entries each run costs 0.1 s: an entry is marked again only once its
        # mark is half as old as the pruning age (so it survives at least KEEP_RUNS / 2 unused runs).
        fresh = self.run - KEEP_RUNS // 2
        for ctx, ids in self.used.items():
            con.execute("UPDATE files SET used = ? WHERE ctx = ? AND used < ? AND id IN (SELECT unnest(?::VARCHAR[]))",
                        [self.run, ctx, fresh, sorted(ids)])
        stale = self.run - KEEP_RUNS if prune else -1
        gone = con.execute("SELECT DISTINCT ctx FROM files WHERE used < ?", [stale]).fetchall()
        for (ctx,) in gone:
            table = f"keys_{ctx}"
            exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND NOT temporary",
                                 [table]).fetchone()[0]
            if exists:
                con.execute(f"DELETE FROM {ident(table)} WHERE id IN "
                            f"(SELECT id FROM files WHERE ctx = ? AND used < ?)", [ctx, stale])
                if not con.execute("SELECT count(*) FROM files WHERE ctx = ? AND used >= ?", [ctx, stale]).fetchone()[0]:
                    for kind in ("keys", "state", "dups"):
                        con.execute(f"DROP TABLE IF EXISTS {ident(kind + '_' + ctx)}")
        con.execute("DELETE FROM files WHERE used < ?", [stale])
        for (key,) in con.execute("SELECT key FROM fkeys WHERE used < ?", [stale]).fetchall():
            for kind in ("fkids", "fkv"):
                con.execute(f"DROP TABLE IF EXISTS {ident(kind + '_' + key)}")
        con.execute("DELETE FROM fkeys WHERE used < ?", [stale])
        con.execute("DELETE FROM results WHERE used < ?", [stale])
        con.execute("DELETE FROM runs")
        con.execute("INSERT INTO runs VALUES (?)", [self.run])
        con.execute("COMMIT")
        if self.persistent:
            con.execute("CHECKPOINT")  # the next run opens a compact file, not a long log


def context_key(parts) -> str:
    """A short stable name for what a file's analysis depends on besides its bytes (and the code judging it)."""
    blob = json.dumps([FORMAT, duckdb.__version__, code_digest(), *parts], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:20]


def _connect(target: str, spill: Path, reads: list[Path]) -> duckdb.DuckDBPyConnection:
    """A connection bounded like every other (compiled.duckdb_settings: beyond the limit DuckDB
    spills key columns to `spill`; uncapped it took ~5 GB at 1M items)."""
    from .compiled import duckdb_settings, lock_down

    con = duckdb.connect(target, config={**duckdb_settings(), "temp_directory": str(spill)})
    lock_down(con, [*reads, spill])
    return con


@contextmanager
def open_store(root: Path | None, reads: list[Path]) -> Iterator[Store]:
    """The persistent store of the package root (or a private in-memory one when root is None or
    the persistent one cannot be had); the run's connection may read only `reads` and its spill."""
    with tempfile.TemporaryDirectory(prefix="powerlist-validate-") as spill:
        store = _persistent(root, Path(spill), reads) if root is not None else None
        fd = None
        if store is not None:
            store, fd = store
        else:
            store = Store(_connect(":memory:", Path(spill), reads), Path(spill), persistent=False)
        try:
            yield store
        finally:
            try:
                store.con.close()  # an uncommitted run is rolled back
            finally:
                if fd is not None:
                    os.close(fd)  # releases the flock


def _persistent(root: Path, spill: Path, reads: list[Path]):
    from .compiled import cache_dir
    from .files import file_mode
    from .lock import BusyError, _flock

    folder = cache_dir(root)
    lock_path = folder / LOCK_NAME
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, file_mode())
    except OSError:
        return None  # a read-only package: validate without remembering
    try:
        _flock(fd, True, lock_path)
    except BusyError:
        os.close(fd)
        return None  # another command validates in this root for long: do not wait longer
    db = folder / db_name()
    for old in folder.glob("validate-v*.db*"):
        if old.name not in (db.name, db.name + ".wal"):
            old.unlink(missing_ok=True)  # another format or DuckDB version: never read again
    for attempt in range(2):
        try:
            con = _connect(str(db), spill, [*reads, folder])
            return Store(con, spill, persistent=True), fd
        except duckdb.Error:
            if attempt:
                break
            # A file this DuckDB cannot open (damaged, another format): it is only a cache.
            for p in (db, db.with_name(db.name + ".wal")):
                p.unlink(missing_ok=True)
    os.close(fd)
    return None
