"""Files one publish writes twice with the same bytes are written once and hard-linked.

Releases share content: a release that changed no table (a re-release, or one whose only change
is in its documents) reads the same rows as an earlier one, and then its SQLite, DuckDB and
Parquet files are the earlier release's bytes; an unchanged list's source document is the same
file in every release. Each such file is built for the first release that needs it and linked for
the others (one inode, so SHA256SUMS hashes it once, and the output takes its space once).

A file is identified by what it is (`what`: "sqlite", "parquet/items", "document") and the key of
its content (`ReleaseData.content_key()` for files written from the tables, a SHA-256 for a
document). The record lives for one publish: publish calls `forget()` when it starts and ends.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Callable

_built: dict[tuple[str, str], Path] = {}
_later: list[tuple[Path, Path]] = []  # (file a child is still writing, its link): made by settle()
_facts: dict[tuple[str, str], object] = {}  # other things learnt while writing (where an entry's deflated bytes are)


def link_or_copy(src: Path, dest: Path) -> None:
    """dest becomes src's bytes: a hard link where the file system allows it, else a copy."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.unlink(missing_ok=True)
    try:
        os.link(src, dest)
    except OSError:
        shutil.copyfile(src, dest)


def once(what: str, key: str, dest: Path, build: Callable[[Path], object], background: bool = False) -> Path:
    """dest holds the file `what` of content `key`: linked to the one written earlier in this
    publish, or written by build(dest) and recorded. background: build(dest) only starts a child
    that writes dest (background.py), so links to it are made once the children are done."""
    earlier = _built.get((what, key))
    if earlier is not None:
        if background:
            _later.append((earlier, dest))
        else:
            link_or_copy(earlier, dest)
    else:
        build(dest)
        _built[(what, key)] = dest
    return dest


def settle() -> None:
    """Make the links that waited for files written in the background (background.wait calls it)."""
    while _later:
        earlier, dest = _later.pop(0)
        link_or_copy(earlier, dest)


def record(what: str, key: str, fact: object) -> None:
    _facts[(what, key)] = fact


def recall(what: str, key: str):
    """What was recorded for (what, key) in this publish, or None."""
    return _facts.get((what, key))


def forget() -> None:
    _built.clear()
    _later.clear()
    _facts.clear()
