"""render_diff(result, fmt): one formatter module per output format."""

from __future__ import annotations

from ...errors import PowerlistError

FORMATS = ("text", "json", "markdown", "html", "csv", "xlsx")
BINARY = ("xlsx",)


def render_diff(result: dict, fmt: str, *, show_all: bool = False) -> str | bytes:
    """The diff result in one format; cosmetic changes are left out unless show_all (json keeps all)."""
    if fmt == "json":
        from .json_format import render
    elif fmt == "text":
        from .text import render
    elif fmt == "markdown":
        from .markdown import render
    elif fmt == "html":
        from .html import render
    elif fmt == "csv":
        from .tabular import render_csv as render
    elif fmt == "xlsx":
        from .tabular import render_xlsx as render
    else:
        raise PowerlistError(f"unknown diff format {fmt!r} (choose from {', '.join(FORMATS)})")
    return render(result, show_all=show_all)
