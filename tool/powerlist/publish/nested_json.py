"""One JSON document per list: the list, then its items with their children nested."""

from __future__ import annotations

import orjson
from pathlib import Path

from .release_data import ReleaseData

CHILDREN = ["steps", "accountability", "exemptions", "bases"]


def list_document(rel: ReleaseData, list_id: str) -> dict:
    view = rel.views[list_id]
    items = []
    for item in view.items:
        kids = view.children[item["item_id"]]
        items.append({**item, **{t: kids.get(t, []) for t in CHILDREN}})
    return {"release": rel.tag, "release_date": rel.date, "list": view.list, "items": items}


def write_nested_json(rel: ReleaseData, folder: Path) -> list[Path]:
    out = folder / "json"
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for list_id in sorted(rel.views):
        path = out / f"{list_id}.json"
        # orjson: the same text as json.dumps(ensure_ascii=False, indent=2), written by C code.
        path.write_bytes(orjson.dumps(list_document(rel, list_id), option=orjson.OPT_INDENT_2) + b"\n")
        paths.append(path)
    return paths
