"""A list document as a target: read like ingest into a temporary package, the package untouched.

`diff 2022 兴安县2024年调整.docx`, `review DOC` and every `--release DOC` open the document
through ingest's own document_state() (detection, id matching, cell accounting) on top of a
base version, and write the result as a package under the cache (.powerlist-cache/documents/,
ignored by git, outside releases/), keyed by its content: nothing of the package changes.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from .compiled import cache_dir
from .package import DESCRIPTOR, Package, staged_dir, write_csv

FORMAT_VERSION = "1"  # bump when the layout of a document's temporary package changes


def is_document(target: str) -> bool:
    """A target naming a file (a folder is a package, a bare word a tag or 'working')."""
    return Path(target).is_file()


def open_document(root: Path, doc: Path, base: Package, label: str, list_id: str | None = None) -> Package:
    """The package `base` with the document read in place of its list, as a read-only Package
    whose `document` holds ingest's report (which list it matched and how, item matches)."""
    from .ingest.run import document_state

    state = document_state(root, doc, list_id, base)
    resources = [r for r in base.descriptor["resources"] if r["name"] in state.tables]
    text = json.dumps([FORMAT_VERSION, base.descriptor, {r["name"]: state.tables[r["name"]] for r in resources}],
                      ensure_ascii=False, sort_keys=True, default=str)
    folder = cache_dir(root) / "documents" / hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
    if not (folder / DESCRIPTOR).is_file():
        schemas = base.schemas
        with staged_dir(folder) as tmp:
            shutil.copyfile(base.descriptor_path, tmp / DESCRIPTOR)
            for res in resources:
                if isinstance(res.get("schema"), str):
                    (tmp / res["schema"]).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(base.path / res["schema"], tmp / res["schema"])
                (tmp / res["path"]).parent.mkdir(parents=True, exist_ok=True)
                write_csv(tmp / res["path"], schemas[res["name"]], state.tables[res["name"]])
    return Package(folder, label, document=state)
