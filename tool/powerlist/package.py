"""Find and open data packages (the working state, a release, any folder); tables as typed CSV."""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .errors import PowerlistError, shown_path
from .files import check_all_inside, check_inside, commit_state, inside, read_json, write_file
from .manifest import MANIFEST, check_release
from .storage import PARTITIONED, part_path, paths_of, resource_path, single_path
from .names import is_name
from .schema import TableSchema, check_schema, load_schemas

DESCRIPTOR = "datapackage.json"
WORKING = "working"


@dataclass(frozen=True)
class Package:
    """A data package on disk: the working state (root/) or a release (root/releases/TAG/)."""

    path: Path
    label: str  # "working", a release tag, or the folder path as given
    # For a list document opened as a target: ingest's DocumentState (matched list, how, report).
    document: object = field(default=None, compare=False, repr=False)

    @property
    def descriptor_path(self) -> Path:
        return self.path / DESCRIPTOR

    @property
    def descriptor(self) -> dict:
        return _read_descriptor(self.descriptor_path, self.path)

    @property
    def schemas(self) -> dict[str, TableSchema]:
        """Every Table Schema in schemas/; a resource whose schema file is missing is an error,
        never a table silently left out."""
        schemas = load_schemas(self.path / "schemas")
        for res in self.descriptor["resources"]:
            if isinstance(res.get("schema"), str):
                path = inside(self.path, res["schema"], f"{shown_path(self.descriptor_path)}: resource {res['name']!r}")
                if not path.is_file():
                    raise PowerlistError(
                        f"{shown_path(self.descriptor_path)}: resource {res['name']!r}: its schema {shown_path(path)} is missing")
                if path.stem == res["name"] and path.parent == self.path / "schemas":
                    continue
                schemas[res["name"]] = TableSchema(res["name"], check_schema(read_json(path), path))
            elif res["name"] not in schemas:
                raise PowerlistError(f"{shown_path(self.descriptor_path)}: resource {res['name']!r} has no Table Schema")
        return schemas

    def resource(self, name: str) -> dict:
        for res in self.descriptor["resources"]:
            if res["name"] == name:
                return res  # its paths were checked to stay inside the package (check_descriptor)
        raise PowerlistError(f"{self.label}: no table named {name!r} in {self.descriptor_path}")

    def table_files(self, name: str) -> list[Path]:
        """The table's file(s) in reading order: one per list (partitioned) or one per table."""
        return [self.path / p for p in paths_of(self.resource(name))]

    def table_path(self, name: str) -> Path:
        """The one file of a table stored in one file (lists, counties, the law tables …)."""
        files = self.table_files(name)
        if len(files) != 1 or self.partitioned(name):
            raise PowerlistError(f"{self.label}: table {name!r} is stored one file per list; read it with table_files")
        return files[0]

    def partitioned(self, name: str) -> bool:
        return isinstance(self.resource(name)["path"], list)

    def has_table(self, name: str) -> bool:
        return any(r["name"] == name for r in self.descriptor["resources"])

    def read_table(self, name: str) -> list[dict]:
        """Rows as dicts with values typed by the table schema (None for empty cells)."""
        if not self.has_table(name):
            return []
        return list(self.rows(name))

    def read_lists(self, list_ids: set[str] | None, names=PARTITIONED) -> dict[str, list[dict]]:
        """The rows of `names` (items and tables hanging off an item) that belong to the given
        lists; every list when list_ids is None. Per-list files are read only for those lists; a
        table in one file (a release made before the per-list layout) is read whole and filtered."""
        schemas = self.schemas
        out: dict[str, list[dict]] = {}
        item_ids: set[str] | None = None
        for name in names:
            if not self.has_table(name):
                out[name] = []
                continue
            if list_ids is None:
                out[name] = self.read_table(name)
            elif self.partitioned(name):
                files = [self.path / part_path(name, l) for l in sorted(list_ids)]
                out[name] = [row for p in files if p.exists() for row in read_csv(p, schemas[name])]
            elif name == "items":
                out[name] = list(self.rows(name, ("list_id", list_ids)))
            else:
                if item_ids is None:
                    items = out["items"] if "items" in out else self.read_lists(list_ids, ["items"])["items"]
                    item_ids = {i["item_id"] for i in items}
                out[name] = list(self.rows(name, ("item_id", item_ids)))
        return out

    def rows(self, name: str, where: tuple[str, set[str]] | None = None, typed: bool = True) -> Iterator[dict]:
        """read_table one row at a time: a table in one file read to pick out a few lists, or
        copied row by row, is never held whole (a province-scale steps table is GiBs of dicts).
        where=(column, values): only rows whose (text) column is one of the values, picked out
        before the row is typed. typed=False: the cells as the file spells them."""
        if not self.has_table(name):
            return
        schema = self.schemas[name]
        for path in self.table_files(name):
            if path.exists():
                yield from read_csv(path, schema, where, typed)


