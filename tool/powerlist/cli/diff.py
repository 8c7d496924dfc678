"""`powerlist diff` and `powerlist history`: thin shells over powerlist.diff."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from ..errors import PowerlistError
from ..files import write_file
from .app import check_format, command, err, format_option, out, output_option, root, say, shows_colour

HISTORY_FORMATS = ("text", "json")


def write_stdout(write) -> None:
    """Stream a report to standard output (write takes a binary file and writes UTF-8)."""
    sys.stdout.flush()
    write(sys.stdout.buffer)
    sys.stdout.buffer.flush()


@command()
def diff(ctx: typer.Context, from_target: str = typer.Argument(..., metavar="FROM", help="Release tag, 'working', a package folder or a list document."),
         to_target: str = typer.Argument(..., metavar="TO", help="Release tag, 'working', a package folder or a list document."),
         fmt: Optional[str] = typer.Option(None, "--format", "-f",
                                           help="text | json | markdown | html | csv | xlsx (xlsx needs --output); "
                                                "default: from the extension of --output, else text."),
         output: Optional[Path] = output_option("Write the report to this file."),
         show_all: bool = typer.Option(False, "--all", help="Also show cosmetic changes (文字修正)."),
         exit_code: bool = typer.Option(False, "--exit-code",
                                        help="Exit 1 when there are substantive changes (like git diff --exit-code)."),
         with_law_text: bool = typer.Option(False, "--with-law-text",
                                            help="Beside each citation change, the official text of the article each side cites (text, markdown, html, json).")):
    """What changed between two versions of the package, by list and item.

    FROM and TO may also be list documents (.txt, .docx, .xlsx): read like ingest into a
    temporary state on top of the other side, the package left untouched."""
    from ..diff import open_diff, render_diff
    from ..diff.formats import BINARY, FORMATS
    from ..diff.view import shown_count
    from ..outputs import choose_format
    from ..progress import table_progress

    fmt = choose_format(output, fmt, FORMATS)
    if fmt in BINARY and output is None:
        raise PowerlistError(f"--format {fmt} writes a binary file: give --output PATH")
    with table_progress(err, "diff") as step, open_diff(root(ctx), from_target, to_target, progress=step) as report:
        if fmt == "json" and not with_law_text:  # streamed: the changes are never all in memory
            from ..diff.formats.json_format import write_json

            def write(fh):
                write_json(report.fields(), fh, report.change_blocks())
            if output is None:
                write_stdout(write)
            else:
                write_file(output, write)
                total = sum(report.spool.counts().values())
                say(f"wrote {output} ({total} change(s), {report.substantive} substantive)")
            substantive = report.substantive
        else:
            result = report.to_dict()
            substantive = result["substantive"]
            if with_law_text:
                from ..laws.law_text import attach_law_texts
                attach_law_texts(root(ctx), result, from_target, to_target)
    if fmt != "json" or with_law_text:
        if output is not None:
            write_file(output, render_diff(result, fmt, show_all=show_all))
            say(f"wrote {output} ({shown_count(result, show_all)} row(s) for {result['substantive']} "
                "substantive change(s); a whole added or removed item is one row)")
        elif fmt == "text" and shows_colour():
            from ..diff.formats.text import build
            for line in build(result, show_all=show_all, markers=False):
                out.print(line)
        else:
            typer.echo(render_diff(result, fmt, show_all=show_all), nl=False)
    if exit_code and substantive:
        raise typer.Exit(1)


@command()
def history(ctx: typer.Context, item_id: str = typer.Argument(..., help="The item, e.g. 450325-baomi-004."),
            fmt: str = format_option("text", HISTORY_FORMATS, "the history"),
            with_law_text: bool = typer.Option(False, "--with-law-text",
                                               help="Beside each citation change, the official text of the article each side cites.")):
    """One item in every release (in release order) and the working state, with what changed at each step."""
    from ..diff.formats.text import history_lines
    from ..diff.history import item_history

    check_format(fmt, HISTORY_FORMATS)
    h = item_history(root(ctx), item_id, with_law_text)
    if fmt == "json":
        typer.echo(json.dumps(h, ensure_ascii=False, indent=2))
    else:
        for line in history_lines(h, markers=not shows_colour()):
            out.print(line)
