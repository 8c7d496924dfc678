"""`powerlist laws`, `cites` and `audit`: the cited instruments, who cites a provision, citation problems."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from enum import Enum
from typing import List, Optional

import typer
from rich.table import Table

from ..errors import PowerlistError
from .app import check_format, command, format_option, list_option, out, release_option, releases_option, root, warn

TABLE_FORMATS = ("text", "json", "csv")
AUDIT_FORMATS = ("text", "json", "markdown")


class Severity(str, Enum):
    info = "info"
    warning = "warning"
    error = "error"


@command("laws")
def laws_cmd(ctx: typer.Context, release: Optional[List[str]] = releases_option(),
             fmt: str = format_option("text", TABLE_FORMATS, "the instruments")):
    """Every cited instrument: type, issuing document, versions, citations per list and release."""
    from ..laws.catalog import law_catalog
    from ..laws.formats import citation_summary, laws_csv, versions_summary

    check_format(fmt, TABLE_FORMATS)
    result = law_catalog(root(ctx), release or None)
    if fmt == "json":
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    elif fmt == "csv":
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
        warn(f"unknown instrument in {u['release']} {u['list_id']}: 《{u['law_title']}》"
             f"{'（' + u['law_doc'] + '）' if u['law_doc'] else ''} ×{u['citations']}")


@command()
def cites(ctx: typer.Context, title: str = typer.Argument(..., help="The instrument: any title variant, e.g. 保守国家秘密法."),
          article: Optional[str] = typer.Option(None, "--article", "-a", help="Article number: 45, 四十五 or 第四十五条."),
          paragraph: Optional[str] = typer.Option(None, "--paragraph", help="Paragraph (款) number."),
          version: Optional[int] = typer.Option(None, "--version", "-v",
                                                help="Article numbering of this version (year); older citations mapping to it are found too."),
          release: Optional[List[str]] = releases_option(),
          fmt: str = format_option("text", TABLE_FORMATS, "the citations")):
    """Every item, in every release and the working state, citing a provision."""
    from ..laws.cites import cites as find
    from ..laws.formats import cites_csv

    check_format(fmt, TABLE_FORMATS)
    result = find(root(ctx), title, article, paragraph, version, release or None)
    if fmt == "json":
        typer.echo(json.dumps(asdict(result) | {"items": result.items}, ensure_ascii=False, indent=2, default=str))
    elif fmt == "csv":
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


@command()
def audit(ctx: typer.Context, release: str = release_option(),
          list_id: Optional[str] = list_option("Audit only this list."),
          as_of: Optional[str] = typer.Option(None, "--as-of", help="Judge superseded versions on this date (YYYY-MM-DD) instead of each list's own date."),
          fmt: str = format_option("text", AUDIT_FORMATS, "the findings"),
          exit_code: bool = typer.Option(False, "--exit-code", help="Exit 1 when a finding is at or above --fail-on."),
          fail_on: Severity = typer.Option(Severity.info, "--fail-on", help="Lowest severity that fails with --exit-code.")):
    """Find citation problems reviewers miss (rules 1-7; see README ## Audit)."""
    from ..laws.audit import audit as run_audit
    from ..laws.formats import audit_markdown, audit_text

    check_format(fmt, AUDIT_FORMATS)
    try:
        when = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise PowerlistError(f"--as-of {as_of!r} is not a date (YYYY-MM-DD)") from None
    report = run_audit(root(ctx), release, list_id, when)
    if fmt == "json":
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str))
    elif fmt == "markdown":
        typer.echo(audit_markdown(report), nl=False)
    else:
        typer.echo(audit_text(report), nl=False)
    if exit_code and report.failing(fail_on.value):
        raise typer.Exit(1)
