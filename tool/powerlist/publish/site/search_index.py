"""The search index as a script (window.POWERLIST_SEARCH = …): browsers refuse fetch() on file://."""

from __future__ import annotations

import json

from ..release_data import ReleaseData
from .pages import item_url


def entries(releases: list[ReleaseData]) -> list[dict]:
    out = []
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
                out.append({"r": rel.tag, "l": list_id, "lt": v.list["title"], "i": item["item_id"], "s": item["seq"],
                            "n": item["name"], "t": " ".join(t for t in texts if t),
                            "u": item_url(rel.tag, item["item_id"])})
    return out


def search_script(releases: list[ReleaseData]) -> str:
    # Escaping <, > and & keeps any text inert even if this were ever inlined in a page.
    data = json.dumps(entries(releases), ensure_ascii=False, separators=(",", ":"))
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f"window.POWERLIST_SEARCH = {data};\n"