_DESCRIPTORS: dict[tuple, dict] = {}


def _read_descriptor(path: Path, base: Path) -> dict:
    """Parsed and checked once per file state (a province-scale descriptor lists tens of
    thousands of files); callers only read the returned dict."""
    try:
        st = path.stat()
    except OSError:
        return check_descriptor(read_json(path), path, base)  # read_json names the problem
    key = (str(path), st.st_size, st.st_mtime_ns, st.st_ino)
    if key not in _DESCRIPTORS:
        if len(_DESCRIPTORS) > 16:
            _DESCRIPTORS.clear()
        _DESCRIPTORS[key] = check_descriptor(read_json(path), path, base)
    return _DESCRIPTORS[key]


def check_descriptor(data, path: Path, base: Path) -> dict:
    """The descriptor if its resources are well-formed and their paths stay in the package; else one line."""
    if not isinstance(data, dict):
        raise PowerlistError(f"{shown_path(path)}: not a data package descriptor (not a JSON object)")
    resources = data.get("resources")
    if not isinstance(resources, list) or not resources:
        raise PowerlistError(f"{shown_path(path)}: 'resources' is not a non-empty list")
    names = set()
    dirs: dict = {}  # resolved folders, shared by every path of the descriptor (files.inside)
    for i, res in enumerate(resources):
        if not isinstance(res, dict) or not isinstance(res.get("name"), str) or not res["name"]:
            raise PowerlistError(f"{shown_path(path)}: resource {i + 1} has no name")
        if res["name"] in names:
            raise PowerlistError(f"{shown_path(path)}: two resources are named {res['name']!r}")
        names.add(res["name"])
        where = f"{shown_path(path)}: resource {res['name']!r}"
        # A multi-file resource (a list of paths) is allowed: each part must stay inside too.
        parts = res.get("path") if isinstance(res.get("path"), list) and res["path"] else [res.get("path")]
        check_all_inside(base, parts, where, dirs)
        if "schema" in res and not isinstance(res["schema"], (str, dict)):
            raise PowerlistError(f"{where}: 'schema' is neither a path nor a Table Schema")
        if isinstance(res.get("schema"), str):
            check_inside(base, res["schema"], where, dirs)
    return data


def find_root(start: Path | None = None) -> Path:
    """The working package: the nearest folder upward holding datapackage.json and tables/."""
    here = (start or Path.cwd()).resolve()
    if not here.is_dir():
        raise PowerlistError(f"--package {start}: no such folder")
    for folder in [here, *here.parents]:
        # tables/ set aside by a killed older version (.tables.old-PID) is put back by the lock's repair.
        if (folder / DESCRIPTOR).is_file() and ((folder / "tables").is_dir() or any(folder.glob(".tables.old-*"))):
            return folder
    raise PowerlistError(
        f"no powerlist data package here: no datapackage.json with tables/ in {here} or above "
        "(run it inside a package folder, or name one: powerlist --package PATH COMMAND)"
    )


def open_target(root: Path, target: str, base: str = WORKING) -> Package:
    """Resolve a diff/sql/validate target: 'working', a release tag, a package folder path, or a
    list document (read like ingest on top of the version `base`, into a temporary package)."""
    from .documents import is_document, open_document

    if target != WORKING and not (root / "releases" / target).is_dir() and is_document(target):
        base_pkg = open_target(root, base if not is_document(base) else WORKING)
        return open_document(root, Path(target), base_pkg, target)
    if target == WORKING:
        return Package(root, WORKING)
    release_dir = root / "releases" / target
    if is_name(target) and (release_dir / MANIFEST).is_file():
        check_release(root, release_dir, target)
        return Package(release_dir, target)
    as_path = Path(target)
    if (as_path / DESCRIPTOR).is_file():
        if (as_path / MANIFEST).is_file():  # a release folder named by its path is checked the same
            check_release(root, as_path, target)
        return Package(as_path.resolve(), target)
    known = ", ".join(release_tags(root)) or "none"
    raise PowerlistError(
        f"unknown release {target!r}: not 'working', not a tag in {shown_path(root / 'releases')}/ "
        f"(known: {known}), not a folder with {DESCRIPTOR}, not a list document"
    )


