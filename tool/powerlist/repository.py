"""The library's front door: one object for a package folder, one signature style for every question.

    from powerlist import Repository
    repo = Repository("path/to/package")          # or Repository() for the current folder
    repo.releases()                               # tags in release order
    repo.diff("2022", "working")                  # the JSON contract of docs/diff-json.md, as a dict
    repo.conform("450325-baomi", release="2022")
    repo.audit(release="2022")

Every method names versions the same way — `release=` (or FROM/TO for a diff): a release tag,
"working", or a package folder — and returns plain data (dicts, dataclasses) that the CLI prints.
The functions behind it stay importable for callers who need their extra options.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .package import WORKING, Package, find_root, open_target, release_tags

__all__ = ["Repository"]


class Repository:
    """A powerlist data package: its working state, its releases and its cache."""

    def __init__(self, root: str | Path | None = None):
        self.root = find_root(Path(root)) if root is not None else find_root()

    def __repr__(self) -> str:
        return f"Repository({str(self.root)!r})"

    # --- versions -----------------------------------------------------------------------
    def releases(self) -> list[str]:
        """Release tags in release order (by date, then tag)."""
        return release_tags(self.root)

    def open(self, release: str = WORKING) -> Package:
        """A version of the package: a tag, 'working' or a package folder (checked against its manifest)."""
        return open_target(self.root, release)

    def manifest(self, tag: str) -> dict:
        """A release's release.json (tag, date, sources, SHA-256 of every file)."""
        from .manifest import read_manifest

        return read_manifest(self.open(tag).path, tag)

    def verify(self, tag: str):
        from .manifest import verify_release

        return verify_release(self.root, tag)

    # --- questions ------------------------------------------------------------------------
    def diff(self, from_release: str, to_release: str, *, item_ids: list[str] | None = None) -> dict:
        from .diff import diff_packages

        return diff_packages(self.root, from_release, to_release, item_ids=item_ids)

    def history(self, item_id: str) -> dict:
        from .diff.history import item_history

        return item_history(self.root, item_id)

    def conform(self, list_id: str, *, release: str = WORKING):
        from .conform import conform

        return conform(self.open(release), list_id)

    def audit(self, *, release: str = WORKING, list_id: str | None = None, as_of: date | None = None):
        from .laws.audit import audit

        return audit(self.root, release, list_id, as_of)

    def cites(self, title: str, *, article=None, paragraph=None, version: int | None = None,
              releases: list[str] | None = None):
        from .laws.cites import cites

        return cites(self.root, title, article, paragraph, version, releases)

    def validate(self, release: str = WORKING, *, engine: str = "duckdb"):
        from .validate import validate_package

        return validate_package(self.open(release), engine=engine)

    def sql(self, query: str, *, timeout: float | None = None):
        from .sql import DEFAULT_TIMEOUT, run_query

        return run_query(self.root, query, DEFAULT_TIMEOUT if timeout is None else timeout)

    # --- changing the package (each takes the package lock) -------------------------------
    def ingest(self, document: str | Path, *, list_id: str | None = None):
        from .ingest.run import ingest_document

        return ingest_document(self.root, Path(document), list_id)

    def release(self, tag: str, *, on: str | None = None) -> dict:
        from .release import create_release

        return create_release(self.root, tag, on)

    def clear_cache(self) -> int:
        from .compiled import clear_cache

        return clear_cache(self.root)
