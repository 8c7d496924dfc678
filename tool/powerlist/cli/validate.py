"""`powerlist validate`: the working state and releases against their Table Schemas."""

from __future__ import annotations

from typing import Optional

import typer
from rich.table import Table

from ..errors import PowerlistError
from ..package import open_target, release_tags
from .app import command, err, out, root, say


@command()
def validate(ctx: typer.Context, target: Optional[str] = typer.Argument(
        None, help="'working', a release tag or a package folder (default: the working state and every release)."),
        engine: str = typer.Option("duckdb", "--engine", help="duckdb (fast) or frictionless (the reference, slow); same findings.")):
    """Validate the working state and every release against their Table Schemas."""
    from ..progress import table_progress
    from ..validate import ENGINES, validate_package

    if engine not in ENGINES:
        raise PowerlistError(f"unknown engine {engine!r} (known: {', '.join(ENGINES)})")
    r = root(ctx)
    targets = [target] if target else ["working", *release_tags(r)]
    results = []
    for t in targets:
        with table_progress(err, f"validating {t}") as step:
            results.append(validate_package(open_target(r, t), engine=engine, progress=step, cache_root=r))
    table = Table(title="powerlist validate")
    for col in ("package", "result", "rows"):
        table.add_column(col)
    for res in results:
        rows = ", ".join(f"{k} {v}" for k, v in res.rows.items())
        table.add_row(res.target, "valid" if res.valid else f"INVALID ({len(res.findings)})", rows)
    out.print(table)
    for res in results:
        for f in res.findings:
            where = f"{f.table}" + (f" row {f.row}" if f.row else "") + (f" field {f.field}" if f.field else "")
            say(f"{res.target}: {where}: [{f.type}] {f.message}")
    if not all(res.valid for res in results):
        raise typer.Exit(1)
