"""One release read once for every artifact, as readers see it (powerlist.derived): derived columns
such as a 2022 citation's law_id and the law reference tables it was read with are part of it.

Publish holds one release at a time (`open_release` reads only its descriptor and manifest;
`load()` reads the tables; `close()` lets them go), so its memory does not grow with the number
of releases. The tables are loaded into an in-memory DuckDB database typed by the Table Schemas
(lists as arrays, dates as dates) that spills to the cache folder; the columnar downloads are
written from it by SQL. Only the small tables are held as Python rows (`tables`); the item tables
are read row by row (`rows`) or one list at a time (`list_views`), so a province-scale release is
never all in Python at once.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path
from typing import Iterable, Iterator

import duckdb
import pyarrow as pa

from .. import __version__
from .reuse import recall, record
from ..compiled import configure, cache_dir, table_sources
from ..derived import ReadView, load_view, read_view
from ..package import Package, open_target
from ..render import CHILD_ORDER, ListView
from ..schema import TableSchema
from ..sqltext import ident, literal

# The tables that grow with the number of items: never held whole as Python rows.
ITEM_TABLES = ("items", *CHILD_ORDER)
BATCH = 20_000  # rows fetched from DuckDB at a time
CHUNK_ITEMS = 10_000  # list_views: the items of consecutive lists read sorted at a time
KEY_CHUNK_ITEMS = 50_000  # item_keys: the items of consecutive lists keyed in one query


@dataclass
class ReleaseData:
    tag: str
    date: str                      # release date from release.json, YYYY-MM-DD
    package: Package
    name: str                      # the data package's name, used as the file name prefix
    schemas: dict[str, TableSchema]
    root: Path
    read: ReadView
    manifest: dict = field(default_factory=dict)
    tables: dict[str, list[dict]] = field(default_factory=dict)   # the small tables (lists, counties, laws, …)
    counts: dict[str, int] = field(default_factory=dict)          # rows per table
    item_counts: dict[str, int] = field(default_factory=dict)     # list_id → items
    con: duckdb.DuckDBPyConnection | None = None
    _key: str | None = field(default=None, repr=False)
    _db: Path | None = field(default=None, repr=False)   # the database file load() made

    @property
    def stem(self) -> str:
        return f"{self.name}-{self.tag}"

    @property
    def day(self) -> Date:
        return Date.fromisoformat(self.date)

    @property
    def lists(self) -> dict[str, dict]:
        """list_id → its row, in list_id order (the order of every per-list artifact)."""
        return {l["list_id"]: l for l in sorted(self.tables.get("lists", []), key=lambda l: l["list_id"])}

    def content_key(self) -> str:
        """What the release's tables are read from: each table's schema as readers see it (with
        derived columns), the package it is read from and that package's files with their SHA-256
        (digests.table_digests), and the tool's version. Two releases with the same key read the
        same rows, so every file written from their tables as a whole is the same bytes (reuse.py)."""
        if self._key is None:
            h = hashlib.sha256(f"powerlist {__version__} publish\n".encode())
            sources: dict[str, dict] = {}
            for name, ts in self.schemas.items():
                origin = self.read.origin[name]
                if origin.path not in sources:
                    sources[origin.path] = table_sources(origin, self.root)
                src = sources[origin.path][name]
                h.update(json.dumps([name, ts.descriptor, self.read.derived.get(name, []), src.schema, src.parts],
                                    sort_keys=True, ensure_ascii=False).encode())
                h.update(b"\n")
            self._key = h.hexdigest()
        return self._key

    def zip_time(self) -> tuple[int, int, int, int, int, int]:
        """Every archive entry is stamped with the release date, so archives are reproducible."""
        d = self.day
        return (max(d.year, 1980), d.month, d.day, 0, 0, 0)

    def load(self, db: Path | None = None) -> "ReleaseData":
        """The tables into a database file of this process in the cache's spill folder, not an
        in-memory database: DuckDB compresses a file's tables (100,000 items: 124 MB on disk
        against 710 MB of memory in-memory) and can let its pages go, where an in-memory table
        stays in memory whole; the file is removed by close().

        db: the file an earlier release of the same content_key() left (close(keep=True)),
        opened instead of reading the tables again: the same rows (a release that returns to
        an earlier state, as a province's adjustment undone; ~3 s of two cores at 100,000 items)."""
        spill = cache_dir(self.root) / "spill"
        spill.mkdir(parents=True, exist_ok=True)
        if db is None:
            self._db = release_db(spill)
            remove_db(self._db)
        else:
            self._db = db
        con = duckdb.connect(str(self._db))
        configure(con, spill)
        if db is None:
            load_view(con, self.read)
        self.con = con
        self.counts = {n: con.execute(f"SELECT count(*) FROM {ident(n)}").fetchone()[0] for n in self.schemas}
        self.tables = {n: rows_of(con, n) for n in self.schemas if n not in ITEM_TABLES}
        if "items" in self.schemas:
            self.item_counts = dict(con.execute("SELECT list_id, count(*) FROM items GROUP BY list_id").fetchall())
        return self

    def close(self, keep: bool = False) -> Path | None:
        """Let the tables go; the small ones (`tables`) and the counts stay for the index pages.
        keep: leave the database file for a later release of the same content (load(db)) and
        return it; whoever keeps it removes it (remove_db)."""
        if self.con is not None:
            self.con.close()
            self.con = None
        db, self._db = self._db, None
        if db is not None and not keep:
            remove_db(db)
            return None
        return db

    def columns(self, name: str, alias: str = "") -> str:
        """The table's columns for a SELECT, dates as ISO text (what the package reader gives)."""
        pre = f"{alias}." if alias else ""
        return ", ".join(f"CAST({pre}{ident(f['name'])} AS VARCHAR) AS {ident(f['name'])}" if f["type"] == "date"
                         else f"{pre}{ident(f['name'])}" for f in self.schemas[name].fields)

    def tuples(self, sql: str) -> Iterator[tuple[list[str], list[tuple]]]:
        """(column names, rows) of a query, a batch at a time, streamed (never the whole result)."""
        cur = self.con.cursor()
        try:
            for batch in cur.sql(sql).to_arrow_reader(BATCH):
                yield batch.schema.names, list(zip(*(c.to_pylist() for c in batch.columns)))
        finally:
            cur.close()

    def rows(self, name: str) -> Iterator[dict]:
        """The table's rows as plain values (dates as ISO text), in table order, a batch at a time."""
        for names, batch in self.tuples(f"SELECT {self.columns(name)} FROM {ident(name)}"):
            for r in batch:
                yield dict(zip(names, r))

    def _shape(self, name: str) -> str:
        """The table's columns and types as this release holds them: part of every content key
        (DuckDB's row hash sees values, not column names)."""
        return json.dumps([(f["name"], f["type"]) for f in self.schemas[name].fields], ensure_ascii=False)

    def table_key(self, name: str) -> str:
        """The identity of a table's rows as this release holds them, in table order: two tables
        with the same key give the same sheet, row for row. From DuckDB's per-row hash (as the
        compiled cache's row_hashes), within one publish only (its hash may change between versions)."""
        known = recall("table_key", f"{self.content_key()}\0{name}")  # a release of the same tables: the same key
        if known is None:
            digest = self.con.execute(f"SELECT md5(coalesce(string_agg(CAST(hash(t) AS VARCHAR), ',' ORDER BY rowid), '')) "
                                      f"FROM {ident(name)} t").fetchone()[0]
            known = hashlib.sha256(f"{name}\0{self._shape(name)}\0{digest}".encode()).hexdigest()
            record("table_key", f"{self.content_key()}\0{name}", known)
        return known

    def list_keys(self) -> dict[str, str]:
        """list_id → the identity of everything a list's own files are made of (its lists row, its
        items by 序号, their children in their order): lists with the same key give the same
        workbook sheet, nested JSON (but for the release fields) and list page table."""
        if "lists" not in self.schemas:
            return {}
        known = recall("list_keys", self.content_key())  # a release of the same tables: the same keys
        if known is None:
            known = self._list_keys()
            record("list_keys", self.content_key(), known)
        return dict(known)

    def _list_keys(self) -> dict[str, str]:
        parts = ["SELECT list_id, 0 AS t, 0 AS o, rowid AS r, CAST(hash(l) AS VARCHAR) AS h FROM lists l"]
        if "items" in self.schemas:
            parts.append("SELECT list_id, 1, seq, rowid, CAST(hash(i) AS VARCHAR) FROM items i")
            for n, (t, k) in enumerate(CHILD_ORDER.items(), start=2):
                if t in self.schemas:
                    parts.append(f"SELECT i.list_id, {n}, c.{ident(k)}, c.rowid, CAST(hash(c) AS VARCHAR) "
                                 f"FROM {ident(t)} c JOIN items i USING (item_id)")
        rows = self.con.execute(f"SELECT list_id, md5(string_agg(h, ',' ORDER BY t, o, r)) FROM ({' UNION ALL '.join(parts)}) "
                                "GROUP BY list_id").fetchall()
        shape = "\0".join(self._shape(t) for t in ("lists", *ITEM_TABLES) if t in self.schemas)
        return {list_id: hashlib.sha256(f"{shape}\0{digest}".encode()).hexdigest() for list_id, digest in rows}

    def item_keys(self, only: set[str]) -> Iterator[tuple[str, list[tuple[str, str, str | None]]]]:
        """(list_id, its items' (item_id, key, extra)) for the lists `only`, in list_id order, each
        list's items by 序号 as list_views gives them. An item's key is the identity of its row and
        its children's rows in their order (as list_keys, within one publish): items with the same
        key are the same cells wherever they stand. extra: the item's extra column (or None)."""
        if not only or "items" not in self.schemas:
            return
        # A chunk of lists at a time: an ordered string_agg holds every group's strings in memory
        # (it does not spill), and all 300,000 items' keys in one query ran out of the 1 GB limit.
        for chunk in self._chunks(sorted(only), KEY_CHUNK_ITEMS):
            yield from self._item_keys(chunk)

    def _chunks(self, list_ids: Iterable[str], size: int) -> Iterator[list[str]]:
        """Runs of consecutive lists (in the order given) holding at least `size` items each (the last fewer)."""
        chunk: list[str] = []
        held = 0
        for list_id in list_ids:
            chunk.append(list_id)
            held += self.item_counts.get(list_id, 0)
            if held >= size:
                yield chunk
                chunk, held = [], 0
        if chunk:
            yield chunk

    def _item_keys(self, only: list[str]) -> Iterator[tuple[str, list[tuple[str, str, str | None]]]]:
        """item_keys for the lists `only` (sorted), in one query."""
        self.con.from_arrow(pa.table({"list_id": pa.array(only, pa.string())})).create("__publish_keyed")
        mine = "list_id IN (SELECT list_id FROM __publish_keyed)"
        parts = [f"SELECT item_id, 1 AS t, 0 AS o, rowid AS r, CAST(hash(i) AS VARCHAR) AS h FROM items i WHERE {mine}"]
        for n, (t, k) in enumerate(CHILD_ORDER.items(), start=2):
            if t in self.schemas:
                parts.append(f"SELECT c.item_id, {n}, c.{ident(k)}, c.rowid, CAST(hash(c) AS VARCHAR) FROM {ident(t)} c "
                             f"WHERE c.item_id IN (SELECT item_id FROM items WHERE {mine})")
        shape = "\0".join(self._shape(t) for t in ITEM_TABLES if t in self.schemas)
        extra = "i.extra" if any(f["name"] == "extra" for f in self.schemas["items"].fields) else "NULL"
        sql = (f"SELECT i.list_id, i.item_id, md5({literal(shape)} || k.h), {extra} FROM items i JOIN "
               f"(SELECT item_id, string_agg(h, ',' ORDER BY t, o, r) AS h FROM ({' UNION ALL '.join(parts)}) GROUP BY item_id) k "
               f"USING (item_id) WHERE {mine} ORDER BY i.list_id, i.seq, i.rowid")
        try:
            current, rows = None, []
            for _, batch in self.tuples(sql):
                for list_id, item_id, key, ext in batch:
                    if list_id != current:
                        if rows:
                            yield current, rows
                        current, rows = list_id, []
                    rows.append((item_id, key, ext))
            if rows:
                yield current, rows
        finally:
            self.con.execute("DROP TABLE IF EXISTS __publish_keyed")

    def list_views(self, only: set[str] | None = None, items: set[str] | None = None) -> Iterator[ListView]:
        """Every list with its items (by 序号) and their children (by their own order), in list_id
        order, one list at a time: the same views as render.list_views over the whole tables.
        only: just these lists (the others' files are copied from an earlier release's); items:
        just these items of them (a view then holds only those: the rest are made already).

        Each item table is read sorted in list order (rowid breaks ties as render's stable sorts
        do), CHUNK_ITEMS items' lists at a time: a sorted query's rows are held by DuckDB (within
        its memory limit, spilling) until they are read, and the tables are read side by side.
        Copying the sorted tables into the release's database file first cost ~3× the sort itself
        (the copies were compressed and written: 2.8 s against 0.8 s at 20,000 items)."""
        lists = self.lists if only is None else {k: v for k, v in self.lists.items() if k in only}
        if not lists:
            return
        where = ""
        if only is not None:
            self.con.from_arrow(pa.table({"list_id": pa.array(sorted(only), pa.string())})).create("__publish_only")
            where += "AND {0}list_id IN (SELECT list_id FROM __publish_only) "
        if items is not None:
            self.con.from_arrow(pa.table({"item_id": pa.array(sorted(items), pa.string())})).create("__publish_items")
            where += "AND {0}item_id IN (SELECT item_id FROM __publish_items) "

        def sorted_sql(t: str, lo: str, hi: str) -> str:
            """Table t's rows of the lists lo … hi, in list order."""
            if t == "items":
                return (f"SELECT {self.columns('items')} FROM items WHERE list_id BETWEEN {literal(lo)} AND {literal(hi)} "
                        f"{where.format('')}ORDER BY list_id, seq, rowid")
            return (f"SELECT {self.columns(t, 'c')}, i.list_id AS __list FROM {ident(t)} c JOIN items i USING (item_id) "
                    f"WHERE i.list_id BETWEEN {literal(lo)} AND {literal(hi)} {where.format('i.')}"
                    f"ORDER BY i.list_id, c.{ident(CHILD_ORDER[t])}, c.rowid")
        # (first, last list_id) of consecutive lists, ~CHUNK_ITEMS items
        chunks = [(c[0], c[-1]) for c in self._chunks(lists, CHUNK_ITEMS)]

        def chunked(t: str) -> Iterator[tuple[str, list[dict]]]:
            for lo, hi in chunks:
                yield from _grouped(self, sorted_sql(t, lo, hi), "list_id" if t == "items" else "__list")
        groups: dict[str, Iterator] = {}
        try:
            groups = {t: chunked(t) for t in ("items", *(t for t in CHILD_ORDER if t in self.schemas))}
            heads = {t: next(g, None) for t, g in groups.items()}

            def take(t: str, list_id: str) -> list[dict]:
                while heads[t] is not None and heads[t][0] < list_id:  # rows of a list not in lists
                    heads[t] = next(groups[t], None)
                if heads[t] is None or heads[t][0] != list_id:
                    return []
                rows = heads[t][1]
                heads[t] = next(groups[t], None)
                return rows

            for list_id, lst in lists.items():
                rows = take("items", list_id)
                children: dict[str, dict[str, list[dict]]] = {i["item_id"]: {} for i in rows}
                for t in groups:
                    if t != "items":
                        for r in take(t, list_id):
                            children[r["item_id"]].setdefault(t, []).append(r)
                yield ListView.of(lst, rows, children)
        finally:
            for g in groups.values():
                g.close()  # their cursors, before the tables they read go
            for name in ["__publish_only", "__publish_items"]:
                self.con.execute(f"DROP TABLE IF EXISTS {name}")


_loaded = itertools.count()


def release_db(spill: Path) -> Path:
    """A new database file for a release to be loaded into (publish holds one at a time, a test
    may hold several); a killed publish's files are removed by the next publish (site._forget_stale)."""
    return spill / f"publish-release-{os.getpid()}-{next(_loaded)}.duckdb"


def remove_db(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.with_name(path.name + ".wal").unlink(missing_ok=True)


def _grouped(rel: ReleaseData, sql: str, key: str) -> Iterator[tuple[str, list[dict]]]:
    """(list_id, its rows) of a query sorted in list order; the key column is left out of a child's rows."""
    current, rows = None, []
    for names, batch in rel.tuples(sql):
        at = names.index(key)
        keep = [n for n in names if n != "__list"]  # __list is the last column: zip stops before it
        for r in batch:
            if r[at] != current:
                if rows:
                    yield current, rows
                current, rows = r[at], []
            rows.append(dict(zip(keep, r)))
    if rows:
        yield current, rows


def _plain(value):
    """DuckDB's Python values as the package reader gives them (dates as ISO text)."""
    return value.isoformat() if isinstance(value, Date) else value


def rows_of(con: duckdb.DuckDBPyConnection, name: str) -> list[dict]:
    cur = con.execute(f"SELECT * FROM {ident(name)}")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, map(_plain, r))) for r in cur.fetchall()]


def open_release(root: Path, tag: str) -> ReleaseData:
    """The release's descriptor, schemas and manifest; its tables are read by load()."""
    pkg = open_target(root, tag)
    manifest = json.loads((pkg.path / "release.json").read_text(encoding="utf-8"))
    view = read_view(pkg, root)
    return ReleaseData(tag, manifest["date"], pkg, pkg.descriptor.get("name", "powerlist"), view.schemas, root, view,
                       manifest=manifest)


def load_release(root: Path, tag: str) -> ReleaseData:
    return open_release(root, tag).load()
