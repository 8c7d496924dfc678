"""Names and values spelled as SQL (DuckDB and SQLite agree on both): the one quoting helper."""

from __future__ import annotations


def ident(name: str) -> str:
    """A quoted identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    """A string literal."""
    return "'" + value.replace("'", "''") + "'"