def release_tags(root: Path) -> list[str]:
    rel = root / "releases"
    if not rel.is_dir():
        return []
    # A folder whose name is not a tag (`.2023.staging-…` left by a killed release, or anything
    # else) is never a release, whatever it holds.
    return sorted(p.name for p in rel.iterdir() if is_name(p.name) and (p / "release.json").is_file())


def not_releases(root: Path) -> list[str]:
    """Entries of releases/ that no command reads as a release (for `verify` to point out)."""
    rel = root / "releases"
    if not rel.is_dir():
        return []
    tags = set(release_tags(root))
    return sorted(p.name for p in rel.iterdir() if p.name not in tags)


# ---- CSV with schema types -------------------------------------------------------------

def _parse(value: str, ftype: str):
    if value == "":
        return None
    if ftype == "integer":
        return int(value)
    if ftype == "boolean":
        return value == "true"
    if ftype == "list":
        return value.split(",")
    return value


def _format(value, ftype: str) -> str:
    if value is None:
        return ""
    if ftype == "boolean":
        return "true" if value else "false"
    if ftype == "list":
        return ",".join(value)
    return str(value)


def read_csv(path: Path, schema: TableSchema, where: tuple[str, set[str]] | None = None,
             typed: bool = True) -> Iterator[dict]:
    """The file's rows as dicts typed by the schema (Package.rows says what `where` and `typed` do)."""
    typing = row_typer(schema)
    column, values = where or (None, None)
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if column is not None and (row.get(column) or None) not in values:
                continue
            yield typing(row) if typed else row


def row_typer(schema: TableSchema) -> Callable[[dict], dict]:
    """row (as the file spells it) → its values typed by the schema (None for empty cells)."""
    types = {f["name"]: f["type"] for f in schema.fields}
    return lambda row: {k: _parse(v, types.get(k, "string")) for k, v in row.items()}


def spelled(schema: TableSchema) -> Callable[[dict], list[str]]:
    """row (as the file spells it) → the cells csv_bytes writes for it once read_csv has typed
    it: text cells as they are, numbers and booleans respelled (` 07` → `7`, `TRUE` → `false`)."""
    types = {f["name"]: f["type"] for f in schema.fields}
    columns = schema.columns
    respelled = {c for c in columns if types[c] not in ("string", "list")}

    def cells(row: dict) -> list[str]:
        return [_format(_parse(row.get(c), types[c]), types[c]) if c in respelled else (row.get(c) or "")
                for c in columns]
    return cells


def csv_bytes(schema: TableSchema, rows: Iterable[dict]) -> bytes:
    """A table's CSV file as written: header, then one line per row, values spelled per the schema."""
    types = {f["name"]: f["type"] for f in schema.fields}
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(schema.columns)
    for row in rows:
        writer.writerow([_format(row.get(c), types[c]) for c in schema.columns])
    return buf.getvalue().encode("utf-8")


def layout_files(schemas: dict[str, TableSchema], tables: dict[str, list[dict]],
                 list_ids: set[str] | None = None) -> dict[str, bytes]:
    """{path under the package: CSV bytes} for the given tables in the per-list layout.

    Partitioned tables are split by list (a child row goes with its item's list) and written for
    `list_ids` (default: every list in `lists` and in `items`); every other table given is one
    file. A child row whose item is not among the given items cannot be placed and is refused.
    """
    files: dict[str, bytes] = {}
    items = tables.get("items", [])
    if list_ids is None:
        list_ids = {l["list_id"] for l in tables.get("lists", [])} | {i["list_id"] for i in items}
    owner = {i["item_id"]: i["list_id"] for i in items}
    for name, schema in schemas.items():
        if name not in tables:
            continue
        rows = tables[name]
        if name not in PARTITIONED:
            files[single_path(name)] = csv_bytes(schema, rows)
            continue
        if not list_ids:
            files[resource_path(name, ())] = csv_bytes(schema, rows)
            continue
        by_list: dict[str, list[dict]] = {l: [] for l in list_ids}
        for row in rows:
            lid = row["list_id"] if name == "items" else owner.get(row["item_id"])
            if lid not in by_list:
                raise PowerlistError(f"{name}: row of item {row.get('item_id')!r} belongs to no list being written")
            by_list[lid].append(row)
        for lid, part in by_list.items():
            files[part_path(name, lid)] = csv_bytes(schema, part)
    return files


