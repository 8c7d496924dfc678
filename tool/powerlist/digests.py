"""SHA-256 of each table file of a package, without re-reading files that did not change.

A release's digests are its manifest's (release.json records every file's SHA-256; `verify`
checks them). For the working state or any other folder they are computed once per file state
and remembered in <root>/.powerlist-cache/sha256.log by path, size, mtime, ctime and inode, so
after a one-list ingest only that list's files are read again. The ctime is there because it
cannot be set back: an edit in place that keeps the size and restores the mtime (`touch -r`)
still changes it, and `release` links files from the newest release by these digests.

The memo is a log: each line records one file state (`size mtime_ns ctime_ns inode sha256
path`), a later line for the same path wins. Recording the few files an ingest wrote appends their lines instead
of rewriting a record of every file (25,000 at province scale); the log is rewritten whole only
when it holds more than twice the lines it has paths. A line cut short by a kill is skipped.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from .compiled import cache_dir
from .storage import paths_of
from .files import file_mode, sha256_file, write_file
from .package import Package

MEMO = "sha256.log"
_HEAD = re.compile(r"\d+ \d+ \d+ [0-9a-f]{64}")  # a record before its path


def table_digests(pkg: Package, root: Path) -> dict[str, str]:
    """{path inside the package: SHA-256} for every file of every table resource."""
    return table_digests_checked(pkg, root)[0]


def table_digests_checked(pkg: Package, root: Path) -> tuple[dict[str, str], bool]:
    """(table_digests, whether each file was found on disk just now): a release's digests come
    from its manifest without looking at the files; other folders' from file_digests, which
    stats every file (and hashes, so it is a file, each one it has no record of)."""
    from .manifest import MANIFEST, read_manifest

    rels = [p for res in pkg.descriptor["resources"] for p in paths_of(res)]
    if (pkg.path / MANIFEST).is_file():
        files = read_manifest(pkg.path, pkg.label, shared=True)["files"]
        if all(r in files for r in rels):
            return {r: files[r] for r in rels}, False
    return file_digests(root, pkg.path, rels), True


def file_digests(root: Path, folder: Path, rels) -> dict[str, str]:
    """{rel: SHA-256} of the files folder/rel that exist, hashing only those the memo of `root`
    has no record of in their present state (size, mtime, ctime, inode).

    A record an earlier version wrote (no ctime) is taken when its size, mtime and inode match,
    as that version took it, and recorded again with the file's ctime, so an upgrade hashes
    nothing and every later edit is seen."""
    memo_path = cache_dir(root) / MEMO
    memo, lines = _load(memo_path)
    out, new = {}, {}
    base = os.path.join(str(folder.resolve()), "")
    for rel in rels:
        key = base + rel
        try:
            st = os.stat(key)
        except FileNotFoundError:
            continue
        head = memo.get(key)
        state = _state(st)
        if head is not None and head[:-65] == state and _digest(head):
            out[rel] = head[-64:]
        elif head is not None and head[:-65] == f"{st.st_size} {st.st_mtime_ns} {st.st_ino}" and _digest(head):
            out[rel] = head[-64:]
            new[key] = f"{state} {out[rel]}"
        else:
            out[rel] = sha256_file(Path(key))
            new[key] = f"{state} {out[rel]}"
    _record(memo_path, memo, lines, new)
    return out


def remember_written(root: Path, written: dict[str, bytes]) -> None:
    """Record the digests of files just written (their bytes are at hand), so the next diff or
    release does not read them again: after a one-list ingest nothing is re-read at all."""
    memo_path = cache_dir(root) / MEMO
    base = os.path.join(str(root.resolve()), "")
    new = {}
    for rel, data in written.items():
        key = base + rel
        try:
            st = os.stat(key)
        except FileNotFoundError:
            continue
        if isinstance(data, str):
            data = data.encode("utf-8")
        digest = hashlib.sha256(data).hexdigest() if isinstance(data, bytes) else sha256_file(Path(key))
        new[key] = f"{_state(st)} {digest}"
    _record(memo_path, None, 0, new)


def remember_digests(root: Path, folder: Path, digests: dict[str, str]) -> None:
    """Record digests of files of `folder` computed elsewhere (a release hashes the copies it
    makes of working files), keyed by each file's present state like any other record."""
    base = os.path.join(str(folder.resolve()), "")
    new = {}
    for rel, digest in digests.items():
        try:
            st = os.stat(base + rel)
        except FileNotFoundError:
            continue
        new[base + rel] = f"{_state(st)} {digest}"
    _record(cache_dir(root) / MEMO, None, 0, new)


