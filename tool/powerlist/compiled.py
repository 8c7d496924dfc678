"""A package's tables compiled into one DuckDB file, cached by the content of its files.

Diff, SQL and validate read packages through DuckDB. Loading CSVs is the expensive part, and
releases never change, so the compiled form is kept in <root>/.powerlist-cache/ (ignored by git,
outside releases/ so checksums never see it). The cache key (content_key) is made of what the
tables are read from: each table's Table Schema and its files' SHA-256 (digests.table_digests),
so any edit gives a new key, and every package holding the same files shares one compiled file
(the working state and the release just made from it: a release never recompiles).

Beside each table a compiled file records which rows each of its files gave (schema `layout`).
A package whose files differ from a compiled one's in a few lists is then compiled as a *layer*
(compile_layer): only the differing files' rows, read over the other file's unchanged rows. SQL
reads layers (sql.py); diff always reads whole compiled files.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .codeversion import code_digest
from .storage import PARTITIONED, paths_of
from .package import Package, joined_parts
from .sqltext import ident, literal

CACHE_DIR = ".powerlist-cache"
FORMAT_VERSION = "3"  # bump when the compiled layout changes
ROW_HASHES = "row_hashes"  # schema of each table's per-row hashes, in the table's row order
LAYOUT = "layout"  # schema recording what each table was read from (tables, parts) or, in a layer, its base

# DuckDB's default memory limit is 80% of RAM; a province-scale diff needs far less if it may
# spill, and a bounded limit keeps the whole process under 2 GiB (DuckDB's resident memory runs
# some hundreds of MB over its limit, and Python holds one table's described changes at a time).
# Benchmarks give the floor the same settings (POWERLIST_MEMORY_LIMIT / POWERLIST_THREADS
# override both).
MEMORY_LIMIT = "1GB"


def duckdb_settings() -> dict[str, str]:
    """The memory limit (and threads, when set) every compile and diff connection uses."""
    settings = {"memory_limit": os.environ.get("POWERLIST_MEMORY_LIMIT") or MEMORY_LIMIT}
    if os.environ.get("POWERLIST_THREADS"):
        settings["threads"] = os.environ["POWERLIST_THREADS"]
    return settings


def configure(con: duckdb.DuckDBPyConnection, spill_dir: Path, **settings: str) -> None:
    """Bound the connection's memory and let it spill to a folder inside the cache (never releases/).
    DuckDB's progress bar is off: it prints to standard output, where a report may be going.
    settings: DuckDB settings in place of duckdb_settings()' (a connection beside another, e.g.
    memory_limit="256MB", threads="1"). POWERLIST_SPILL_DIR, when set, is the folder instead: a
    publish child's own (publish/background.py; two DuckDB instances must not share temporary files)."""
    spill_dir = Path(os.environ.get("POWERLIST_SPILL_DIR") or spill_dir)
    spill_dir.mkdir(parents=True, exist_ok=True)
    for name, value in {**duckdb_settings(), **settings}.items():
        con.execute(f"SET {ident(name)} = {literal(value)}")
    con.execute("SET enable_progress_bar = false")
    con.execute(f"SET temp_directory = {literal(spill_dir)}")


DUCK_TYPES = {"integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN", "date": "DATE"}


def duck_type(field: dict) -> str:
    return DUCK_TYPES.get(field["type"], "VARCHAR")


def cache_dir(root: Path) -> Path:
    """<root>/.powerlist-cache, made on first use with a .gitignore of its own, so it never shows
    in `git status` (nor gets committed by `release`) even where the package has no .gitignore."""
    folder = root / CACHE_DIR
    if not (folder / ".gitignore").is_file():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / ".gitignore").write_text("# made by powerlist: everything here is a cache\n*\n", encoding="utf-8")
        except OSError:
            pass  # a read-only package: the commands that need the cache say so when they write
    return folder


@dataclass(frozen=True)
class Source:
    """What one table of a package is read from: its Table Schema and its files with their SHA-256."""

    schema: str                           # the Table Schema as canonical JSON
    parts: tuple[tuple[str, str], ...]    # (path inside the package, SHA-256), in reading order
    partitioned: bool


