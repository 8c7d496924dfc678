"""CREATE TABLE statements from a Table Schema — types, NOT NULL, primary and foreign keys — for
the SQLite and DuckDB downloads alike, so both declare the same keys."""

from __future__ import annotations

from typing import Callable

from ..sqltext import ident

SQLITE_TYPES = {"integer": "INTEGER", "number": "REAL", "boolean": "INTEGER"}


def sqlite_type(field: dict) -> str:
    """SQLite has no arrays or dates: a list is a JSON array in TEXT (Datasette facets it), a date ISO text."""
    return SQLITE_TYPES.get(field["type"], "TEXT")


def _names(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def foreign_keys(name: str, descriptor: dict, tables: set[str]) -> list[tuple[list[str], str, list[str]]]:
    """(fields, target table, target fields) for every foreign key whose target table exists."""
    out = []
    for fk in descriptor.get("foreignKeys", []):
        target = fk["reference"].get("resource") or name  # "" means the table itself
        if target in tables:
            out.append((_names(fk["fields"]), target, _names(fk["reference"]["fields"])))
    return out


def primary_key(descriptor: dict) -> list[str]:
    return _names(descriptor.get("primaryKey", []))


def self_references(name: str, descriptor: dict) -> list[str]:
    """Columns that point into the same table (items.catalog_item_id → items.item_id)."""
    return [c for fields, target, _ in foreign_keys(name, descriptor, {name}) if target == name for c in fields]


def create_sql(name: str, descriptor: dict, type_of: Callable[[dict], str], tables: set[str], prefix: str = "",
               self_keys: bool = True) -> str:
    """self_keys=False leaves out foreign keys into the table itself (DuckDB cannot store a row that
    points to itself, as a prefecture's city_code does)."""
    cols = []
    for f in descriptor["fields"]:
        required = " NOT NULL" if f.get("constraints", {}).get("required") else ""
        cols.append(f"{ident(f['name'])} {type_of(f)}{required}")
    if descriptor.get("primaryKey"):
        cols.append(f"PRIMARY KEY ({', '.join(map(ident, primary_key(descriptor)))})")
    for fields, target, ref_fields in foreign_keys(name, descriptor, tables):
        if target == name and not self_keys:
            continue
        cols.append(f"FOREIGN KEY ({', '.join(map(ident, fields))}) "
                    f"REFERENCES {prefix}{ident(target)} ({', '.join(map(ident, ref_fields))})")
    return f"CREATE TABLE {prefix}{ident(name)} (\n  " + ",\n  ".join(cols) + "\n)"
