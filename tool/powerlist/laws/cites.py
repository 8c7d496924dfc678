"""`cites`: every item, in every release and the working state, citing a provision."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .citations import all_citations
from .numbers import article_label, parse_number
from .reference import Reference, load_reference

HIT_COLUMNS = ["release", "list_id", "item_id", "item_seq", "item_name", "role", "cell", "ref", "law_title",
               "law_doc", "version", "article", "paragraph", "now", "text"]


@dataclass
class CitesResult:
    law_id: str
    title: str
    article: int | None
    paragraph: int | None
    version: str | None          # version_id asked for, with --version
    hits: list[dict] = field(default_factory=list)

    @property
    def items(self) -> list[tuple[str, str]]:
        """(release, item_id) pairs found, in order, each once."""
        return list(dict.fromkeys((h["release"], h["item_id"]) for h in self.hits))


def cites(root: Path, title: str, article=None, paragraph=None, version: int | None = None,
          releases: list[str] | None = None, ref: Reference | None = None) -> CitesResult:
    ref = ref or load_reference(root)
    law_id = ref.find_law(title)
    article, paragraph = parse_number(article, "article"), parse_number(paragraph, "paragraph")
    target = ref.version_by_year(law_id, int(version))["version_id"] if version is not None else None
    result = CitesResult(law_id, ref.laws[law_id]["title"], article, paragraph, target)
    for row in all_citations(root, ref, releases):
        if row["law_id"] != law_id:
            continue
        hit = match(ref, row, article, paragraph, target)
        if hit is not None:
            result.hits.append(hit)
    return result


def match(ref: Reference, row: dict, article: int | None, paragraph: int | None, target: str | None) -> dict | None:
    """The hit for one citation row, or None. With a target version, a citation of an older
    version matches when a recorded correspondence carries its article to the one asked for."""
    now = None
    if target and row["version_id"] != target:
        if not row["version_id"] or row.get("article_no") is None:
            return None
        places = ref.trace(row["version_id"], row["article_no"], row.get("paragraph_no"), target)
        places = [p for p in places if _same(p, article, paragraph)]
        if not places:
            return None
        now = "、".join(p["label"] for p in places) + " (" + "/".join(sorted({r for p in places for r in p["relations"]})) + ")"
    elif not _same({"article": row.get("article_no"), "paragraph": row.get("paragraph_no")}, article, paragraph):
        return None
    version = ref.versions.get(row["version_id"] or "", {})
    return {
        "release": row["release"], "list_id": row["list_id"], "item_id": row["item_id"],
        "item_seq": row["item_seq"], "item_name": row["item_name"], "role": row["role"], "cell": row["cell"],
        "ref": row.get("ref") or "", "law_title": row["law_title"], "law_doc": row.get("law_doc"),
        "version": version.get("year"), "version_basis": row["version_basis"],
        "article": row.get("article") or (article_label(row["article_no"]) if row.get("article_no") else None),
        "paragraph": row.get("paragraph"), "now": now, "text": row.get("text"), "basis_id": row["basis_id"],
    }


def _same(place: dict, article: int | None, paragraph: int | None) -> bool:
    if article is not None and place["article"] != article:
        return False
    return paragraph is None or place.get("paragraph") == paragraph
