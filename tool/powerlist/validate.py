"""Validate a data package against its Table Schemas (types, required, enums, keys, foreign keys).

Two engines give the same findings. `frictionless` reads every cell in Python; `duckdb` (the
default) lets DuckDB scan the CSVs, keeping only the key columns and the rows whose cells are not
obviously valid, and then judges those few rows with frictionless's own cell readers, so the
verdict on every cell is frictionless's while the cost of a clean million-row table is a scan.
Where a file is shaped in a way the fast path does not model (a blank line, a header of the wrong
length, a constraint or key type it does not know, anything DuckDB's CSV reader refuses), the
whole package is validated by frictionless instead, so findings never differ.

The duckdb engine works file by file: what a table file alone gives (its records, its first
line, its cells' findings, its key columns) depends only on its bytes and its table's schema,
and is kept by content (validate_cache) when a cache root is given. A run analyses only files
it has not seen before, then checks primary and foreign keys over every file's stored key
columns, each file's rows numbered after the files before it in the table's reading order
(frictionless reads a multi-file resource as one stream, later files' headers skipped). Without
a cache root the same code runs over a private store, so a full and an incremental validation
are one computation.
"""

from __future__ import annotations

import bisect
import functools
import csv
import hashlib
import io
import json
import operator
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from .errors import PowerlistError
from .package import Package
from .sqltext import ident, literal

ENGINES = ("duckdb", "frictionless")


@dataclass
class Finding:
    table: str
    row: int | None       # row number in the CSV, header = 1
    field: str | None
    type: str             # frictionless error type, e.g. type-error, primary-key, foreign-key
    message: str


@dataclass
class ValidationResult:
    target: str
    valid: bool
    rows: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    engine: str = "duckdb"


Progress = Optional[Callable[[str, int, int], None]]  # (table, index, total) before each table


def validate_package(pkg: Package, engine: str = "duckdb", progress: Progress = None,
                     cache_root: Path | None = None) -> ValidationResult:
    """Validate every table of the package; every error becomes a Finding.

    With cache_root, what each file alone gave is kept by the file's content in cache_root's
    .powerlist-cache (validate_cache), and so is the whole result of a package whose files and
    descriptor are all unchanged: after a one-list change only that list's files are read, and
    `release` right after `validate` reads none. A descriptor or schema too broken to validate
    against is one PowerlistError naming the file.
    """
    import duckdb

    pkg.schemas  # checks the descriptor and every schema first (package.check_descriptor, schema.check_schema)
    if engine not in ENGINES:
        raise ValueError(f"unknown validation engine {engine!r} (known: {', '.join(ENGINES)})")
    if engine == "frictionless":  # the reference engine always runs in full
        return validate_frictionless(pkg)
    try:
        try:
            return _validate_fast(pkg, progress, cache_root)
        except duckdb.Error:
            if cache_root is None:
                raise
            # The cache could not be written (a full disk, a damaged file): it is only a cache.
            return _validate_fast(pkg, progress, None)
    except _Unsupported:
        return validate_frictionless(pkg)


def _validate_fast(pkg: Package, progress: Progress, root: Path | None) -> ValidationResult:
    from .validate_cache import open_store

    digests, on_disk = None, False
    if root is not None:
        from .digests import table_digests_checked
        try:
            digests, on_disk = table_digests_checked(pkg, root)
        except OSError:
            root = None  # a package that cannot be written (its digest memo): validate without a cache
    with open_store(root, [pkg.path]) as store:
        v = _FastValidator(pkg, progress, store, digests if store.persistent else None)
        v.on_disk = on_disk and store.persistent
        key = v.package_key()
        remembered = store.result(key) if key else None
        if remembered is not None:
            result = ValidationResult(pkg.label, not remembered["findings"], remembered["rows"],
                                      [Finding(*f) for f in remembered["findings"]], remembered["engine"])
        else:
            result = v.run()
            if key:
                store.remember(key, {"rows": result.rows, "engine": result.engine,
                                     "findings": [[f.table, f.row, f.field, f.type, f.message] for f in result.findings]})
        store.commit(prune=remembered is None)  # a remembered result looked at no file entry
    return result


def validate_frictionless(pkg: Package) -> ValidationResult:
    """Run frictionless over the package's descriptor, reporting every error."""
    from frictionless import FrictionlessException, Package as FPackage, system

    try:
        with system.use_context(trusted=False):
            fpkg = FPackage(str(pkg.descriptor_path))
            report = fpkg.validate(limit_errors=LIMIT_ERRORS)
    except FrictionlessException as exc:
        raise PowerlistError(f"{pkg.label}: cannot validate {pkg.descriptor_path}: {exc.error.message}") from exc
    result = ValidationResult(pkg.label, report.valid, engine="frictionless")
    for err in report.errors:  # package-level (descriptor) errors
        result.findings.append(Finding("datapackage.json", None, None, err.type, err.message))
    for task in report.tasks:
        result.rows[task.name] = task.stats.get("rows", 0) if isinstance(task.stats, dict) else task.stats.rows
        for err in task.errors:
            result.findings.append(Finding(
                task.name, getattr(err, "row_number", None), getattr(err, "field_name", None),
                err.type, err.message,
            ))
    return result