def table_sources(pkg: Package, root: Path, by_content: bool = True) -> dict[str, Source]:
    """Every table of the package (schema order) with what it is read from.

    File identity is digests.table_digests' for a release (its manifest) and the working state
    (the stat-keyed memo, which ingest and reset fill as they write). Any other folder named as a
    target is identified by its files' paths and states (size, mtime, ctime — which an edit in
    place with the mtime restored still changes — and inode) instead, as the cache always did: it was
    never hashed, and reading every file to name it would add a tenth to a first whole diff.
    by_content=False identifies the working state so too (a saved diff report needs no more: its
    key only has to change whenever a file does, and hashing a cold working state costs 0.7 s at
    100k items).
    """
    from .digests import table_digests  # digests imports this module's cache_dir

    if (pkg.path / "release.json").is_file() or (by_content and pkg.path.resolve() == root.resolve()):
        digests = table_digests(pkg, root)
    else:
        digests = {}
        for res in pkg.descriptor["resources"]:
            for rel in paths_of(res):
                try:
                    st = os.stat(pkg.path / rel)
                except OSError:
                    continue
                digests[rel] = f"{pkg.path.resolve()}/{rel}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}"
    out = {}
    for name, ts in pkg.schemas.items():
        if pkg.has_table(name):
            paths = paths_of(pkg.resource(name))
            out[name] = Source(json.dumps(ts.descriptor, sort_keys=True, ensure_ascii=False),
                               tuple((p, digests.get(p, "missing")) for p in paths), pkg.partitioned(name))
    return out


def content_key(sources: dict[str, Source]) -> str:
    """The compiled form's identity: the same schemas and file contents give the same key,
    wherever the package lives (DuckDB's hash() may change between versions: the row hashes
    are stored, so its version is part of the key), compiled by this code (codeversion)."""
    h = hashlib.sha256(f"{FORMAT_VERSION}\0{duckdb.__version__}\0{code_digest()}\n".encode())
    for name, src in sources.items():
        h.update(f"{name}\0{src.partitioned}\0{src.schema}\n".encode())
        for path, digest in src.parts:
            h.update(f"{path}\0{digest}\n".encode())
    return h.hexdigest()[:32]


def csv_relation_sql(path: Path | list[Path], fields: list[dict]) -> str:
    """A DuckDB read_csv over one table (one file, or its files in order) with the types its schema declares."""
    columns = ", ".join(f"{literal(f['name'])}: {literal(duck_type(f))}" for f in fields)
    paths = path if isinstance(path, list) else [path]
    return (f"read_csv([{', '.join(literal(p) for p in paths)}], header=true, columns={{{columns}}}, delim=',', quote='\"', "
            f"escape='\"', nullstr='', auto_detect=false)")


def _scratch(con: duckdb.DuckDBPyConnection) -> Path:
    """Where joined copies of multi-file tables go while they load: the connection's spill folder
    (inside the cache, which every connection may read; never inside a package)."""
    return Path(con.execute("SELECT current_setting('temp_directory')").fetchone()[0])


def load_tables(con: duckdb.DuckDBPyConnection, pkg: Package, schema: str = "main") -> None:
    """Create one table per resource of the package in the given schema of an open connection."""
    for name, ts in pkg.schemas.items():
        if not pkg.has_table(name):
            continue
        with joined_parts(pkg.table_files(name), _scratch(con)) as path:
            con.execute(f"CREATE TABLE {ident(schema)}.{ident(name)} AS SELECT * FROM {csv_relation_sql(path, ts.fields)}")


