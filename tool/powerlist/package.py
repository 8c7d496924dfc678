"""Find and open data packages (the working state, a release, any folder); tables as typed CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .errors import PowerlistError, shown_path
from .files import commit_state, inside, read_json, write_file
from .manifest import MANIFEST, check_release
from .names import is_name
from .schema import TableSchema, check_schema, load_schemas

DESCRIPTOR = "datapackage.json"
WORKING = "working"


@dataclass(frozen=True)
class Package:
    """A data package on disk: the working state (root/) or a release (root/releases/TAG/)."""

    path: Path
    label: str  # "working", a release tag, or the folder path as given

    @property
    def descriptor_path(self) -> Path:
        return self.path / DESCRIPTOR

    @property
    def descriptor(self) -> dict:
        return check_descriptor(read_json(self.descriptor_path), self.descriptor_path, self.path)

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

    def table_path(self, name: str) -> Path:
        for res in self.descriptor["resources"]:
            if res["name"] == name:
                return inside(self.path, res["path"], f"{shown_path(self.descriptor_path)}: resource {name!r}")
        raise PowerlistError(f"{self.label}: no table named {name!r} in {self.descriptor_path}")

    def has_table(self, name: str) -> bool:
        return any(r["name"] == name for r in self.descriptor["resources"])

    def read_table(self, name: str) -> list[dict]:
        """Rows as dicts with values typed by the table schema (None for empty cells)."""
        if not self.has_table(name) or not self.table_path(name).exists():
            return []
        schema = self.schemas[name]
        return list(read_csv(self.table_path(name), schema))


def check_descriptor(data, path: Path, base: Path) -> dict:
    """The descriptor if its resources are well-formed and their paths stay in the package; else one line."""
    if not isinstance(data, dict):
        raise PowerlistError(f"{shown_path(path)}: not a data package descriptor (not a JSON object)")
    resources = data.get("resources")
    if not isinstance(resources, list) or not resources:
        raise PowerlistError(f"{shown_path(path)}: 'resources' is not a non-empty list")
    names = set()
    for i, res in enumerate(resources):
        if not isinstance(res, dict) or not isinstance(res.get("name"), str) or not res["name"]:
            raise PowerlistError(f"{shown_path(path)}: resource {i + 1} has no name")
        if res["name"] in names:
            raise PowerlistError(f"{shown_path(path)}: two resources are named {res['name']!r}")
        names.add(res["name"])
        where = f"{shown_path(path)}: resource {res['name']!r}"
        # A multi-file resource (a list of paths) is allowed: each part must stay inside too.
        parts = res.get("path") if isinstance(res.get("path"), list) and res["path"] else [res.get("path")]
        for part in parts:
            inside(base, part, where)
        if "schema" in res and not isinstance(res["schema"], (str, dict)):
            raise PowerlistError(f"{where}: 'schema' is neither a path nor a Table Schema")
        if isinstance(res.get("schema"), str):
            inside(base, res["schema"], where)
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


def open_target(root: Path, target: str) -> Package:
    """Resolve a diff/sql/validate target: 'working', a release tag, or a package folder path."""
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
        f"(known: {known}), not a folder with {DESCRIPTOR}"
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


def read_csv(path: Path, schema: TableSchema) -> Iterator[dict]:
    types = {f["name"]: f["type"] for f in schema.fields}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            yield {k: _parse(v, types.get(k, "string")) for k, v in row.items()}


def csv_bytes(schema: TableSchema, rows: Iterable[dict]) -> bytes:
    """A table's CSV file as written: header, then one line per row, values spelled per the schema."""
    types = {f["name"]: f["type"] for f in schema.fields}
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(schema.columns)
    for row in rows:
        writer.writerow([_format(row.get(c), types[c]) for c in schema.columns])
    return buf.getvalue().encode("utf-8")


def write_csv(path: Path, schema: TableSchema, rows: Iterable[dict]) -> None:
    write_file(path, csv_bytes(schema, rows))


# ---- the working state's tables ------------------------------------------------------

def table_writes(root: Path, tables: dict[str, list[dict]]) -> tuple[dict[str, bytes], set[str]]:
    """(files to write, files to remove) that make tables/ hold exactly these tables, one CSV each.

    For `files.commit_state`, which writes them together with whatever else the caller changes.
    """
    schemas = load_schemas(root / "schemas")
    writes = {f"tables/{name}.csv": csv_bytes(schema, tables.get(name, [])) for name, schema in schemas.items()}
    existing = {p.relative_to(root).as_posix() for p in (root / "tables").rglob("*.csv")
                if p.is_file()} if (root / "tables").is_dir() else set()
    return writes, existing - set(writes)


def write_tables(root: Path, tables: dict[str, list[dict]]) -> None:
    """Replace the tables of the working state, all or nothing."""
    writes, deletes = table_writes(root, tables)
    commit_state(root, writes, deletes)
