"""Facts about a list from the text around its table: title, issuer, document number, date.

Only what is printed lands in the printed columns; what one document says about another (the
Xing'an notice citing the catalog's notice) is returned separately as an inference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DOC_NO = re.compile(r"[\u4e00-\u9fff]{1,10}发〔\d{4}〕\d+号")
DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
CITED_CATALOG = re.compile(r"《(?P<issuer>[^《》]*?)关于(?P<what>[^《》]*通用目录[^《》]*)》（(?P<doc_no>[^（）]+)）")

# Field of work → the short ASCII slug used in list ids.
DOMAINS = {"保密": ("保密工作", "baomi")}


@dataclass
class ListMeta:
    title: str
    notice_title: str | None
    issuer: str | None
    doc_no: str | None
    issued_on: str | None
    domain: str
    domain_slug: str


@dataclass
class CatalogCitation:
    """A jurisdiction notice naming the notice that issued its catalog (an inference for the catalog)."""

    issuer: str
    doc_no: str
    line: int
    quoted: str


# A heading over one table per 权力分类 (一、行政强制): stands above the table, is not the title.
CATEGORY_HEADING = re.compile(r"^[一二三四五六七八九十]+[、.．]\s*(行政|其他)[\u4e00-\u9fff]{2,6}$")


def _lines(preamble: list[str]) -> list[tuple[int, str]]:
    lines = [(i, line.strip()) for i, line in enumerate(preamble, start=1) if line.strip()]
    while lines and CATEGORY_HEADING.match(lines[-1][1]):
        lines.pop()
    return lines


def read_meta(preamble: list[str], kind: str) -> ListMeta:
    lines = _lines(preamble)
    title = lines[-1][1] if lines else ""
    text = "\n".join(l for _, l in lines)
    domain, slug = next(((d, s) for key, (d, s) in DOMAINS.items() if key in title), ("未分类", "list"))
    if kind == "catalog":
        # The catalog prints only its title: everything else is inferred elsewhere, never here.
        return ListMeta(title, None, None, None, None, domain, slug)
    doc_no = DOC_NO.search(text)
    notice = _notice_title(lines)
    date_line = next(((i, l) for i, l in reversed(lines) if DATE.fullmatch(l.replace("\u3000", "").strip())), None)
    issued_on, issuer = None, None
    if date_line:
        y, m, d = DATE.search(date_line[1]).groups()
        issued_on = f"{int(y):04d}-{int(m):02d}-{int(d):02d}"
        before = [l for i, l in lines if i < date_line[0]]
        issuer = before[-1] if before else None
    return ListMeta(title, notice, issuer, doc_no.group(0) if doc_no else None, issued_on, domain, slug)


def _notice_title(lines: list[tuple[int, str]]) -> str | None:
    """The notice title runs from the line holding 关于 to the line ending in 通知."""
    parts: list[str] = []
    for _, line in lines:
        if not parts and "关于" in line and not line.startswith("根据"):
            parts.append(line)
        elif parts:
            parts.append(line)
        if parts and line.endswith("通知"):
            return "".join(parts)
    return None


def cited_catalog(preamble: list[str]) -> CatalogCitation | None:
    for i, line in _lines(preamble):
        m = CITED_CATALOG.search(line)
        if m:
            return CatalogCitation(m.group("issuer"), m.group("doc_no"), i, m.group(0))
    return None


def find_county(title: str, counties: list[dict]) -> dict | None:
    """The county-level division named in the title (the longest name that appears)."""
    named = [c for c in counties if c["level"] != "prefecture" and c["name"] in title]
    return max(named, key=lambda c: len(c["name"])) if named else None
