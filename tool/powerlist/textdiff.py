"""The one character-level diff of the tool, and its one terminal rendering.

Chinese has no spaces to split words on, so sentences are compared character by character.
Used by diff's reports (old → new of a changed cell), by conform (catalog → list wording,
where character width and whitespace are not differences: pass fold=canon, skip_space=True),
by the audit (typo-sized edits between siblings, shared runs of two quotes) and by the
matching of rows and items (similarity).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable

from rich.text import Text

EQUAL, DELETE, INSERT = "equal", "delete", "insert"
MARKERS = {DELETE: ("[-", "-]"), INSERT: ("{+", "+}")}
STYLES = {DELETE: "red strike", INSERT: "green underline"}


def _matcher(a, b) -> difflib.SequenceMatcher:
    # autojunk off: in Chinese legal text the frequent characters (的, 保, 密) are content.
    return difflib.SequenceMatcher(None, a, b, autojunk=False)


def opcodes(a: str, b: str) -> list[tuple[str, int, int, int, int]]:
    """difflib's (tag, i1, i2, j1, j2) edit script from a to b, character by character."""
    return _matcher(a, b).get_opcodes()


def matching_blocks(a: str, b: str) -> list:
    """The runs a and b share, in order (difflib Match(a, b, size); the last has size 0)."""
    return _matcher(a, b).get_matching_blocks()


def similarity(a: str, b: str, floor: float = 0.0) -> float:
    """How alike two texts are, 0..1 (difflib's ratio); 0.0 as soon as the cheap upper bounds
    show it is below floor (pairing many rows, most pairs are far apart)."""
    m = _matcher(a, b)
    if floor and (m.real_quick_ratio() < floor or m.quick_ratio() < floor):
        return 0.0
    return m.ratio()


def segments(old, new, *, fold: Callable[[str], str] | None = None,
             skip_space: bool = False) -> list[tuple[str, str]]:
    """[(op, text)] that read as the old text with deletions and insertions marked.

    fold maps each character to the form compared (the text shown keeps the original
    characters); skip_space leaves whitespace out of both sides."""
    a = [c for c in ("" if old is None else str(old)) if not (skip_space and c.isspace())]
    b = [c for c in ("" if new is None else str(new)) if not (skip_space and c.isspace())]
    ka, kb = ([fold(c) for c in a], [fold(c) for c in b]) if fold else (a, b)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in _matcher(ka, kb).get_opcodes():
        if op == "equal":
            out.append((EQUAL, "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append((DELETE, "".join(a[i1:i2])))
        if j2 > j1:
            out.append((INSERT, "".join(b[j1:j2])))
    return out


def marked(segs: list[tuple[str, str]]) -> str:
    """Plain-text form of segments with git word-diff markers: [-deleted-]{+inserted+}."""
    return "".join(text if op == EQUAL else f"{MARKERS[op][0]}{text}{MARKERS[op][1]}" for op, text in segs)


def redline_text(segs: list[tuple[str, str]], *, markers: bool = True, context: int | None = None) -> Text:
    """Segments as rich Text: red struck-through deletions, green underlined insertions, plus
    [-…-]{+…+} markers when markers (where colour may not show). With context, equal runs
    longer than 2×context+1 keep only context characters next to each change."""
    text = Text()
    for i, (op, piece) in enumerate(segs):
        if op == EQUAL:
            if context is not None and len(piece) > 2 * context + 1:
                head = piece[:context] if i > 0 else ""
                tail = piece[-context:] if i < len(segs) - 1 else ""
                piece = f"{head}…{tail}" if head or tail else "…"
            text.append(piece)
        else:
            start, end = MARKERS[op] if markers else ("", "")
            text.append(f"{start}{piece}{end}", style=STYLES[op])
    return text
