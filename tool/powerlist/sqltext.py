"""The only place names and values are spelled as SQL (DuckDB and SQLite share these rules).

Every identifier and string literal that reaches SQL from a file, a folder name or a user goes
through `ident` or `literal` (or a bound parameter); nothing else in the tool quotes by hand.
"""

from __future__ import annotations

from os import PathLike


def ident(name: str) -> str:
    """A quoted identifier: "name", with embedded double quotes doubled."""
    return '"' + str(name).replace('"', '""') + '"'


def literal(value: str | PathLike) -> str:
    """A string literal: 'value', with embedded single quotes doubled (a path is spelled as str())."""
    return "'" + str(value).replace("'", "''") + "'"
