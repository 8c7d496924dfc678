"""One item across every release (release order) and the working state, with each step's changes."""

from __future__ import annotations

import json
from pathlib import Path

from ..compiled import open_compiled
from ..errors import PowerlistError
from ..package import WORKING, open_target, release_tags
from .report import diff_packages


def release_order(root: Path) -> list[str]:
    """Tags ordered by their release date, then by tag."""
    def date_of(tag: str) -> str:
        try:
            return json.loads((root / "releases" / tag / "release.json").read_text(encoding="utf-8")).get("date") or ""
        except (OSError, ValueError):
            return ""
    return sorted(release_tags(root), key=lambda t: (date_of(t), t))


def _version(root: Path, target: str, item_id: str) -> dict:
    pkg = open_target(root, target)
    con = open_compiled(pkg, root)
    try:
        row = con.execute("SELECT list_id, seq, name FROM items WHERE item_id = ?", [item_id]).fetchone()
    finally:
        con.close()
    date = None
    manifest = pkg.path / "release.json"
    if manifest.is_file():
        date = json.loads(manifest.read_text(encoding="utf-8")).get("date")
    v = {"target": target, "date": date, "present": row is not None, "list_id": None, "seq": None, "name": None}
    if row:
        v["list_id"], v["seq"], v["name"] = row
    return v


def item_history(root: Path, item_id: str, with_law_text: bool = False) -> dict:
    """Every version of an item and what changed at each step; with_law_text adds, to each
    citation change, the official text of the article each side cites."""
    root = Path(root)
    targets = [*release_order(root), WORKING]
    versions = [_version(root, t, item_id) for t in targets]
    if not any(v["present"] for v in versions):
        raise PowerlistError(f"unknown item {item_id!r}: not in any release ({', '.join(targets[:-1]) or 'none'}) "
                             "nor in the working state")
    prev = None
    for v in versions:
        v["changes"] = None
        if prev is not None:
            result = diff_packages(root, prev, v["target"], item_ids=[item_id])
            if with_law_text:
                from ..laws.law_text import attach_law_texts
                attach_law_texts(root, result, prev, v["target"])
            v["changes"] = result["changes"]
            v["summary"] = result["summary"]
        prev = v["target"]
    return {"item_id": item_id, "versions": versions}
