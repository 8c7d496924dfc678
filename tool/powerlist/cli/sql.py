"""`powerlist sql`: read-only SQL over the working state and every release."""

from __future__ import annotations

import sys
from typing import Optional

import typer
from rich.table import Table

from ..errors import PowerlistError
from .app import check_format, command, format_option, out, root, warn

FORMATS = ("text", "csv", "json", "markdown")


@command()
def sql(ctx: typer.Context, query: Optional[str] = typer.Argument(
            None, help="One read-only SQL statement. Tables: items, steps, … (working state), "
                       "r2022.items (a release), all_items (every release, with a release column)."),
        fmt: str = format_option("text", FORMATS, "the rows"),
        schema: bool = typer.Option(False, "--schema", help="List the tables and columns with their descriptions."),
        timeout: float = typer.Option(60.0, "--timeout", help="Stop the query after this many seconds (0: no limit).")):
    """Run a read-only SQL query (DuckDB) over the working state and every release."""
    from ..sql import run_query, schema_rows
    from ..sql_format import cell_text, to_csv, to_json, to_markdown

    check_format(fmt, FORMATS)
    if schema:
        rows = schema_rows(root(ctx))
        columns = ["table", "column", "type", "title", "description"]
        values = [[r[c] for c in columns] for r in rows]
    elif query is None:
        raise PowerlistError("give a query, e.g. powerlist sql \"select count(*) from items\", or --schema")
    else:
        res = run_query(root(ctx), query, timeout=timeout)
        columns, values = res.columns, res.rows
    if fmt == "csv":
        sys.stdout.write(to_csv(columns, values))
    elif fmt == "json":
        sys.stdout.write(to_json(columns, values))
    elif fmt == "markdown":
        sys.stdout.write(to_markdown(columns, values))
    else:
        table = Table(show_lines=False)
        for c in columns:
            table.add_column(c, overflow="fold")
        for row in values:
            table.add_row(*[cell_text(v) if v is not None else "NULL" for v in row])
        out.print(table, markup=False, highlight=False)
        if not schema:
            warn(f"{len(values)} row(s)")
