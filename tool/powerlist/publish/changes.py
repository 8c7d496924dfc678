"""The one place publish calls the diff engine (powerlist.diff): CHANGELOG and redline pages.

The diffs read only the frozen releases, so publish computes them in a child process from its
start (`start_diffs`, run by background.py beside the parent's list passes), and reads what the
child wrote once the children are done; the child's diff engine saves its reports in the cache
as a diff in the parent would."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import PowerlistError

# A diff child's DuckDB memory (the engine's 100,000-item diff needs ~500 MB of RSS with it; the
# parent is at its largest beside it) and its one thread (the parent has the other core).
MEMORY = "384MB"


class DiffUnavailable(PowerlistError):
    """The diff engine is not part of this installation."""


@dataclass
class PairDiff:
    from_tag: str
    to_tag: str
    markdown: str
    html: str


def _engine():
    try:
        from ..diff import diff_packages, render_diff
    except ImportError as exc:
        raise DiffUnavailable(
            f"the diff engine (powerlist.diff) is not installed ({exc}); CHANGELOG.md and the redline "
            "pages need it when there are two or more releases") from None
    return diff_packages, render_diff


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, (bytes, bytearray)) else value


def pair_diff(root: Path, from_tag: str, to_tag: str) -> PairDiff:
    diff_packages, render_diff = _engine()
    result = diff_packages(root, from_tag, to_tag)
    return PairDiff(from_tag, to_tag, _text(render_diff(result, "markdown")), _text(render_diff(result, "html")))


def consecutive_diffs(root: Path, tags: list[str]) -> list[PairDiff]:
    """One diff per consecutive pair of releases, oldest pair first; none for a single release."""
    return [pair_diff(root, a, b) for a, b in zip(tags, tags[1:])]


def start_diffs(root: Path, tags: list[str], folder: Path) -> Callable[[], list[PairDiff]]:
    """Queue the child computing consecutive_diffs(root, tags) into `folder` (made here; inside
    publish's staging folder, so a failed publish takes it along). Returns what reads them once
    background.wait() has returned, and removes the folder. DiffUnavailable is raised here, in
    the parent, before any child starts."""
    from . import background

    _engine()
    pairs = list(zip(tags, tags[1:]))
    if not pairs:
        return lambda: []
    folder.mkdir()
    background.queue({"kind": "diffs", "root": str(root), "pairs": pairs, "out": str(folder), "memory": MEMORY},
                     root, "the diffs for CHANGELOG.md")

    def read() -> list[PairDiff]:
        # Bytes, not text mode: a line break inside a value must come back as it went (no newline translation).
        diffs = [PairDiff(a, b, (folder / f"{n}.md").read_bytes().decode("utf-8"),
                          (folder / f"{n}.html").read_bytes().decode("utf-8")) for n, (a, b) in enumerate(pairs)]
        shutil.rmtree(folder)
        return diffs
    return read


def write_diffs(job: dict) -> dict:
    """A diff child's work (background.main): each pair's markdown and html into job["out"]."""
    os.environ["POWERLIST_MEMORY_LIMIT"] = job["memory"]  # every connection of the engine (compiled.duckdb_settings)
    os.environ["POWERLIST_THREADS"] = "1"
    out = Path(job["out"])
    for n, (a, b) in enumerate(job["pairs"]):
        d = pair_diff(Path(job["root"]), a, b)
        (out / f"{n}.md").write_bytes(d.markdown.encode("utf-8"))
        (out / f"{n}.html").write_bytes(d.html.encode("utf-8"))
    return {"pairs": len(job["pairs"])}
