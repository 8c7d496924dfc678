"""Rule 8: a quoted provision whose wording differs from the official text of the version cited.

Only where that version's full text is loaded (law_articles); an excerpt, or a quote differing
only in punctuation or character width, is not a finding. Where the text is known this rule says
which quote is wrong, so rule 2 (quotes compared with each other) leaves those provisions to it.
"""

from __future__ import annotations

from ..numbers import article_label
from ..quotes import DIFFERENT, check_quote
from .data import AuditData
from .model import Finding


def provision(data: AuditData, b: dict) -> str:
    title = data.reference.laws.get(b["law_id"], {}).get("title", b.get("law_title"))
    year = data.reference.versions.get(b["version_id"], {}).get("year")
    label = (b.get("article") or article_label(b["article_no"])) + (b.get("paragraph") or "")
    return f"《{title}》（{year}年版）{label}"


def checkable(data: AuditData, b: dict) -> bool:
    return bool(data.texts and b.get("law_id") and data.texts.has(b.get("version_id"))
                and b.get("article_no") is not None and b.get("text") and not b.get("same_as"))


def check(data: AuditData) -> list[Finding]:
    found = []
    for b in data.bases:
        if not checkable(data, b):
            continue
        units = data.texts.units(b["version_id"], b["article_no"], b.get("paragraph_no"))
        where = {k: v for k, v in data.where(b["item_id"]).items() if k != "item_id"}
        cell = f"{b['cell']} {b.get('ref') or ''}".strip()
        name = provision(data, b)
        if not units:
            found.append(Finding(8, "error", b["list_id"], b["item_id"], cell,
                                 f"{name}在官方文本中不存在",
                                 {"provision": name, "version_id": b["version_id"], "quote": b["text"]}, **where))
            continue
        result = check_quote(b["text"], [u["text"] for u in units])
        if result.verdict != DIFFERENT:
            continue
        found.append(Finding(
            8, "warning", b["list_id"], b["item_id"], cell,
            f"{name}引文与官方文本不同：引文“{result.quote_marked}”，官方文本“{result.official_marked}”",
            {"provision": name, "version_id": b["version_id"], "verdict": result.verdict,
             "quote": b["text"], "official": result.official, "quote_marked": result.quote_marked,
             "official_marked": result.official_marked, "differences": result.differences,
             "source": units[0]["source"]},
            **where,
        ))
    return found
