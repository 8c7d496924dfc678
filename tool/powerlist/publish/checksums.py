"""dist/SHA256SUMS: every published file, in the format `sha256sum -c` reads.

`file_sha256` hashes each published file once per publish: the site's download table, DCAT and
SHA256SUMS all name the same files, and site/downloads/ holds hard links to them (one inode).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..files import sha256_file

NAME = "SHA256SUMS"
_seen: dict[tuple, str] = {}  # (device, inode, size, mtime) → SHA-256, for files written in this process


def _key(path: Path) -> tuple:
    st = os.stat(path)
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def file_sha256(path: Path) -> str:
    key = _key(path)
    if key not in _seen:
        _seen[key] = sha256_file(path)
    return _seen[key]


def hash_all(paths: list[Path]) -> None:
    """Hash every file not hashed yet, each inode once, on every core (hashlib lets go of the
    GIL while it hashes: at province scale SHA256SUMS reads gigabytes)."""
    todo: dict[tuple, Path] = {}
    for p in paths:
        key = _key(p)
        if key not in _seen:
            todo.setdefault(key, p)
    keys, paths = list(todo), list(todo.values())
    parts = [paths[i:i + 256] for i in range(0, len(paths), 256)]  # one task per 256 files, not per file
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        digests = [d for part in pool.map(lambda ps: [sha256_file(p) for p in ps], parts) for d in part]
    _seen.update(zip(keys, digests))


def forget() -> None:
    """Drop the memo (publish calls it when it starts and ends: inodes are reused once files go)."""
    _seen.clear()


def write_sha256sums(out: Path) -> Path:
    files = sorted((p for p in out.rglob("*") if p.is_file() and p.name != NAME),
                   key=lambda p: p.relative_to(out).as_posix())
    hash_all(files)
    path = out / NAME
    path.write_text("".join(f"{file_sha256(p)}  {p.relative_to(out).as_posix()}\n" for p in files), encoding="utf-8")
    return path
