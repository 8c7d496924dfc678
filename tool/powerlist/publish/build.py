"""`powerlist publish`: every release's downloads, the cross-release dataset, CHANGELOG, site, checksums.

The whole output is built in a temporary sibling folder and renamed into place at the end, so an
error leaves the previous output exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from ..errors import PowerlistError
from ..files import staged_dir
from ..package import release_tags
from .changelog import write_changelog
from .changes import DiffUnavailable, consecutive_diffs
from .checksums import NAME as SUMS, write_sha256sums
from .datapackage_zip import write_datapackage_zip
from .duckdb_db import write_duckdb
from .nested_json import write_nested_json
from .parquet import write_hive_dataset, write_release_parquet
from .release_data import load_release
from .site import write_site
from .sqlite_db import write_sqlite
from .workbook import write_workbook

# Per release, in the order they are written (the label is shown beside the progress bar).
ARTIFACTS = [
    ("data package zip", write_datapackage_zip),
    ("Excel workbook", write_workbook),
    ("Parquet", write_release_parquet),
    ("DuckDB database", write_duckdb),
    ("SQLite database", write_sqlite),
    ("nested JSON", write_nested_json),
]
# Formats that embed a random database id and header checksum: never byte-reproducible.
NOT_REPRODUCIBLE = (".duckdb",)

Progress = Callable[[str, int, int], None]   # (what is being done, steps done, total steps)


@dataclass
class PublishReport:
    out: Path
    releases: list[str]
    files: int = 0
    size: int = 0
    pairs: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _check_out(out: Path, root: Path) -> None:
    """Refuse to replace a folder that is not an earlier publish output (it would be deleted)."""
    if out.resolve() in (root.resolve(), *root.resolve().parents):
        raise PowerlistError(f"--out {out} is the package folder or holds it; choose a folder such as dist/")
    if out.exists() and not out.is_dir():
        raise PowerlistError(f"--out {out} is a file, not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / SUMS).is_file():
        raise PowerlistError(
            f"--out {out} is not empty and holds no {SUMS}, so it is not an earlier publish output; "
            "refusing to replace it")


def publish(root: Path, out: Path, progress: Optional[Progress] = None) -> PublishReport:
    tags = release_tags(root)
    if not tags:
        raise PowerlistError(f"nothing to publish: no releases in {root / 'releases'} (create one with powerlist release TAG)")
    _check_out(out, root)
    releases = sorted((load_release(root, t) for t in tags), key=lambda r: (r.date, r.tag))
    tags = [r.tag for r in releases]
    total = len(releases) * len(ARTIFACTS) + 4
    done = 0

    def step(what: str) -> None:
        nonlocal done
        if progress:
            progress(what, done, total)
        done += 1

    report = PublishReport(out, tags)
    title = releases[-1].package.descriptor.get("title", releases[-1].name)
    with staged_dir(out) as tmp:
        for rel in releases:
            folder = tmp / rel.tag
            folder.mkdir()
            for label, write in ARTIFACTS:
                step(f"{rel.tag}: {label}")
                write(rel, folder)
        step("Parquet dataset across releases")
        write_hive_dataset(releases, tmp)
        step("CHANGELOG.md")
        missing = None
        try:
            diffs = consecutive_diffs(root, tags)
        except DiffUnavailable as exc:
            diffs, missing = [], str(exc)
            report.notes.append(f"skipped the changes in CHANGELOG.md and the redline pages: {exc}")
        report.pairs = [f"{d.from_tag}..{d.to_tag}" for d in diffs]
        write_changelog(tmp, releases, diffs, title, missing)
        step("site")
        write_site(tmp, title, releases, diffs, missing)
        step(SUMS)
        write_sha256sums(tmp)
        files = [p for p in tmp.rglob("*") if p.is_file()]
        report.files = len(files)
        report.size = sum(p.stat().st_size for p in files)
    if progress:
        progress("done", total, total)
    return report
