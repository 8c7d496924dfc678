"""A list document as a target: read like ingest into a temporary package, the package untouched.

`diff 2022 兴安县2024年调整.docx`, `review DOC` and every `--release DOC` open the document
through ingest's own document_state() (detection, id matching, cell accounting) on top of a
base version, and write the result as a package under the cache (.powerlist-cache/documents/,
ignored by git, outside releases/), keyed by its content: nothing of the package changes.
The temporary package stores each table in one file, whatever the base's layout.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from .compiled import cache_dir
from .files import staged_dir
from .storage import PARTITIONED
from .package import DESCRIPTOR, Package, write_csv

FORMAT_VERSION = "2"  # bump when the layout of a document's temporary package changes


def is_document(target: str) -> bool:
    """A target naming a file (a folder is a package, a bare word a tag or 'working')."""
    return Path(target).is_file()


def _full_tables(base: Package, state) -> dict[str, list[dict]]:
    """Every row of the new state: the base's rows with the document's list replaced."""
    chosen = state.report.list_id
    tables = dict(state.tables)
    old_items = {i["item_id"] for i in base.read_lists({chosen}, ["items"])["items"]}
    new_items = {i["item_id"] for i in state.tables.get("items", []) if i["list_id"] == chosen}
    for name in PARTITIONED:
        if not base.has_table(name):
            continue
        if name == "items":
            kept = [r for r in base.read_table(name) if r["list_id"] != chosen]
            mine = [r for r in state.tables.get(name, []) if r["list_id"] == chosen]
        else:
            kept = [r for r in base.read_table(name) if r["item_id"] not in old_items]
            mine = [r for r in state.tables.get(name, []) if r["item_id"] in new_items]
        tables[name] = kept + mine
    return tables


def open_document(root: Path, doc: Path, base: Package, label: str, list_id: str | None = None) -> Package:
    """The package `base` with the document read in place of its list, as a read-only Package
    whose `document` holds ingest's state (the list it matched and how, the item matches)."""
    from .ingest.run import document_state

    state = document_state(root, doc, list_id, base)
    tables = _full_tables(base, state)
    resources = [r for r in base.descriptor["resources"] if r["name"] in tables]
    text = json.dumps([FORMAT_VERSION, base.descriptor, {r["name"]: tables[r["name"]] for r in resources}],
                      ensure_ascii=False, sort_keys=True, default=str)
    folder = cache_dir(root) / "documents" / hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
    if not (folder / DESCRIPTOR).is_file():
        folder.parent.mkdir(parents=True, exist_ok=True)
        schemas = base.schemas
        descriptor = json.loads(json.dumps(base.descriptor))
        with staged_dir(folder) as tmp:
            for res in descriptor["resources"]:
                if res["name"] not in tables:
                    continue
                res["path"] = f"tables/{res['name']}.csv"
                if isinstance(res.get("schema"), str):
                    (tmp / res["schema"]).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(base.path / res["schema"], tmp / res["schema"])
                (tmp / res["path"]).parent.mkdir(parents=True, exist_ok=True)
                write_csv(tmp / res["path"], schemas[res["name"]], tables[res["name"]])
            descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] in tables]
            (tmp / DESCRIPTOR).write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return Package(folder, label, document=state)
