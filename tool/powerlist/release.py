"""Freeze the working state as releases/TAG, and verify that releases were never edited."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path

from . import __version__
from .descriptor import build_descriptor
from .errors import PowerlistError
from .digests import file_digests, remember_digests
from .files import check_inside, fault, json_bytes, sha256_file, staged_dir, write_file
from .lock import locked
from .names import check_tag, schema_name
from .manifest import MANIFEST, intact_file, note_release_written, read_manifest, verified_records, verify_release
from .package import DESCRIPTOR, Package, release_tags
from .validate import validate_package



def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)


def in_git_checkout(root: Path) -> bool:
    try:
        top = _git(root, "rev-parse", "--show-toplevel")
    except FileNotFoundError:
        return False
    return top.returncode == 0 and Path(top.stdout.strip()).resolve() == root.resolve()


def git_tag_name(tag: str) -> str:
    return f"release/{tag}"


def create_release(root: Path, tag: str, on: str | None = None) -> dict:
    """Write releases/TAG atomically: tables, schemas, sources, datapackage.json, release.json.

    Refuses a malformed or existing tag and an invalid working state. Returns the manifest.
    When releases/TAG exists, verifies and lacks only its git commit or tag (a run killed or
    stopped by git after the folder was written), finishes those instead.
    """
    check_tag(tag)
    with locked(root, exclusive=True):
        return _create_release(root, tag, on)


def _create_release(root: Path, tag: str, on: str | None) -> dict:
    final = root / "releases" / tag
    for other in release_tags(root):
        if other != tag and schema_name(other) == schema_name(tag):
            raise PowerlistError(
                f"release tag {tag!r} would be queried as SQL schema {schema_name(tag)}, which release "
                f"{other} already has; choose another tag (e.g. with '-' or '.' spelled the same way)")
    git = in_git_checkout(root)
    if final.exists():
        if git and not _git_tagged(root, tag) and verify_release(root, tag).ok:
            _tag_in_git(root, tag, resumed=True)
            return json.loads((final / MANIFEST).read_text(encoding="utf-8"))
        raise PowerlistError(f"release {tag} already exists in releases/{tag}; releases are never overwritten")
    if git and _git_tagged(root, tag):
        raise PowerlistError(f"git tag {git_tag_name(tag)} already exists; releases are never overwritten")
    on = on or Date.today().isoformat()
    try:
        Date.fromisoformat(on)
    except ValueError:
        raise PowerlistError(f"invalid release date {on!r}: expected YYYY-MM-DD") from None

    working = Package(root, "working")
    result = validate_package(working, cache_root=root)
    if not result.valid:
        first = result.findings[0]
        raise PowerlistError(
            f"the working state is invalid ({len(result.findings)} findings; first: {first.table} "
            f"row {first.row}: {first.message}); run `powerlist validate`"
        )
    lists = working.read_table("lists")
    tags = release_tags(root)
    prev = root / "releases" / tags[-1] if tags else None
    # The documents the lists come from, and the files reference tables are derived from
    # (the official law texts behind law_articles): a release stays self-contained. Each is
    # copied to the same path inside the release, so a path leaving the package would be read
    # from outside it and written outside the release.
    dirs: dict = {}
    for l in lists:
        what = f"lists.csv: list {l['list_id']}: source_file"
        check_inside(root, l["source_file"], what, dirs)
        if not (root / l["source_file"]).is_file():
            raise PowerlistError(f"{what} {l['source_file']!r} is not there")
    derived_from = []
    for r in working.descriptor.get("resources", []):
        for s in r.get("sources", []):
            if s.get("path"):
                check_inside(root, s["path"], f"{DESCRIPTOR}: resource {r.get('name')!r}: source", dirs)
                if (root / s["path"]).is_file():
                    derived_from.append(s["path"])
    with staged_dir(final) as tmp:
        placed = _Placed({}, set())
        tables = [*_files_under(root, "tables"), *_files_under(root, "schemas")]
        in_tables = set(tables)
        documents = [p for p in dict.fromkeys([*(l["source_file"] for l in lists), *derived_from]) if p not in in_tables]
        _place_files(root, tmp, prev, tables, placed, keep_stat=True)
        _place_files(root, tmp, prev, documents, placed, keep_stat=False)
        # The working files copied were hashed as copies: the memo learns them, so the next
        # release hashes only what changes after this one.
        remember_digests(root, root, {rel: placed.files[rel] for rel in placed.copied})
        descriptor = json_bytes(build_descriptor(tmp, working.descriptor, version=tag, created=f"{on}T00:00:00Z",
                                                 lists=lists))
        write_file(tmp / DESCRIPTOR, descriptor)
        placed.files[DESCRIPTOR] = hashlib.sha256(descriptor).hexdigest()
        manifest = {
            "tag": tag,
            "date": on,
            "powerlist_version": __version__,
            "sources": [{"list_id": l["list_id"], "path": l["source_file"], "sha256": l["source_sha256"]}
                        for l in lists],
            # in the order of path components (as pathlib sorts them: "/" before any character)
            "files": {rel: placed.files[rel] for rel in sorted(placed.files, key=lambda r: r.replace("/", "\0"))},
        }
        write_file(tmp / MANIFEST, json_bytes(manifest))
    note_release_written(root, final, manifest, set(manifest["files"]) - placed.linked, placed.linked, prev)
    if git:
        fault("release:before-git")
        _tag_in_git(root, tag)
    return manifest


def _files_under(root: Path, folder: str) -> list[str]:
    """Every file under root/folder as a relative path, leaving out names starting with '.'
    (editor and atomic-write leftovers), as the release has always copied them."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root / folder, followlinks=True):  # as copytree copied them
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        prefix = os.path.relpath(dirpath, root).replace(os.sep, "/") + "/"
        out.extend(prefix + f for f in sorted(filenames) if not f.startswith("."))
    return out


