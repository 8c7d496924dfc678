"""The release's source documents, byte for byte, at the path they have inside the release."""

from __future__ import annotations

import shutil
from pathlib import Path

from ..files import check_inside
from .release_data import ReleaseData
from .reuse import once


def write_documents(rel: ReleaseData, folder: Path) -> list[Path]:
    """A document recorded in the release's manifest is copied once per publish: a later release
    holding the same bytes (an unchanged list) gets a hard link to the first copy."""
    paths = []
    files = rel.manifest.get("files", {})
    dirs: dict = {}
    for lst in rel.tables.get("lists", []):
        # copied to the same path in the output: one leaving the release would leave it too
        check_inside(rel.package.path, lst["source_file"],
                     f"release {rel.tag}: lists.csv: list {lst['list_id']}: source_file", dirs)
        src = rel.package.path / lst["source_file"]
        dest = folder / lst["source_file"]
        dest.parent.mkdir(parents=True, exist_ok=True)
        digest = files.get(lst["source_file"])
        if digest:
            once("document", digest, dest, lambda d, s=src: shutil.copyfile(s, d))
        else:
            shutil.copyfile(src, dest)
        paths.append(dest)
    return paths
