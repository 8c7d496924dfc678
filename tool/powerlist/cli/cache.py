"""`powerlist cache-clear`: drop the compiled DuckDB files and saved diff reports."""

from __future__ import annotations

import typer

from .app import command, root, say


@command("cache-clear")
def cache_clear(ctx: typer.Context):
    """Remove the compiled DuckDB files and saved diff reports kept in .powerlist-cache/ (they are rebuilt when needed)."""
    from ..compiled import clear_cache

    n = clear_cache(root(ctx))
    say(f"removed {n} cached file(s) (compiled packages, saved diffs) from .powerlist-cache/")
