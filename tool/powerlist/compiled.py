"""A package's tables compiled into one DuckDB file, cached by the identity of its files.

Diff, SQL and validate read packages through DuckDB. Loading CSVs is the expensive part, and
releases never change, so the compiled form is kept in <root>/.powerlist-cache/ (ignored by git,
outside releases/ so checksums never see it). The cache key covers every file's path, size and
modification time plus the release manifest, so any edit to a package gives a new key.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import duckdb

from .storage import paths_of
from .package import Package, joined_parts
from .sqltext import ident, literal

CACHE_DIR = ".powerlist-cache"
FORMAT_VERSION = "2"  # bump when the compiled layout changes
ROW_HASHES = "row_hashes"  # schema of each table's per-row hashes, in the table's row order

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


def configure(con: duckdb.DuckDBPyConnection, spill_dir: Path) -> None:
    """Bound the connection's memory and let it spill to a folder inside the cache (never releases/)."""
    spill_dir.mkdir(parents=True, exist_ok=True)
    for name, value in duckdb_settings().items():
        con.execute(f"SET {name} = {literal(value)}")
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


def package_files(pkg: Package) -> list[Path]:
    """The files whose content the compiled form depends on: descriptor, tables, schemas."""
    files = [pkg.descriptor_path]
    for res in pkg.descriptor["resources"]:
        files.extend(pkg.path / p for p in paths_of(res))
        if isinstance(res.get("schema"), str):
            files.append(pkg.path / res["schema"])
    return files


def package_key(pkg: Package) -> str:
    """Changes whenever any file the tables come from changes (an edit changes size or mtime)."""
    # DuckDB's hash() may change between versions, and the row hashes are stored.
    h = hashlib.sha256(f"{FORMAT_VERSION}\0{duckdb.__version__}\0{pkg.path.resolve()}\n".encode())
    for path in package_files(pkg):
        st = path.stat() if path.exists() else None
        h.update(f"{path.relative_to(pkg.path).as_posix()}\0{st and st.st_size}\0{st and st.st_mtime_ns}\n".encode())
    manifest = pkg.path / "release.json"
    if manifest.is_file():
        h.update(manifest.read_bytes())
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


def cache_cap_bytes() -> int:
    return int(float(os.environ.get("POWERLIST_CACHE_MB") or CACHE_CAP_MB) * 1024 * 1024)


def evict(folder: Path, keep: Path) -> list[Path]:
    """Remove what the cache no longer needs, after `keep` was built: the other compiled states
    of the same target (an edited working state, a deleted and re-made folder) and, while the
    cache is over its cap, the least recently used files. Returns the removed files."""
    removed = []
    label = keep.name.rsplit("-", 1)[0]
    files = [p for p in folder.glob("*.duckdb") if p != keep]
    for p in files:
        if p.name.rsplit("-", 1)[0] == label:
            p.unlink(missing_ok=True)
            removed.append(p)
    rest = sorted((p for p in files if p not in removed and p.exists()), key=lambda p: p.stat().st_mtime_ns)
    total = keep.stat().st_size + sum(p.stat().st_size for p in rest)
    cap = cache_cap_bytes()
    for p in rest:
        if total <= cap:
            break
        total -= p.stat().st_size
        p.unlink(missing_ok=True)
        removed.append(p)
    return removed


def compile_package(pkg: Package, root: Path) -> Path:
    """Path of the package's compiled .duckdb file, building it (atomically) if not cached."""
    target = cache_dir(root) / f"{pkg.label.replace('/', '_')}-{package_key(pkg)}.duckdb"
    if target.exists():
        os.utime(target)  # the eviction's "recently used"
        return target

    def build(con: duckdb.DuckDBPyConnection) -> None:
        load_tables(con, pkg)
        add_row_hashes(con, pkg)
    build_atomically(target, build, [pkg.path])
    evict(target.parent, target)
    return target


def open_compiled(pkg: Package, root: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the package's compiled tables."""
    return duckdb.connect(str(compile_package(pkg, root)), read_only=True)


def clear_cache(root: Path) -> int:
    """Remove every compiled file; returns how many there were."""
    from .lock import locked  # lock imports files, which compiled's importers load first

    folder = cache_dir(root)
    with locked(root, exclusive=True):
        if not folder.is_dir():
            return 0
        count = sum(1 for p in folder.glob("*.duckdb"))
        shutil.rmtree(folder)
    return count
