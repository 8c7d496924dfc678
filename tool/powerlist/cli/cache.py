"""`powerlist cache-clear`: drop the compiled DuckDB files."""

from __future__ import annotations

import typer

from .app import command, root, say


@command("cache-clear")
def cache_clear(ctx: typer.Context):
    """Remove the compiled DuckDB files kept in .powerlist-cache/ (they are rebuilt when needed)."""
    from ..compiled import clear_cache

    n = clear_cache(root(ctx))
    say(f"removed {n} compiled package file(s) from .powerlist-cache/")
