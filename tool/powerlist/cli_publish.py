"""Commands for analysts and publishers: `sql` and `publish`."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from .cli import app, err, out, root, run
from .errors import PowerlistError


class SqlFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


@app.command()
def sql(query: Optional[str] = typer.Argument(
            None, help="One read-only SQL statement. Tables: items, steps, … (working state), "
                       "r2022.items (a release), all_items (every release, with a release column)."),
        fmt: SqlFormat = typer.Option(SqlFormat.table, "--format", "-f", help="Output format."),
        schema: bool = typer.Option(False, "--schema", help="List the tables and columns with their descriptions.")):
    """Run a read-only SQL query (DuckDB) over the working state and every release."""
    from .sql import run_query, schema_rows
    from .sql_format import cell_text, to_csv, to_json, to_markdown

    def go():
        if schema:
            rows = schema_rows(root())
            columns = ["table", "column", "type", "title", "description"]
            values = [[r[c] for c in columns] for r in rows]
        elif query is None:
            raise PowerlistError("give a query, e.g. powerlist sql \"select count(*) from items\", or --schema")
        else:
            res = run_query(root(), query)
            columns, values = res.columns, res.rows
        if fmt is SqlFormat.csv:
            sys.stdout.write(to_csv(columns, values))
        elif fmt is SqlFormat.json:
            sys.stdout.write(to_json(columns, values))
        elif fmt is SqlFormat.markdown:
            sys.stdout.write(to_markdown(columns, values))
        else:
            table = Table(show_lines=False)
            for c in columns:
                table.add_column(c, overflow="fold")
            for row in values:
                table.add_row(*[cell_text(v) if v is not None else "NULL" for v in row])
            out.print(table, markup=False, highlight=False)
            if not schema:
                err.print(f"{len(values)} row(s)", markup=False, highlight=False)
    run(go)
