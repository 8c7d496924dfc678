"""`laws`: every cited instrument with its versions and how often each list cites it."""

from __future__ import annotations

from pathlib import Path

from .citations import all_citations
from .reference import Reference, load_reference


def law_catalog(root: Path, releases: list[str] | None = None, ref: Reference | None = None) -> dict:
    """{"laws": [...], "unresolved": [...]}; counts are cited provisions (bases rows) and items."""
    ref = ref or load_reference(root)
    rows = all_citations(root, ref, releases)
    out = []
    for law in ref.laws.values():
        cited = [r for r in rows if r["law_id"] == law["law_id"]]
        counts: dict[str, dict[str, dict]] = {}
        for r in cited:
            c = counts.setdefault(r["release"], {}).setdefault(r["list_id"], {"citations": 0, "items": set()})
            c["citations"] += 1
            c["items"].add(r["item_id"])
        out.append({
            "law_id": law["law_id"], "title": law["title"], "law_type": law["law_type"],
            "issuing_form": law["issuing_form"], "issuing_doc": law.get("issuing_doc"),
            "printed_types": sorted({r["law_type"] for r in cited if r.get("law_type")}),
            # full_text: how many articles of the official text are loaded (None: curated facts only).
            "versions": [{**{k: v.get(k) for k in ("version_id", "year", "promulgated_by", "in_force_from", "superseded_by")},
                          "full_text": len(ref.texts.articles(v["version_id"])) or None}
                         for v in ref.versions_of(law["law_id"])],
            "citations": {rel: {lid: {"citations": c["citations"], "items": len(c["items"])}
                                for lid, c in sorted(lists.items())} for rel, lists in counts.items()},
        })
    unresolved: dict[tuple, int] = {}
    for r in rows:
        if r["law_id"] is None and r.get("law_title"):
            key = (r["release"], r["list_id"], r["law_title"], r.get("law_doc"))
            unresolved[key] = unresolved.get(key, 0) + 1
    return {"laws": out, "unresolved": [
        {"release": k[0], "list_id": k[1], "law_title": k[2], "law_doc": k[3], "citations": n}
        for k, n in unresolved.items()]}
