"""The search index as a script (window.POWERLIST_SEARCH = …): browsers refuse fetch() on file://."""

from __future__ import annotations

import json

from ..release_data import ReleaseData
from .pages import item_url


def entries(releases: list[ReleaseData]) -> list[dict]:
    """One entry per item and distinct searchable text, newest release first: an item whose
    text is the same in several releases is found once, with those releases listed (r)."""
    out: dict[tuple, dict] = {}
    for rel in reversed(releases):
        for list_id in sorted(rel.views):
            v = rel.views[list_id]
            for item in v.items:
                kids = v.children[item["item_id"]]
                texts = [item.get("sub_name") or ""]
                texts += [s["text"] for s in kids.get("steps", [])]
                texts += [c["text"] for c in kids.get("accountability", [])]
                texts += [e["text"] for e in kids.get("exemptions", [])]
                # Citations as printed: 《title》 chapter article paragraph, then the quoted text.
                texts += ["".join(x for x in (f"《{b['law_title']}》" if b.get("law_title") else "",
                                              b.get("chapter"), b.get("article"), b.get("paragraph")) if x)
                          + " " + (b.get("text") or "") for b in kids.get("bases", [])]
                entry = {"l": list_id, "lt": v.list["title"], "i": item["item_id"], "s": item["seq"],
                         "n": item["name"], "t": " ".join(t for t in texts if t), "u": item_url(item["item_id"])}
                key = tuple(entry.values())
                if key in out:
                    out[key]["r"] += f"、{rel.tag}"
                else:
                    out[key] = {"r": rel.tag, **entry}
    return list(out.values())


def search_script(releases: list[ReleaseData]) -> str:
    # Escaping <, > and & keeps any text inert even if this were ever inlined in a page.
    data = json.dumps(entries(releases), ensure_ascii=False, separators=(",", ":"))
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f"window.POWERLIST_SEARCH = {data};\n"
