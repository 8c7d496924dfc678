"""The release's Frictionless data package as one zip (unzips to a folder that validates)."""

from __future__ import annotations

from pathlib import Path

from .deterministic import write_zip
from .release_data import ReleaseData


def write_datapackage_zip(rel: ReleaseData, folder: Path) -> Path:
    """Every file of releases/TAG under a top folder named like the zip, in path order."""
    path = folder / f"{rel.stem}.zip"
    src = rel.package.path
    entries = [(f"{rel.stem}/{p.relative_to(src).as_posix()}", p.read_bytes())
               for p in sorted(src.rglob("*"), key=lambda p: p.relative_to(src).as_posix())
               if p.is_file() and not p.name.startswith(".")]
    write_zip(path, entries, rel.zip_time())
    return path
