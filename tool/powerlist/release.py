"""Freeze the working state as releases/TAG, and verify that releases were never edited."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path

from . import __version__
from .descriptor import build_descriptor
from .errors import PowerlistError
from .package import DESCRIPTOR, Package, sha256_file, shown_path, staged_dir
from .validate import validate_package

TAG = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")
MANIFEST = "release.json"


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
    """
    if not TAG.match(tag) or tag == "working":
        raise PowerlistError(f"invalid release tag {tag!r}: use letters, digits, '.', '_' or '-' (not 'working')")
    final = root / "releases" / tag
    git = in_git_checkout(root)
    if final.exists():
        raise PowerlistError(f"release {tag} already exists in releases/{tag}; releases are never overwritten")
    if git and _git(root, "rev-parse", "-q", "--verify", f"refs/tags/{git_tag_name(tag)}").returncode == 0:
        raise PowerlistError(f"git tag {git_tag_name(tag)} already exists; releases are never overwritten")
    on = on or Date.today().isoformat()
    try:
        Date.fromisoformat(on)
    except ValueError:
        raise PowerlistError(f"invalid release date {on!r}: expected YYYY-MM-DD") from None

    working = Package(root, "working")
    result = validate_package(working)
    if not result.valid:
        first = result.findings[0]
        raise PowerlistError(
            f"the working state is invalid ({len(result.findings)} findings; first: {first.table} "
            f"row {first.row}: {first.message}); run `powerlist validate`"
        )
    lists = working.read_table("lists")
    with staged_dir(final) as tmp:
        shutil.copytree(root / "tables", tmp / "tables", ignore=shutil.ignore_patterns(".*"))
        shutil.copytree(root / "schemas", tmp / "schemas")
        for l in lists:
            dest = tmp / l["source_file"]
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / l["source_file"], dest)
        descriptor = build_descriptor(tmp, working.descriptor, version=tag, created=f"{on}T00:00:00Z")
        (tmp / DESCRIPTOR).write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        manifest = {
            "tag": tag,
            "date": on,
            "powerlist_version": __version__,
            "sources": [{"list_id": l["list_id"], "path": l["source_file"], "sha256": l["source_sha256"]}
                        for l in lists],
            "files": {p.relative_to(tmp).as_posix(): sha256_file(p)
                      for p in sorted(tmp.rglob("*")) if p.is_file()},
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if git:
        _tag_in_git(root, tag)
    return manifest


def _tag_in_git(root: Path, tag: str) -> None:
    """Commit the released state (the new release folder with the working state and sources it was
    made from) and tag that commit; a git failure leaves the release in place and says so."""
    paths = [p for p in (f"releases/{tag}", "tables", "schemas", "sources", "datapackage.json")
             if (root / p).exists()]
    steps = [("add", "--", *paths), ("commit", "-q", "-m", f"Release {tag}", "--", *paths),
             ("tag", "-a", git_tag_name(tag), "-m", f"powerlist release {tag}")]
    for args in steps:
        done = _git(root, *args)
        if done.returncode != 0:
            raise PowerlistError(
                f"release {tag} written to releases/{tag}, but `git {args[0]}` failed: "
                f"{(done.stderr.strip().splitlines() or [''])[-1]}"
            )


@dataclass
class VerifyResult:
    tag: str
    ok: bool
    problems: list[str] = field(default_factory=list)


def verify_release(root: Path, tag: str) -> VerifyResult:
    folder = root / "releases" / tag
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise PowerlistError(f"release {tag}: {manifest_path} is missing; not a release folder")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        files = manifest["files"]
        if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
            raise ValueError("'files' is not a mapping of paths to SHA-256 sums")
    except (ValueError, KeyError, TypeError) as exc:
        detail = " ".join(str(exc).split())
        raise PowerlistError(f"release {tag}: {shown_path(manifest_path)} is not a valid manifest ({detail})") from None
    problems = []
    for rel, digest in files.items():
        path = folder / rel
        if not path.is_file():
            problems.append(f"{rel}: missing")
        elif sha256_file(path) != digest:
            problems.append(f"{rel}: changed (SHA-256 differs from {MANIFEST})")
    listed = set(files) | {MANIFEST}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.relative_to(folder).as_posix() not in listed:
            problems.append(f"{path.relative_to(folder).as_posix()}: not in {MANIFEST}")
    return VerifyResult(tag, not problems, problems)


@dataclass
class ResetReport:
    tag: str
    tables: list[str]                                     # tables taken from the release
    removed_sources: list[str] = field(default_factory=list)  # working copies no list names any more


def reset_working(root: Path) -> ResetReport:
    """Return the working state to the latest release in one step: its tables (those the release
    lacks, such as the law reference tables, stay as they are), the descriptor, and sources/working/
    without the document copies that no list of the release names (releases keep their own)."""
    from .descriptor import write_descriptor
    from .diff.history import release_order
    from .package import open_target, write_tables
    from .schema import TABLES

    order = release_order(root)
    if not order:
        raise PowerlistError(f"no release in {root / 'releases'} to reset the working state to")
    tag = order[-1]
    rel, working = open_target(root, tag), Package(root, "working")
    taken = [name for name in TABLES if rel.has_table(name)]
    tables = {name: (rel if name in taken else working).read_table(name) for name in TABLES}
    named = {l.get("source_file") for l in tables["lists"]}
    # A release made before citations carried law ids derives them at read time; working stores them.
    from .laws.resolve import resolve_law_ids
    resolve_law_ids(tables, {i["item_id"] for i in tables["items"]})
    write_tables(root, tables)
    write_descriptor(root)
    report = ResetReport(tag, taken)
    folder = root / "sources" / "working"
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        rel_path = path.relative_to(root).as_posix()
        if path.is_file() and rel_path not in named:
            path.unlink()
            report.removed_sources.append(rel_path)
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
    return report
