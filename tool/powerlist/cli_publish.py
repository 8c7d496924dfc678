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


@app.command()
def publish(out_dir: Path = typer.Option(Path("dist"), "--out", "-o", help="Output folder (replaced atomically).")):
    """Build the open-data downloads of every release, CHANGELOG.md, SHA256SUMS and a static site."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .publish import NOT_REPRODUCIBLE, publish as build

    def go():
        r = root()
        if not err.is_terminal:
            report = build(r, out_dir)
        else:
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                          TimeElapsedColumn(), console=err, transient=True) as bar:
                task = bar.add_task("publish", total=None)

                def tick(what: str, done: int, total: int) -> None:
                    bar.update(task, description=what, completed=done, total=total)
                report = build(r, out_dir, tick)
        out.print(f"published {len(report.releases)} release(s) ({', '.join(report.releases)}) to {out_dir}: "
                  f"{report.files} files, {report.size / 1e6:.1f} MB", markup=False, highlight=False)
        if report.pairs:
            out.print(f"changes and redline pages: {', '.join(report.pairs)}", markup=False, highlight=False)
        for note in report.notes:
            err.print(f"note: {note}", markup=False, highlight=False)
        out.print(f"not byte-reproducible: {', '.join('*' + s for s in NOT_REPRODUCIBLE)} (random database id); "
                  f"check with: cd {out_dir} && sha256sum -c SHA256SUMS", markup=False, highlight=False)
    run(go)
