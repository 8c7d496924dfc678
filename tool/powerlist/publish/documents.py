"""The release's source documents, byte for byte, at the path they have inside the release."""

from __future__ import annotations

import shutil
from pathlib import Path

from .release_data import ReleaseData


def write_documents(rel: ReleaseData, folder: Path) -> list[Path]:
    paths = []
    for lst in rel.tables.get("lists", []):
        src = rel.package.path / lst["source_file"]
        dest = folder / lst["source_file"]
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
        paths.append(dest)
    return paths
