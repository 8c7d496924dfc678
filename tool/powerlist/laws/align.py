"""Aligning two quotes of one text (one partial, or both): compare only what both quote."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

# Shared runs shorter than this are chance (的, 保密, 。), not the same passage.
MIN_ANCHOR = 6
# An omission longer than this on one side only is a shorter excerpt (a skipped sentence or
# enumerated item), not a wording difference.
MAX_OMISSION = 4
# A replaced run longer than this (on either side) means the quotes went separate ways (items
# （一）（二） here, （四） there) and met again by chance: different excerpts, not reworded text.
MAX_REPLACEMENT = 12
CONTEXT = 10
MARK = "⟦{}⟧"


@dataclass
class Difference:
    a: str
    b: str
    a_at: int
    b_at: int


def is_punctuation_or_space(text: str) -> bool:
    return all(ch.isspace() or unicodedata.category(ch).startswith("P") for ch in text)


def anchors(a: str, b: str, min_anchor: int = MIN_ANCHOR) -> list:
    sm = SequenceMatcher(None, a, b, autojunk=False)
    return [m for m in sm.get_matching_blocks() if m.size >= min_anchor]


def wording_differences(a: str, b: str) -> list[Difference]:
    """Differences inside the stretch both quotes share (between the first and last anchor).

    Outside that stretch one quote simply goes on where the other stopped; inside it, a gap is a
    wording difference unless it only omits a longer run (an excerpt) or only changes punctuation.
    """
    blocks = anchors(a, b)
    out = []
    for left, right in zip(blocks, blocks[1:]):
        ga, gb = a[left.a + left.size:right.a], b[left.b + left.size:right.b]
        if not ga and not gb:
            continue
        if (not ga or not gb) and len(ga + gb) > MAX_OMISSION:
            continue
        if ga and gb and max(len(ga), len(gb)) > MAX_REPLACEMENT:
            continue
        if is_punctuation_or_space(ga + gb):
            continue
        out.append(Difference(ga, gb, left.a + left.size, left.b + left.size))
    return out


def highlight(text: str, diffs: list[tuple[int, str]], context: int = CONTEXT) -> str:
    """The stretch around the differences with each differing run marked ⟦…⟧ (⟦⟧ where the other
    quote has characters this one lacks)."""
    if not diffs:
        return text
    start = max(0, diffs[0][0] - context)
    end = min(len(text), diffs[-1][0] + len(diffs[-1][1]) + context)
    pieces, pos = [], start
    for at, run in diffs:
        pieces.append(text[pos:at])
        pieces.append(MARK.format(run))
        pos = at + len(run)
    pieces.append(text[pos:end])
    return ("…" if start > 0 else "") + "".join(pieces) + ("…" if end < len(text) else "")
