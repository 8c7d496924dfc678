"""Which format a report is written in: --format, or the extension of -o PATH, never at odds."""

from __future__ import annotations

from pathlib import Path

from .errors import PowerlistError

EXTENSIONS = {".txt": "text", ".json": "json", ".md": "markdown", ".markdown": "markdown", ".html": "html",
              ".htm": "html", ".csv": "csv", ".xlsx": "xlsx", ".docx": "docx", ".pdf": "pdf"}


def choose_format(output: Path | None, fmt: str | None, allowed: tuple[str, ...], default: str = "text") -> str:
    """The format to write: --format if given, else the one -o's extension names, else default.

    An extension naming another format than --format, or one this command cannot write, is an
    error: a file must never hold something other than its name says (x.xlsx holding text)."""
    by_ext = EXTENSIONS.get(output.suffix.lower()) if output is not None else None
    if fmt is not None and fmt not in allowed:
        raise PowerlistError(f"unknown format {fmt!r} (choose from {', '.join(allowed)})")
    if by_ext is not None and by_ext not in allowed:
        raise PowerlistError(f"-o {output}: this command cannot write {output.suffix} files "
                             f"(it writes {', '.join(allowed)})")
    if fmt is not None and by_ext is not None and fmt != by_ext:
        raise PowerlistError(f"-o {output}: the extension {output.suffix} says {by_ext}, but --format is {fmt}; "
                             "give a matching name or leave out --format")
    return fmt or by_ext or default
