"""Find and open data packages (the working state, a release, any folder) and write them atomically."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from .errors import PowerlistError
from .schema import TableSchema, load_schemas

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


def shown_path(path: Path) -> str:
    """A path as a user should read it in a message: relative to the current folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve())) or "."
    except ValueError:
        return str(path)


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
    if release_dir.is_dir():
        return Package(release_dir, target)
    as_path = Path(target)
    if (as_path / DESCRIPTOR).is_file():
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
    return sorted(p.name for p in rel.iterdir() if (p / "release.json").is_file())


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


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


def write_csv(path: Path, schema: TableSchema, rows: Iterable[dict]) -> None:
    types = {f["name"]: f["type"] for f in schema.fields}
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(schema.columns)
        for row in rows:
            writer.writerow([_format(row.get(c), types[c]) for c in schema.columns])


# ---- atomic writes ---------------------------------------------------------------------

def atomic_write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_json(path: Path, data) -> None:
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@contextmanager
def staged_dir(final: Path) -> Iterator[Path]:
    """Yield a temporary sibling folder; on success it replaces `final` in one rename.

    On any error the temporary folder is removed and `final` is left exactly as it was.
    """
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{final.name}.staging-"))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if final.exists():
        old = final.parent / f".{final.name}.old-{os.getpid()}"
        os.replace(final, old)
    os.replace(tmp, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_tables(root: Path, tables: dict[str, list[dict]]) -> None:
    """Replace the whole tables/ folder of the working state atomically."""
    schemas = load_schemas(root / "schemas")
    with staged_dir(root / "tables") as tmp:
        for name, schema in schemas.items():
            write_csv(tmp / f"{name}.csv", schema, tables.get(name, []))