def _state(st: os.stat_result) -> str:
    """A file state as the memo spells it before the digest."""
    return f"{st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} {st.st_ino}"


def _load(memo_path: Path) -> tuple[dict[str, str], int | None]:
    """({path: "size mtime_ns ctime_ns inode sha256"}, lines read; None: read from the legacy memo).

    A record's fields are compared as the text they are (file_digests spells a file's state the
    same way), so reading the memo parses no numbers: at province scale it holds tens of
    thousands of lines and a read is on the path of every diff and validate. A line is taken
    when it has a path (` /`); a line a kill cut short before its path is skipped, and a record
    is used only when its state is the file's and it ends in a SHA-256 (file_digests)."""
    memo, lines = {}, 0
    try:
        with open(memo_path, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
    except FileNotFoundError:
        memo = _legacy(memo_path.parent / "sha256.json")
        return memo, (None if memo else 0)   # the log is written whole on its first record
    except OSError:
        return memo, lines
    for line in text.split("\n"):
        head, sep, path = line.partition(" /")   # digits and hex hold no "/": the path starts here
        if sep:
            memo["/" + path] = head
    return memo, text.count("\n")


def _digest(head: str) -> bool:
    """Whether a record whose state matched ends in a SHA-256 (64 characters after one space;
    only this module writes records, whole lines at a time, so they are hex)."""
    return head[-65] == " "


def _legacy(path: Path) -> dict[str, str]:
    """The records an earlier version kept as one JSON object ({path: [size, mtime_ns, inode,
    sha256]}): read while there is no log yet, so an upgrade does not hash every file again."""
    import json
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(old, dict):
        return {}
    out = {}
    for k, v in old.items():
        if isinstance(v, list) and len(v) == 4 and isinstance(v[3], str) and "\n" not in k:
            head = " ".join(str(x) for x in v)
            if _HEAD.fullmatch(head):
                out[k] = head
    return out


def _spell(key: str, rec: str) -> str:
    return f"{rec} {key}\n"


def _record(memo_path: Path, memo: dict | None, lines: int | None, new: dict[str, str]) -> None:
    """Append the records `new` to the log, or rewrite it with only the latest records when
    appending would leave more than twice as many lines as paths (`memo`: the log as read, if
    it was). A memo that cannot be written is only a cache: the files are hashed next time."""
    new = {k: r for k, r in new.items() if "\n" not in k}
    if not new:
        return
    try:
        if memo is not None and (lines is None or lines + len(new) > 2 * len(memo | new) + 1000):
            write_file(memo_path, "".join(_spell(k, r) for k, r in (memo | new).items()))
            return
        memo_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(memo_path, os.O_RDWR | os.O_APPEND | os.O_CREAT, file_mode())
        try:
            # one write: two runs appending at once do not interleave within a line, and a line
            # that a kill cut short is ended first so it cannot swallow the next record
            size = os.fstat(fd).st_size
            torn = size > 0 and os.pread(fd, 1, size - 1) != b"\n"
            os.write(fd, ("\n" if torn else "").encode() + "".join(_spell(k, r) for k, r in new.items()).encode("utf-8"))
        finally:
            os.close(fd)
    except OSError:
        pass


def differing_lists(src: Package, dst: Package, root: Path) -> tuple[set[str], set[str]] | None:
    """(lists whose per-list files differ between the two packages, every list either holds), or
    None when a partitioned table is stored in one file on either side (nothing to skip by)."""
    from .storage import PARTITIONED

    for pkg in (src, dst):
        if not all(pkg.partitioned(t) for t in PARTITIONED if pkg.has_table(t)):
            return None
    a, b = table_digests(src, root), table_digests(dst, root)
    parts = _lists_of_parts(a.keys() | b.keys())
    return {lid for rel, lid in parts.items() if a.get(rel) != b.get(rel)}, set(parts.values())


def _lists_of_parts(rels) -> dict[str, str]:
    """{rel: list id} of the per-list files among rels (storage.list_of_part, spelled out with
    string operations: a province-scale pair of packages names 50,000 files)."""
    from .storage import PARTITIONED

    out = {}
    for rel in rels:
        if rel.startswith("tables/") and rel.endswith(".csv"):
            table, _, lid = rel[7:-4].partition("/")
            if lid and table in PARTITIONED and "/" not in lid:
                out[rel] = lid
    return out