# Lines of per-list files held before they are appended to their files (stream_parts).
BATCH_CHARS = 32 << 20


class _LastLine:
    """A file-like catching what csv.writer writes for one row."""
    text = ""

    def write(self, text: str) -> None:
        self.text = text


def stream_parts(schema: TableSchema, table: str, rows: Iterable[tuple[str, dict]],
                 append: Callable[[str, bytes], None], batch: int = BATCH_CHARS) -> set[str]:
    """Write (list id, row as its file spells it: Package.rows(typed=False)) pairs into the
    table's per-list files through append(path, bytes),
    without holding them: each list's lines are kept until `batch` characters are pending, then
    appended to its file (the first piece of a file starts with the header). The bytes of each
    file are csv_bytes of its rows, in the order given. Returns the lists that got a file."""
    cells = spelled(schema)
    line = _LastLine()
    writer = csv.writer(line, lineterminator="\n")
    writer.writerow(schema.columns)
    header = line.text
    started: set[str] = set()
    pending: dict[str, list[str]] = {}
    size = 0
    for list_id, row in rows:
        writer.writerow(cells(row))
        lines = pending.get(list_id)
        if lines is None:
            lines = pending[list_id] = [] if list_id in started else [header]
            started.add(list_id)
        lines.append(line.text)
        size += len(line.text)
        if size > batch:
            for lid, text in pending.items():
                append(part_path(table, lid), "".join(text).encode("utf-8"))
            pending.clear()
            size = 0
    for lid, text in pending.items():
        append(part_path(table, lid), "".join(text).encode("utf-8"))
    return started


@contextmanager
def joined_parts(paths: list[Path], folder: Path, counts: list[int] | None = None) -> Iterator[Path]:
    """The files of a multi-file table as one CSV, as frictionless reads them: every file's
    lines in order, the header of each file after the first dropped. One file is itself.

    DuckDB pays a fixed cost per file it opens (~0.4 ms, far more with a serial reader), which
    tens of thousands of per-list files turn into seconds; one joined copy in `folder` costs a
    sequential write instead. The copy is removed when the block ends. `counts`, when given
    (and there are several files), receives each file's number of records (csv_records): the
    compiled cache records which rows each file gave (compiled.LAYOUT).
    """
    if len(paths) == 1:
        yield paths[0]
        return
    folder.mkdir(parents=True, exist_ok=True)
    # .NAME.PID.tmp: what a killed command leaves is removed by the next eviction (compiled._leftovers)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".joined-", suffix=f".{os.getpid()}.tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            for i, p in enumerate(paths):
                with open(p, "rb") as fh:
                    header = fh.readline()
                    if not i:
                        out.write(header)
                    if counts is None:
                        shutil.copyfileobj(fh, out)
                    else:
                        data = fh.read()
                        counts.append(csv_records(data))
                        out.write(data)
        yield Path(tmp)
    finally:
        Path(tmp).unlink(missing_ok=True)


def csv_records(data: bytes) -> int:
    """How many CSV records the bytes hold: line ends outside quoted fields (a field's doubled
    quote toggles twice, so counting quotes is enough), plus an unterminated last line."""
    n = sum(seg.count(b"\n") for seg in data.split(b'"')[::2])
    return n + 1 if data and not data.endswith(b"\n") else n


def write_csv(path: Path, schema: TableSchema, rows: Iterable[dict]) -> None:
    write_file(path, csv_bytes(schema, rows))


# ---- the working state's tables ------------------------------------------------------

def table_writes(root: Path, tables: dict[str, list[dict]]) -> tuple[dict[str, bytes], set[str]]:
    """(files to write, files to remove) that make tables/ hold exactly these tables, in the
    per-list layout (layout_files: every list's files).

    For `files.commit_state`, which writes them together with whatever else the caller changes.
    """
    schemas = load_schemas(root / "schemas")
    writes = layout_files(schemas, {name: tables.get(name, []) for name in schemas})
    existing = {p.relative_to(root).as_posix() for p in (root / "tables").rglob("*.csv")
                if p.is_file()} if (root / "tables").is_dir() else set()
    return writes, existing - set(writes)


def write_tables(root: Path, tables: dict[str, list[dict]]) -> None:
    """Replace the tables of the working state, all or nothing."""
    writes, deletes = table_writes(root, tables)
    commit_state(root, writes, deletes)
