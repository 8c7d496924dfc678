"""dist/SHA256SUMS: every published file, in the format `sha256sum -c` reads.

Each published file is hashed once per publish, and where it can be, not read back for it: the
site's download table, DCAT and SHA256SUMS all name the same files, and site/downloads/ holds
hard links to them (one inode). A digest is known from one of three places:

- `remember`: the writer hashed the bytes it wrote (the site's pages, a database child's file);
- `hash_later`: a background thread reads and hashes files written earlier, while the parent
  goes on writing pages (hashlib and file reads let go of the GIL);
- `file_sha256`: read and hashed now.

Every digest is kept under the file's (device, inode, size, mtime) as it was when the digest was
taken, so a file rewritten afterwards is read again, never given the old digest.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from ..files import sha256_file, sha256_files

NAME = "SHA256SUMS"
_seen: dict[tuple, str] = {}  # (device, inode, size, mtime) → SHA-256, for files written in this process
_pending: dict[tuple, Future] = {}  # the same key → the digest a background thread is taking
_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None


def _stat_key(st: os.stat_result) -> tuple:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _key(path: Path) -> tuple:
    return _stat_key(os.stat(path))


def remember(path: Path, digest: str) -> None:
    """The SHA-256 of the bytes now in `path`, taken by whoever wrote them."""
    remember_state(os.stat(path), digest)


def remember_state(st: os.stat_result, digest: str) -> None:
    """remember() for a file whose state (os.stat or os.fstat once written) is st."""
    with _lock:
        _seen[_stat_key(st)] = digest


def state(st: os.stat_result) -> list:
    """A file's state as the memo keys it, for a child process handing its digests to publish."""
    return list(_stat_key(st))


def remember_states(digests: list) -> None:
    """remember_state() for each ([state], digest) a child process wrote (state() of its fstat)."""
    with _lock:
        for key, digest in digests:
            _seen[tuple(key)] = digest


def file_sha256(path: Path) -> str:
    return _digest(path, _key(path))


def _digest(path: Path, key: tuple) -> str:
    """path's digest, its state being `key`."""
    with _lock:
        digest = _seen.get(key)
        pending = _pending.get(key)
    if digest is not None:
        return digest
    if pending is not None:
        digest = pending.result()
    else:
        digest = sha256_file(path)
    with _lock:
        _seen[key] = digest
        _pending.pop(key, None)
    return digest


def hash_later(paths: list[Path]) -> None:
    """Start hashing, in one background thread, every file not hashed yet (each inode once);
    file_sha256 waits for a file's digest when it gets there first."""
    global _pool
    for p in paths:
        key = _key(p)
        with _lock:
            if key in _seen or key in _pending:
                continue
            if _pool is None:
                _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="powerlist-sha256")
            _pending[key] = _pool.submit(sha256_file, p)


def hash_all(paths: list[Path]) -> None:
    """Hash every file not hashed yet, each inode once, on every core (files.sha256_files: at
    province scale SHA256SUMS reads gigabytes)."""
    todo: dict[tuple, Path] = {}
    for p in paths:
        key = _key(p)
        if key not in _seen and key not in _pending:
            todo.setdefault(key, p)
    keys, paths = list(todo), list(todo.values())
    digests = sha256_files(paths, [key[2] for key in keys])  # the key holds the size
    with _lock:
        _seen.update(zip(keys, digests))


def forget() -> None:
    """Drop the memo and stop the background thread (publish calls it when it starts and ends:
    inodes are reused once files go)."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
        for future in _pending.values():
            future.cancel()
        _pending.clear()
        _seen.clear()
    if pool is not None:
        pool.shutdown(wait=True)


def published_files(out: Path) -> list[tuple[str, os.DirEntry]]:
    """Every file under out as (its path from out, with /; its directory entry), in that path's
    order: os.scandir, where Path.rglob would build a Path and stat it again per file (a
    province's output has ~180,000 files)."""
    found: list[tuple[str, os.DirEntry]] = []
    folders = [("", str(out))]
    while folders:
        prefix, folder = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append((prefix + entry.name + "/", entry.path))
                elif entry.is_file():
                    found.append((prefix + entry.name, entry))
    found.sort(key=lambda f: f[0])
    return found


def write_sha256sums(out: Path) -> tuple[int, int]:
    """SHA256SUMS over every other file under out; returns how many files out holds and their
    size (counted per path), SHA256SUMS included."""
    files = [(name, entry) for name, entry in published_files(out) if name != NAME]
    stats = [entry.stat() for _name, entry in files]
    with _lock:
        todo = [Path(entry.path) for (_n, entry), st in zip(files, stats)
                if _stat_key(st) not in _seen and _stat_key(st) not in _pending]
    hash_all(todo)
    path = out / NAME
    lines = [f"{_digest(Path(entry.path), _stat_key(st))}  {name}\n" for (name, entry), st in zip(files, stats)]
    path.write_text("".join(lines), encoding="utf-8")
    return len(files) + 1, sum(st.st_size for st in stats) + path.stat().st_size
