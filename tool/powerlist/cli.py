"""The `powerlist` command: parse arguments, call the library, print. No logic of its own."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from .errors import PowerlistError
from .package import Package, find_root, open_target, release_tags

app = typer.Typer(
    help="Guangxi secrecy-work power-and-responsibility lists (保密工作权责清单) as a versioned data "
    "package. Read documents (ingest), freeze releases (release, verify), see what changed (diff, "
    "history, conform), check citations (laws, cites, audit), query (sql) and publish downloads "
    "(publish). Commands act on the package of the current folder or --package PATH.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=False,
    context_settings={"max_content_width": 120},
)
# Piped output is read by people too: give tables room instead of rich's 80-column default.
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, soft_wrap=True)
state: dict = {"package": None}


def shows_colour() -> bool:
    """Whether standard output shows colour and strike-through: a terminal that is not TERM=dumb,
    without NO_COLOR. Otherwise redlines keep their [-…-]{+…+} markers."""
    return out.is_terminal and out.color_system is not None and not out.no_color


class TextOrJson(str, Enum):
    """Output of the inspection commands: readable text, or JSON for programs (as --format json elsewhere)."""

    text = "text"
    json = "json"


def format_option(what: str):
    return typer.Option(TextOrJson.text, "--format", "-f", help=f"text, or json for {what}.")


@app.callback()
def main(package: Optional[Path] = typer.Option(
        None, "--package", "-p", help="The data package folder (default: search upward from the current folder).")):
    state["package"] = package


def root() -> Path:
    given = state["package"]
    return find_root(given) if given else find_root()


def fail(exc: PowerlistError) -> None:
    err.print(f"error: {exc}", markup=False, highlight=False)
    raise typer.Exit(2)


def run(fn):
    """Call fn(); a PowerlistError becomes one line on stderr and exit code 2."""
    try:
        return fn()
    except PowerlistError as exc:
        fail(exc)


@app.command()
def validate(target: Optional[str] = typer.Argument(
        None, help="'working', a release tag or a package folder (default: the working state and every release)."),
        engine: str = typer.Option("duckdb", "--engine", help="duckdb (fast) or frictionless (the reference, slow); same findings.")):
    """Validate the working state and every release against their Table Schemas."""
    from .progress import table_progress
    from .validate import ENGINES, validate_package

    def go():
        if engine not in ENGINES:
            raise PowerlistError(f"unknown engine {engine!r} (known: {', '.join(ENGINES)})")
        r = root()
        targets = [target] if target else ["working", *release_tags(r)]
        results = []
        for t in targets:
            with table_progress(err, f"validating {t}") as step:
                results.append(validate_package(open_target(r, t), engine=engine, progress=step))
        table = Table(title="powerlist validate")
        table.add_column("package")
        table.add_column("result")
        table.add_column("rows")
        for res in results:
            rows = ", ".join(f"{k} {v}" for k, v in res.rows.items())
            table.add_row(res.target, "valid" if res.valid else f"INVALID ({len(res.findings)})", rows)
        out.print(table)
        for res in results:
            for f in res.findings:
                where = f"{f.table}" + (f" row {f.row}" if f.row else "") + (f" field {f.field}" if f.field else "")
                out.print(f"{res.target}: {where}: [{f.type}] {f.message}", markup=False, highlight=False)
        if not all(res.valid for res in results):
            raise typer.Exit(1)
    run(go)


@app.command()
def render(list_id: str = typer.Argument(..., help="The list to render, e.g. 450325-baomi."),
           release: str = typer.Option("working", "--release", "-r", help="Release tag, 'working' or a package folder."),
           fmt: str = typer.Option("text", "--format", "-f", help="text (the sources' layout), docx or xlsx."),
           output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file (required for docx/xlsx).")):
    """Print or write a list's table in the official layout (text, .docx or .xlsx)."""
    from .render import ListView, render_text

    def go():
        if fmt not in ("text", "docx", "xlsx"):
            raise PowerlistError(f"unknown format {fmt!r}: expected text, docx or xlsx")
        if fmt != "text" and output is None:
            raise PowerlistError(f"--format {fmt} writes a file: give its path with -o PATH")
        view = ListView(open_target(root(), release), list_id)
        if fmt == "text":
            if output is None:
                typer.echo(render_text(view))
                return
            from .package import atomic_write_text
            atomic_write_text(output, render_text(view) + "\n")
        else:
            from .render_office import render_office
            render_office(view, fmt, output)
        out.print(f"wrote {output} ({fmt}, {len(view.items)} items of {list_id})", markup=False, highlight=False)
    run(go)


