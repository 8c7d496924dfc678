"""One JSON document per list: the release, the list, then its items with their children nested.

Compact JSON (no indentation: a province's documents are a third smaller and written faster). The
document is the release's two fields followed by the list's content, so a later release holding
the same list content (ListPass's key) writes its own two fields before the earlier file's rest.
Each item's object is the same bytes wherever the item stands (orjson writes compact JSON member
by member), so ListPass joins items made in earlier releases with the ones it makes."""

from __future__ import annotations

import orjson
from pathlib import Path

from .release_data import ReleaseData

CHILDREN = ["steps", "accountability", "exemptions", "bases"]


def item_object(item: dict, kids: dict[str, list[dict]]) -> dict:
    """An item with its children (ListView.children[item_id]) nested under each child table's name."""
    return {**item, **{t: kids.get(t, []) for t in CHILDREN}}


def list_document(rel: ReleaseData, view) -> dict:
    items = [item_object(item, view.children[item["item_id"]]) for item in view.items]
    return {"release": rel.tag, "release_date": rel.date, "list": view.list, "items": items}


def json_path(folder: Path, list_id: str) -> Path:
    return folder / "json" / f"{list_id}.json"


def _release_fields(rel: ReleaseData) -> bytes:
    """The document's opening up to the list: {"release":…,"release_date":…,"""
    return orjson.dumps({"release": rel.tag, "release_date": rel.date})[:-1] + b","


def write_list_json(rel: ReleaseData, lst: dict, items: list[bytes], folder: Path, writer) -> tuple[Path, int]:
    """folder/json/<list_id>.json for one list (lst: its lists row; items: each item's
    orjson.dumps(item_object(…)), in order); returns the path and where the release-independent
    rest of the document starts in it: list_document's bytes. writer: the site's PageWriter, which
    writes it by a thread (the caller waits for it before the file is read)."""
    path = json_path(folder, lst["list_id"])
    path.parent.mkdir(parents=True, exist_ok=True)
    head = _release_fields(rel)
    writer.put(str(path), b"".join([head, items_opening(lst), b",".join(items), b"]}\n"]))
    return path, len(head)


def items_opening(lst: dict) -> bytes:
    """What stands between the release's fields and the first item's object."""
    return orjson.dumps({"list": lst})[1:-1] + b',"items":['


def repeat_list_json(rel: ReleaseData, list_id: str, made: tuple[Path, int], folder: Path,
                     writer) -> tuple[Path, int]:
    """The document of a list whose content an earlier release's document `made` holds (writer:
    as write_list_json's)."""
    earlier, start = made
    with open(earlier, "rb") as fh:
        fh.seek(start)
        rest = fh.read()
    head = _release_fields(rel)
    path = json_path(folder, list_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer.put(str(path), head + rest)
    return path, len(head)