@dataclass
class _Placed:
    files: dict[str, str]                        # every file placed: relative path → SHA-256
    linked: set[str]                             # of those, the ones hard-linked from the previous release
    copied: set[str] = field(default_factory=set)   # and the ones copied from the working state


def _place_files(root: Path, tmp: Path, prev: Path | None, rels: list[str], placed: _Placed, keep_stat: bool) -> None:
    """Put each file root/rel into the release being built at tmp/rel: hard-linked from the
    newest release when that release holds a file of the same path and SHA-256 (table files,
    schemas and list documents unchanged since), else copied. Only changed files are written;
    digests of the working files come from the stat-keyed memo (digests.file_digests), so only
    files changed since they were last hashed are read.

    Each release folder stays complete on its own; its linked files are the earlier release's
    immutable files (checked intact first: its records say so, or its bytes are hashed), and
    `verify` checks them against this release's manifest like any other.
    A copy keeps the file's mode and times (keep_stat, as the table files always have been) or
    gets the user's umask (the documents).
    """
    prev_files = read_manifest(prev, prev.name)["files"] if prev else {}
    digests = file_digests(root, root, [r for r in rels if r in prev_files])
    records = verified_records(root, prev) if prev else {}
    made: set[str] = set()
    base, into, linked_from = str(root), str(tmp), str(prev) if prev else ""
    for rel in rels:
        src, dst = f"{base}/{rel}", f"{into}/{rel}"
        folder = dst.rpartition("/")[0]
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        digest = digests.get(rel)
        if digest and prev_files.get(rel) == digest and intact_file(prev, rel, digest, records):
            try:
                os.link(f"{linked_from}/{rel}", dst)
                placed.files[rel] = digest
                placed.linked.add(rel)
                continue
            except OSError:
                pass  # gone from the earlier release (its verify says so), or no hard links here: copy
        before = _state(src)
        (shutil.copy2 if keep_stat else shutil.copyfile)(src, dst)
        placed.files[rel] = sha256_file(Path(dst))
        if _state(src) == before:  # not changed while copied: the copy's digest is the file's
            placed.copied.add(rel)


def _state(path: str) -> tuple:
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


