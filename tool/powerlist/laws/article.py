"""`law TITLE ARTICLE`: one article's official text, by paragraph (款) and item (项)."""

from __future__ import annotations

from pathlib import Path

from ..errors import PowerlistError
from .numbers import article_label, parse_number
from .reference import Reference, load_reference
from .texts import LawTexts


def pick_version(ref: Reference, texts: LawTexts, law_id: str, year: int | None) -> dict:
    """The version asked for, else the latest one whose text is loaded (else the latest known).
    A version without a loaded text is an error that says the instrument is curated-only."""
    title = ref.laws[law_id]["title"]
    if year is not None:
        version = ref.version_by_year(law_id, int(year))
    else:
        versions = ref.versions_of(law_id)
        with_text = [v for v in versions if texts.has(v["version_id"])]
        version = (with_text or versions or [None])[-1]
        if version is None:
            raise PowerlistError(f"{title}: no version is recorded in tables/law_versions.csv")
    if not texts.has(version["version_id"]):
        loaded = [str(v["year"]) for v in ref.versions_of(law_id) if texts.has(v["version_id"])]
        raise PowerlistError(
            f"《{title}》{version['year']}年版: no public full text is loaded (curated facts only"
            + (f"; texts loaded: {', '.join(loaded)}" if loaded else "") + ")")
    return version


def law_article(root: Path, title: str, article, version: int | None = None,
                ref: Reference | None = None, texts: LawTexts | None = None) -> dict:
    ref = ref or load_reference(root)
    texts = texts or LawTexts.load(root)
    law_id = ref.find_law(title)
    v = pick_version(ref, texts, law_id, version)
    number = parse_number(article, "article")
    units = texts.units(v["version_id"], number)
    if not units:
        have = texts.articles(v["version_id"])
        raise PowerlistError(f"《{ref.laws[law_id]['title']}》{v['year']}年版 has no {article_label(number)} "
                             f"(articles {have[0]}–{have[-1]})")
    return article_dict(ref, v, units)


def article_dict(ref: Reference, version: dict, units: list[dict]) -> dict:
    """An article's rows as {title, year, label, chapter, section, paragraphs: [{text, items}]}."""
    paragraphs: list[dict] = []
    for u in units:
        if u["item_no"] == 0:
            paragraphs.append({"paragraph_no": u["paragraph_no"], "text": u["text"], "items": [],
                               "source": u["source"]})
        else:
            paragraphs[-1]["items"].append({"item_no": u["item_no"], "text": u["text"], "source": u["source"]})
    first = units[0]
    return {"law_id": version["law_id"], "title": ref.laws[version["law_id"]]["title"],
            "version_id": version["version_id"], "year": version["year"],
            "article_no": first["article_no"], "label": article_label(first["article_no"]),
            "chapter": first["chapter"], "section": first["section"], "paragraphs": paragraphs}


def article_text(a: dict) -> str:
    """The article as a reader wants it: a heading, then each paragraph (款) numbered, items below."""
    where = " ".join(x for x in (a["chapter"], a["section"]) if x)
    lines = [f"《{a['title']}》（{a['year']}年版）{a['label']}" + (f"  {where}" if where else "")]
    several = len(a["paragraphs"]) > 1
    for p in a["paragraphs"]:
        head = f"第{_cn(p['paragraph_no'])}款 " if several else ""
        lines.append(f"  {head}{p['text']}")
        lines += [f"    {i['text']}" for i in p["items"]]
    lines.append(f"来源：{a['paragraphs'][0]['source']}")
    return "\n".join(lines) + "\n"


def _cn(n: int) -> str:
    import cn2an
    return cn2an.an2cn(n)
