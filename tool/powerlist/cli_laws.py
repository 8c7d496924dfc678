"""CLI for legal citations: `laws`, `cites`, `audit`, `law`. Parsing and printing only."""

from __future__ import annotations

import json
from datetime import date
from enum import Enum
from typing import List, Optional

import typer
from rich.table import Table
from typer.core import TyperGroup

from .cli import TextOrJson, app, err, out, root, run
from .errors import PowerlistError


class TableFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class AuditFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


class Severity(str, Enum):
    info = "info"
    warning = "warning"
    error = "error"


RELEASES = typer.Option(None, "--release", "-r",
                        help="Limit to these releases ('working', a tag, a folder); repeatable. Default: every release and working.")


@app.command("laws")
def laws_cmd(release: Optional[List[str]] = RELEASES,
             fmt: TableFormat = typer.Option(TableFormat.table, "--format", "-f", help="table, json or csv.")):
    """Every cited instrument: type, issuing document, versions, citations per list and release."""
    from .laws.catalog import law_catalog
    from .laws.formats import citation_summary, laws_csv, versions_summary

    def go():
        result = law_catalog(root(), release or None)
        if fmt is TableFormat.json:
            typer.echo(json.dumps(result, ensure_ascii=False, indent=2, default=str))
        elif fmt is TableFormat.csv:
            typer.echo(laws_csv(result), nl=False)
        else:
            table = Table(title="cited instruments")
            # The title is what people scan for: never cut it; the long columns wrap instead.
            for col in ("law_id", "title"):
                table.add_column(col, no_wrap=True)
            for col in ("type", "issued by", "versions", "citations (release: list n)"):
                table.add_column(col, overflow="fold")
            for law in result["laws"]:
                printed = [t for t in law["printed_types"] if t != law["law_type"]]
                kind = law["law_type"] + (f" (printed {'、'.join(printed)})" if printed else "")
                table.add_row(law["law_id"], law["title"], kind, law.get("issuing_doc") or law["issuing_form"],
                              versions_summary(law), citation_summary(law))
            out.print(table)
        for u in result["unresolved"]:
            err.print(f"unknown instrument in {u['release']} {u['list_id']}: 《{u['law_title']}》"
                      f"{'（' + u['law_doc'] + '）' if u['law_doc'] else ''} ×{u['citations']}", markup=False)
    run(go)


@app.command()
def cites(title: str = typer.Argument(..., help="The instrument: any title variant, e.g. 保守国家秘密法."),
          article: Optional[str] = typer.Option(None, "--article", "-a", help="Article number: 45, 四十五 or 第四十五条."),
          paragraph: Optional[str] = typer.Option(None, "--paragraph", help="Paragraph (款) number."),
          version: Optional[int] = typer.Option(None, "--version", "-v",
                                                help="Article numbering of this version (year); older citations mapping to it are found too."),
          release: Optional[List[str]] = RELEASES,
          fmt: TableFormat = typer.Option(TableFormat.table, "--format", "-f", help="table, json or csv.")):
    """Every item, in every release and the working state, citing a provision."""
    from dataclasses import asdict

    from .laws.cites import cites as find
    from .laws.formats import cites_csv

    def go():
        result = find(root(), title, article, paragraph, version, release or None)
        if fmt is TableFormat.json:
            typer.echo(json.dumps(asdict(result) | {"items": result.items}, ensure_ascii=False, indent=2, default=str))
        elif fmt is TableFormat.csv:
            typer.echo(cites_csv(result), nl=False)
        else:
            table = Table(title=f"{result.title} citations ({len(result.hits)} provisions, {len(result.items)} items)")
            for col in ("release", "item", "name", "cell", "cited", "now"):
                table.add_column(col)
            for h in result.hits:
                cited = f"{h['version'] or '?'} {h['article'] or ''}{h['paragraph'] or ''}"
                table.add_row(h["release"], h["item_id"], h["item_name"], f"{h['cell']} {h['ref']}".strip(),
                              cited, h["now"] or "")
            out.print(table)
    run(go)


@app.command()
def audit(release: str = typer.Option("working", "--release", "-r", help="Release tag, 'working' or a package folder."),
          list_id: Optional[str] = typer.Option(None, "--list", "-l", help="Audit only this list."),
          as_of: Optional[str] = typer.Option(None, "--as-of", help="Judge superseded versions on this date (YYYY-MM-DD) instead of each list's own date."),
          fmt: AuditFormat = typer.Option(AuditFormat.text, "--format", "-f", help="text, json or markdown."),
          exit_code: bool = typer.Option(False, "--exit-code", help="Exit 1 when a finding is at or above --fail-on."),
          fail_on: Severity = typer.Option(Severity.info, "--fail-on", help="Lowest severity that fails with --exit-code.")):
    """Find citation problems reviewers miss (rules 1-8; see README ## Audit)."""
    from .laws.audit import audit as run_audit
    from .laws.formats import audit_markdown, audit_text

    def go():
        try:
            when = date.fromisoformat(as_of) if as_of else None
        except ValueError:
            raise PowerlistError(f"--as-of {as_of!r} is not a date (YYYY-MM-DD)") from None
        report = run_audit(root(), release, list_id, when)
        if fmt is AuditFormat.json:
            typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str))
        elif fmt is AuditFormat.markdown:
            typer.echo(audit_markdown(report), nl=False)
        else:
            typer.echo(audit_text(report), nl=False)
        if exit_code and report.failing(fail_on.value):
            raise typer.Exit(1)
    run(go)


class _LawGroup(TyperGroup):
    """`law TITLE ARTICLE` reads an article; `law compare …` compares versions: anything that is
    not a subcommand's name is the title of the default subcommand `show`."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


law_app = typer.Typer(cls=_LawGroup, no_args_is_help=True, rich_markup_mode=None,
                      help="The official text of a cited instrument: `law TITLE ARTICLE` reads an article "
                           "(by 款 and 项); `law compare TITLE OLD NEW` aligns two versions.")
app.add_typer(law_app, name="law")


@law_app.command("show", hidden=True)
def law_show(title: str = typer.Argument(..., help="The instrument: any title variant, e.g. 保守国家秘密法."),
             article: str = typer.Argument(..., help="Article number: 52, 五十二 or 第五十二条."),
             version: Optional[int] = typer.Option(None, "--version", "-v",
                                                   help="Version (year). Default: the latest with a loaded text."),
             fmt: TextOrJson = typer.Option(TextOrJson.text, "--format", "-f", help="text or json.")):
    """An article's official text, by paragraph (款) and item (项)."""
    from .laws.article import article_text, law_article

    def go():
        result = law_article(root(), title, article, version)
        if fmt is TextOrJson.json:
            typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            typer.echo(article_text(result), nl=False)
    run(go)
