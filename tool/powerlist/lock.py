"""The package lock: writers one at a time and alone, readers together, leftovers of killed runs repaired.

One lock file in the package root (`.powerlist.lock`, ignored by git) locked with flock(2):
commands that change the package (ingest, release, cache-clear …) hold it exclusively, commands
that read hold it shared. Whoever cannot get it waits up to POWERLIST_LOCK_TIMEOUT seconds
(default 30), then fails with one line. flock locks belong to the open file, so a killed process
never leaves a stale lock behind.

Whoever takes the lock first repairs what a killed run left (an unfinished commit in
`.powerlist-txn/`, a half-made release in `releases/.TAG.staging-*`), under the exclusive lock,
and gets one notice line per repair.

In one process the lock is re-entrant: the CLI takes it shared for the whole command, a writer
inside raises it to exclusive for its own span and lowers it again afterwards.
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from .errors import PowerlistError, shown_path
from .files import TXN_DIR, file_mode, recover, recover_staged

LOCK_FILE = ".powerlist.lock"
DEFAULT_TIMEOUT = 30.0


class BusyError(PowerlistError):
    """Another powerlist command held the package lock for longer than the timeout."""


@dataclass
class _Held:
    fd: int
    exclusive: bool
    depth: int = 0
    stack: list[bool] = field(default_factory=list)


_held: dict[Path, _Held] = {}


def timeout() -> float:
    raw = os.environ.get("POWERLIST_LOCK_TIMEOUT")
    try:
        return float(raw) if raw else DEFAULT_TIMEOUT
    except ValueError:
        raise PowerlistError(f"POWERLIST_LOCK_TIMEOUT={raw!r} is not a number of seconds") from None


def _flock(fd: int, exclusive: bool, path: Path) -> None:
    mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    wait = timeout()
    deadline = time.monotonic() + wait
    delay = 0.01
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise BusyError(
                    f"the package is busy: another powerlist command holds {shown_path(path)} "
                    f"({'writing' if not exclusive else 'reading or writing'}); waited {wait:g} s "
                    "(POWERLIST_LOCK_TIMEOUT); try again when it has finished") from None
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


def leftovers(root: Path) -> bool:
    """Whether a killed run left something the next command must repair."""
    if (root / TXN_DIR).exists():
        return True
    releases = root / "releases"
    if releases.is_dir() and any(p.name.startswith(".") and ".staging-" in p.name for p in releases.iterdir()):
        return True
    return any(root.glob(".tables.old-*")) or any(root.glob(".tables.staging-*"))


def repair(root: Path) -> list[str]:
    """Repair leftovers of killed runs; call under the exclusive lock. One notice per repair."""
    notes = recover(root)
    # Older versions replaced tables/ by two renames; a kill between them left tables/ aside.
    notes += recover_staged(root / "tables")
    releases = root / "releases"
    if releases.is_dir():
        for p in sorted(releases.iterdir()):
            if p.name.startswith(".") and ".staging-" in p.name:
                notes += recover_staged(releases / p.name.split(".staging-")[0][1:])
    return [f"powerlist: {n}" for n in notes]


def acquire(root: Path, exclusive: bool) -> list[str]:
    """Take (or raise to exclusive) the lock of the package at root; returns repair notices."""
    root = Path(root).resolve()
    path = root / LOCK_FILE
    held = _held.get(root)
    if held is None:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, file_mode())
        except OSError as exc:
            if exclusive:
                raise PowerlistError(f"cannot write in the package: {shown_path(path)}: {exc.strerror}") from None
            return []  # a read-only copy (no one can write it either): read unlocked
        held = _Held(fd, exclusive)
        try:
            _flock(fd, exclusive, path)
        except BaseException:
            os.close(fd)
            raise
        _held[root] = held
    elif exclusive and not held.exclusive:
        _flock(held.fd, True, path)  # flock converts the shared lock
        held.exclusive = True
    notes: list[str] = []
    if leftovers(root):
        if not held.exclusive:
            _flock(held.fd, True, path)
        notes = repair(root)
        if not held.exclusive:
            _flock(held.fd, False, path)
    return notes


def release_all() -> None:
    """Drop every lock this process holds (at the end of a command)."""
    for root, held in list(_held.items()):
        os.close(held.fd)  # closing the file releases its flock
        del _held[root]


@contextmanager
def locked(root: Path, exclusive: bool = True) -> Iterator[list[str]]:
    """Hold the package lock for a block (yields repair notices); re-entrant in one process.

    A block that raised the lock to exclusive lowers it back to shared when it ends, so a reading
    command that wrote something (the CLI holds a shared lock throughout) lets others read again.
    """
    root = Path(root).resolve()
    before = _held.get(root)
    was = None if before is None else before.exclusive
    notes = acquire(root, exclusive)
    held = _held[root]
    held.depth += 1
    try:
        yield notes
    finally:
        held.depth -= 1
        if was is None and held.depth == 0:
            os.close(held.fd)
            del _held[root]
        elif was is False and held.exclusive:
            fcntl.flock(held.fd, fcntl.LOCK_SH)  # lowering never waits
            held.exclusive = False


@contextmanager
def output_locked(final: Path) -> Iterator[None]:
    """Hold the lock of an output folder that a command replaces whole (publish --out): two
    commands writing one folder at once would each take the other's staging folder for a killed
    run's leftover and remove it. The lock is the folder's parent's own (flock on the directory:
    no file is left beside the output), so outputs sharing a parent are written one at a time.
    Waits like the package lock."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(final.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        try:
            _flock(fd, True, final.parent)
        except BusyError:
            raise BusyError(f"another publish is writing in {final.parent}: waited {timeout():g} s (POWERLIST_LOCK_TIMEOUT); "
                            "try again when it has finished") from None
        yield
    finally:
        os.close(fd)
