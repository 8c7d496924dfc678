"""`powerlist review DOC`: a received list document against a release, read-only, as one report."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .app import command, output_option, root, say


@command()
def review(ctx: typer.Context,
           doc: Path = typer.Argument(..., help="The received list document: .txt in the sources' layout, .docx or .xlsx."),
           against: Optional[str] = typer.Option(None, "--against", "-a",
                                                 help="The release to compare with (default: the latest release holding the document's list)."),
           fmt: Optional[str] = typer.Option(None, "--format", "-f",
                                             help="text | json | html | docx | xlsx | pdf; default: from the extension "
                                                  "of --output, else text. docx, xlsx and pdf need --output."),
           output: Optional[Path] = output_option("Write the report to this file (.docx .html .xlsx .pdf .json .txt)."),
           exit_code: bool = typer.Option(False, "--exit-code",
                                          help="Exit 1 when the document changes the list substantively (as diff --exit-code).")):
    """What a list document changes against a release: header, 调整情况汇总, 调整对照表, 合规与审核.

    Reads the document like ingest into a temporary state; no file of the package changes."""
    from ..errors import PowerlistError
    from ..outputs import choose_format
    from ..files import write_file
    from ..review import FORMATS, render_review, review_document

    fmt = choose_format(output, fmt, FORMATS)
    if fmt in ("docx", "xlsx", "pdf") and output is None:
        raise PowerlistError(f"--format {fmt} writes a binary file: give --output PATH")
    report = review_document(root(ctx), doc, against)
    body = render_review(report, fmt)
    if output is None:
        typer.echo(body, nl=False)
    else:
        write_file(output, body.encode("utf-8") if isinstance(body, str) else body)
        say(f"wrote {output} ({fmt}: {len(report['rows'])} row(s) in 调整对照表, "
            f"{report['diff']['substantive']} substantive change(s) against {report['header']['before']['version']})")
    if exit_code and report["diff"]["substantive"]:
        raise typer.Exit(1)