def load_lists(con: duckdb.DuckDBPyConnection, pkg: Package, db: str, list_ids: set[str]) -> None:
    """Like compiling the package (tables and row hashes, in database `db` of an open connection),
    but with only the given lists' rows of the per-list tables; other tables whole.

    A diff of two packages whose other lists' files are equal on both sides compares these
    instead: an equal file holds equal rows, so it can hold no change.
    """
    from .storage import PARTITIONED, part_path

    for name, ts in pkg.schemas.items():
        if not pkg.has_table(name):
            continue
        if name in PARTITIONED and pkg.partitioned(name):
            files = [pkg.path / part_path(name, l) for l in sorted(list_ids)]
            files = [f for f in files if f.exists()]
        else:
            files = pkg.table_files(name)
        table = f"{ident(db)}.main.{ident(name)}"
        if files:
            with joined_parts(files, _scratch(con)) as path:
                con.execute(f"CREATE TABLE {table} AS SELECT * FROM {csv_relation_sql(path, ts.fields)}")
        else:
            cols = ", ".join(f"{ident(f['name'])} {duck_type(f)}" for f in ts.fields)
            con.execute(f"CREATE TABLE {table} ({cols})")
    add_row_hashes(con, pkg, db)


def lock_down(con: duckdb.DuckDBPyConnection, folders: list[Path]) -> None:
    """Switch external access off except for these folders (the packages read, the cache).

    Every value reaching SQL is quoted by sqltext, so this is the second wall: even an injected
    COPY or ATTACH could touch nothing outside them, and no extension or URL can be loaded.
    """
    allowed = ", ".join(literal(str(Path(f).resolve()) + os.sep) for f in folders)
    con.execute(f"SET allowed_directories = [{allowed}]")
    con.execute("SET enable_external_access = false")


def build_atomically(target: Path, build, reads: list[Path]) -> Path:
    """Create the DuckDB file `target` by calling build(connection) on a temporary file, then rename.

    The connection may read files only inside `reads` (and the cache). A failed build leaves no
    file behind, so a cached file is always a complete one.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(tmp))
        try:
            configure(con, target.parent / "spill")
            lock_down(con, [*reads, target.parent])
            build(con)
        finally:
            con.close()
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def add_row_hashes(con: duckdb.DuckDBPyConnection, pkg: Package, db: str | None = None) -> None:
    """For each table, one hash of every column of each row, stored in the table's row order.

    A diff joins two packages on keys and compares these instead of hashing every text column
    of both again: releases never change, so the hashing is paid once, when compiling. Read
    them beside their table with POSITIONAL JOIN (CREATE TABLE AS keeps insertion order).
    """
    at = f"{ident(db)}." if db else ""
    con.execute(f"CREATE SCHEMA {at}{ident(ROW_HASHES)}")
    for name, ts in pkg.schemas.items():
        if pkg.has_table(name):
            columns = ", ".join(ident(f["name"]) for f in ts.fields)
            con.execute(f"CREATE TABLE {at}{ident(ROW_HASHES)}.{ident(name)} AS SELECT hash({columns}) AS h "
                        f"FROM {at}main.{ident(name)}")


# The compiled files of a province-scale package are hundreds of MB each: keep the cache under a
# cap (POWERLIST_CACHE_MB overrides), dropping the least recently used first.
CACHE_CAP_MB = 4096
INDEX = "compiled.json"  # package folder → content key of its last compile; layer → its base's key
REPORTS = "diff-"  # saved whole-diff reports (diff/saved.py), evicted with the compiled files


def cache_cap_bytes() -> int:
    return int(float(os.environ.get("POWERLIST_CACHE_MB") or CACHE_CAP_MB) * 1024 * 1024)


def full_path(folder: Path, key: str) -> Path:
    return folder / f"pkg-{key}.duckdb"


def layer_path(folder: Path, key: str) -> Path:
    return folder / f"layer-{key}.duckdb"


# A DuckDB file: a 4 KiB main header ("DUCK" after its checksum), two 4 KiB database headers,
# then whole blocks.
_MAGIC, _HEADERS, _SECTOR = b"DUCK", 3 * 4096, 4096


def usable(path: Path) -> bool:
    """Whether a cached DuckDB file is there and looks whole: DuckDB's magic bytes and a size
    of whole blocks (read from its first bytes, not opened: every command asks). One that is not
    (written over, emptied or cut short by a crash of the machine) is removed, so it is built
    again: it is only a cache."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(12)
            size = os.fstat(fh.fileno()).st_size
    except FileNotFoundError:
        return False
    if head[8:12] == _MAGIC and size >= _HEADERS and (size - _HEADERS) % _SECTOR == 0:
        return True
    path.unlink(missing_ok=True)
    return False