@app.command("lists")
def lists_cmd(release: str = typer.Option("working", "--release", "-r", help="Release tag, 'working' or a package folder.")):
    """The lists in a release: id, kind, jurisdiction, document number, date, item count."""
    def go():
        pkg = open_target(root(), release)
        counties = {c["code"]: c for c in pkg.read_table("counties")}
        counts: dict[str, int] = {}
        for item in pkg.read_table("items"):
            counts[item["list_id"]] = counts.get(item["list_id"], 0) + 1
        table = Table(title=f"lists in {pkg.label}")
        for col in ("list_id", "kind", "jurisdiction", "doc no", "date", "items", "title"):
            table.add_column(col)
        for l in pkg.read_table("lists"):
            county = counties.get(l.get("county_code") or "")
            jurisdiction = f"{county['city_name']} {county['name']} {county['code']}" if county else "广西（全区）"
            doc_no = l.get("doc_no") or (f"{l['doc_no_inferred']} (inferred)" if l.get("doc_no_inferred") else "")
            issued = l.get("issued_on") or (f"{l['issued_on_inferred']} (inferred)" if l.get("issued_on_inferred") else "")
            table.add_row(l["list_id"], l["kind"], jurisdiction, doc_no, issued, str(counts.get(l["list_id"], 0)), l["title"])
        out.print(table)
    run(go)


@app.command()
def show(item_id: str = typer.Argument(..., help="The item, e.g. 450325-baomi-004."),
         release: str = typer.Option("working", "--release", "-r", help="Release tag, 'working' or a package folder."),
         fmt: TextOrJson = format_option("the item and its children")):
    """One item with its bases, steps, accountability cases and exemptions."""
    from .show import item_record, print_item

    def go():
        record = item_record(open_target(root(), release), item_id)
        if fmt is TextOrJson.json:
            typer.echo(json.dumps(record, ensure_ascii=False, indent=2))
        else:
            print_item(out, record)
    run(go)


@app.command()
def ingest(doc: Path = typer.Argument(..., help="The list document: .txt in the sources' layout, .docx or .xlsx."),
           list_id: Optional[str] = typer.Option(None, "--list", help="The list the document updates (default: detected).")):
    """Read a list document into the working state, replacing that list; print what matched."""
    from .ingest.run import ingest_document

    def go():
        report = ingest_document(root(), doc, list_id)
        verb = "new list" if report.new_list else "updates"
        out.print(f"{doc}: {verb} {report.list_id} ({report.kind}, {report.how}) 《{report.title}》",
                  markup=False, highlight=False)
        table = Table(title="items")
        for col in ("序号", "item_id", "rule", "名称"):
            table.add_column(col)
        for m in report.matches:
            rule = m.rule + (f" {m.score}" if m.score is not None else "")
            if m.rule != "new" and m.old_seq != m.seq:
                rule += f" (was 序号 {m.old_seq})"
            table.add_row(str(m.seq), m.item_id, rule, m.name)
        out.print(table)
        for r in report.removed:
            out.print(f"取消 removed: {r['item_id']} 序号 {r['seq']} {r['name']}", markup=False, highlight=False)
        out.print(", ".join(f"{k} {v}" for k, v in report.counts.items()), markup=False, highlight=False)
        for note in report.notes:
            out.print(note, markup=False, highlight=False)
    run(go)


@app.command()
def release(tag: str = typer.Argument(..., help="The release tag, e.g. 2023."),
            date: Optional[str] = typer.Option(None, "--date", help="Release date YYYY-MM-DD (default: today).")):
    """Freeze the working state as releases/TAG (and tag git when in a git checkout)."""
    from .release import create_release

    def go():
        manifest = create_release(root(), tag, date)
        out.print(f"released {tag} ({manifest['date']}): {len(manifest['files'])} files in releases/{tag}",
                  markup=False, highlight=False)
    run(go)


@app.command()
def verify(tag: Optional[str] = typer.Argument(None, help="The release to verify (default: every release).")):
    """Check every file of a release against the SHA-256 sums in its release.json."""
    from .release import verify_release

    def go():
        r = root()
        tags = [tag] if tag else release_tags(r)
        if tag and not (r / "releases" / tag).is_dir():
            raise PowerlistError(f"unknown release {tag!r} (known: {', '.join(release_tags(r)) or 'none'})")
        bad = False
        for t in tags:
            res = verify_release(r, t)
            out.print(f"{t}: {'ok' if res.ok else 'MODIFIED'}", markup=False, highlight=False)
            for p in res.problems:
                out.print(f"  {p}", markup=False, highlight=False)
            bad |= not res.ok
        if bad:
            raise typer.Exit(1)
    run(go)


@app.command("cache-clear")
def cache_clear():
    """Remove the compiled DuckDB files kept in .powerlist-cache/ (they are rebuilt when needed)."""
    from .compiled import clear_cache

    def go():
        n = clear_cache(root())
        out.print(f"removed {n} compiled package file(s) from .powerlist-cache/", markup=False, highlight=False)
    run(go)


# Command modules register themselves on `app`; each area of the tool keeps its commands in one module.
from . import cli_docs  # noqa: E402,F401
from . import cli_diff  # noqa: E402,F401
from . import cli_laws  # noqa: E402,F401
from . import cli_publish  # noqa: E402,F401
