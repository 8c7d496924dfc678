"""The curated reference data about cited instruments (laws, versions, variants, article map).

The reference tables live in the working state only: releases made before they existed do not
carry them, so every reader takes them from the root package and applies them to any release.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..errors import PowerlistError
from ..package import Package
from .texts import LawTexts

PRC = "中华人民共和国"
# How a citation's version was told (version_basis).
BASIS_DOC, BASIS_QUOTE, BASIS_DATE, BASIS_UNKNOWN = "文号", "quote", "list date", "unknown"


@dataclass
class Reference:
    laws: dict[str, dict] = field(default_factory=dict)       # law_id → row
    versions: dict[str, dict] = field(default_factory=dict)   # version_id → row
    variants: list[dict] = field(default_factory=list)
    articles: list[dict] = field(default_factory=list)        # law_articles_map rows
    texts: LawTexts = field(default_factory=lambda: LawTexts([]))  # law_articles: the official texts
    _by_head: dict = field(default_factory=dict, repr=False, compare=False)
    _by_quote: dict = field(default_factory=dict, repr=False, compare=False)
    computed: dict = field(default_factory=dict, repr=False, compare=False)  # (from, to) → computed map rows

    @classmethod
    def from_rows(cls, laws=(), versions=(), variants=(), articles=(), texts=()) -> "Reference":
        return cls({r["law_id"]: r for r in laws}, {r["version_id"]: r for r in versions},
                   list(variants), list(articles), LawTexts(list(texts)))

    # ---- citations → instruments ---------------------------------------------------------

    def variant(self, law_title: str | None, law_doc: str | None) -> dict | None:
        """The variants row for a printed title and document (None: an unknown instrument)."""
        if len(self._by_head) != len(self.variants):
            # Built on first use: every citation of every release is looked up here.
            self._by_head.clear()
            self._by_head.update({(v["law_title"], v.get("law_doc") or None): v for v in self.variants})
        return self._by_head.get((law_title, law_doc or None))

    def law_id_for(self, law_title: str | None, law_doc: str | None) -> str | None:
        v = self.variant(law_title, law_doc)
        return v["law_id"] if v else None

    def find_law(self, text: str) -> str:
        """law_id for a title as a user types it: id, canonical title, any printed variant, or a
        unique part of a title (保守国家秘密法). Ambiguity and no match are errors."""
        wanted = text.strip().strip("《》")
        names: dict[str, set[str]] = {}
        for law in self.laws.values():
            names.setdefault(law["law_id"], set()).add(law["law_id"])
            names.setdefault(law["title"], set()).add(law["law_id"])
        for v in self.variants:
            for key in (v["variant"], v["law_title"]):
                names.setdefault(key, set()).add(v["law_id"])
        if wanted in names and len(names[wanted]) == 1:
            return next(iter(names[wanted]))
        bare = _bare(wanted)
        exact = {i for n, ids in names.items() if _bare(n) == bare for i in ids}
        if len(exact) == 1:
            return exact.pop()
        partial = {i for n, ids in names.items() if bare and bare in _bare(n) for i in ids}
        if len(partial) == 1:
            return partial.pop()
        if partial:
            titles = "、".join(sorted(self.laws[i]["title"] for i in partial if i in self.laws))
            raise PowerlistError(f"{text!r} names more than one instrument: {titles}")
        raise PowerlistError(
            f"no cited instrument matches {text!r} (known: "
            + "、".join(law["title"] for law in self.laws.values()) + ")"
        )

    # ---- versions ------------------------------------------------------------------------

    def versions_of(self, law_id: str) -> list[dict]:
        return sorted((v for v in self.versions.values() if v["law_id"] == law_id), key=lambda v: v["year"])

    def version_by_year(self, law_id: str, year: int) -> dict:
        for v in self.versions_of(law_id):
            if v["year"] == year:
                return v
        known = ", ".join(str(v["year"]) for v in self.versions_of(law_id)) or "none"
        raise PowerlistError(f"{self.laws[law_id]['title']} has no version {year} (known: {known})")

    def version_in_force(self, law_id: str, on: date) -> dict | None:
        """The latest version in force on a date; a version whose start is unknown counts as in
        force from its year only when no other version says otherwise (it is the only one)."""
        versions = self.versions_of(law_id)
        if len(versions) == 1:
            return versions[0]
        started = [v for v in versions if v.get("in_force_from") and _d(v["in_force_from"]) <= on]
        return started[-1] if started else None

    def citation_version(self, variant: dict | None, law_id: str | None, list_date: date | None,
                         article: int | None = None, paragraph: int | None = None,
                         quote: str | None = None) -> tuple[str | None, str]:
        """(version_id, version_basis) for one citation. version_basis is 文号 (its printed document
        number names the version), quote (it prints none, and its quote matches the official text of
        one version only), list date (the version in force on the list's date) or unknown."""
        if variant and variant.get("version_id"):
            return variant["version_id"], BASIS_DOC
        if law_id and article is not None and quote:
            by_quote = self.version_by_quote(law_id, article, paragraph, quote)
            if by_quote:
                return by_quote, BASIS_QUOTE
        if law_id and list_date:
            v = self.version_in_force(law_id, list_date)
            if v:
                return v["version_id"], BASIS_DATE
        return None, BASIS_UNKNOWN

    def version_by_quote(self, law_id: str, article: int, paragraph: int | None, quote: str) -> str | None:
        """The one version of the instrument whose official text of that article the quote matches
        (exactly, as an excerpt, or but for punctuation); None when no text, none or several match."""
        key = (law_id, article, paragraph, quote)
        if key not in self._by_quote:
            from .quotes import DIFFERENT, verdict
            matching = []
            with_text = [v["version_id"] for v in self.versions_of(law_id) if self.texts.has(v["version_id"])]
            for vid in with_text if len(with_text) > 1 else []:
                units = self.texts.units(vid, article, paragraph)
                if units and verdict(quote, [u["text"] for u in units]) != DIFFERENT:
                    matching.append(vid)
            self._by_quote[key] = matching[0] if len(matching) == 1 else None
        return self._by_quote[key]

    def successor(self, version_id: str) -> dict | None:
        nxt = self.versions.get(version_id, {}).get("superseded_by")
        return self.versions.get(nxt) if nxt else None

    # ---- article correspondences ---------------------------------------------------------

    def mapped(self, from_version: str, article: int, paragraph: int | None) -> list[dict]:
        """Map rows for a cited article (a row for one paragraph matches a citation of the whole
        article, since the cited article contains it). The curated rows decide; an article they
        say nothing about falls back on the correspondences computed from the official texts of
        this version and its successor (rows with basis=computed and a score)."""
        def matching(rows):
            return [m for m in rows
                    if m["from_version"] == from_version and m["from_article"] == article
                    and (m.get("from_paragraph") is None or paragraph is None or m["from_paragraph"] == paragraph)]
        curated = matching(self.articles)
        if curated or any(m["from_version"] == from_version and m["from_article"] == article for m in self.articles):
            return curated
        successor = self.successor(from_version)
        if not successor:
            return []
        from .compare import computed_map
        return matching(computed_map(self, from_version, successor["version_id"]))

    def trace(self, version_id: str, article: int, paragraph: int | None, target_version: str) -> list[dict]:
        """Where a cited article stands in a later version, following recorded correspondences
        version by version. Each result: {article, paragraph, label, relations[...], notes[...]}."""
        frontier = [{"article": article, "paragraph": paragraph, "label": None, "relations": [], "notes": [],
                     "version": version_id}]
        while frontier and frontier[0]["version"] != target_version:
            step = []
            for pos in frontier:
                for m in self.mapped(pos["version"], pos["article"], pos["paragraph"]):
                    relation = m["relation"] + (f", computed {m['score']}" if m.get("basis") == "computed" else "")
                    step.append({"article": m["to_article"], "paragraph": m.get("to_paragraph"),
                                 "label": m["to_label"], "relations": pos["relations"] + [relation],
                                 "notes": pos["notes"] + ([m["note"]] if m.get("note") else []),
                                 "version": m["to_version"]})
            frontier = step
        return frontier if frontier and frontier[0]["version"] == target_version else []


def _bare(title: str) -> str:
    return re.sub(r"\s+", "", title.strip("《》")).removeprefix(PRC)


def _d(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def load_reference(root: Path) -> Reference:
    """The reference tables of the working state at root (empty when it has none yet)."""
    working = Package(root, "working")
    return Reference.from_rows(
        working.read_table("laws"), working.read_table("law_versions"),
        working.read_table("law_variants"), working.read_table("law_articles_map"),
        working.read_table("law_articles"),
    )
