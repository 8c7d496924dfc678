"""Validate a data package against its Table Schemas (types, required, enums, keys, foreign keys).

Two engines give the same findings. `frictionless` reads every cell in Python; `duckdb` (the
default) lets DuckDB scan the CSVs, keeping only the key columns and the rows whose cells are not
obviously valid, and then judges those few rows with frictionless's own cell readers, so the
verdict on every cell is frictionless's while the cost of a clean million-row table is a scan.
Where a file is shaped in a way the fast path does not model (a blank line, a header of the wrong
length, a constraint or key type it does not know, anything DuckDB's CSV reader refuses), the
whole package is validated by frictionless instead, so findings never differ.
"""

from __future__ import annotations

import csv
import json
import mmap
import tempfile
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

    With cache_root, a package found valid is remembered under its files' identity (paths,
    sizes, modification times: compiled.package_key) in cache_root's .powerlist-cache, so
    `release` right after `validate` does not read the package again.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown validation engine {engine!r} (known: {', '.join(ENGINES)})")
    mark = None
    if cache_root is not None and engine == "duckdb":  # the reference engine always runs
        from .compiled import cache_dir, package_key
        mark = cache_dir(cache_root) / f"valid-{package_key(pkg)}.json"
        if mark.is_file():
            remembered = json.loads(mark.read_text(encoding="utf-8"))
            return ValidationResult(pkg.label, True, remembered["rows"], [], remembered["engine"])
    if engine == "frictionless":
        result = validate_frictionless(pkg)
    else:
        try:
            result = _FastValidator(pkg, progress).run()
        except _Unsupported:
            result = validate_frictionless(pkg)
    if mark is not None and result.valid:
        mark.parent.mkdir(parents=True, exist_ok=True)
        tmp = mark.with_name(f".{mark.name}.tmp")
        tmp.write_text(json.dumps({"rows": result.rows, "engine": result.engine}), encoding="utf-8")
        tmp.replace(mark)
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


LIMIT_ERRORS = 10**9  # "report every error": frictionless stops at its limit otherwise


# Bounded memory: beyond this DuckDB spills the loaded key columns to a temp folder instead of
# growing (uncapped it took ~5 GB at 1M items; 2GB costs no measurable time there, 1GB ~25%).
MEMORY_LIMIT = "2GB"


class _Unsupported(Exception):
    """The fast path does not model this package exactly; frictionless validates it instead."""


# SQL for "this cell is certainly valid" per field type; anything else is judged in Python.
_INT = "regexp_full_match({c}, '[0-9]{{1,18}}')"
_KNOWN_CONSTRAINTS = {"required", "enum", "pattern", "minimum", "maximum"}
_SLACK = 8  # extra columns read beyond the schema, so surplus cells show up instead of failing




def _count_lines(path: Path) -> int:
    """Lines in the file (a last line without a newline counts); refuses BOMs and CR line ends."""
    lines = 0
    last = b""
    with open(path, "rb") as fh:
        first = True
        while chunk := fh.read(16 << 20):
            if first and (chunk.startswith(b"\xef\xbb\xbf") or not chunk):
                raise _Unsupported()
            first = False
            if b"\r" in chunk:
                raise _Unsupported()
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    if not last:
        raise _Unsupported()
    return lines + (last != b"\n")


def _labels(path: Path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh), [])


def _has_blank_line(path: Path) -> bool:
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        return mm.find(b"\n\n") != -1


class _Table:
    def __init__(self, name: str, paths: list[Path], fschema, index: int):
        # A multi-file resource (one file per list) reads as frictionless reads it: the files one
        # after another, each file's first line (its header) skipped after the first file's.
        self.name, self.paths, self.fschema, self.index = name, paths, fschema, index
        self.fields = list(fschema.fields)
        self.sql = f"t{index}"
        self.key_fields: set[str] = set(fschema.primary_key)
        for fk in fschema.foreign_keys:
            self.key_fields.update(fk["fields"])


