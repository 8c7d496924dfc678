"""Table names, keys and columns, read from a package's schemas/ folder (the one source of truth)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

# Order matters: parents before children, so writes and foreign-key checks follow it.
# The law tables are curated reference data (not parsed from a list) that bases.law_id points to.
REFERENCE_TABLES = ["laws", "law_versions", "law_variants", "law_articles_map"]
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


def load_schema(schemas_dir: Path, name: str) -> TableSchema:
    with open(schemas_dir / f"{name}.json", encoding="utf-8") as fh:
        return TableSchema(name, json.load(fh))


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
