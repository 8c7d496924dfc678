"""Limits a document must fit before it is read: size on disk, size unpacked, cells in its table.

A list document is at most a few hundred KB with some thousand cells; anything far beyond is a
mistake or an attack (a 300 KB .docx can unpack to 200 MB of XML and take gigabytes to parse).
The archive check uses the sizes the zip directory declares, before python-docx or openpyxl
open it (Python's zip reader never inflates a member beyond its declared size), and openpyxl
parses through defusedxml (a dependency), so no entity expansion either. Every limit can be
raised with an environment variable.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from ..errors import PowerlistError

LIMITS = {  # variable: (default, unit in bytes or 1, what it bounds)
    "POWERLIST_MAX_DOCUMENT_MB": (50, 1 << 20, "document size"),
    "POWERLIST_MAX_UNPACKED_MB": (100, 1 << 20, "unpacked size of a .docx/.xlsx"),
    "POWERLIST_MAX_CELLS": (100_000, 1, "table cells"),
}


def limit(name: str) -> int:
    default, unit, _ = LIMITS[name]
    raw = os.environ.get(name)
    try:
        value = float(raw) if raw else default
    except ValueError:
        raise PowerlistError(f"{name}={raw!r} is not a number") from None
    return int(value * unit)


def _mb(n: int) -> str:
    return f"{n / (1 << 20):.1f} MB"


def check_file(path: Path) -> None:
    """Refuse a document too large on disk or, for .docx/.xlsx, when unpacked — before parsing it."""
    size = path.stat().st_size
    if size > limit("POWERLIST_MAX_DOCUMENT_MB"):
        raise PowerlistError(
            f"{path}: {_mb(size)} is over the document size limit of {_mb(limit('POWERLIST_MAX_DOCUMENT_MB'))} "
            "(POWERLIST_MAX_DOCUMENT_MB); not read")
    if path.suffix.lower() not in (".docx", ".xlsx") or not zipfile.is_zipfile(path):
        return
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # the reader says it is damaged, in its own words
    if unpacked > limit("POWERLIST_MAX_UNPACKED_MB"):
        raise PowerlistError(
            f"{path}: unpacks to {_mb(unpacked)}, over the limit of {_mb(limit('POWERLIST_MAX_UNPACKED_MB'))} "
            "(POWERLIST_MAX_UNPACKED_MB); not read")


def check_cells(grid, path: Path) -> None:
    """Refuse a table with more cells than POWERLIST_MAX_CELLS, before its rows are parsed."""
    cells = sum(len(row) for row in grid.rows)
    if cells > limit("POWERLIST_MAX_CELLS"):
        raise PowerlistError(
            f"{path}: its table has {cells:,} cells, over the limit of {limit('POWERLIST_MAX_CELLS'):,} "
            "(POWERLIST_MAX_CELLS); not read")
