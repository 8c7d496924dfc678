"""Read-only SQL over the working state and every release at once.

Each package's rows are its compiled file (compiled.py: keyed by content, so a release made
from the working state shares its file, and a package differing from a compiled one in a few
lists is a small layer over it). The SQL database is a small DuckDB file of views only (cached
in .powerlist-cache/sql-<key>.duckdb, its key made of the files it reads): schema `working` and
one schema per release (`r2022`), views in the default schema for the working state (`items`, …)
and `all_<table>` views across releases and working with a `release` column. It is opened
read_only with every compiled file ATTACHed read-only beside it; then external access is switched
off and the configuration locked before any user query, so COPY/ATTACH/INSTALL/LOAD/EXPORT fail
in DuckDB itself; a parse-level guard refuses writes first with a clearer message.
"""

from __future__ import annotations

import hashlib
import json
import re
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .compiled import (FORMAT_VERSION, Compiled, build_atomically, cache_dir, compile_for_reading, content_key,
                       duckdb_settings, full_path, last_compiled, table_sources, usable)
from .derived import read_view, reader_type, table_sql
from .errors import PowerlistError
from .package import WORKING, Package, open_target, release_tags
from .names import schema_name
from .schema import load_schemas
from .sqltext import ident, literal
from .textsearch import ROW_KEYS, SEARCH_COLUMNS

DEFAULT_TIMEOUT = 60.0  # seconds a query may run (sql --timeout)
SQL_FORMAT = "5"  # bump when the layout of the compiled SQL database changes
WORKING_SCHEMA = "working"
# Statement types that only read. PRAGMA is checked by name because IMPORT DATABASE parses as one.
READ_TYPES = {"SELECT", "EXPLAIN"}
READ_PRAGMAS = {"table_info", "show_tables", "show_tables_expanded", "show", "database_size",
                "version", "storage_info", "database_list"}


class SqlError(PowerlistError):
    """A query DuckDB rejected or the read-only guard refused; the message is one line."""


@dataclass
class QueryResult:
    columns: list[str]
    types: list[str]
    rows: list[tuple]


def sources(root: Path) -> list[Package]:
    """Every release (oldest tag first), then the working state."""
    return [open_target(root, t) for t in release_tags(root)] + [Package(root, WORKING)]


@dataclass
class Assembly:
    """What the SQL database reads: each package's compiled rows and the files to attach."""

    packages: list[Package]
    compiled: dict[str, Compiled]      # label → its compiled rows
    attach: dict[Path, str]            # compiled file → the alias it is attached under
    dates: dict[str, str | None]       # label → release date

    def key(self) -> str:
        h = hashlib.sha256(f"sql{SQL_FORMAT}\0{FORMAT_VERSION}\n".encode())
        for pkg in self.packages:
            c = self.compiled[pkg.label]
            h.update(f"{pkg.label}\0{c.path.name}\0{c.base and c.base.name}\0{self.dates[pkg.label]}\n".encode())
        return h.hexdigest()[:32]

    def relation(self, label: str, table: str) -> str:
        c = self.compiled[label]
        return c.relation(table, self.attach[c.path], c.base and self.attach[c.base])


def assemble(root: Path) -> Assembly:
    """Compile what is not compiled yet: packages whose content has a whole compiled file cost
    nothing; then the working state, then the releases newest first, each compiled as a layer
    over an earlier one's whole file when they differ in few lists (compile_for_reading)."""
    packages = sources(root)
    check_schemas(packages)
    folder = cache_dir(root)
    srcs = {p.label: table_sources(p, root) for p in packages}
    keys = {label: content_key(s) for label, s in srcs.items()}
    rank = {p.label: i for i, p in enumerate(packages)}
    order = sorted(packages, key=lambda p: (not full_path(folder, keys[p.label]).exists(),
                                            p.label != WORKING, -rank[p.label]))
    bases = [*keys.values(), *last_compiled(root, packages)]
    compiled: dict[str, Compiled] = {}
    reading: set[Path] = set()
    try:
        for pkg in order:
            c = compile_for_reading(pkg, root, srcs[pkg.label], bases, reading)
            compiled[pkg.label] = c
            reading |= {c.path} | ({c.base} if c.base else set())
    except duckdb.Error as exc:
        raise SqlError(f"cannot compile the package for SQL: {one_line(exc)}") from None
    attach: dict[Path, str] = {}
    for pkg in packages:
        c = compiled[pkg.label]
        for path in (c.path, c.base):
            if path and path not in attach:
                attach[path] = f"compiled_{len(attach) + 1}"
    dates = {p.label: None if p.label == WORKING else
             json.loads((p.path / "release.json").read_text(encoding="utf-8")).get("date") for p in packages}
    return Assembly(packages, compiled, attach, dates)