def _git_tagged(root: Path, tag: str) -> bool:
    return _git(root, "rev-parse", "-q", "--verify", f"refs/tags/{git_tag_name(tag)}").returncode == 0


def _tag_in_git(root: Path, tag: str, resumed: bool = False) -> None:
    """Commit the released state (the new release folder with the working state and sources it was
    made from) and tag that commit; a git failure leaves the release in place and says so.

    resumed: finishing a release whose folder was written earlier; only releases/TAG is committed
    (the working state may have moved on since) and the tag goes on the commit holding it.
    """
    names = (f"releases/{tag}",) if resumed else (f"releases/{tag}", "tables", "schemas", "sources", "datapackage.json")
    paths = [p for p in names if (root / p).exists()]
    run_git(root, tag, "add", "--", *paths)
    if _git(root, "diff", "--cached", "--quiet", "--", *paths).returncode != 0:
        run_git(root, tag, "commit", "-q", "-m", f"Release {tag}", "--", *paths)
    commit = _git(root, "log", "-n", "1", "--format=%H", "--", f"releases/{tag}").stdout.strip() or "HEAD"
    run_git(root, tag, "tag", "-a", git_tag_name(tag), "-m", f"powerlist release {tag}", commit)


def run_git(root: Path, tag: str, *args: str) -> None:
    done = _git(root, *args)
    if done.returncode == 0:
        return
    stderr = done.stderr.strip()
    again = f"run `powerlist release {tag}` again to commit and tag it"
    locked_index = re.search(r"'([^']*index\.lock)'", stderr)
    if locked_index:
        raise PowerlistError(
            f"release {tag} written to releases/{tag}, but git could not lock its index: "
            f"{locked_index.group(1)} exists (another git command is running, or one was killed: "
            f"remove that file if none is running); then {again}")
    raise PowerlistError(
        f"release {tag} written to releases/{tag}, but `git {args[0]}` failed: "
        f"{(stderr.splitlines() or [''])[-1]}; {again}")


@dataclass
class ResetReport:
    tag: str
    tables: list[str]                                          # tables taken from the release
    removed_sources: list[str] = field(default_factory=list)   # working copies no list names any more


def reset_working(root: Path) -> ResetReport:
    """Return the working state to the latest release in one step: its tables (those the release
    lacks, such as the law reference tables, stay as they are), the descriptor, and sources/working/
    without the document copies that no list of the release names (releases keep their own).
    One files.commit_state under the package's exclusive lock: all of it or nothing."""
    from .descriptor import descriptor_bytes
    from .diff.history import release_order
    from .digests import remember_written
    from .files import commit_state
    from .laws.resolve import resolve_law_ids
    from .storage import PARTITIONED, resource_path
    from .lock import locked
    from .package import open_target, table_writes
    from .schema import TABLES

    order = release_order(root)
    if not order:
        raise PowerlistError(f"no release in {root / 'releases'} to reset the working state to")
    tag = order[-1]
    with locked(root, exclusive=True):
        rel, working = open_target(root, tag), Package(root, "working")
        taken = [name for name in TABLES if rel.has_table(name)]
        tables = {name: (rel if name in taken else working).read_table(name) for name in TABLES}
        # A release made before citations carried law ids derives them at read time; working stores them.
        resolve_law_ids(tables, {i["item_id"] for i in tables["items"]})
        writes, deletes = table_writes(root, tables)
        ids = {l["list_id"] for l in tables["lists"]}
        writes[DESCRIPTOR] = descriptor_bytes(root, tables["lists"], {t: resource_path(t, ids) for t in PARTITIONED})
        named = {l.get("source_file") for l in tables["lists"]}
        folder = root / "sources" / "working"
        stale = [p.relative_to(root).as_posix() for p in sorted(folder.iterdir())
                 if p.is_file() and p.relative_to(root).as_posix() not in named] if folder.is_dir() else []
        commit_state(root, writes, [*deletes, *stale])
        remember_written(root, writes)
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
    return ResetReport(tag, taken, stale)
