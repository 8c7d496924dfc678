"""A quoted provision against the official text of the version it cites.

Verdicts, from best to worst:
  exact        the quote is the provision's text;
  excerpt      it is a contiguous part of it, or parts cut where the text itself breaks (a
               paragraph, an item （一）, a sentence end 。；：) — the lists quote a lead sentence
               and the items that apply, or stop after a sentence;
  punctuation  it is one of those once punctuation, spaces and character width are ignored;
  different    anything else: the wording differs, and the finding shows where.
"""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from ..conform import canon
from .align import MARK, anchors, highlight, wording_differences

EXACT, EXCERPT, PUNCTUATION, DIFFERENT = "exact", "excerpt", "punctuation", "different"
VERDICT_TITLES = {EXACT: "与官方文本一致", EXCERPT: "官方文本节录", PUNCTUATION: "仅标点或全半角不同",
                  DIFFERENT: "与官方文本文字不同"}
SENTENCE_ENDS = "。；：;:"


@dataclass
class QuoteCheck:
    verdict: str
    official: str                       # the cited provision's official text
    quote_marked: str | None = None     # for `different`: the quote, differing runs ⟦…⟧
    official_marked: str | None = None  # …and the official wording beside it
    differences: list[dict] = field(default_factory=list)   # {"quote": run, "official": run}

    @property
    def title(self) -> str:
        return VERDICT_TITLES[self.verdict]


def _ignorable(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch).startswith("P")


@lru_cache(maxsize=4096)
def breaks(units: tuple[str, ...]) -> list[int]:
    """Positions in the run-together text where an excerpt may cut: unit edges, sentence ends."""
    text = "".join(units)
    cuts = {0, len(text)}
    pos = 0
    for u in units:
        pos += len(u)
        cuts.add(pos)
    cuts |= {i + 1 for i, ch in enumerate(text) if ch in SENTENCE_ENDS}
    return sorted(cuts)


def _common(a: str, i: int, b: str, j: int) -> int:
    """Length of the common run of a[i:] and b[j:] (compared in slices: the runs are long)."""
    m, n, step = min(len(a) - i, len(b) - j), 0, 32
    while n + step <= m and a[i + n:i + n + step] == b[j + n:j + n + step]:
        n += step
    while n < m and a[i + n] == b[j + n]:
        n += 1
    return n


def is_excerpt(quote: str, text: str, cuts: list[int]) -> bool:
    """Whether quote is text's characters in order as pieces, the first starting anywhere, the
    last ending anywhere, every other edge on a cut (cuts sorted)."""
    if not quote:
        return False
    if quote in text:
        return True

    @lru_cache(maxsize=None)
    def from_(q: int, t_min: int, first: bool) -> bool:
        if first:
            starts, at = [], text.find(quote[q], t_min)
            while at >= 0:
                starts.append(at)
                at = text.find(quote[q], at + 1)
        else:
            starts = cuts[bisect.bisect_left(cuts, t_min):]
        for s in starts:
            if s >= len(text) or text[s] != quote[q]:
                continue
            n = _common(quote, q, text, s)
            if q + n == len(quote):
                return True
            # Cut the piece at a break it reaches (the last first) and go on from there.
            lo, hi = bisect.bisect_right(cuts, s), bisect.bisect_right(cuts, s + n)
            for e in reversed(cuts[lo:hi]):
                if from_(q + (e - s), e, False):
                    return True
        return False

    return from_(0, 0, True)


@lru_cache(maxsize=4096)
def _folded(text: str) -> tuple[str, list[int]]:
    """text without punctuation and spaces, width folded; and each kept char's original index
    (cached: the same official texts are folded for every quote of them)."""
    chars, where = [], []
    for i, ch in enumerate(text):
        if not _ignorable(ch):
            chars.append(canon(ch))
            where.append(i)
    return "".join(chars), where


@lru_cache(maxsize=4096)
def _bigrams(text: str) -> frozenset:
    return frozenset(text[i:i + 2] for i in range(len(text) - 1))


# A quote sharing fewer of its character pairs with the text than this is of another text: even
# one whose every punctuation mark differs keeps about three quarters of them.
MIN_SHARED_PAIRS = 0.5


def verdict(quote: str, units: list[str]) -> str:
    """exact / excerpt / punctuation / different for one quote of a provision whose official text
    is `units` (its paragraphs and items, in order)."""
    text = "".join(units)
    if quote == text:
        return EXACT
    pairs = frozenset(quote[i:i + 2] for i in range(len(quote) - 1))
    if pairs and len(pairs & _bigrams(text)) < MIN_SHARED_PAIRS * len(pairs):
        return DIFFERENT   # cheap: the diff asks this of every changed citation at scale
    cuts = breaks(tuple(units))
    if is_excerpt(quote, text, cuts):
        return EXCERPT
    fq, _ = _folded(quote)
    ft, where = _folded(text)
    fcuts = sorted({bisect.bisect_left(where, c) for c in cuts})
    if fq and (fq == ft or is_excerpt(fq, ft, fcuts)):
        return PUNCTUATION
    return DIFFERENT


def check_quote(quote: str, units: list[str]) -> QuoteCheck:
    """The verdict on one quote, and for `different` both wordings marked."""
    found = verdict(quote, units)
    text = "".join(units)
    return _different(quote, text) if found == DIFFERENT else QuoteCheck(found, text)


def _char_pairs(a: str, b: str, a_at: int, b_at: int) -> list[tuple[int, str, int, str]]:
    """(position in quote, run, position in text, run) for each differing run of two short
    stretches, punctuation-only runs left out."""
    sm = SequenceMatcher(None, a, b, autojunk=False)
    return [(a_at + i1, a[i1:i2], b_at + j1, b[j1:j2]) for op, i1, i2, j1, j2 in sm.get_opcodes()
            if op != "equal" and not all(_ignorable(c) for c in a[i1:i2] + b[j1:j2])]


def _different(quote: str, text: str) -> QuoteCheck:
    """The quote beside the stretch of official text it quotes, differing runs marked."""
    blocks = anchors(quote, text)
    if not blocks:
        return QuoteCheck(DIFFERENT, text, MARK.format(quote), MARK.format(text),
                          [{"quote": quote, "official": text}])
    q_start, t_start = blocks[0].a, blocks[0].b
    q_end, t_end = blocks[-1].a + blocks[-1].size, blocks[-1].b + blocks[-1].size
    core, region = quote[q_start:q_end], text[t_start:t_end]
    pairs = [(q_start + d.a_at, d.a, t_start + d.b_at, d.b) for d in wording_differences(core, region)]
    if not pairs:
        # Not a small wording change inside shared text: mark every run that is not punctuation.
        pairs = _char_pairs(core, region, q_start, t_start)
    # Before the first and after the last shared run, the quote is set against as much of the
    # official text as it has characters there.
    head = text[max(0, t_start - q_start):t_start]
    tail = text[t_end:t_end + len(quote) - q_end]
    pairs = (_char_pairs(quote[:q_start], head, 0, t_start - len(head)) + pairs
             + _char_pairs(quote[q_end:], tail, q_end, t_end))
    return QuoteCheck(
        DIFFERENT, text,
        highlight(quote, [(a, ra) for a, ra, _, _ in pairs]),
        highlight(text, [(b, rb) for _, _, b, rb in pairs]),
        [{"quote": ra, "official": rb} for _, ra, _, rb in pairs],
    )