class _FastValidator:
    def __init__(self, pkg: Package, progress: Progress):
        self.pkg = pkg
        self.progress = progress

    # ---- setup -------------------------------------------------------------------------

    def run(self) -> ValidationResult:
        import duckdb
        from frictionless import FrictionlessException, Package as FPackage, system

        # frictionless checks a descriptor in time that grows with its paths (seconds for tens of
        # thousands of per-list files): it is given each resource with its first file only, and
        # the files are taken from the descriptor here, where each must be a plain relative path.
        descriptor = json.loads(json.dumps(self.pkg.descriptor))
        self.files: dict[str, list[str]] = {}
        for res in descriptor.get("resources", []):
            if isinstance(res, dict) and isinstance(res.get("path"), list) and res["path"]:
                self.files[res.get("name")] = res["path"]
                res["path"] = res["path"][0]
        try:
            with system.use_context(trusted=False):
                fpkg = FPackage(descriptor, basepath=str(self.pkg.path))
                tables = self._tables(fpkg)
        except FrictionlessException:
            raise _Unsupported()
        result = ValidationResult(self.pkg.label, True, engine="duckdb")
        spill = tempfile.TemporaryDirectory(prefix="powerlist-validate-")
        self.spill = spill.name
        con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "temp_directory": spill.name})
        try:
            headers = {}
            for t in tables:
                if self.progress:
                    self.progress(t.name, t.index, len(tables))
                headers[t.name] = self._header(t)
                self._load(con, t)
                rows = con.execute(f"SELECT count(*) FROM {t.sql}").fetchone()[0]
                if rows + 1 != t.lines and _has_blank_line(t.joined):
                    raise _Unsupported()  # frictionless counts blank lines as rows; DuckDB skips them
                result.rows[t.name] = rows
            for t in tables:  # rows after all loads: foreign keys look into other tables
                result.findings.extend(headers[t.name])
                result.findings.extend(self._rows(con, t, tables))
        finally:
            con.close()
            spill.cleanup()
        result.valid = not result.findings
        return result

    def _tables(self, fpkg) -> list[_Table]:
        tables = []
        for i, res in enumerate(fpkg.resources):
            if res.format != "csv" or (res.encoding or "utf-8").lower() not in ("utf-8", "utf8") \
                    or not isinstance(res.path, str) or res.dialect.to_descriptor():
                raise _Unsupported()
            rels = self.files.get(res.name, [res.path])
            if not all(isinstance(r, str) and r and not r.startswith("/") and ".." not in r.split("/")
                       for r in rels):
                raise _Unsupported()
            paths = [self.pkg.path / r for r in rels]
            if not all(p.is_file() for p in paths) or res.schema is None:
                raise _Unsupported()
            t = _Table(res.name, paths, res.schema, i)
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

    def _header(self, t: _Table) -> list[Finding]:
        """Header errors exactly as frictionless reports them; a wrong-length header is not modelled."""
        from frictionless.table import Header

        labels = _labels(t.paths[0])
        if len(labels) != len(t.fields):
            raise _Unsupported()
        if len(t.paths) == 1:
            t.joined, t.lines = t.paths[0], _count_lines(t.paths[0])
        else:
            t.joined, t.lines = self._join(t)
        header = Header(labels, fields=t.fields, row_numbers=[1], ignore_case=False)
        return [Finding(t.name, getattr(e, "row_number", None), getattr(e, "field_name", None), e.type, e.message)
                for e in header.errors]

    def _join(self, t: _Table) -> tuple[Path, int]:
        """The table's files as one CSV in the spill folder (frictionless's reading of them: a
        later file's first line skipped), and its line count, in one pass over the bytes.

        frictionless skips a later file's first line unread; a file whose first line differs
        from the first file's, or that ends without a newline (two lines would join), or that
        the single-file path would refuse (BOM, CR line ends) is left to frictionless.
        """
        first = t.paths[0].read_bytes()
        head = first[:first.find(b"\n") + 1]
        lines = 0
        joined = Path(self.spill) / f"{t.sql}.csv"
        with open(joined, "wb") as out:
            for i, p in enumerate(t.paths):
                data = first if i == 0 else p.read_bytes()
                if not data.endswith(b"\n") or b"\r" in data or data.startswith(b"\xef\xbb\xbf") \
                        or not data.startswith(head):
                    raise _Unsupported()
                body = data if i == 0 else data[len(head):]
                lines += body.count(b"\n")
                out.write(body)
        return joined, lines

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

    def _load(self, con, t: _Table) -> None:
        n = len(t.fields)
        cols = [f"c{i}" for i in range(1, n + _SLACK + 1)]
        missing = list(t.fschema.missing_values) or [""]
        oks = [self._ok_sql(f, cols[i], missing) for i, f in enumerate(t.fields)]
        suspect = " OR ".join([f"NOT ({ok})" for ok in oks] + [f"{cols[n]} IS NOT NULL"])
        keys = [f"{self._key_sql(f, cols[i], missing)} AS {ident('k_' + f.name)}"
                for i, f in enumerate(t.fields) if f.name in t.key_fields]
        raw = f"CASE WHEN {suspect} THEN [{', '.join(cols)}] END AS raw"
        columns = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in cols) + "}"
        self._create(con, t, keys, raw, columns, t.joined)

    def _create(self, con, t: _Table, keys, raw, columns, path: Path) -> None:
        import duckdb

        # The serial reader: row numbers come from insertion order, and DuckDB's parallel CSV
        # scan does not keep file order under this projection (seen with DuckDB 2.0, 2 threads).
        reader = (f"read_csv({literal(path)}, header=false, skip=1, columns={columns}, delim=',', "
                  f"quote='\"', escape='\"', nullstr='\x01', null_padding=true, strict_mode=true, "
                  f"auto_detect=false, parallel=false)")
        try:
            con.execute(f"CREATE OR REPLACE TABLE {t.sql} AS SELECT {', '.join(keys + [raw])} FROM {reader}")
        except duckdb.Error as exc:
            raise _Unsupported() from exc  # anything DuckDB's reader refuses is left to frictionless

    # ---- checks --------------------------------------------------------------------------

    def _rows(self, con, t: _Table, tables: list[_Table]) -> list[Finding]:
        from frictionless import errors

        by_row: dict[int, list] = {}
        readers = [f.create_cell_reader() for f in t.fields]
        overrides = []
        int_keys = [i for i, f in enumerate(t.fields) if f.name in t.key_fields and f.type == "integer"]
        cur = con.execute(f"SELECT rowid, raw FROM {t.sql} WHERE raw IS NOT NULL ORDER BY rowid")
        while batch := cur.fetchmany(10_000):
            for rid, raw in batch:
                cells = []
                for v in raw:
                    if v is None:
                        break
                    cells.append(v)
                errs, typed = self._cells(t, readers, cells, int(rid) + 2, errors)
                by_row[int(rid)] = errs
                fixes = [str(typed[i]) if typed[i] is not None else None for i in int_keys]
                if any(x is not None for x in fixes):
                    overrides.append((int(rid), *fixes))
        if overrides:
            # Integers Python reads but the fast pattern does not (" 7", "+7", "٧") keep their value.
            names = [t.fields[i].name for i in int_keys]
            con.execute(f"CREATE OR REPLACE TEMP TABLE ov (rid BIGINT, {', '.join(ident('k_' + x) + ' VARCHAR' for x in names)})")
            con.executemany(f"INSERT INTO ov VALUES ({', '.join('?' * (len(names) + 1))})", overrides)
            sets = ", ".join(f"{ident('k_' + x)} = ov.{ident('k_' + x)}" for x in names)
            con.execute(f"UPDATE {t.sql} SET {sets} FROM ov WHERE {t.sql}.rowid = ov.rid")
        for rid, err in self._primary_key(con, t, errors):
            by_row.setdefault(rid, []).append(err)
        for fk in t.fschema.foreign_keys:
            for rid, err in self._foreign_key(con, t, fk, tables, errors):
                by_row.setdefault(rid, []).append(err)
        out = []
        for rid in sorted(by_row):
            for e in by_row[rid]:
                out.append(Finding(t.name, e.row_number, getattr(e, "field_name", None), e.type, e.message))
        return out

    def _cells(self, t: _Table, readers, cells: list[str], row_number: int, errors):
        """The same per-cell verdicts as frictionless's Row processing, for one suspect row."""
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
            common = dict(cells=list(cells), row_number=row_number, cell=str(source),
                          field_name=f.name, field_number=i + 1)
            if type_note:
                found.append(errors.TypeError(note=type_note, **common))
            if notes:
                found.extend(errors.ConstraintError(note=note, **common) for note in notes.values())
        for j, cell in enumerate(cells[n:], start=n + 1):
            found.append(errors.ExtraCellError(note="", cells=list(cells), row_number=row_number,
                                               cell=str(cell), field_name="", field_number=j))
        for i in range(len(cells), n):
            found.append(errors.MissingCellError(note="", cells=list(cells), row_number=row_number,
                                                 cell="", field_name=t.fields[i].name, field_number=i + 1))
        if blank == n:
            found = [errors.BlankRowError(note="", cells=list(cells), row_number=row_number)]
        return found, typed

    def _primary_key(self, con, t: _Table, errors):
        pk = list(t.fschema.primary_key)
        if not pk:
            return []
        ks = [ident("k_" + x) for x in pk]
        all_null = " AND ".join(f"{k} IS NULL" for k in ks)
        out = []
        for (rid,) in con.execute(f"SELECT rowid FROM {t.sql} WHERE {all_null}").fetchall():
            out.append((int(rid), errors.PrimaryKeyError(
                note='cells composing the primary keys are all "None"', cells=[], row_number=int(rid) + 2)))
        # Duplicates: group first (cheap hash aggregate), order only the few duplicated keys.
        on = " AND ".join(f"t.{k} IS NOT DISTINCT FROM d.{k}" for k in ks)
        sql = f"""
            WITH d AS (SELECT {', '.join(ks)} FROM {t.sql} WHERE NOT ({all_null})
                       GROUP BY ALL HAVING count(*) > 1),
                 r AS (SELECT t.rowid AS rid, {', '.join('t.' + k for k in ks)} FROM {t.sql} t SEMI JOIN d ON {on})
            SELECT rid, prev FROM (
                SELECT rid, lag(rid) OVER (PARTITION BY {', '.join(ks)} ORDER BY rid) AS prev FROM r)
            WHERE prev IS NOT NULL"""
        for rid, prev in con.execute(sql).fetchall():
            out.append((int(rid), errors.PrimaryKeyError(
                note=f"the same as in the row at position {int(prev) + 2}", cells=[], row_number=int(rid) + 2)))
        return out

    def _foreign_key(self, con, t: _Table, fk: dict, tables: list[_Table], errors):
        ref = fk["reference"]["resource"]
        source = t if not ref or ref == t.name else next(x for x in tables if x.name == ref)
        tk = [ident("k_" + x) for x in fk["fields"]]
        sk = [ident("k_" + x) for x in fk["reference"]["fields"]]
        lookup = (f"SELECT DISTINCT {', '.join(f'{s} AS s{i}' for i, s in enumerate(sk))} FROM {source.sql} "
                  f"WHERE NOT ({' AND '.join(f'{s} IS NULL' for s in sk)})")
        on = " AND ".join(f"t.{k} IS NOT DISTINCT FROM l.s{i}" for i, k in enumerate(tk))
        sql = (f"SELECT t.rowid, {', '.join('t.' + k for k in tk)} FROM {t.sql} t ANTI JOIN ({lookup}) l ON {on} "
               f"WHERE NOT ({' AND '.join(f't.{k} IS NULL' for k in tk)}) ORDER BY t.rowid")
        key_types = {f.name: f.type for f in t.fields}
        out = []
        for rid, *values in con.execute(sql).fetchall():
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