FK_CHECKS: list[str] = []  # "full" or "delta" per foreign key checked, in order (for tests)

LIMIT_ERRORS = 10**9  # "report every error": frictionless stops at its limit otherwise


class _Unsupported(Exception):
    """The fast path does not model this package exactly; frictionless validates it instead."""


# SQL for "this cell is certainly valid" per field type; anything else is judged in Python.
_INT = "regexp_full_match({c}, '[0-9]{{1,18}}')"
_KNOWN_CONSTRAINTS = {"required", "enum", "pattern", "minimum", "maximum"}
_SLACK = 8  # extra columns read beyond the schema, so surplus cells show up instead of failing


_CHUNK = 16 << 20


def _file_body(path: str, out=None) -> tuple[bytes, int]:
    """The first line of a table file the fast path models and the count of lines after it,
    copying those lines to `out` when given, in chunks (a one-file table at 1M items is GBs);
    else _Unsupported.

    frictionless skips a later file's first line unread and reads the files as one stream: a
    file that ends without a newline (two lines would join), holds CR line ends or a BOM, or
    whose first line is not one whole record is left to frictionless.
    """
    try:
        with open(path, "rb") as fh:
            chunk = fh.read(_CHUNK)
            end = chunk.find(b"\n")
            if end < 0 or chunk.startswith(b"\xef\xbb\xbf"):
                raise _Unsupported()
            head, chunk = chunk[:end + 1], chunk[end + 1:]
            if head.count(b'"') % 2 or b"\r" in head:
                raise _Unsupported()  # a quoted line break in the header, or CR line ends
            lines, last = 0, b"\n"
            while chunk:
                if b"\r" in chunk:
                    raise _Unsupported()
                lines += chunk.count(b"\n")
                last = chunk[-1:]
                if out is not None:
                    out.write(chunk)
                chunk = fh.read(_CHUNK)
    except OSError:
        raise _Unsupported() from None  # frictionless names the file it cannot read
    if last != b"\n":
        raise _Unsupported()
    return head, lines


def _labels(head: bytes) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(head.decode("utf-8"), newline="")), [])
    except UnicodeDecodeError:
        raise _Unsupported() from None


class _Table:
    def __init__(self, name: str, rels: list[str], fschema, index: int):
        # A multi-file resource (one file per list) reads as frictionless reads it: the files one
        # after another, each file's first line (its header) skipped after the first file's.
        self.name, self.rels, self.fschema, self.index = name, rels, fschema, index
        self.fields = list(fschema.fields)
        self.sql = f"v{index}"  # the table's key columns, rows numbered across its files (rid)
        self.key_fields: set[str] = set(fschema.primary_key)
        for fk in fschema.foreign_keys:
            self.key_fields.update(fk["fields"])

    @property
    def key_names(self) -> list[str]:
        return [f.name for f in self.fields if f.name in self.key_fields]


