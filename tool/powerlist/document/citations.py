"""Parse a 依据 cell into cited provisions: one row per article of one instrument.

`1．【法律】《中华人民共和国保守国家秘密法》第五条：…第四十五条：…` is one citation (label 1) of two
provisions; `2．同1．` repeats citation 1; `2—1．` labels the first basis of step 2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


from ..errors import PowerlistError
from .cells import Entry, split_entries

LAW_TYPES = ["法律", "行政法规", "部门规章", "地方性法规", "地方政府规章", "规范性文件"]

CN_NUM = "〇零一二三四五六七八九十百千"
LAW_TYPE = re.compile(r"^【(?P<type>[^】]*)】")
LAW_DOC = re.compile(r"（(?P<doc>[^（）]*)）")


@dataclass
class Header:
    """`【type】《title》（doc）` at the start of a citation; end = where the provisions start."""

    type: str
    title: str
    doc: str | None
    end: int


def book_title(text: str, start: int) -> int | None:
    """End (after the closing 》) of the book title opening at text[start] == 《, nesting kept whole:
    《广西壮族自治区实施《中华人民共和国保守国家秘密法》办法》 and 《…〈…〉…》 are one title each."""
    depth = 0
    for i in range(start, len(text)):
        ch = text[i]
        if ch in "《〈":
            depth += 1
        elif ch in "》〉":
            depth -= 1
            if depth == 0:
                return i + 1 if ch == "》" else None
    return None


def parse_header(body: str) -> Header | None:
    m = LAW_TYPE.match(body)
    if not m or not body.startswith("《", m.end()):
        return None
    end = book_title(body, m.end())
    if end is None:
        return None
    doc = LAW_DOC.match(body, end)
    return Header(m.group("type"), body[m.end() + 1:end - 1], doc.group("doc") if doc else None,
                  doc.end() if doc else end)
PROVISION = re.compile(
    rf"(?:^|(?<=。)|(?<=\n))[ \u3000]*"
    rf"(?P<chapter>第[{CN_NUM}]+章)?(?P<article>第[{CN_NUM}]+条)(?P<paragraph>第[{CN_NUM}]+款)?：",
    re.MULTILINE,
)
SAME_AS = re.compile(r"^同(?P<ref>\d+(?:[—－-]\d+)?)(?P<punct>[．.。]?)$")


@dataclass
class Provision:
    label: str
    ref: str
    num: int | None
    sub: int | None
    law_type: str | None
    law_title: str | None
    law_doc: str | None
    chapter: str | None
    article: str | None
    article_no: int | None
    paragraph: str | None
    paragraph_no: int | None
    text: str | None
    continues: bool
    same_as: str | None
    same_as_printed: str | None
    starts_paragraph: bool


def chinese_number(label: str | None) -> int | None:
    """`第四十五条` → 45 (cn2an does the numeral)."""
    import cn2an  # imported when first needed: it takes ~0.4 s, and rendering never needs it
    if not label:
        return None
    return int(cn2an.cn2an(label[1:-1], "smart"))


class CitationError(PowerlistError):
    pass


def parse_citations(cell: str, where: str) -> list[Provision]:
    """All provisions of one 依据 cell, in printed order, with 同N references resolved."""
    intro, entries = split_entries(cell)
    if intro:
        entries.insert(0, Entry("", None, None, "", intro, True, 0))
    out: list[Provision] = []
    for entry in entries:
        out.extend(_parse_entry(entry, out, where))
    return out


def _parse_entry(entry: Entry, earlier: list[Provision], where: str) -> list[Provision]:
    same = SAME_AS.match(entry.body)
    if same:
        return _resolve_same_as(entry, same, earlier, where)
    head = parse_header(entry.body)
    if not head:
        raise CitationError(
            f"{where}: citation {entry.label or '(unlabeled)'} {entry.body[:24]!r}: "
            "expected 【type】《title》 or 同N"
        )
    law_type = head.type
    if law_type not in LAW_TYPES:
        raise CitationError(
            f"{where}: citation {entry.label}: unknown law type 【{law_type}】, expected one of "
            + "、".join(LAW_TYPES)
        )
    rest = entry.body[head.end:]
    starts = list(PROVISION.finditer(rest))
    if not starts or starts[0].start() != 0:
        # No article printed, or text before the first article: keep it as one provision.
        starts = [None] + starts
    provisions = []
    for i, m in enumerate(starts):
        begin = m.end() if m else 0
        nxt = starts[i + 1] if i + 1 < len(starts) else None
        end = nxt.start() if nxt else len(rest)
        text = rest[begin:end].strip()
        provisions.append(Provision(
            label=entry.label if i == 0 else "",
            ref=entry.ref,
            num=entry.num,
            sub=entry.sub,
            law_type=law_type,
            law_title=head.title,
            law_doc=head.doc,
            chapter=m.group("chapter") if m else None,
            article=m.group("article") if m else None,
            article_no=chinese_number(m.group("article")) if m else None,
            paragraph=m.group("paragraph") if m else None,
            paragraph_no=chinese_number(m.group("paragraph")) if m and m.group("paragraph") else None,
            text=text or None,
            continues=i > 0,
            same_as=None,
            same_as_printed=None,
            starts_paragraph=entry.starts_paragraph if i == 0 else (m.start() == 0 or rest[m.start() - 1] == "\n"),
        ))
    return provisions


def _resolve_same_as(entry: Entry, same, earlier: list[Provision], where: str) -> list[Provision]:
    target = same.group("ref")
    source = [p for p in earlier if p.ref == target and p.same_as is None]
    if not source:
        raise CitationError(f"{where}: citation {entry.label}同{target}: there is no citation {target} before it")
    copies = []
    for i, p in enumerate(source):
        copies.append(Provision(
            **{**p.__dict__,
               "label": entry.label if i == 0 else "",
               "ref": entry.ref, "num": entry.num, "sub": entry.sub,
               "continues": i > 0,
               "same_as": target,
               "same_as_printed": entry.body,
               "starts_paragraph": entry.starts_paragraph if i == 0 else p.starts_paragraph}
        ))
    return copies


def render_citations(provisions: list[dict]) -> str:
    """Provisions (table rows of one cell, in order) → the cell's text."""
    parts: list[str] = []
    for p in provisions:
        if p.get("same_as"):
            if p["continues"]:
                continue  # a 同N reference prints once for all the provisions it repeats
            piece = f"{p.get('label') or ''}{p['same_as_printed']}"
        else:
            piece = ""
            if not p["continues"]:
                piece = f"{p.get('label') or ''}【{p['law_type']}】《{p['law_title']}》"
                if p.get("law_doc") is not None:
                    piece += f"（{p['law_doc']}）"
            if p.get("article"):
                piece += f"{p.get('chapter') or ''}{p['article']}{p.get('paragraph') or ''}："
            piece += p.get("text") or ""
        if parts and p["starts_paragraph"]:
            parts.append("\n")
        parts.append(piece)
    return "".join(parts)
