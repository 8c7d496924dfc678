"""Split a cell into its numbered entries, and split an entry's trailing responsible body.

Entries are numbered `1．`/`1.`/`2—1．`/`4－2．`; a number starts an entry at the start of a
paragraph or right after a 。 (the documents sometimes run two entries into one paragraph).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LABEL = re.compile(
    r"(?:^|(?<=。))[ \u3000]*"
    r"(?P<label>(?P<num>\d+)(?:(?P<dash>[—－-])(?P<sub>\d+))?(?P<punct>[．.]))",
    re.MULTILINE,
)

# A parenthesised body that ends like an organisation's name (局, 办公室, 委员会 …).
ORG_SUFFIX = r"(?:局|办公室|办|委员会|委|部|厅|处|科|室|股|组|中心|队|所|院|站)"
RESPONSIBLE = re.compile(
    r"^(?P<pre>.*?)（(?P<body>[^（）]{2,40}?" + ORG_SUFFIX + r")）(?P<post>。?)$", re.DOTALL
)


@dataclass
class Entry:
    label: str            # as printed, e.g. "1．"; "" for an unnumbered entry
    num: int | None
    sub: int | None
    ref: str              # label without its final punctuation, e.g. "2—1"
    body: str
    starts_paragraph: bool
    offset: int           # character offset of the entry in the cell (for line numbers)


def normalize_paragraphs(text: str) -> str:
    """Strip each line and drop blank lines: paragraph breaks become single newlines."""
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def split_entries(cell: str) -> tuple[str, list[Entry]]:
    """(text before the first numbered entry, the numbered entries)."""
    text = normalize_paragraphs(cell)
    matches = list(LABEL.finditer(text))
    intro = text[: matches[0].start()].strip() if matches else text
    entries = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        starts_paragraph = m.start() == 0 or text[m.start() - 1] == "\n"
        entries.append(Entry(
            label=m.group("label"),
            num=int(m.group("num")),
            sub=int(m.group("sub")) if m.group("sub") else None,
            ref=m.group("label")[:-1],
            body=text[m.end():end].strip(),
            starts_paragraph=starts_paragraph,
            offset=m.start(),
        ))
    return intro, entries


def split_responsible(body: str) -> tuple[str, str | None, str | None]:
    """(text, responsible body, placement) for `…处理（县国家保密局）。` and its variants.

    placement: before_period = the body stood before the closing 。; end = at the very end.
    """
    m = RESPONSIBLE.match(body)
    if not m:
        return body, None, None
    pre, org, post = m.group("pre"), m.group("body"), m.group("post")
    if post:
        return pre + post, org, "before_period"
    return pre, org, "end"


def join_responsible(text: str, responsible: str | None, placement: str | None) -> str:
    if not responsible:
        return text
    if placement == "before_period" and text.endswith("。"):
        return f"{text[:-1]}（{responsible}）。"
    return f"{text}（{responsible}）"


def split_step_name(body: str) -> tuple[str | None, str]:
    """`受理责任：对…` → ("受理责任", "对…"); a step printed without a name keeps its whole text."""
    m = re.match(r"^([^：，。；\n]{1,15})：", body)
    if not m:
        return None, body
    return m.group(1), body[m.end():]
