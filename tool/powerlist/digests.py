"""SHA-256 of each table file of a package, without re-reading files that did not change.

A release's digests are its manifest's (release.json records every file's SHA-256; `verify`
checks them). For the working state or any other folder they are computed once per file state
and remembered in <root>/.powerlist-cache/sha256.json by path, size, mtime and inode, so after a
one-list ingest only that list's files are read again.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .compiled import cache_dir
from .storage import paths_of
from .files import sha256_file, write_file
from .package import Package

MEMO = "sha256.json"


def table_digests(pkg: Package, root: Path) -> dict[str, str]:
    """{path inside the package: SHA-256} for every file of every table resource."""
    rels = [p for res in pkg.descriptor["resources"] for p in paths_of(res)]
    manifest = pkg.path / "release.json"
    if manifest.is_file():
        files = json.loads(manifest.read_text(encoding="utf-8")).get("files", {})
        if all(r in files for r in rels):
            return {r: files[r] for r in rels}
    memo_path = cache_dir(root) / MEMO
    memo = _load(memo_path)
    out, changed = {}, False
    base = str(pkg.path.resolve())
    for rel in rels:
        key = f"{base}/{rel}"
        try:
            st = os.stat(key)
        except FileNotFoundError:
            continue
        state = [st.st_size, st.st_mtime_ns, st.st_ino]
        known = memo.get(key)
        if known and known[:3] == state:
            out[rel] = known[3]
        else:
            out[rel] = sha256_file(Path(key))
            memo[key] = [*state, out[rel]]
            changed = True
    if changed:
        _save(memo_path, memo)
    return out


def remember_written(root: Path, written: dict[str, bytes]) -> None:
    """Record the digests of files just written (their bytes are at hand), so the next diff or
    release does not read them again: after a one-list ingest nothing is re-read at all."""
    import hashlib

    memo_path = cache_dir(root) / MEMO
    memo = _load(memo_path)
    base = str(root.resolve())
    for rel, data in written.items():
        key = f"{base}/{rel}"
        try:
            st = os.stat(key)
        except FileNotFoundError:
            continue
        memo[key] = [st.st_size, st.st_mtime_ns, st.st_ino, hashlib.sha256(data).hexdigest()]
    _save(memo_path, memo)


def _load(memo_path: Path) -> dict:
    try:
        return json.loads(memo_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _save(memo_path: Path, memo: dict) -> None:
    write_file(memo_path, json.dumps(memo))


def differing_lists(src: Package, dst: Package, root: Path) -> tuple[set[str], set[str]] | None:
    """(lists whose per-list files differ between the two packages, every list either holds), or
    None when a partitioned table is stored in one file on either side (nothing to skip by)."""
    from .storage import PARTITIONED, list_of_part

    for pkg in (src, dst):
        if not all(pkg.partitioned(t) for t in PARTITIONED if pkg.has_table(t)):
            return None
    a, b = table_digests(src, root), table_digests(dst, root)
    parts = {r for r in a.keys() | b.keys() if list_of_part(r)}
    every = {list_of_part(r) for r in parts}
    return {list_of_part(r) for r in parts if a.get(r) != b.get(r)}, every
