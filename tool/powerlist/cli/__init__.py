"""The `powerlist` command line: argument handling and printing over the library, one module per command group.

app.py holds the Typer app and what commands share; importing a command module registers its commands."""

from . import cache, conform, diff, ingest, laws, publish, release, show, sql, validate  # noqa: F401  (registration)
from .app import app

__all__ = ["app"]