def _schema_of(pkg: Package) -> str:
    return WORKING_SCHEMA if pkg.label == WORKING else schema_name(pkg.label)


def check_schemas(packages: list[Package]) -> None:
    """Refuse two releases queried under one schema name (made before `release` refused that)."""
    seen: dict[str, str] = {}
    for pkg in packages:
        schema = _schema_of(pkg)
        if schema in seen:
            raise SqlError(f"releases {seen[schema]} and {pkg.label} would both be SQL schema {schema}; "
                           f"rename one of releases/{seen[schema]} and releases/{pkg.label}")
        seen[schema] = pkg.label


def _attach(con: duckdb.DuckDBPyConnection, assembly: Assembly) -> None:
    for path, alias in assembly.attach.items():
        con.execute(f"ATTACH {literal(path)} AS {ident(alias)} (READ_ONLY)")


def _build(con: duckdb.DuckDBPyConnection, assembly: Assembly, root: Path) -> None:
    _attach(con, assembly)
    packages = assembly.packages
    tables: dict[str, list[str]] = {}  # table → schemas holding it, oldest first
    for pkg in packages:
        schema = _schema_of(pkg)
        con.execute(f"CREATE SCHEMA {ident(schema)}")
        # A release sees what it predates (bases.law_id, the law tables) as readers derive it.
        view = read_view(pkg, root)
        for name in view.schemas:
            rows = f"({assembly.relation(view.origin[name].label, name)})"
            con.execute(f"CREATE VIEW {ident(schema)}.{ident(name)} AS {table_sql(view, name, rows, schema)}")
            tables.setdefault(name, []).append(schema)
    working = packages[-1]
    for name in working.schemas:
        if working.has_table(name):
            con.execute(f"CREATE VIEW main.{ident(name)} AS SELECT * FROM {ident(WORKING_SCHEMA)}.{ident(name)}")
    labels = {_schema_of(p): p.label for p in packages}
    for name, schemas in tables.items():
        # BY NAME: a column added in a later release is NULL in the older ones.
        union = " UNION ALL BY NAME ".join(
            f"SELECT {literal(labels[s])} AS release, * FROM {ident(s)}.{ident(name)}" for s in schemas)
        con.execute(f"CREATE VIEW main.{ident('all_' + name)} AS {union}")
    _search(con, tables)
    con.execute("CREATE TABLE main.releases (release VARCHAR, schema_name VARCHAR, date DATE)")
    for pkg in packages:
        con.execute("INSERT INTO main.releases VALUES (?, ?, ?)", [pkg.label, _schema_of(pkg), assembly.dates[pkg.label]])


def _search(con: duckdb.DuckDBPyConnection, tables: dict[str, list[str]]) -> None:
    """`search_text`: every searchable text of every release, one row per (row, column); and the
    table macro `search(q)`: the rows whose text holds q (case-folded substring, so one- and
    two-character Chinese words are found; see powerlist.textsearch for why not tokens here)."""
    parts = []
    for name, columns in SEARCH_COLUMNS.items():
        if name not in tables:
            continue
        key = ROW_KEYS[name]
        for column in columns:
            parts.append(f"SELECT release, {literal(name)} AS \"table\", item_id, CAST({ident(key)} AS VARCHAR) AS key, "
                         f"{literal(column)} AS \"column\", {ident(column)} AS text "
                         f"FROM main.{ident('all_' + name)} WHERE {ident(column)} IS NOT NULL")
    con.execute("CREATE VIEW main.search_text AS " + " UNION ALL ".join(parts))
    con.execute("CREATE MACRO main.search(q) AS TABLE SELECT * FROM main.search_text "
                "WHERE contains(lower(text), lower(trim(q)))")


def compile_database(root: Path, assembly: Assembly | None = None) -> Path:
    """The SQL database (views over the compiled packages) for the package at root, built
    atomically when not cached."""
    assembly = assembly or assemble(root)
    folder = cache_dir(root)
    target = folder / f"sql-{assembly.key()}.duckdb"
    if usable(target):
        return target
    try:
        build_atomically(target, lambda con: _build(con, assembly, root), [p.path for p in assembly.packages])
    except duckdb.Error as exc:
        raise SqlError(f"cannot compile the package for SQL: {one_line(exc)}") from None
    for stale in folder.glob("sql-*.duckdb"):
        if stale != target:
            stale.unlink(missing_ok=True)  # an older state of the same package; never read again
    return target


