"""`powerlist diff` and `powerlist history`: thin shells over powerlist.diff."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from ..errors import PowerlistError
from ..files import write_file
from .app import check_format, command, err, format_option, out, output_option, root, say

HISTORY_FORMATS = ("text", "json")


def write_stdout(write) -> None:
    """Stream a report to standard output (write takes a binary file and writes UTF-8)."""
    sys.stdout.flush()
    write(sys.stdout.buffer)
    sys.stdout.buffer.flush()


@command()
def diff(ctx: typer.Context, from_target: str = typer.Argument(..., metavar="FROM", help="Release tag, 'working' or a package folder."),
         to_target: str = typer.Argument(..., metavar="TO", help="Release tag, 'working' or a package folder."),
         fmt: str = typer.Option("text", "--format", "-f",
                                 help="text | json | markdown | html | csv | xlsx (xlsx needs --output)."),
         output: Optional[Path] = output_option("Write the report to this file."),
         show_all: bool = typer.Option(False, "--all", help="Also show cosmetic changes (文字修正)."),
         exit_code: bool = typer.Option(False, "--exit-code",
                                        help="Exit 1 when there are substantive changes (like git diff --exit-code).")):
    """What changed between two versions of the package, by list and item."""
    from ..diff import open_diff, render_diff
    from ..diff.formats import BINARY, FORMATS
    from ..progress import table_progress

    check_format(fmt, FORMATS)
    if fmt in BINARY and output is None:
        raise PowerlistError(f"--format {fmt} writes a binary file: give --output PATH")
    with table_progress(err, "diff") as step, open_diff(root(ctx), from_target, to_target, progress=step) as report:
        if fmt == "json":  # streamed: the changes are never all in memory
            from ..diff.formats.json_format import write_json

            def write(fh):
                write_json(report.fields(), fh, report.change_texts())
            if output is None:
                write_stdout(write)
            else:
                write_file(output, write)
                say(f"wrote {output} ({report.substantive} change(s))")
            substantive = report.substantive
        else:
            result = report.to_dict()
            substantive = result["substantive"]
    if fmt != "json":
        if output is not None:
            write_file(output, render_diff(result, fmt, show_all=show_all))
            say(f"wrote {output} ({result['substantive']} change(s))")
        elif fmt == "text" and out.is_terminal:
            from ..diff.formats.text import build
            for line in build(result, show_all=show_all, markers=False):
                out.print(line)
        else:
            typer.echo(render_diff(result, fmt, show_all=show_all), nl=False)
    if exit_code and substantive:
        raise typer.Exit(1)


@command()
def history(ctx: typer.Context, item_id: str = typer.Argument(..., help="The item, e.g. 450325-baomi-004."),
            fmt: str = format_option("text", HISTORY_FORMATS, "the history")):
    """One item in every release (in release order) and the working state, with what changed at each step."""
    from ..diff.formats.text import history_lines
    from ..diff.history import item_history

    check_format(fmt, HISTORY_FORMATS)
    h = item_history(root(ctx), item_id)
    if fmt == "json":
        typer.echo(json.dumps(h, ensure_ascii=False, indent=2))
    else:
        for line in history_lines(h, markers=not out.is_terminal):
            out.print(line)
