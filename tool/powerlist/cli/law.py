"""`powerlist law`: the official text of a cited instrument (`law TITLE ARTICLE`, `law compare`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from typer.core import TyperGroup

from .app import app, check_format, command, format_option, output_option, root, say

ARTICLE_FORMATS = ("text", "json")


class _LawGroup(TyperGroup):
    """`law TITLE ARTICLE` reads an article, `law compare …` compares versions: a first argument
    that names no subcommand is the title for the default subcommand `show`."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


law_app = typer.Typer(cls=_LawGroup, no_args_is_help=True, rich_markup_mode=None,
                      help="The official text of a cited instrument. `law TITLE ARTICLE [--version YEAR]` "
                           "reads an article by 款 and 项; `law compare TITLE OLD NEW` aligns two versions.")
app.add_typer(law_app, name="law")


@command("show", on=law_app, hidden=True)
def law_show(ctx: typer.Context,
             title: str = typer.Argument(..., help="The instrument: any title variant, e.g. 保守国家秘密法."),
             article: str = typer.Argument(..., help="Article number: 52, 五十二 or 第五十二条."),
             version: Optional[int] = typer.Option(None, "--version", "-v",
                                                   help="Version (year). Default: the latest with a loaded text."),
             fmt: str = format_option("text", ARTICLE_FORMATS, "the article")):
    """An article's official text, by paragraph (款) and item (项)."""
    from ..laws.article import article_text, law_article

    check_format(fmt, ARTICLE_FORMATS)
    result = law_article(root(ctx), title, article, version)
    if fmt == "json":
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        typer.echo(article_text(result), nl=False)


COMPARE_FORMATS = ("text", "json", "markdown", "html", "xlsx")
@command("compare", on=law_app)
def law_compare(ctx: typer.Context,
                title: str = typer.Argument(..., help="The instrument: any title variant, e.g. 保守国家秘密法."),
                old: int = typer.Argument(..., help="The older version (year), e.g. 2010."),
                new: int = typer.Argument(..., help="The newer version (year), e.g. 2024."),
                output: Optional[Path] = output_option("Write the table to this file (format from its suffix unless --format)."),
                fmt: Optional[str] = typer.Option(None, "--format", "-f",
                                                  help="text | json | markdown | html | xlsx (xlsx needs --output).")):
    """Align two versions article by article and paragraph by paragraph: same / reworded / split / merged / removed / added."""
    from ..errors import PowerlistError
    from ..laws.compare import compare_versions
    from ..laws.compare_formats import RENDER
    from ..laws.reference import load_reference
    from ..outputs import EXTENSIONS
    from ..files import write_file

    if fmt is None:
        fmt = EXTENSIONS.get(output.suffix.lower()) if output else "text"
        if fmt is None:
            raise PowerlistError(f"--output {output}: cannot tell the format from {output.suffix or 'no suffix'!r}; "
                                 "give --format")
    check_format(fmt, COMPARE_FORMATS)
    if fmt == "xlsx" and output is None:
        raise PowerlistError("--format xlsx writes a binary file: give --output PATH")
    comparison = compare_versions(load_reference(root(ctx)), title, old, new)
    data = RENDER[fmt](comparison)
    if output is None:
        typer.echo(data, nl=False)
    else:
        write_file(output, data)
        say(f"wrote {output} ({len(comparison.rows)} rows)")