def open_readonly(root: Path) -> duckdb.DuckDBPyConnection:
    """A connection that cannot change any file: the views' file and every compiled file
    read_only, no external access, locked config, and the same memory limit
    (POWERLIST_MEMORY_LIMIT) and threads as diff."""
    assembly = assemble(root)
    con = duckdb.connect(str(compile_database(root, assembly)), read_only=True)
    try:
        _attach(con, assembly)
        for name, value in duckdb_settings().items():
            con.execute(f"SET {name} = {literal(value)}")
        con.execute("SET enable_progress_bar = false")  # the CLI prints results, not DuckDB's bar
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


def one_line(exc: Exception) -> str:
    """DuckDB's message without the LINE/caret excerpt, on one line."""
    text = str(exc).split("\nLINE ")[0]
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def check_read_only(query: str) -> None:
    """Refuse, before DuckDB runs anything, every statement that is not a read."""
    try:
        statements = duckdb.extract_statements(query)
    except duckdb.Error as exc:
        raise SqlError(one_line(exc)) from None
    if not statements:
        raise SqlError("empty query: give one SQL statement, e.g. \"select count(*) from items\"")
    if len(statements) > 1:
        raise SqlError(f"{len(statements)} statements given: powerlist sql runs one statement at a time")
    st = statements[0]
    kind = st.type.name
    words = st.query.strip().split(None, 2)
    keyword = words[0].upper() if words else kind
    if kind == "PRAGMA":
        name = re.match(r"\s*pragma\s+([A-Za-z_]+)", st.query, re.I)
        if name and name.group(1).lower() in READ_PRAGMAS:
            return
    elif kind in READ_TYPES:
        return
    raise SqlError(
        f"refused: powerlist sql is read-only and does not run {keyword} statements "
        "(use SELECT, WITH, FROM, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN or a read-only PRAGMA)"
    )


def run_query(root: Path, query: str, timeout: float | None = DEFAULT_TIMEOUT) -> QueryResult:
    """Run one read-only statement; stopped (SqlError) after `timeout` seconds or at Ctrl-C.

    DuckDB runs the query in a worker thread while this thread waits in short joins: DuckDB
    ignores SIGINT while it executes on the main thread, and a KeyboardInterrupt raised beside a
    running query aborts the process. So SIGINT gets a handler that only interrupts the
    connection, and the deadline does the same.
    """
    check_read_only(query)
    con = open_readonly(root)
    outcome: dict = {}
    stopped: list[str] = []

    def work() -> None:
        try:
            rel = con.execute(query)
            columns = [d[0] for d in rel.description] if rel.description else []
            types = [str(d[1]) for d in rel.description] if rel.description else []
            outcome["result"] = QueryResult(columns, types, rel.fetchall())
        except BaseException as exc:  # handed to the waiting thread
            outcome["error"] = exc

    def stop(why: str) -> None:
        if not stopped:
            stopped.append(why)
            con.interrupt()

    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, lambda *_: stop("query interrupted (Ctrl-C)")) if main else None
    worker = threading.Thread(target=work, name="powerlist-sql", daemon=True)
    deadline = None if not timeout else time.monotonic() + timeout
    try:
        worker.start()
        while worker.is_alive():
            worker.join(0.05)
            if deadline is not None and time.monotonic() > deadline:
                stop(f"query stopped after {timeout:g} s (--timeout SECONDS, 0 for none)")
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)
        con.close()
    if stopped:
        raise SqlError(stopped[0])
    exc = outcome.get("error")
    if isinstance(exc, duckdb.Error):
        raise SqlError(one_line(exc)) from None
    if exc is not None:
        raise exc
    return outcome["result"]


def schema_rows(root: Path) -> list[dict]:
    """Every queryable table and column with its type and the Table Schema's title and description."""
    rows: list[dict] = []
    working = Package(root, WORKING)
    schemas = load_schemas(root / "schemas")
    tags = release_tags(root)
    for name, ts in schemas.items():
        if not working.has_table(name):
            continue
        where = f"working state; per release: {', '.join(f'{schema_name(t)}.{name}' for t in tags) or 'none'}; all releases: all_{name}"
        rows.append({"table": name, "column": "", "type": "", "title": "",
                     "description": f"{ts.descriptor.get('description', '')} ({where})"})
        for f in ts.fields:
            rows.append({"table": name, "column": f["name"], "type": reader_type(f),
                         "title": f.get("title", ""), "description": f.get("description", "")})
    rows.append({"table": "all_<table>", "column": "release", "type": "VARCHAR", "title": "版本",
                 "description": "The release tag or 'working'; columns a release lacks are NULL there"})
    rows.append({"table": "search(q)", "column": "", "type": "", "title": "检索",
                 "description": "Table macro: rows of every release whose text holds q (select * from search('收缴')): "
                                "release, table, item_id, key, column, text; search_text is the view it reads"})
    rows.append({"table": "releases", "column": "", "type": "", "title": "",
                 "description": "One row per release and the working state: release, schema_name, date"})
    return rows