def _key_of(path: Path) -> str:
    return path.stem.split("-", 1)[1]


def _index(folder: Path) -> dict:
    try:
        data = json.loads((folder / INDEX).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _remember(folder: Path, pkg: Package, key: str, base: str | None = None) -> str | None:
    """Record that the package (by folder) is now compiled as `key` (a layer over `base`);
    returns the key it had before."""
    from .files import write_file

    index = _index(folder)
    states, bases = index.setdefault("states", {}), index.setdefault("bases", {})
    where = str(pkg.path.resolve())
    before = states.get(where)
    states[where] = key
    if base:
        bases[key] = base
    live = set(states.values())
    index["bases"] = {k: b for k, b in bases.items() if k in live}
    # Which code compiled each remembered state: last_compiled offers only this code's as a base.
    made_by = {k: c for k, c in index.get("code", {}).items() if k in live}
    made_by[key] = code_digest()
    index["code"] = made_by
    write_file(folder / INDEX, json.dumps(index, sort_keys=True))
    return before if before != key else None


def last_compiled(root: Path, pkgs: list[Package]) -> list[str]:
    """The content keys these packages were last compiled as (their earlier states): the base a
    layer of an edited working state is laid over when no release holds that state. Only states
    compiled by this code: a layer reads its base's rows as they are, and another powerlist's
    compiled rows are not this one's (content keys hold the code's digest, so every other way to
    a compiled file already asks for this code's)."""
    index = _index(cache_dir(root))
    states, made_by, mine = index.get("states", {}), index.get("code", {}), code_digest()
    return [states[w] for w in (str(p.path.resolve()) for p in pkgs)
            if w in states and made_by.get(states[w]) == mine]


def evict(folder: Path, keep: set[Path], superseded: str | None = None) -> list[Path]:
    """Remove what the cache no longer needs, after the files in `keep` were built or opened:
    the compiled files of a package's superseded state (an edited working state) unless another
    package still holds that content or a layer reads it, and, while the cache is over its cap,
    the least recently used files (compiled files and saved diff reports alike). Returns the
    removed files."""
    removed = _leftovers(folder)
    index = _index(folder)
    live = set(index.get("states", {}).values())
    bases = set(index.get("bases", {}).values())
    if superseded and superseded not in live:
        for p in (full_path(folder, superseded), layer_path(folder, superseded)):
            if p not in keep and p.exists() and not (p.name.startswith("pkg-") and superseded in bases):
                p.unlink(missing_ok=True)
                removed.append(p)
    rest = []
    for p in [*folder.glob("*.duckdb"), *folder.glob(f"{REPORTS}*.jsonl")]:
        if p in keep or p.name.startswith("sql-"):
            continue  # sql.py keeps one sql-*.duckdb of a few KB itself
        if p.suffix == ".duckdb" and not p.name.startswith(("pkg-", "layer-")):
            p.unlink(missing_ok=True)  # a file of an older cache format: never read again
            removed.append(p)
        elif (st := _stat(p)) is not None:
            rest.append((st.st_mtime_ns, st.st_size, p))
    rest.sort(key=lambda r: r[0])
    # Each file stat-ed once: another command evicting at the same time may remove any of them.
    total = sum(st.st_size for st in map(_stat, keep) if st is not None) + sum(size for _, size, _ in rest)
    cap = cache_cap_bytes()
    for _, size, p in rest:
        if total <= cap:
            break
        total -= size
        p.unlink(missing_ok=True)
        removed.append(p)
    return removed


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except FileNotFoundError:
        return None


# A temporary file older than this whose writer is gone was left by a kill (an hour: a file being
# written by a process of another machine sharing the folder, whose pid means nothing here, is
# written to more often than that).
LEFTOVER_AGE = 3600


def _leftovers(folder: Path) -> list[Path]:
    """Remove the temporary files (`.NAME.PID.tmp`: build_atomically's and a saved diff report's
    in the cache, a whole diff's copies of tables in its spill folder) of commands killed before
    they could: no eviction counts them, and each can be as large as what it was writing."""
    import time

    removed = []
    for p in [*folder.glob(".*.tmp"), *(folder / "spill").glob(".*.tmp")]:
        pid = p.name.rsplit(".", 2)[-2]
        try:
            if not pid.isdigit() or _alive(int(pid)) or time.time() - p.stat().st_mtime < LEFTOVER_AGE:
                continue
            p.unlink()
            removed.append(p)
        except OSError:
            continue  # gone meanwhile
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        pass  # another user's: alive
    return True


def _record_layout(con: duckdb.DuckDBPyConnection, sources: dict[str, Source], counts: dict[str, list[int] | None]) -> None:
    """layout.tables (each table's schema and rows) and layout.parts (each file's rows, as a
    range of the table's rowids), so a later package can reuse the rows of its equal files."""
    con.execute(f"CREATE TABLE {LAYOUT}.tables (table_name VARCHAR, schema VARCHAR, partitioned BOOLEAN, n BIGINT)")
    con.execute(f"CREATE TABLE {LAYOUT}.parts (table_name VARCHAR, path VARCHAR, digest VARCHAR, first BIGINT, n BIGINT)")
    for name, src in sources.items():
        n = con.execute(f"SELECT count(*) FROM main.{ident(name)}").fetchone()[0]
        con.execute(f"INSERT INTO {LAYOUT}.tables VALUES (?, ?, ?, ?)", [name, src.schema, src.partitioned, n])
        per_file = counts.get(name) if len(src.parts) > 1 else [n]
        if per_file is None or sum(per_file) != n:
            continue  # rows not attributable to files (a count DuckDB disagrees with): never reused
        rows, first = [], 0
        for (path, digest), count in zip(src.parts, per_file):
            rows.append((name, path, digest, first, count))
            first += count
        _insert_columns(con, f"{LAYOUT}.parts", rows)


def _insert_columns(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    """Insert rows in one statement, each column bound as one list (executemany runs one
    statement per row: a minute for a province's 25,000 files)."""
    if rows:
        columns = list(zip(*rows))
        con.execute(f"INSERT INTO {table} SELECT {', '.join('unnest(?)' for _ in columns)}", [list(c) for c in columns])


def _build_full(con: duckdb.DuckDBPyConnection, pkg: Package, sources: dict[str, Source]) -> None:
    counts: dict[str, list[int]] = {}
    for name in sources:
        fields = pkg.schemas[name].fields
        counts[name] = []
        with joined_parts(pkg.table_files(name), _scratch(con), counts[name]) as path:
            con.execute(f"CREATE TABLE main.{ident(name)} AS SELECT * FROM {csv_relation_sql(path, fields)}")
    add_row_hashes(con, pkg)
    con.execute(f"CREATE SCHEMA {LAYOUT}")
    _record_layout(con, sources, counts)


def compile_package(pkg: Package, root: Path, sources: dict[str, Source] | None = None,
                    protect: set[Path] = frozenset()) -> Path:
    """Path of the package's whole compiled .duckdb file (tables, row hashes, layout), building
    it (atomically) if no package with the same content was compiled. `protect`: files the
    caller also reads, never evicted here."""
    sources = sources if sources is not None else table_sources(pkg, root)
    key = content_key(sources)
    folder = cache_dir(root)
    target = full_path(folder, key)
    if not usable(target):
        build_atomically(target, lambda con: _build_full(con, pkg, sources), [pkg.path])
    _used(folder, pkg, target, key, set(protect))
    return target


def _used(folder: Path, pkg: Package, target: Path, key: str, keep: set[Path], base: str | None = None) -> None:
    """The package is now read from `target` (content `key`, a layer over `base`): mark it
    recently used, remember it, and evict what that made stale (never `keep`)."""
    os.utime(target)  # the eviction's "recently used"
    evict(folder, {target, *keep}, _remember(folder, pkg, key, base))


def open_compiled(pkg: Package, root: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the package's compiled tables."""
    return duckdb.connect(str(compile_package(pkg, root)), read_only=True)


# ---- layers: a package compiled as the differences from another compiled package ----------

# A layer pays off while few files differ (a reviewer's one-list change); beyond this share of
# a table's files, or when the base cannot give rows by file, the package is compiled whole.
LAYER_SHARE = 0.2


@dataclass
class Layer:
    """How a package's tables are read over a base compiled file: per table, the base's rowid
    ranges left out (`drop`) and whether the layer holds rows of its own (its differing files)."""

    key: str
    base: str                                  # content key of the base's whole compiled file
    drop: dict[str, list[tuple[int, int]]]     # table → base rowid ranges (inclusive) not in the package
    own: dict[str, list[str]]                  # table → the package's files whose rows the layer holds
    from_base: set[str]                        # tables read (in part) from the base


def base_layout(path: Path) -> tuple[dict[str, tuple[str, bool, int]], dict[str, dict[str, tuple[str, int, int]]]]:
    """A whole compiled file's layout: {table: (schema, partitioned, rows)}, {table: {path: (digest, first, n)}}."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = {t: (s, p, n) for t, s, p, n in con.execute(f"SELECT * FROM {LAYOUT}.tables").fetchall()}
        parts: dict[str, dict[str, tuple[str, int, int]]] = {}
        for t, p, d, first, n in con.execute(f"SELECT * FROM {LAYOUT}.parts").fetchall():
            parts.setdefault(t, {})[p] = (d, first, n)
    finally:
        con.close()
    return tables, parts


def plan_layer(sources: dict[str, Source], base_key: str, layout) -> Layer | None:
    """The package as a layer over the base, or None when a layer would not pay off (or cannot
    give exactly the package's rows)."""
    tables, parts = layout
    drop: dict[str, list[tuple[int, int]]] = {}
    own: dict[str, list[str]] = {}
    from_base: set[str] = set()
    differing = total = 0
    for name, src in sources.items():
        here = tables.get(name)
        there = parts.get(name)
        if here is None or here[0] != src.schema or there is None:
            if name in PARTITIONED:
                return None  # a per-list table read whole would cost a whole compile
            own[name] = [p for p, _ in src.parts]
            continue
        keep = {p for p, d in src.parts if there.get(p, ("",))[0] == d}
        own[name] = [p for p, _ in src.parts if p not in keep]
        if keep:
            from_base.add(name)
        ranges = sorted((first, first + n - 1) for p, (d, first, n) in there.items() if p not in keep and n)
        merged: list[tuple[int, int]] = []
        for lo, hi in ranges:
            if merged and lo == merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], hi)
            else:
                merged.append((lo, hi))
        drop[name] = merged
        if name in PARTITIONED:
            differing += len(own[name]) + len(merged)
            total += len(src.parts)
    if differing > LAYER_SHARE * max(total, 1):
        return None
    return Layer(content_key(sources), base_key, drop, own, from_base)


def compile_layer(pkg: Package, root: Path, layer: Layer, protect: set[Path] = frozenset()) -> Path:
    """The layer's file: the rows of the package's differing files, and what to take from the base."""
    folder = cache_dir(root)
    target = layer_path(folder, layer.key)
    if not usable(target):
        def build(con: duckdb.DuckDBPyConnection) -> None:
            con.execute(f"CREATE SCHEMA {LAYOUT}")
            con.execute(f"CREATE TABLE {LAYOUT}.base (key VARCHAR)")
            con.execute(f"INSERT INTO {LAYOUT}.base VALUES (?)", [layer.base])
            con.execute(f"CREATE TABLE {LAYOUT}.drop (table_name VARCHAR, lo BIGINT, hi BIGINT)")
            con.execute(f"CREATE TABLE {LAYOUT}.from_base (table_name VARCHAR)")
            for name, files in layer.own.items():
                fields = pkg.schemas[name].fields
                if files:
                    with joined_parts([pkg.path / f for f in files], _scratch(con)) as path:
                        con.execute(f"CREATE TABLE main.{ident(name)} AS SELECT * FROM {csv_relation_sql(path, fields)}")
                else:
                    cols = ", ".join(f"{ident(f['name'])} {duck_type(f)}" for f in fields)
                    con.execute(f"CREATE TABLE main.{ident(name)} ({cols})")
            for name, ranges in layer.drop.items():
                if ranges:
                    _insert_columns(con, f"{LAYOUT}.drop", [(name, lo, hi) for lo, hi in ranges])
            for name in sorted(layer.from_base):
                con.execute(f"INSERT INTO {LAYOUT}.from_base VALUES (?)", [name])
        build_atomically(target, build, [pkg.path])
    _used(folder, pkg, target, layer.key, {full_path(folder, layer.base), *protect}, layer.base)
    return target


@dataclass
class Compiled:
    """Where a package's compiled rows are: a whole file, or a layer over a whole file."""

    key: str
    path: Path                      # the whole file, or the layer's
    base: Path | None = None        # the layer's base (a whole file)
    drop: dict[str, list[tuple[int, int]]] | None = None
    from_base: set[str] | None = None

    def relation(self, table: str, alias: str, base_alias: str | None = None) -> str:
        """A SELECT of the table's rows (compiled as loaded, before any reader's derivation), with
        the file attached as `alias` and a layer's base as `base_alias`."""
        own = f"SELECT * FROM {ident(alias)}.main.{ident(table)}"
        if self.base is None:
            return own
        if table not in self.from_base:
            return own
        kept = f"SELECT * FROM {ident(base_alias)}.main.{ident(table)}"
        ranges = self.drop.get(table) or []
        if ranges:
            kept += " WHERE NOT (" + " OR ".join(f"rowid BETWEEN {lo} AND {hi}" for lo, hi in ranges) + ")"
        return f"{kept} UNION ALL {own}"


def open_layer(path: Path, folder: Path, key: str) -> Compiled:
    con = duckdb.connect(str(path), read_only=True)
    try:
        base = con.execute(f"SELECT key FROM {LAYOUT}.base").fetchone()[0]
        drop: dict[str, list[tuple[int, int]]] = {}
        for t, lo, hi in con.execute(f"SELECT * FROM {LAYOUT}.drop ORDER BY table_name, lo").fetchall():
            drop.setdefault(t, []).append((lo, hi))
        from_base = {r[0] for r in con.execute(f"SELECT table_name FROM {LAYOUT}.from_base").fetchall()}
    finally:
        con.close()
    return Compiled(key, path, full_path(folder, base), drop, from_base)


def compile_for_reading(pkg: Package, root: Path, sources: dict[str, Source], bases: list[str],
                        protect: set[Path] = frozenset()) -> Compiled:
    """The package compiled for readers (SQL): its whole file when one exists, else a layer over
    one of the whole files of `bases` (content keys; the one sharing most files) when few files
    differ, else a whole compile."""
    folder = cache_dir(root)
    key = content_key(sources)
    whole = full_path(folder, key)
    if usable(whole):
        return Compiled(key, compile_package(pkg, root, sources, protect))
    layered = layer_path(folder, key)
    if usable(layered):
        found = open_layer(layered, folder, key)
        if usable(found.base):
            _used(folder, pkg, layered, key, {found.base, *protect}, _key_of(found.base))
            return found
        layered.unlink(missing_ok=True)  # its base was evicted: laid anew below, over another file
    plans = []
    for base in dict.fromkeys(bases):
        path = full_path(folder, base)
        if base != key and usable(path):
            plan = plan_layer(sources, base, base_layout(path))
            if plan:
                plans.append((sum(len(v) for v in plan.own.values()), plan))
    if plans:
        plan = min(plans, key=lambda p: p[0])[1]
        base = full_path(folder, plan.base)
        layered = compile_layer(pkg, root, plan, protect | {base})
        return Compiled(key, layered, base, plan.drop, plan.from_base)
    return Compiled(key, compile_package(pkg, root, sources, protect))


def clear_cache(root: Path) -> int:
    """Remove the whole cache; returns how many compiled files and saved diff reports it held."""
    from .lock import locked  # lock imports files, which compiled's importers load first

    folder = cache_dir(root)
    with locked(root, exclusive=True):
        if not folder.is_dir():
            return 0
        count = sum(1 for p in [*folder.glob("*.duckdb"), *folder.glob(f"{REPORTS}*.jsonl")])
        shutil.rmtree(folder)
    return count
