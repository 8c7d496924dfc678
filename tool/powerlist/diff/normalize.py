"""What counts as the same text for a reviewer: width, whitespace and numbering style folded.

The same folding exists twice — as a DuckDB expression (to match rows set-wise) and in Python
(to classify a changed field) — and the two must agree, so both are built from these tables.
"""

from __future__ import annotations

import re

from ..sqltext import literal

# Full-width forms U+FF01..U+FF5E are the ASCII characters U+0021..U+007E at another width;
# dashes printed in numbering (2—1．, 4－2．) differ only in style.
_WIDE = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "—–"
_NARROW = "".join(chr(c) for c in range(0x21, 0x7F)) + "--"
_WHITESPACE = " \t\n\r\f\v\u3000\u00a0"

_TRANSLATE = str.maketrans(_WIDE, _NARROW, _WHITESPACE)
_DIGITS = re.compile(r"[0-9]+")


def fold(value) -> str:
    """The text with punctuation width and whitespace folded away (None counts as empty)."""
    if value is None:
        return ""
    return str(value).translate(_TRANSLATE)


def number_style(label) -> str:
    """A numbering label with its numbers blanked: 2． and 3． share a style, 1． and 1. do not."""
    return _DIGITS.sub("#", "" if label is None else str(label))


def fold_all_sql(columns_sql: list[str]) -> str:
    """One DuckDB expression, equal for two rows exactly when fold() of each column is equal.

    DuckDB's translate sets up its map on every call (~6 µs, more than folding a line of text
    takes), so the columns are folded in one call: their texts joined by \\x01\\x02, each \\x01
    inside a text doubled first. Folding leaves both characters alone, so the folded join is the
    join of the folded texts, and the join can be read back into its texts: equal joins, equal
    folded texts.
    """
    ws = "".join(_WHITESPACE)
    parts = [f"replace(coalesce(CAST({c} AS VARCHAR), ''), chr(1), chr(1) || chr(1))" for c in columns_sql]
    return f"translate({' || chr(1) || chr(2) || '.join(parts)}, {literal(_WIDE + ws)}, {literal(_NARROW)})"


def number_style_sql(column_sql: str) -> str:
    return f"regexp_replace(coalesce(CAST({column_sql} AS VARCHAR), ''), '[0-9]+', '#', 'g')"
