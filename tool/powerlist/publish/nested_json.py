"""One JSON document per list: the release, the list, then its items with their children nested.

Compact JSON (no indentation: a province's documents are a third smaller and written faster). The
document is the release's two fields followed by the list's content, so a later release holding
the same list content (ListPass's key) writes its own two fields before the earlier file's rest."""

from __future__ import annotations

import orjson
from pathlib import Path

from .release_data import ReleaseData

CHILDREN = ["steps", "accountability", "exemptions", "bases"]


def list_document(rel: ReleaseData, view) -> dict:
    items = []
    for item in view.items:
        kids = view.children[item["item_id"]]
        items.append({**item, **{t: kids.get(t, []) for t in CHILDREN}})
    return {"release": rel.tag, "release_date": rel.date, "list": view.list, "items": items}


def json_path(folder: Path, list_id: str) -> Path:
    return folder / "json" / f"{list_id}.json"


def _release_fields(rel: ReleaseData) -> bytes:
    """The document's opening up to the list: {"release":…,"release_date":…,"""
    return orjson.dumps({"release": rel.tag, "release_date": rel.date})[:-1] + b","


def write_list_json(rel: ReleaseData, view, folder: Path) -> tuple[Path, int]:
    """folder/json/<list_id>.json for one list (view: its render.ListView); returns the path and
    where the release-independent rest of the document starts in it."""
    path = json_path(folder, view.list["list_id"])
    path.parent.mkdir(parents=True, exist_ok=True)
    data = orjson.dumps(list_document(rel, view)) + b"\n"
    head = _release_fields(rel)
    assert data.startswith(head)  # orjson keeps the keys' order
    path.write_bytes(data)
    return path, len(head)


def repeat_list_json(rel: ReleaseData, list_id: str, made: tuple[Path, int], folder: Path) -> tuple[Path, int]:
    """The document of a list whose content an earlier release's document `made` holds."""
    earlier, start = made
    with open(earlier, "rb") as fh:
        fh.seek(start)
        rest = fh.read()
    head = _release_fields(rel)
    path = json_path(folder, list_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(head + rest)
    return path, len(head)
