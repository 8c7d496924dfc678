"""Character-level differences inside a sentence (Chinese has no spaces to split words on)."""

from __future__ import annotations

import difflib

EQUAL, DELETE, INSERT = "equal", "delete", "insert"


def segments(old, new) -> list[tuple[str, str]]:
    """[(op, text)] that read as the old text with deletions and insertions marked."""
    a = "" if old is None else str(old)
    b = "" if new is None else str(new)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append((EQUAL, a[i1:i2]))
            continue
        if i2 > i1:
            out.append((DELETE, a[i1:i2]))
        if j2 > j1:
            out.append((INSERT, b[j1:j2]))
    return out


def marked(old, new) -> str:
    """Plain-text form with git word-diff markers: [-deleted-]{+inserted+}."""
    parts = []
    for op, text in segments(old, new):
        parts.append(text if op == EQUAL else f"[-{text}-]" if op == DELETE else f"{{+{text}+}}")
    return "".join(parts)
