"""`powerlist lists`, `show` and `render`: look at what a version of the package holds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from ..errors import PowerlistError
from ..package import open_target
from .app import check_format, command, format_option, out, output_option, release_option, root, say

RENDER_FORMATS = ("text", "docx", "xlsx")
SHOW_FORMATS = ("text", "json")


@command("lists")
def lists_cmd(ctx: typer.Context, release: str = release_option()):
    """The lists in a release: id, kind, jurisdiction, document number, date, item count."""
    from ..show import list_rows

    pkg = open_target(root(ctx), release)
    table = Table(title=f"lists in {pkg.label}")
    columns = ("list_id", "kind", "jurisdiction", "doc no", "date", "items", "title")
    for col in columns:
        table.add_column(col)
    for row in list_rows(pkg):
        table.add_row(*[str(row[c]) for c in columns])
    out.print(table)


@command()
def show(ctx: typer.Context, item_id: str = typer.Argument(..., help="The item, e.g. 450325-baomi-004."),
         release: str = release_option(),
         fmt: str = format_option("text", SHOW_FORMATS, "the item and its children")):
    """One item with its bases, steps, accountability cases and exemptions."""
    from ..show import item_record, print_item

    check_format(fmt, SHOW_FORMATS)
    record = item_record(open_target(root(ctx), release), item_id)
    if fmt == "json":
        typer.echo(json.dumps(record, ensure_ascii=False, indent=2))
    else:
        print_item(out, record)


@command()
def render(ctx: typer.Context, list_id: str = typer.Argument(..., help="The list to render, e.g. 450325-baomi."),
           release: str = release_option(),
           fmt: str = format_option("text", RENDER_FORMATS, "the sources' layout, a Word or an Excel file"),
           output: Optional[Path] = output_option("Write to this file (required for docx/xlsx).")):
    """Print or write a list's table in the official layout (text, .docx or .xlsx)."""
    from ..render import ListView, render_text

    check_format(fmt, RENDER_FORMATS)
    if fmt != "text" and output is None:
        raise PowerlistError(f"--format {fmt} writes a file: give its path with -o PATH")
    view = ListView(open_target(root(ctx), release), list_id)
    if fmt == "text":
        if output is None:
            typer.echo(render_text(view))
            return
        from ..files import write_file
        write_file(output, render_text(view) + "\n")
    else:
        from ..render_office import render_office
        render_office(view, fmt, output)
    say(f"wrote {output} ({fmt}, {len(view.items)} items of {list_id})")
