"""Table names, keys and columns, read from a package's schemas/ folder (the one source of truth)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import PowerlistError, shown_path
from .files import read_json

# Order matters: parents before children, so writes and foreign-key checks follow it.
# The law tables are curated reference data (not parsed from a list) that bases.law_id points to.
REFERENCE_TABLES = ["laws", "law_versions", "law_variants", "law_articles_map", "law_articles"]
TABLES = ["counties", *REFERENCE_TABLES, "lists", "items", "steps", "accountability", "exemptions", "bases"]


@dataclass(frozen=True)
class TableSchema:
    name: str
    descriptor: dict

    @property
    def fields(self) -> list[dict]:
        return self.descriptor["fields"]

    @property
    def columns(self) -> list[str]:
        return [f["name"] for f in self.fields]

    @property
    def primary_key(self) -> list[str]:
        return list(self.descriptor.get("primaryKey", []))

    def field(self, name: str) -> dict:
        for f in self.fields:
            if f["name"] == name:
                return f
        raise KeyError(name)


# Frictionless field types; a schema naming any other is broken.
FIELD_TYPES = {"string", "number", "integer", "boolean", "object", "array", "list", "date", "time", "datetime",
               "year", "yearmonth", "duration", "geopoint", "geojson", "any"}


def check_schema(descriptor, path: Path) -> dict:
    """The Table Schema if its fields, primary key and foreign keys are well-formed; else one line."""
    def bad(why: str):
        raise PowerlistError(f"{shown_path(path)}: not a valid Table Schema ({why})")
    if not isinstance(descriptor, dict):
        bad("not a JSON object")
    fields = descriptor.get("fields")
    if not isinstance(fields, list) or not fields:
        bad("'fields' is not a non-empty list")
    names = []
    for i, f in enumerate(fields):
        if not isinstance(f, dict) or not isinstance(f.get("name"), str) or not f["name"]:
            bad(f"field {i + 1} has no name")
        if f.get("type", "string") not in FIELD_TYPES:
            bad(f"field {f['name']!r} has unknown type {f.get('type')!r}")
        f.setdefault("type", "string")
        names.append(f["name"])
    if len(set(names)) != len(names):
        bad("two fields share a name")
    keys = descriptor.get("primaryKey", [])
    keys = [keys] if isinstance(keys, str) else keys
    if not isinstance(keys, list) or not all(isinstance(k, str) and k in names for k in keys):
        bad("'primaryKey' names a field the schema lacks")
    for fk in descriptor.get("foreignKeys", []) if isinstance(descriptor.get("foreignKeys", []), list) else [None]:
        cols = fk.get("fields") if isinstance(fk, dict) else None
        cols = [cols] if isinstance(cols, str) else cols
        if not isinstance(cols, list) or not all(isinstance(c, str) and c in names for c in cols) \
                or not isinstance(fk.get("reference"), dict):
            bad("a foreign key names a field the schema lacks or has no reference")
    return descriptor


def load_schema(schemas_dir: Path, name: str) -> TableSchema:
    path = schemas_dir / f"{name}.json"
    return TableSchema(name, check_schema(read_json(path), path))


_SCHEMAS: dict[tuple, dict[str, TableSchema]] = {}


def load_schemas(schemas_dir: Path) -> dict[str, TableSchema]:
    """Every table schema in the folder, known tables first in dependency order.

    Parsed once per state of the folder's files (a command asks for them many times; an edited
    or replaced schema file has another size, mtime or inode, and is read again)."""
    files = sorted(schemas_dir.glob("*.json"))
    key = (str(schemas_dir), *((p.name, st.st_size, st.st_mtime_ns, st.st_ino) for p in files for st in [p.stat()]))
    if key not in _SCHEMAS:
        if len(_SCHEMAS) > 16:
            _SCHEMAS.clear()
        found = {p.stem for p in files}
        ordered = [t for t in TABLES if t in found] + sorted(found - set(TABLES))
        _SCHEMAS[key] = {name: load_schema(schemas_dir, name) for name in ordered}
    return dict(_SCHEMAS[key])
