"""`--with-law-text` for diff and history: beside a citation change, the official text of the
article each side quotes, in the version each side cites (so a reviewer reads what the new
article says, not only the list's quote of it)."""

from __future__ import annotations

from pathlib import Path

from ..package import open_target
from .citations import package_citations
from .numbers import article_label
from .reference import Reference, load_reference


def official(ref: Reference, c: dict | None) -> dict | None:
    """The official text a citation row points at (its article, or the paragraph it names)."""
    if not c or c.get("article_no") is None or not c.get("law_id"):
        return None
    version = ref.versions.get(c.get("version_id") or "", {})
    label = article_label(c["article_no"], c.get("paragraph_no"))
    out = {"law_id": c["law_id"], "title": ref.laws.get(c["law_id"], {}).get("title"),
           "version_id": c.get("version_id"), "year": version.get("year"), "label": label,
           "version_basis": c.get("version_basis"), "text": None, "source": None}
    units = ref.texts.units(c["version_id"], c["article_no"], c.get("paragraph_no")) if c.get("version_id") else []
    if units:
        out["text"], out["source"] = "".join(u["text"] for u in units), units[0]["source"]
    elif ref.texts.has(c.get("version_id")):
        out["note"] = "该版本无此条款"
    else:
        out["note"] = "未收录官方全文"
    return out


def _by_place(ref: Reference, root: Path, target: str) -> dict[tuple, dict]:
    return {(r["item_id"], r["role"], r["seq"]): r for r in package_citations(open_target(root, target), root, ref)}


def attach_law_texts(root: Path, result: dict, from_target: str, to_target: str,
                     ref: Reference | None = None) -> dict:
    """Add law_text = {"old": …, "new": …} to every citation (bases) change of a diff result."""
    changes = [c for c in result.get("changes", []) if c.get("table") == "bases"]
    if not changes:
        return result
    ref = ref or load_reference(root)
    old_rows, new_rows = _by_place(ref, root, from_target), _by_place(ref, root, to_target)
    for c in changes:
        old_key, new_key = c.get("old_key") or c.get("key") or {}, c.get("key") or {}
        old = old_rows.get((c["item_id"], old_key.get("role"), old_key.get("seq"))) if c["change"] != "added" else None
        new = new_rows.get((c["item_id"], new_key.get("role"), new_key.get("seq"))) if c["change"] != "removed" else None
        c["law_text"] = {"old": official(ref, old), "new": official(ref, new)}
    return result


def law_text_lines(c: dict) -> list[str]:
    """The official texts of a change's two sides, one line each, for the text reports."""
    lt = c.get("law_text") or {}
    lines = []
    for side, name in (("old", "原"), ("new", "新")):
        o = lt.get(side)
        if not o:
            continue
        head = f"{name}引用条款官方文本（《{o['title']}》{o['year'] or '?'}年版{o['label']}）"
        lines.append(f"{head}：{o['text']}" if o.get("text") else f"{head}：（{o.get('note')}）")
    return lines


class OncePerCitation:
    """law_text_lines for the first change of each citation only (a citation whose article,
    paragraph and quote all changed is three changes, but one pair of official texts)."""

    def __init__(self):
        self.seen: set = set()

    def __call__(self, c: dict) -> list[str]:
        if not c.get("law_text"):
            return []
        key = (c.get("item_id"), str(c.get("old_key")), str(c.get("key")))
        if key in self.seen:
            return []
        self.seen.add(key)
        return law_text_lines(c)
