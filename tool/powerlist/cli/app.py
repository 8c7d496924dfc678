"""The Typer app, the options every command shares, and the one way a command reports an error.

This module is a leaf: command modules import it, it imports none of them (cli/__init__.py
registers them)."""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Callable, Optional

import typer
from rich.console import Console

from .. import __version__
from ..errors import PowerlistError
from ..lock import acquire, release_all
from ..package import find_root

app = typer.Typer(
    help="Guangxi secrecy-work power-and-responsibility lists (保密工作权责清单) as a versioned data "
    "package. Read documents (ingest), freeze releases (release, verify), see what changed (diff, "
    "history, conform), check citations against the law (laws, cites, audit, law), query (sql) and publish downloads "
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


def shows_colour() -> bool:
    """Whether standard output shows colour and strike-through: a terminal that is not TERM=dumb,
    without NO_COLOR. Otherwise redlines keep their [-…-]{+…+} markers."""
    return out.is_terminal and out.color_system is not None and not out.no_color


def say(text: str) -> None:
    """One line of plain output: no rich markup or highlighting applied to data."""
    out.print(text, markup=False, highlight=False)


def warn(text: str) -> None:
    err.print(text, markup=False, highlight=False)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"powerlist {__version__}")
        raise typer.Exit()


@app.callback()
def main(ctx: typer.Context,
         package: Optional[Path] = typer.Option(
             None, "--package", "-p", help="The data package folder (default: search upward from the current folder)."),
         version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                      help="Print the version and exit.")):
    ctx.obj = {"package": package}
    ctx.call_on_close(release_all)


def root(ctx: typer.Context) -> Path:
    """The package root of this invocation: --package, else found upward from the current folder.

    The package is read-locked for the rest of the command (a writer inside raises the lock to
    exclusive); what a killed run left is repaired first, with one notice line per repair."""
    given = (ctx.find_root().obj or {}).get("package")
    found = find_root(given) if given else find_root()
    for note in acquire(found, exclusive=False):
        warn(note)
    return found


def _out_of_memory(exc: BaseException) -> bool:
    """DuckDB ran out of its memory limit (in any command: a province's tables outgrow a limit
    that a county's fit in). Its message's first line says what; the rest is generic advice.
    duckdb is looked up, not imported: the CLI starts without it, and whatever raised it has it."""
    duckdb = sys.modules.get("duckdb")
    return duckdb is not None and isinstance(exc, duckdb.OutOfMemoryException)


def command(name: Optional[str] = None, *, on: Optional[typer.Typer] = None, **kwargs) -> Callable:
    """Register a command (on the app, or on a command group `on`) whose PowerlistError (or
    DuckDB running out of memory) becomes one line on stderr and exit code 2."""
    def register(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args, **kw):
            try:
                return fn(*args, **kw)
            except PowerlistError as exc:
                warn(f"error: {exc}")
                raise typer.Exit(2)
            except Exception as exc:
                if not _out_of_memory(exc):
                    raise
                warn(f"error: {str(exc).splitlines()[0]} (DuckDB's memory limit: set POWERLIST_MEMORY_LIMIT higher, "
                     "e.g. 2GB)")
                raise typer.Exit(2)
        return (on or app).command(name, **kwargs)(wrapper)
    return register


# --- options shared by many commands: one spelling, one help text ---------------------------

def format_option(default: str, allowed: tuple[str, ...], what: str = "the output"):
    """--format: every command draws its values from one vocabulary (text, json, csv, markdown,
    html, xlsx, docx, pdf), accepting the subset it can write."""
    return typer.Option(default, "--format", "-f", help=f"{' | '.join(allowed)} for {what}.")


def check_format(fmt: str, allowed: tuple[str, ...]) -> str:
    if fmt not in allowed:
        raise PowerlistError(f"unknown format {fmt!r} (choose from {', '.join(allowed)})")
    return fmt


def release_option(help_: str = "Release tag, 'working' or a package folder."):
    return typer.Option("working", "--release", "-r", help=help_)


def releases_option():
    return typer.Option(None, "--release", "-r",
                        help="Limit to these releases ('working', a tag, a folder); repeatable. "
                             "Default: every release and working.")


def list_option(help_: str):
    return typer.Option(None, "--list", "-l", help=help_)


def output_option(help_: str = "Write to this file."):
    return typer.Option(None, "--output", "-o", help=help_)
