"""The search index as a script (window.POWERLIST_SEARCH = …): browsers refuse fetch() on file://."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable

import orjson

from ..checksums import remember


def search_text(view, item: dict) -> str:
    """What the site's search looks in besides the name: the sub-item, steps, cases, exemptions,
    and citations as printed (《title》 chapter article paragraph, then the quoted text)."""
    kids = view.children[item["item_id"]]
    texts = [item.get("sub_name") or ""]
    texts += [s["text"] for s in kids.get("steps", [])]
    texts += [c["text"] for c in kids.get("accountability", [])]
    texts += [e["text"] for e in kids.get("exemptions", [])]
    texts += ["".join(x for x in (f"《{b['law_title']}》" if b.get("law_title") else "",
                                  b.get("chapter"), b.get("article"), b.get("paragraph")) if x)
              + " " + (b.get("text") or "") for b in kids.get("bases", [])]
    return " ".join(t for t in texts if t)


def _inert(data: bytes) -> bytes:
    # Escaping <, > and & keeps any text inert even if this were ever inlined in a page.
    return data.replace(b"<", b"\\u003c").replace(b">", b"\\u003e").replace(b"&", b"\\u0026")


def write_search_script(path: Path, entries: Iterable[dict]) -> Path:
    """One entry per item and distinct wording (r: the releases with it, newest first; l, lt: the
    list; i, s, n: the item's id, 序号 and name; t: search_text; u: the item page), streamed."""
    digest = hashlib.sha256()  # taken as it is written: SHA256SUMS need not read it back
    with open(path, "wb") as fh:
        part = [b"window.POWERLIST_SEARCH = ["]
        for n, entry in enumerate(entries):
            part.append(b"," + orjson.dumps(entry) if n else orjson.dumps(entry))
            if len(part) >= 2_000:
                data = _inert(b"".join(part))  # the script's own bytes hold no <, > or &
                fh.write(data)
                digest.update(data)
                part = []
        part.append(b"];\n")
        data = _inert(b"".join(part))
        fh.write(data)
        digest.update(data)
    remember(path, digest.hexdigest())
    return path
