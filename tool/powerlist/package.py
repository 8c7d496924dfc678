"""Find and open data packages (the working state, a release, any folder); tables as typed CSV."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .errors import PowerlistError, shown_path
from .files import commit_state, write_file
from .manifest import MANIFEST, check_release
from .names import is_name
from .schema import TableSchema, load_schemas

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
        with open(self.descriptor_path, encoding="utf-8") as fh:
            return json.load(fh)

    @property
    def schemas(self) -> dict[str, TableSchema]:
        return load_schemas(self.path / "schemas")

    def table_path(self, name: str) -> Path:
        for res in self.descriptor["resources"]:
            if res["name"] == name:
                return self.path / res["path"]
        raise PowerlistError(f"{self.label}: no table named {name!r} in {self.descriptor_path}")

    def has_table(self, name: str) -> bool:
        return any(r["name"] == name for r in self.descriptor["resources"])

    def read_table(self, name: str) -> list[dict]:
        """Rows as dicts with values typed by the table schema (None for empty cells)."""
        if not self.has_table(name) or not self.table_path(name).exists():
            return []
        schema = self.schemas[name]
        return list(read_csv(self.table_path(name), schema))


def find_root(start: Path | None = None) -> Path:
    """The working package: the nearest folder upward holding datapackage.json and tables/."""
    here = (start or Path.cwd()).resolve()
    if not here.is_dir():
        raise PowerlistError(f"--package {start}: no such folder")
    for folder in [here, *here.parents]:
        if (folder / DESCRIPTOR).is_file() and (folder / "tables").is_dir():
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
