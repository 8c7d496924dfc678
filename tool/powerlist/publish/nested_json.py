"""One JSON document per list: the list, then its items with their children nested."""

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


def write_list_json(rel: ReleaseData, view, folder: Path) -> Path:
    """folder/json/<list_id>.json for one list (view: its render.ListView)."""
    path = folder / "json" / f"{view.list['list_id']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    # orjson: the same text as json.dumps(ensure_ascii=False, indent=2), written by C code.
    path.write_bytes(orjson.dumps(list_document(rel, view), option=orjson.OPT_INDENT_2) + b"\n")
    return path
