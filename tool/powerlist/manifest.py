"""release.json: every file of a release with its size and SHA-256, checked before a release is read.

`verify_release` hashes everything and lists each problem (the `verify` command). `check_release`
runs before any command reads a release (diff, sql, validate, show, render, history, publish …)
and refuses a release that does not match with one line naming the first bad file. It is cheap:
a file whose size, mtime, ctime and inode are those recorded when it last matched is not hashed
again. Those records live in .powerlist-cache/verified/, one file per release, outside releases/
(ctime cannot be set back by hand, so an edit that restores the mtime is still caught).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path

from .errors import PowerlistError, shown_path
from .files import sha256_file, sha256_files, write_file

MANIFEST = "release.json"
CACHE = Path(".powerlist-cache") / "verified"   # one record file per release folder
INDEX = Path(".powerlist-cache") / "manifest-index"


class ReleaseDamaged(PowerlistError):
    """A release's files do not match its release.json."""


@dataclass
class VerifyResult:
    tag: str
    ok: bool
    problems: list[str] = field(default_factory=list)


_READ: dict[tuple, dict] = {}


def read_manifest(folder: Path, label: str, shared: bool = False) -> dict:
    """The manifest of a release folder; one line naming the file when it is missing or malformed.

    shared=True: a caller that only reads it gets the one parsed this process already read
    while the file keeps its size, mtime, ctime and inode (a province-scale manifest is megabytes
    of JSON, and a diff reads it to check the release and again for its files' digests)."""
    path = folder / MANIFEST
    if not path.is_file():
        raise PowerlistError(f"release {label}: {path} is missing; not a release folder")
    if shared:
        key = (str(path.resolve()), *_stamp(path.stat()))
        if key not in _READ:
            if len(_READ) > 8:
                _READ.clear()
            _READ[key] = read_manifest(folder, label)
        return _READ[key]
    try:
        manifest = json.loads(path.read_bytes().decode("utf-8"))
        files = manifest["files"]
        if not isinstance(files, dict):
            raise ValueError("'files' is not a mapping of paths to SHA-256 sums")
        for rel, digest in files.items():  # one cheap pass: a per-list release names tens of thousands of files
            if not isinstance(rel, str) or not isinstance(digest, str):
                raise ValueError("'files' is not a mapping of paths to SHA-256 sums")
            if not rel or rel[0] == "/" or rel == MANIFEST or (".." in rel and ".." in rel.replace("\\", "/").split("/")):
                raise ValueError(f"file {rel!r} is not a path inside the release")
        if not isinstance(manifest.get("date"), str):
            raise ValueError("'date' is not a YYYY-MM-DD text")
        Date.fromisoformat(manifest["date"])
    except (ValueError, KeyError, TypeError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        detail = " ".join(str(exc).split())
        raise PowerlistError(f"release {label}: {shown_path(path)} is not a valid manifest ({detail})") from None
    return manifest


def _stamp(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _problems(folder: Path, files: dict[str, str], known: dict[str, list] | None) -> tuple[list[str], dict]:
    """(problems, records of the files that matched) — `known` records skip hashing unchanged files.

    Walks with os.stat/os.walk on strings: a release stored one file per list holds tens of
    thousands of files, and pathlib's per-path objects made this walk cost seconds.
    """
    matched = {}
    base = str(folder)
    found: dict[str, str | None] = {}  # rel → its problem, in manifest order; None: matched (or to hash)
    to_hash: list[tuple[str, str, list, int]] = []  # (rel, path, record, size) of files not known unchanged
    for rel, digest in sorted(files.items()):
        path = os.path.join(base, rel)
        try:
            st = os.lstat(path)  # a link is not followed: see _not_own
        except OSError:
            found[rel] = f"{rel}: missing"
            continue
        if not stat.S_ISREG(st.st_mode):
            found[rel] = _not_own(rel, st)
            continue
        record = [*_stamp(st), digest]
        found[rel] = None
        if known is not None and known.get(rel) == record:
            matched[rel] = record
        else:
            to_hash.append((rel, path, record, st.st_size))
    # On several threads: a release unseen by this cache (a new clone, a cleared cache) is hashed whole.
    digests = sha256_files([Path(p) for _, p, _, _ in to_hash], [size for *_, size in to_hash])
    for (rel, _, record, _), got in zip(to_hash, digests):
        if got == record[-1]:  # the manifest's digest
            matched[rel] = record
        else:
            found[rel] = f"{rel}: changed (SHA-256 differs from {MANIFEST})"
    problems = [p for p in found.values() if p is not None]
    listed = set(files) | {MANIFEST}
    extra = []
    for dirpath, dirnames, filenames in os.walk(base):
        here = os.path.relpath(dirpath, base)
        prefix = "" if here == "." else here.replace(os.sep, "/") + "/"
        # files and symlinks (a symlinked folder is listed, not entered), as rglob("*") saw them
        names = filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
        extra.extend(prefix + n for n in names if prefix + n not in listed)
    problems.extend(f"{rel}: not in {MANIFEST}" for rel in sorted(extra, key=lambda r: r.split("/")))
    return problems, matched


def _not_own(rel: str, st: os.stat_result) -> str:
    """Why a release's entry that is not a regular file is refused. A symbolic link is refused even
    when its target holds the listed bytes: a frozen release holds its own files (copies or hard
    links, which `release` makes), and a link's target (the working state's file, say) can change
    after this check without the release's folder changing at all."""
    return f"{rel}: a symbolic link (a release holds its own files)" if stat.S_ISLNK(st.st_mode) else f"{rel}: not a file"


def verify_release(root: Path, tag: str) -> VerifyResult:
    """Hash every file of releases/TAG against its manifest (no cache): the `verify` command."""
    folder = root / "releases" / tag
    manifest = read_manifest(folder, tag)
    problems, _ = _problems(folder, manifest["files"], None)
    return VerifyResult(tag, not problems, problems)


def check_release(root: Path, folder: Path, label: str) -> None:
    """Refuse (ReleaseDamaged, one line) a release folder whose files do not match its manifest."""
    manifest = read_manifest(folder, label, shared=True)
    manifest_stamp = _stamp((folder / MANIFEST).stat())
    entry = _load_records(root, folder)
    known = entry["files"] if entry and entry.get("manifest") == manifest_stamp else None
    problems, matched = _problems(folder, manifest["files"], known)
    if problems:
        raise _damaged(label, problems)
    if known != matched:
        _save_records(root, folder, manifest_stamp, matched)


def checked_file(root: Path, folder: Path, label: str, rel: str) -> Path | None:
    """The file `rel` of a release folder, hashed against its manifest alone; None when the
    manifest lists no such file; ReleaseDamaged (one line) when it is missing or differs.

    For a command that reads one list's file of each release (ingest's used item ids):
    check_release stats every file of the release, which at province scale costs far more
    than reading the one file; and the manifest's entries of the file's folder come from a
    small index (manifest_entries), not from parsing the whole manifest each time.
    """
    digest = manifest_entries(root, folder, label, rel.rpartition("/")[0] + "/").get(rel)
    if digest is None:
        return None
    path = folder / rel
    try:
        st = os.lstat(path)
    except OSError:
        raise _damaged(label, [f"{rel}: missing"]) from None
    if not stat.S_ISREG(st.st_mode):
        raise _damaged(label, [_not_own(rel, st)])
    if sha256_file(path) != digest:
        raise _damaged(label, [f"{rel}: changed (SHA-256 differs from {MANIFEST})"])
    return path


def manifest_entries(root: Path, folder: Path, label: str, prefix: str) -> dict[str, str]:
    """{path: SHA-256} of the manifest's files whose path starts with `prefix` (a folder
    ending in '/', or '' for the top), kept in .powerlist-cache/manifest-index/ per release
    and prefix and used while the manifest keeps its size, mtime, ctime and inode: a
    province-scale manifest is megabytes of JSON, and a release never changes."""
    stamp = _stamp((folder / MANIFEST).stat())
    key = f"{folder.resolve()}\0{prefix}"
    path = root / INDEX / f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}.json"
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
        if index["key"] == key and index["manifest"] == stamp and isinstance(index["files"], dict):
            return index["files"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    files = {rel: digest for rel, digest in read_manifest(folder, label)["files"].items()
             if rel.startswith(prefix) and "/" not in rel[len(prefix):]}
    try:
        write_file(path, json.dumps({"key": key, "manifest": stamp, "files": files}, ensure_ascii=False))
    except OSError:
        pass  # a read-only package parses the manifest every time
    return files


def _damaged(label: str, problems: list[str]) -> ReleaseDamaged:
    more = f" and {len(problems) - 1} more" if len(problems) > 1 else ""
    return ReleaseDamaged(
        f"release {label} does not match its {MANIFEST}: {problems[0]}{more}; refusing to read it "
        f"(`powerlist verify {label}` lists every difference)")


def note_release_written(root: Path, folder: Path, manifest: dict, hashed: set[str], linked: set[str],
                         linked_from: Path | None) -> None:
    """Record, for check_release, the files of a release just written (`manifest`, its
    release.json): those in `hashed` were hashed from the written bytes for its manifest; those
    in `linked` are hard links to files of the release `linked_from`, whose change time the link
    moved (a link count is inode metadata). A linked file counts as verified only if it was
    verified before with the same size, mtime and inode; its earlier release's record gets the
    new change time too, so neither release is hashed again on its next read because of the link."""
    prev_entry = _load_records(root, linked_from) if linked_from else None
    prev_known = prev_entry["files"] if prev_entry else {}
    records = {}
    base = str(folder)
    for rel, digest in manifest["files"].items():
        rec = [*_stamp(os.stat(f"{base}/{rel}")), digest]
        if rel in hashed:
            records[rel] = rec
        elif rel in linked:
            old = prev_known.get(rel)
            if old and len(old) == 5 and [old[0], old[1], old[3], old[4]] == [rec[0], rec[1], rec[3], rec[4]]:
                records[rel] = rec
                prev_known[rel] = rec
    _save_records(root, folder, _stamp((folder / MANIFEST).stat()), records)
    if prev_entry:
        _save_records(root, linked_from, prev_entry["manifest"], prev_known)


def verified_records(root: Path, folder: Path) -> dict[str, list]:
    """check_release's records of a release folder's files ({rel: [size, mtime, ctime, inode,
    sha256]}), for intact_file; empty when there are none."""
    entry = _load_records(root, folder)
    return entry["files"] if entry else {}


def intact_file(folder: Path, rel: str, digest: str, records: dict[str, list]) -> bool:
    """Whether the release folder's file `rel` holds the bytes of `digest`: by its record
    (verified_records) when the file's size, mtime, ctime and inode are still the recorded
    ones, else by hashing it. A release links an earlier release's file only if it is intact:
    a damaged file must not be carried into a new release."""
    path = f"{folder}/{rel}"
    try:
        st = os.stat(path)
    except OSError:
        return False
    if records.get(rel) == [*_stamp(st), digest]:
        return True
    return stat.S_ISREG(st.st_mode) and sha256_file(Path(path)) == digest


def _records_path(root: Path, folder: Path) -> tuple[Path, str]:
    """(the file of a release folder's records, the folder as they name it): one file per
    release, so reading or updating one release's records never touches another's."""
    key = str(folder.resolve())
    return root / CACHE / f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}.json", key


def _load_records(root: Path, folder: Path) -> dict | None:
    """{"manifest": stamp of release.json, "files": {rel: [size, mtime, ctime, inode, sha256]}}
    as last recorded for the folder, or None."""
    path, key = _records_path(root, folder)
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        entry = _legacy_records(root).get(key)
    if isinstance(entry, dict) and entry.get("folder") == key and isinstance(entry.get("files"), dict):
        return entry
    return None


def _legacy_records(root: Path) -> dict:
    """The records an earlier version kept for every release in one file
    (.powerlist-cache/verified.json, {folder: entry}): read when a release has no record file
    yet, so the first command after an upgrade does not hash every release again."""
    try:
        cache = json.loads((root / ".powerlist-cache" / "verified.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: {**v, "folder": k} for k, v in cache.items() if isinstance(v, dict)} if isinstance(cache, dict) else {}


def _save_records(root: Path, folder: Path, manifest_stamp: list[int], files: dict) -> None:
    """Compact JSON: a cache, read by no one but check_release (json's indented writer took
    seconds for a province-scale release's every file)."""
    path, key = _records_path(root, folder)
    try:
        write_file(path, json.dumps({"folder": key, "manifest": manifest_stamp, "files": files},
                                    ensure_ascii=False, separators=(",", ":")))
    except OSError:
        pass  # a read-only package is checked in full every time
