"""A release as readers see it: the columns and tables it predates, supplied at read time.

Releases are never rewritten (DESIGN, "Releases are self-contained"), so a release made before
`bases.law_id` existed has no such column and no law reference tables. `sql` and `publish` read
every release through this module, so both show the same values:
- `bases.law_id` is derived from the printed title and document through the reference variants,
  exactly as ingest sets it (Reference.law_id_for: same title, same 文号 or both empty);
- the law reference tables a release lacks are the working state's — the ones its citations
  were resolved with (`origin` names the package each table is read from).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .compiled import _scratch, csv_relation_sql, duck_type

from .package import WORKING, Package, joined_parts
from .schema import REFERENCE_TABLES, TableSchema
from .sqltext import ident


@dataclass
class ReadView:
    package: Package
    schemas: dict[str, TableSchema]                       # every table a reader sees, with derived fields
    origin: dict[str, Package]                            # table → the package its rows are read from
    derived: dict[str, list[str]] = field(default_factory=dict)  # table → columns derived at read time


def _with_field(ts: TableSchema, current: TableSchema, name: str) -> TableSchema:
    """ts with the current schema's field `name` (at the same place) and its foreign keys."""
    fields = list(ts.fields)
    names = current.columns
    after = names[names.index(name) - 1] if names.index(name) else None
    have = [f["name"] for f in fields]
    fields.insert(have.index(after) + 1 if after in have else len(fields), current.field(name))
    keys = list(ts.descriptor.get("foreignKeys", []))
    keys += [fk for fk in current.descriptor.get("foreignKeys", []) if fk["fields"] in (name, [name])]
    return TableSchema(ts.name, {**ts.descriptor, "fields": fields, "foreignKeys": keys})


def read_view(pkg: Package, root: Path) -> ReadView:
    """What `pkg` holds plus what readers derive for it from the working state at root."""
    working = pkg if pkg.label == WORKING else Package(root, WORKING)
    own = {n: s for n, s in pkg.schemas.items() if pkg.has_table(n)}
    current = working.schemas
    schemas = dict(own)
    origin = {n: pkg for n in own}
    derived: dict[str, list[str]] = {}
    for name in REFERENCE_TABLES:
        if name not in own and name in current and working.has_table(name):
            schemas[name] = current[name]
            origin[name] = working
    if "bases" in own and "law_id" not in own["bases"].columns and "law_variants" in schemas \
            and "bases" in current and "law_id" in current["bases"].columns:
        schemas["bases"] = _with_field(own["bases"], current["bases"], "law_id")
        derived["bases"] = ["law_id"]
    # Parents before children, as load_schemas orders them (the reference tables come first).
    order = {n: i for i, n in enumerate(current)}
    schemas = dict(sorted(schemas.items(), key=lambda kv: order.get(kv[0], len(order))))
    return ReadView(pkg, schemas, origin, derived)


def reader_type(field: dict) -> str:
    """The DuckDB type readers see for a Table Schema field: a `list` is an array of strings."""
    return "VARCHAR[]" if field["type"] == "list" else duck_type(field)


def _arrays(fields: list[dict], columns: list[str]) -> list[str]:
    """Select expressions that split each `list` field (stored comma-separated) into an array."""
    lists = {f["name"] for f in fields if f["type"] == "list"}
    return [f"string_split({ident(c)}, ',') AS {ident(c)}" if c in lists else ident(c) for c in columns]


def table_sql(view: ReadView, name: str, relation: str, schema: str = "main") -> str:
    """A SELECT giving the table's rows as readers see them, typed by its schema (lists as arrays).

    `relation` gives the table's rows as stored (csv_relation_sql over its files, or a compiled
    table); `schema` is where the same view's law_variants table is read (a derived law_id is
    looked up there).
    """
    columns = ", ".join(_arrays(view.schemas[name].fields, view.schemas[name].columns))
    if "law_id" not in view.derived.get(name, []):
        return f"SELECT {columns} FROM {relation}"
    # DISTINCT ON keeps one variant per printed (title, 文号): a duplicate can never multiply rows.
    return (f"SELECT {columns} FROM (SELECT b.*, v.law_id FROM {relation} b LEFT JOIN "
            f"(SELECT DISTINCT ON (law_title, law_doc) law_title, law_doc, law_id FROM {ident(schema)}.law_variants) v "
            f"ON v.law_title = b.law_title AND v.law_doc IS NOT DISTINCT FROM b.law_doc)")


def load_view(con: duckdb.DuckDBPyConnection, view: ReadView, schema: str = "main") -> None:
    """One table per table of the view in `schema` of an open connection (parents first)."""
    for name in view.schemas:
        fields = view.origin[name].schemas[name].fields
        with joined_parts(view.origin[name].table_files(name), _scratch(con)) as path:
            sql = table_sql(view, name, csv_relation_sql(path, fields), schema)
            con.execute(f"CREATE TABLE {ident(schema)}.{ident(name)} AS {sql}")