class _FastValidator:
    def __init__(self, pkg: Package, progress: Progress, store, digests: dict[str, str] | None):
        self.pkg = pkg
        self.progress = progress
        self.store = store
        self.con = store.con
        # A file's identity in the store: its SHA-256 (persistent store), else its path (a
        # private store lives for this run only).
        self.digests = digests
        # A table's files are taken from the descriptor here, where each must be a plain
        # relative path; frictionless sees each resource with its first file only (_accepted).
        from .storage import paths_of
        self.files: dict[str, list[str]] = {res.get("name"): paths_of(res) for res in pkg.descriptor["resources"]}
        self.on_disk = False  # every file in `digests` was found on disk by this run
        try:
            h = hashlib.sha256()
            for res in pkg.descriptor["resources"]:
                if isinstance(res.get("schema"), str):
                    h.update(b"\0" + (pkg.path / res["schema"]).read_bytes())
            self.schemas_hash: str | None = h.hexdigest()
            self.descriptor_hash: str | None = hashlib.sha256(pkg.descriptor_path.read_bytes() + h.digest()).hexdigest()
        except OSError:
            self.schemas_hash = self.descriptor_hash = None

    def _id(self, rel: str) -> str:
        return self.digests[rel] if self.digests is not None else rel

    def package_key(self) -> str | None:
        """The identity of everything the result depends on (descriptor, schema files, every
        table file's content), or None when some file has no digest (nothing to remember by)."""
        from .validate_cache import context_key

        if self.digests is None or self.descriptor_hash is None:
            return None
        # The descriptor (in descriptor_hash) names every file in order, so the files' digests
        # in that order identify their contents (one lookup each: 25,000 at province scale).
        rels = [rel for rels in self.files.values() for rel in rels]
        try:
            digests = operator.itemgetter(*rels)(self.digests) if rels else ()
        except KeyError:
            return None
        if isinstance(digests, str):
            digests = (digests,)
        return context_key(["package", _fl_version(), self.descriptor_hash,
                            hashlib.sha256("\n".join(digests).encode()).hexdigest()])

    # ---- setup -------------------------------------------------------------------------

    def run(self) -> ValidationResult:
        result = ValidationResult(self.pkg.label, True, engine="duckdb")
        tables = self._tables()
        for t in tables:
            if self.progress:
                self.progress(t.name, t.index, len(tables))
            self._prepare(t)
            result.rows[t.name] = t.total
        for t in tables:  # rows after all tables: foreign keys look into other tables
            result.findings.extend(t.header_findings)
            result.findings.extend(self._rows(t, tables))
        result.valid = not result.findings
        return result

    def _accepted(self) -> list:
        """[[resource name, its Table Schema as frictionless normalises it], …] when frictionless
        accepts the descriptor and every resource is a UTF-8 CSV with the default dialect; else
        _Unsupported.

        frictionless checks a province-scale descriptor in about a second, most of it the
        package's `sources` (one per list document), and an ingest changes one of them. Its
        profile checks each source on its own (an array's `items`), so what was accepted is
        remembered in two parts: the descriptor without its sources (with the schema files'
        bytes), and each source accepted before; frictionless is then shown the descriptor with
        only the sources it has not accepted yet.
        """
        from frictionless import FrictionlessException, Package as FPackage, system
        from .validate_cache import context_key

        # frictionless checks a descriptor in time that grows with its paths (seconds for tens of
        # thousands of per-list files): it is given each resource with its first file only.
        descriptor = json.loads(json.dumps({k: v for k, v in self.pkg.descriptor.items() if k != "sources"}))
        for res in descriptor.get("resources", []):
            if isinstance(res, dict) and isinstance(res.get("path"), list) and res["path"]:
                res["path"] = res["path"][0]
        sources = self.pkg.descriptor.get("sources")
        remember = self.digests is not None and self.schemas_hash is not None
        if not remember or not (sources is None or isinstance(sources, list) and all(isinstance(x, dict) for x in sources)):
            remember = False
            if "sources" in self.pkg.descriptor:
                descriptor["sources"] = json.loads(json.dumps(sources))
        else:
            absent = "sources" not in self.pkg.descriptor
            sources = sources or []
            rest = hashlib.sha256(json.dumps(descriptor, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
            rest_key = context_key(["descriptor", _fl_version(), rest, self.schemas_hash])
            sources_key = context_key(["sources", _fl_version()])
            hashes = [hashlib.sha256(json.dumps(x, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]
                      for x in sources]
            known = set((self.store.result(sources_key) or {}).get("accepted", []))
            new = [json.loads(json.dumps(x)) for x, h in zip(sources, hashes) if h not in known]
            accepted = self.store.result(rest_key)
            if accepted is not None and not new:
                return accepted["resources"]
            if not absent:
                descriptor["sources"] = new
        accepted = []
        try:
            with system.use_context(trusted=False):
                fpkg = FPackage(descriptor, basepath=str(self.pkg.path))
                for res in fpkg.resources:
                    if res.format != "csv" or (res.encoding or "utf-8").lower() not in ("utf-8", "utf8") \
                            or not isinstance(res.path, str) or res.dialect.to_descriptor() or res.schema is None:
                        raise _Unsupported()
                    accepted.append([res.name, res.schema.to_descriptor()])
        except FrictionlessException:
            raise _Unsupported()
        if remember:
            self.store.remember(rest_key, {"resources": accepted})
            self.store.remember(sources_key, {"accepted": sorted(set(hashes))})
        return accepted

    def _tables(self) -> list[_Table]:
        from frictionless import FrictionlessException, Schema

        tables = []
        base = str(self.pkg.path)
        for i, (name, schema) in enumerate(self._accepted()):
            rels = self.files.get(name)
            if not rels:  # each path is a relative path inside the package (package.check_descriptor)
                raise _Unsupported()
            # Every file must be there even where its content is known (a release's digests
            # come from its manifest): a missing file is frictionless's finding to report. A
            # file digests.file_digests found just now is there (a second stat of 25,000 files
            # costs 0.1 s at province scale).
            if not (self.on_disk and all(r in self.digests for r in rels)) \
                    and not all(os.path.isfile(f"{base}/{r}") for r in rels):
                raise _Unsupported()
            if self.digests is not None and not all(r in self.digests for r in rels):
                raise _Unsupported()
            try:
                fschema = Schema.from_descriptor(schema)
            except FrictionlessException:
                raise _Unsupported() from None
            t = _Table(name, rels, fschema, i)
            for f in t.fields:
                unknown = set(f.constraints) - _KNOWN_CONSTRAINTS
                if unknown or (f.name in t.key_fields and f.type not in ("string", "integer")):
                    raise _Unsupported()
            tables.append(t)
        names = {t.name for t in tables}
        for t in tables:
            for fk in t.fschema.foreign_keys:
                ref = fk["reference"]["resource"]
                if ref and ref not in names:
                    raise _Unsupported()
                target = t if not ref or ref == t.name else next(x for x in tables if x.name == ref)
                target.key_fields.update(fk["reference"]["fields"])
                for name in fk["reference"]["fields"]:
                    if not target.fschema.has_field(name) or target.fschema.get_field(name).type not in ("string", "integer"):
                        raise _Unsupported()
        return tables

    def _prepare(self, t: _Table) -> None:
        """Find (or analyse) every file of the table, check its headers, and make its key view."""
        from frictionless.table import Header
        from .validate_cache import context_key

        # What a file's analysis depends on besides its bytes: the schema (as normalised), which
        # columns are keys, and frictionless's cell readers (their notes are the messages).
        ctx = context_key(["table", _fl_version(), t.fschema.to_descriptor(), sorted(t.key_fields), _SLACK])
        keys = self.store.keys_table(ctx, ["k_" + n for n in t.key_names])
        ids = [self._id(r) for r in t.rels]
        infos = self.store.lookup(ctx, ids)
        todo: dict[str, str] = {}
        for i, rel in zip(ids, t.rels):
            if i not in infos and i not in todo:
                todo[i] = rel
        if todo:
            new = self._analyse(t, keys, todo)
            self.store.add(ctx, new)
            infos.update(new)
        head = infos[ids[0]].head
        if any(infos[i].head != head for i in ids):
            raise _Unsupported()  # a later file's first line is skipped unread: not modelled
        labels = _labels(bytes.fromhex(head))
        if len(labels) != len(t.fields):
            raise _Unsupported()
        names = [f.name for f in t.fields]
        if labels == names and len(set(names)) == len(names) and all(names):
            t.header_findings = []  # the header frictionless finds nothing in (it costs 0.1 s a run to ask)
        else:
            header = Header(labels, fields=t.fields, row_numbers=[1], ignore_case=False)
            t.header_findings = [Finding(t.name, getattr(e, "row_number", None), getattr(e, "field_name", None),
                                         e.type, e.message) for e in header.errors]
        starts, total = [], 0
        for i in ids:
            starts.append(total)
            total += infos[i].records
        t.ids, t.starts, t.infos, t.total, t.ctx, t.keys = ids, starts, infos, total, ctx, keys
        run = f"run{t.index}"
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {run} AS SELECT unnest(?::VARCHAR[]) AS id, "
                         f"unnest(?::BIGINT[]) AS start", [ids, starts])
        cols = "".join(f", k.{ident('k_' + n)}" for n in t.key_names)
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {t.sql} AS SELECT f.start + k.r AS rid{cols} "
                         f"FROM {keys} k JOIN {run} f ON k.id = f.id")

    # ---- analysing files not seen before --------------------------------------------------

    def _analyse(self, t: _Table, keys: str, todo: dict[str, str]):
        """Each new file alone: its records, first line, cell findings (by record index in the
        file) and key columns (into `keys`). Several files are read by DuckDB as one joined CSV
        (each file's first line left out; one reader per file costs ~3 ms a file), a lone one
        in place."""
        from .validate_cache import FileInfo

        heads, lines = {}, {}
        if len(todo) == 1:  # one file (a table stored whole, or one list's file): read in place
            (i, rel), = todo.items()
            source, skip = Path(f"{self.pkg.path}/{rel}"), 1
            head, lines[i] = _file_body(str(source))
            heads[i] = head.hex()
        else:
            source, skip = self.store.spill / f"{t.sql}.csv", 0
            with open(source, "wb") as out:
                for i, rel in todo.items():
                    head, lines[i] = _file_body(f"{self.pkg.path}/{rel}", out)
                    heads[i] = head.hex()
        batch = f"b{t.index}"
        self._load(t, batch, source, skip, newlines=False)
        # Rows in insertion order; a table made inside the store's transaction numbers its rows
        # from a large base (DuckDB's transaction-local row ids), so ids are taken relative to it.
        n, base = self.con.execute(f"SELECT count(*), coalesce(min(rowid), 0) FROM {batch}").fetchone()
        ids = list(todo)
        if n == sum(lines.values()):
            records = lines  # no quoted line break and no blank line: one record per line
        else:
            records = self._records_by_file(t, batch, source, skip, ids, lines)
        starts, at = [], 0
        for i in ids:
            starts.append(at)
            at += records[i]
        findings = self._judge(t, batch, base, ids, starts)
        nonempty = [(i, s) for i, s in zip(ids, starts) if records[i]]
        if nonempty:
            self.con.execute("CREATE OR REPLACE TEMP TABLE bf AS SELECT unnest(?::VARCHAR[]) AS id, "
                             "unnest(?::BIGINT[]) AS s", [[i for i, _ in nonempty], [s for _, s in nonempty]])
            cols = "".join(f", q.{ident('k_' + n)}" for n in t.key_names)
            self.con.execute(f"INSERT INTO {keys} SELECT bf.id, q.rid - bf.s{cols} FROM "
                             f"(SELECT rowid - {int(base)} AS rid, * FROM {batch}) q ASOF JOIN bf ON q.rid >= bf.s")
        self.con.execute(f"DROP TABLE {batch}")
        if not skip:
            source.unlink()
        return {i: FileInfo(records[i], heads[i], json.dumps(findings.get(i, []), ensure_ascii=False))
                for i in ids}

    def _records_by_file(self, t: _Table, batch: str, source: Path, skip: int, ids, lines) -> dict[str, int]:
        """Records per file where some record spans lines (a quoted line break): each record
        takes one line plus the line breaks inside its cells. Lines left over are blank lines,
        which frictionless counts as rows and DuckDB skips: not modelled."""
        nl = f"{batch}nl"
        self._load(t, nl, source, skip, newlines=True)
        total = self.con.execute(f"SELECT coalesce(sum(1 + nl), 0) FROM {nl}").fetchone()[0]
        if total != sum(lines.values()):
            raise _Unsupported()
        line_starts, at = [], 0
        for i in ids:
            line_starts.append(at)
            at += lines[i]
        nonempty = [(k, s) for k, (i, s) in enumerate(zip(ids, line_starts)) if lines[i]]
        self.con.execute("CREATE OR REPLACE TEMP TABLE lf AS SELECT unnest(?::BIGINT[]) AS k, unnest(?::BIGINT[]) AS s",
                         [[k for k, _ in nonempty], [s for _, s in nonempty]])
        counts = dict(self.con.execute(
            f"SELECT lf.k, count(*) FROM (SELECT sum(1 + nl) OVER (ORDER BY rowid) - (1 + nl) AS line FROM {nl}) q "
            f"ASOF JOIN lf ON q.line >= lf.s GROUP BY lf.k").fetchall())
        self.con.execute(f"DROP TABLE {nl}")
        return {i: int(counts.get(k, 0)) for k, i in enumerate(ids)}

    def _judge(self, t: _Table, batch: str, base: int, ids: list[str], starts: list[int]) -> dict[str, list]:
        """Cell findings of the suspect rows, by file: [[record index, [error spec, …]], …];
        integer keys Python reads but the fast pattern does not (" 7", "+7", "٧") keep their value."""
        readers = [f.create_cell_reader() for f in t.fields]
        found: dict[int, list] = {}  # batch row → error specs
        overrides = []
        int_keys = [i for i, f in enumerate(t.fields) if f.name in t.key_fields and f.type == "integer"]
        cur = self.con.execute(f"SELECT rowid, raw FROM {batch} WHERE raw IS NOT NULL ORDER BY rowid")
        while rows := cur.fetchmany(10_000):
            for rowid, raw in rows:
                rid = int(rowid) - base
                cells = []
                for v in raw:
                    if v is None:
                        break
                    cells.append(v)
                specs, typed = self._cells(t, readers, cells)
                if specs:
                    found[rid] = specs
                fixes = [str(typed[i]) if typed[i] is not None else None for i in int_keys]
                if any(x is not None for x in fixes):
                    overrides.append((int(rowid), *fixes))
        if overrides:
            names = [t.fields[i].name for i in int_keys]
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE ov (rid BIGINT, {', '.join(ident('k_' + x) + ' VARCHAR' for x in names)})")
            self.con.executemany(f"INSERT INTO ov VALUES ({', '.join('?' * (len(names) + 1))})", overrides)
            sets = ", ".join(f"{ident('k_' + x)} = ov.{ident('k_' + x)}" for x in names)
            self.con.execute(f"UPDATE {batch} SET {sets} FROM ov WHERE {batch}.rowid = ov.rid")
        pk = list(t.fschema.primary_key)
        if pk:  # a row's own finding, after its cells' (frictionless's order)
            all_null = " AND ".join(f"{ident('k_' + x)} IS NULL" for x in pk)
            for (rowid,) in self.con.execute(f"SELECT rowid FROM {batch} WHERE {all_null}").fetchall():
                found.setdefault(int(rowid) - base, []).append(
                    ["PrimaryKeyError", dict(note='cells composing the primary keys are all "None"', cells=[])])
        by_file: dict[str, list] = {}
        for rid in sorted(found):
            k = bisect.bisect_right(starts, rid) - 1
            by_file.setdefault(ids[k], []).append([rid - starts[k], found[rid]])
        return by_file

    # ---- loading -----------------------------------------------------------------------

    def _ok_sql(self, f, c: str, missing: list[str]) -> str:
        """True when the cell certainly reads as frictionless would read it without any error."""
        cons = f.constraints
        plain = f.format in (None, "default")
        type_ok = None
        if f.type in ("string", "list") and plain:
            type_ok = "true"
        elif f.type == "integer":
            type_ok = _INT.format(c=c)
        elif f.type == "boolean":
            values = list(f.true_values) + list(f.false_values)
            type_ok = f"{c} IN ({', '.join(literal(v) for v in values)})"
        elif f.type == "date" and plain:
            type_ok = (f"(regexp_full_match({c}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') AND {c} >= '0001' "
                       f"AND try_cast({c} AS DATE) IS NOT NULL)")
        if type_ok is None:
            return "false"  # every such cell is judged by frictionless
        checks = [type_ok]
        if "enum" in cons:
            if f.type != "string":
                return "false"
            checks.append(f"{c} IN ({', '.join(literal(v) for v in cons['enum'])})")
        if "pattern" in cons:
            if f.type != "string":
                return "false"
            checks.append(f"regexp_full_match({c}, {literal(cons['pattern'])})")
        for name, op in (("minimum", ">="), ("maximum", "<=")):
            if name in cons:
                if f.type != "integer":
                    return "false"
                checks.append(f"try_cast({c} AS BIGINT) {op} {int(cons[name])}")
        present = " AND ".join(f"({x})" for x in checks)
        missing_sql = ", ".join(literal(m) for m in missing)
        when_missing = "false" if cons.get("required") else "true"
        return (f"coalesce({c} IS NOT NULL AND CASE WHEN {c} IN ({missing_sql}) THEN {when_missing} "
                f"ELSE {present} END, false)")

    def _key_sql(self, f, c: str, missing: list[str]) -> str:
        """The cell's typed value as text (NULL when frictionless would read None or fail)."""
        missing_sql = ", ".join(literal(m) for m in missing)
        if f.type == "integer":
            return f"CASE WHEN {_INT.format(c=c)} THEN CAST(CAST({c} AS BIGINT) AS VARCHAR) END"
        return f"CASE WHEN {c} IS NULL OR {c} IN ({missing_sql}) THEN NULL ELSE {c} END"

    def _load(self, t: _Table, name: str, path: Path, skip: int, newlines: bool) -> None:
        """A temp table of the CSV's key columns and, for rows not certainly valid, all cells
        (raw); with newlines, only each record's count of line breaks inside its cells (nl)."""
        n = len(t.fields)
        cols = [f"c{i}" for i in range(1, n + _SLACK + 1)]
        if newlines:
            select = "(" + " + ".join(f"coalesce(length({c}) - length(replace({c}, chr(10), '')), 0)"
                                      for c in cols) + ") AS nl"
        else:
            missing = list(t.fschema.missing_values) or [""]
            oks = [self._ok_sql(f, cols[i], missing) for i, f in enumerate(t.fields)]
            suspect = " OR ".join([f"NOT ({ok})" for ok in oks] + [f"{cols[n]} IS NOT NULL"])
            keys = [f"{self._key_sql(f, cols[i], missing)} AS {ident('k_' + f.name)}"
                    for i, f in enumerate(t.fields) if f.name in t.key_fields]
            select = ", ".join(keys + [f"CASE WHEN {suspect} THEN [{', '.join(cols)}] END AS raw"])
        columns = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in cols) + "}"
        self._create(name, select, columns, path, skip)

    def _create(self, name: str, select: str, columns: str, path: Path, skip: int) -> None:
        import duckdb

        # The serial reader: row numbers come from insertion order, and DuckDB's parallel CSV
        # scan does not keep file order under this projection (seen with DuckDB 2.0, 2 threads).
        reader = (f"read_csv({literal(path)}, header=false, skip={int(skip)}, columns={columns}, delim=',', "
                  f"quote='\"', escape='\"', nullstr='\x01', null_padding=true, strict_mode=true, "
                  f"auto_detect=false, parallel=false)")
        try:
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {select} FROM {reader}")
        except duckdb.Error as exc:
            raise _Unsupported() from exc  # anything DuckDB's reader refuses is left to frictionless

    # ---- checks --------------------------------------------------------------------------

    def _rows(self, t: _Table, tables: list[_Table]) -> list[Finding]:
        from frictionless import errors

        by_row: dict[int, list] = {}
        for i, start in zip(t.ids, t.starts):
            stored = t.infos[i].findings
            if stored != "[]":
                for r, specs in json.loads(stored):
                    by_row[start + r] = [_error(errors, spec, start + r + 2) for spec in specs]
        for rid, err in self._primary_key(t, errors):
            by_row.setdefault(rid, []).append(err)
        for fk in t.fschema.foreign_keys:
            for rid, err in self._foreign_key(t, fk, tables, errors):
                by_row.setdefault(rid, []).append(err)
        out = []
        for rid in sorted(by_row):
            for e in by_row[rid]:
                out.append(Finding(t.name, e.row_number, getattr(e, "field_name", None), e.type, e.message))
        return out

    def _cells(self, t: _Table, readers, cells: list[str]):
        """The same per-cell verdicts as frictionless's Row processing, for one suspect row, as
        error specs without a row number (_error makes the error at the row's place)."""
        found = []
        typed = []
        blank = 0
        n = len(t.fields)
        for i, f in enumerate(t.fields):
            source = cells[i] if i < len(cells) else None
            target, notes = readers[i](source)
            typed.append(target)
            type_note = notes.pop("type", None) if notes else None
            if target is None and not type_note:
                blank += 1
            common = dict(cells=list(cells), cell=str(source), field_name=f.name, field_number=i + 1)
            if type_note:
                found.append(["TypeError", dict(note=type_note, **common)])
            if notes:
                found.extend(["ConstraintError", dict(note=note, **common)] for note in notes.values())
        for j, cell in enumerate(cells[n:], start=n + 1):
            found.append(["ExtraCellError", dict(note="", cells=list(cells), cell=str(cell), field_name="",
                                                 field_number=j)])
        for i in range(len(cells), n):
            found.append(["MissingCellError", dict(note="", cells=list(cells), cell="",
                                                   field_name=t.fields[i].name, field_number=i + 1)])
        if blank == n:
            found = [["BlankRowError", dict(note="", cells=list(cells))]]
        return found, typed

    def _primary_key(self, t: _Table, errors):
        """Rows whose primary key an earlier row of the table holds (rows with no key at all
        were found with their file's cells).

        Only keys that can be duplicated are grouped: those duplicated in the last state this
        store checked for the same schema, and those of files that state did not hold (a key
        seen once there, in files both states hold, is seen once here). Grouping every key of a
        million-row table costs more than the rest of a one-list validation together.
        """
        pk = list(t.fschema.primary_key)
        if not pk:
            return []
        ks = [ident("k_" + x) for x in pk]
        cols = ", ".join(ks)
        all_null = " AND ".join(f"{k} IS NULL" for k in ks)
        on = lambda a, b: " AND ".join(f"{a}.{k} IS NOT DISTINCT FROM {b}.{k}" for k in ks)  # noqa: E731
        added = self.store.added_since_last(t.ctx, t.ids, [t.infos[i].records for i in t.ids])
        dups = f"d{t.index}"
        if added is None:
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {dups} AS SELECT {cols} FROM {t.sql} "
                             f"WHERE NOT ({all_null}) GROUP BY ALL HAVING count(*) > 1")
        else:
            last = self.store.state_table("dups", t.ctx)
            self.con.execute(
                f"CREATE OR REPLACE TEMP TABLE cand AS SELECT DISTINCT {cols} FROM ("
                f"SELECT {cols} FROM {last} UNION ALL SELECT {cols} FROM {t.keys} "
                f"WHERE id IN (SELECT unnest(?::VARCHAR[]))) WHERE NOT ({all_null})", [added])
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {dups} AS SELECT {', '.join('t.' + k for k in ks)} "
                             f"FROM {t.sql} t SEMI JOIN cand c ON {on('t', 'c')} GROUP BY ALL HAVING count(*) > 1")
        self.store.save_state(t.ctx, t.ids, dups, ks)
        sql = f"""
            WITH r AS (SELECT t.rid, {', '.join('t.' + k for k in ks)} FROM {t.sql} t SEMI JOIN {dups} d ON {on('t', 'd')})
            SELECT rid, prev FROM (
                SELECT rid, lag(rid) OVER (PARTITION BY {cols} ORDER BY rid) AS prev FROM r)
            WHERE prev IS NOT NULL"""
        out = []
        for rid, prev in self.con.execute(sql).fetchall():
            out.append((int(rid), errors.PrimaryKeyError(
                note=f"the same as in the row at position {int(prev) + 2}", cells=[], row_number=int(rid) + 2)))
        return out

    def _foreign_key(self, t: _Table, fk: dict, tables: list[_Table], errors):
        ref = fk["reference"]["resource"]
        source = t if not ref or ref == t.name else next(x for x in tables if x.name == ref)
        tk = [ident("k_" + x) for x in fk["fields"]]
        sk = [ident("k_" + x) for x in fk["reference"]["fields"]]
        sql = f"SELECT rid, {', '.join(tk)} FROM {self._fk_violations(t, source, tk, sk)} ORDER BY rid"
        key_types = {f.name: f.type for f in t.fields}
        out = []
        for rid, *values in self.con.execute(sql).fetchall():
            cells = [int(v) if v is not None and key_types[n] == "integer" else v
                     for n, v in zip(fk["fields"], values)]
            note = ('for "%s": values "%s" not found in the lookup table "%s" as "%s"'
                    % (", ".join(fk["fields"]), ", ".join(str(d) for d in cells), ref,
                       ", ".join(fk["reference"]["fields"])))
            out.append((int(rid), errors.ForeignKeyError(
                note=note, cells=[], row_number=int(rid) + 2, field_names=list(fk["fields"]),
                field_cells=[str(c) for c in cells], reference_name=ref,
                reference_field_names=list(fk["reference"]["fields"]))))
        return out

    def _fk_violations(self, t: _Table, source: _Table, tk: list[str], sk: list[str]) -> str:
        """A temp table (rid, tk…) of t's rows whose foreign key `tk` (not all empty) no row of
        `source` holds as `sk` (all empty there holds nothing).

        A row's verdict depends on its file's content and on the set of keys `source` holds, so
        it is worked out from the last state this store checked for the same pair of schema
        contexts (validate_cache.Store.fk_last): the rows found then in files this state still
        holds are looked up again, and so are every row of the files this state adds and the
        rows holding a key that the source files gone since then held and no source file holds
        now. A key lookup reads the source's key rows for those few values only; a full check
        (every row against every key) runs when there is no last state, when more than a
        quarter of the rows are new, or when a gone source file's keys are no longer stored.
        """
        from .validate_cache import context_key

        n = self._fk_count = getattr(self, "_fk_count", 0) + 1
        out = f"fv{n}"
        key = context_key(["fk", t.ctx, source.ctx, tk, sk])
        cols = ", ".join(f"c.{k}" for k in tk)
        none = " AND ".join(f"c.{k} IS NULL" for k in tk)
        match = " AND ".join(f"c.{x} IS NOT DISTINCT FROM l.{y}" for x, y in zip(tk, sk))
        held = f"NOT ({' AND '.join(f'l.{y} IS NULL' for y in sk)})"
        t_ids, s_ids = set(t.ids), set(source.ids)
        last = self.store.fk_last(key)
        added = removed = None
        if last is not None:
            last_t, last_s = last
            added, removed = sorted(t_ids - last_t), sorted(last_s - s_ids)
            new_rows = sum(t.infos[i].records for i in added)
            if new_rows * 4 > max(t.total, 1) or not self.store.has_files(source.ctx, removed):
                added = None
        cand = f"fc{n}"
        FK_CHECKS.append("full" if added is None else "delta")
        if added is None:  # every row of the table's files against every key (streamed, not held)
            self.con.execute(
                f"CREATE OR REPLACE TEMP TABLE {cand} AS SELECT c.id, c.r, {cols} FROM {t.keys} c ANTI JOIN "
                f"(SELECT DISTINCT {', '.join(f'l.{y}' for y in sk)} FROM {source.sql} l WHERE {held}) l ON {match} "
                f"WHERE c.id IN (SELECT id FROM run{t.index}) AND NOT ({none})")
        else:
            parts = [f"SELECT c.id, c.r, {cols} FROM {self.store.fk_table(key)} c WHERE c.id IN (SELECT id FROM run{t.index})",
                     f"SELECT c.id, c.r, {cols} FROM {t.keys} c WHERE c.id IN (SELECT unnest(?::VARCHAR[])) AND NOT ({none})"]
            params = [added]
            if removed:
                # keys the gone source files held that no source file of this state holds
                gone = f"fg{n}"
                scols = ", ".join(f"l.{y} AS {x}" for x, y in zip(tk, sk))
                self.con.execute(
                    f"CREATE OR REPLACE TEMP TABLE {gone} AS SELECT DISTINCT {scols} FROM {source.keys} l "
                    f"WHERE l.id IN (SELECT unnest(?::VARCHAR[])) AND {held}", [removed])
                self.con.execute(f"DELETE FROM {gone} c WHERE EXISTS (SELECT 1 FROM {source.sql} l WHERE {match})")
                if self.con.execute(f"SELECT count(*) FROM {gone}").fetchone()[0]:
                    parts.append(f"SELECT c.id, c.r, {cols} FROM {t.keys} c SEMI JOIN {gone} g ON "
                                 f"{' AND '.join(f'c.{x} IS NOT DISTINCT FROM g.{x}' for x in tk)} "
                                 f"WHERE c.id IN (SELECT id FROM run{t.index})")
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {cand} AS SELECT DISTINCT * FROM ("
                             f"{' UNION ALL '.join(parts)})", params)
        # The source's keys for the candidates' values only (the source may hold millions).
        lookup = f"fl{n}"
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE {lookup} AS SELECT DISTINCT {', '.join(f'l.{y}' for y in sk)} "
            f"FROM {source.sql} l SEMI JOIN {cand} c ON {match} WHERE {held}")
        self.con.execute(f"DELETE FROM {cand} c WHERE EXISTS (SELECT 1 FROM {lookup} l WHERE {match})")
        self.store.fk_save(key, sorted(t_ids), sorted(s_ids), cand, ["id", "r", *tk])
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {out} AS SELECT f.start + c.r AS rid, {cols} "
                         f"FROM {cand} c JOIN run{t.index} f ON c.id = f.id")
        return out


@functools.lru_cache(maxsize=None)
def _fl_version() -> str:
    """frictionless's version without importing it (0.2 s): a remembered result names it."""
    from importlib.metadata import version
    return version("frictionless")


_ERRORS = ("TypeError", "ConstraintError", "ExtraCellError", "MissingCellError", "BlankRowError", "PrimaryKeyError")


def _error(errors, spec: list, row_number: int):
    """The frictionless error a stored cell finding stands for, at its row in the table."""
    name, kwargs = spec
    if name not in _ERRORS:
        raise ValueError(f"unknown stored finding {name!r}")
    return getattr(errors, name)(row_number=row_number, **kwargs)
