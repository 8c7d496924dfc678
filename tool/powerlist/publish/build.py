"""`powerlist publish`: every release's downloads, the cross-release dataset, CHANGELOG, site, checksums.

The whole output is built in a temporary sibling folder and renamed into place at the end, so an
error leaves the previous output exactly as it was.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from ..compiled import cache_dir
from ..errors import PowerlistError
from ..files import recover_staged, staged_dir
from ..lock import output_locked
from ..package import release_tags
from .background import abandon as abandon_children, wait as wait_children
from .changelog import write_changelog
from .changes import DiffUnavailable, start_diffs
from .checksums import NAME as SUMS, forget as forget_checksums, write_sha256sums
from .datapackage_zip import write_datapackage_zip
from .datasette import write_metadata
from .documents import write_documents
from .duckdb_db import write_duckdb
from .list_pass import ListPass
from .portal import Portal, portal
from .parquet import HiveDataset, write_release_parquet
from .release_data import ReleaseData, open_release, remove_db
from .reuse import forget as forget_reuse
from .site import Site
from .sqlite_db import write_sqlite

# Per release, in the order they are written (the label is shown beside the progress bar): the
# files written from the release's tables as a whole …
ARTIFACTS = [
    ("Parquet", write_release_parquet),
    # The databases are written from the Parquet files by child processes (background.py).
    ("SQLite database", write_sqlite),
    ("DuckDB database", write_duckdb),
    ("data package zip", write_datapackage_zip),
    ("source documents", write_documents),
]
# … then one pass over its lists writes the workbook's list sheets, the nested JSON and the list
# pages (each list is read once), and the workbook's table sheets last.
LIST_PASS = "lists: Excel workbook, nested JSON, site pages"
# Formats that embed a random database id and header checksum: never byte-reproducible.
NOT_REPRODUCIBLE = (".duckdb",)
CHANGES = ".changes"  # where the diff child leaves its reports inside the staging folder (read, then removed)

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


def publish(root: Path, out: Path, progress: Optional[Progress] = None, *, title: Optional[str] = None,
            base_url: Optional[str] = None, contact: Optional[str] = None) -> PublishReport:
    """title: the dataset's title on the site and in every metadata file (default: the data
    package's); base_url: where dist/site/ will be served, for absolute links in DCAT and JSON-LD;
    contact: an e-mail address or URL for questions, shown on the site and in the metadata."""
    tags = release_tags(root)
    if not tags:
        raise PowerlistError(f"nothing to publish: no releases in {root / 'releases'} (create one with powerlist release TAG)")
    with output_locked(out):  # one publish into a folder at a time
        return _locked_publish(root, out, tags, progress, title, base_url, contact)


def _locked_publish(root: Path, out: Path, tags: list[str], progress: Optional[Progress], title, base_url, contact):
    notes = recover_staged(out)  # a publish killed between its two renames left the old output aside
    _check_out(out, root)
    # Descriptors and manifests only: each release's tables are read when its turn comes.
    releases = sorted((open_release(root, t) for t in tags), key=lambda r: (r.date, r.tag))
    forget_checksums()
    forget_reuse()
    try:
        meta = portal(releases[-1], title, base_url, contact)
        return _publish(root, out, releases, progress, meta, notes)
    finally:
        forget_checksums()
        forget_reuse()
        for rel in releases:
            rel.close()


def _publish(root: Path, out: Path, releases: list[ReleaseData], progress: Optional[Progress],
             meta: Portal, notes: list[str]) -> PublishReport:
    tags = [r.tag for r in releases]
    total = len(releases) * (len(ARTIFACTS) + 1) + 3
    done = 0

    def step(what: str) -> None:
        nonlocal done
        if progress:
            progress(what, done, total)
        done += 1

    report = PublishReport(out, tags, notes=notes)
    title = meta.title
    with staged_dir(out) as tmp:
        site = Site(tmp, cache_dir(root) / "spill")
        try:
            missing = None
            try:
                # In a child from the start: they read only the frozen releases (changes.py).
                read_diffs = start_diffs(root, tags, tmp / CHANGES)
            except DiffUnavailable as exc:
                read_diffs, missing = (lambda: []), str(exc)
                report.notes.append(f"skipped the changes in CHANGELOG.md and the redline pages: {exc}")
            _releases(releases, tmp, meta, site, HiveDataset(releases, tmp), step)
            step("CHANGELOG.md")
            wait_children()  # the diffs, and the SQLite and DuckDB files written beside the rest (background.py)
            diffs = read_diffs()
            report.pairs = [f"{d.from_tag}..{d.to_tag}" for d in diffs]
            write_changelog(tmp, releases, diffs, title, missing)
            step("site")
            site.finish(meta, releases, diffs, missing)
        finally:
            abandon_children()  # a failed step: stop them before the staging folder goes
            site.close()  # its item-history file in the cache, also when a step failed
        step(SUMS)
        report.files, report.size = write_sha256sums(tmp)
    if progress:
        progress("done", total, total)
    return report


def _releases(releases: list[ReleaseData], tmp: Path, meta: Portal, site: Site, hive: HiveDataset, step) -> None:
    """Each release's files, one release in memory at a time. A release whose tables an earlier
    one of this publish had (the same content_key) opens the database file that one was read
    into instead of reading its tables again: the file is kept on disk until then."""
    lists = ListPass(site)  # each distinct list content is made once, whichever releases hold it
    to_come = Counter(rel.content_key() for rel in releases)
    kept: dict[str, Path] = {}  # content key → the database file of the last release read with it
    try:
        for rel in releases:
            key = rel.content_key()
            rel.load(kept.get(key))
            kept.pop(key, None)  # rel's now: its close() removes it, or keeps it again
            folder = tmp / rel.tag
            folder.mkdir()
            for label, write in ARTIFACTS:
                step(f"{rel.tag}: {label}")
                write(rel, folder)
            write_metadata(rel, folder, meta)
            hive.add(rel)
            step(f"{rel.tag}: {LIST_PASS}")
            lists.write(rel, folder, latest=rel is releases[-1])
            to_come[key] -= 1
            db = rel.close(keep=to_come[key] > 0)  # its tables go; its small tables and counts stay for the index pages
            if db is not None:
                kept[key] = db
    finally:
        for db in kept.values():  # a failed step: no later release will open them
            remove_db(db)
