"""`powerlist law`: the official text of a cited instrument (`law TITLE ARTICLE`, `law compare`)."""

from __future__ import annotations

import json
from typing import Optional

import typer
from typer.core import TyperGroup

from .app import app, check_format, command, format_option, root

ARTICLE_FORMATS = ("text", "json")


class _LawGroup(TyperGroup):
    """`law TITLE ARTICLE` reads an article, `law compare …` compares versions: a first argument
    that names no subcommand is the title for the default subcommand `show`."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
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
