"""dist/SHA256SUMS: every published file, in the format `sha256sum -c` reads.

`file_sha256` hashes each published file once per publish: the site's download table, DCAT and
SHA256SUMS all name the same files, and site/downloads/ holds hard links to them (one inode).
"""

from __future__ import annotations

import os
from pathlib import Path

from ..files import sha256_file

NAME = "SHA256SUMS"
_seen: dict[tuple, str] = {}  # (device, inode, size, mtime) → SHA-256, for files written in this process


def file_sha256(path: Path) -> str:
    st = os.stat(path)
    key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
    if key not in _seen:
        _seen[key] = sha256_file(path)
    return _seen[key]


def forget() -> None:
    """Drop the memo (publish calls it when it starts and ends: inodes are reused once files go)."""
    _seen.clear()


def write_sha256sums(out: Path) -> Path:
    files = sorted((p for p in out.rglob("*") if p.is_file() and p.name != NAME),
                   key=lambda p: p.relative_to(out).as_posix())
    path = out / NAME
    path.write_text("".join(f"{file_sha256(p)}  {p.relative_to(out).as_posix()}\n" for p in files), encoding="utf-8")
    return path
