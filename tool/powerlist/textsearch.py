"""Full-text search over Chinese: which columns are searched, and the tokens an index holds.

Chinese is written without spaces, so a word tokenizer (SQLite FTS5's unicode61) sees a whole
clause as one token and finds nothing inside it; FTS5's trigram tokenizer cannot find a word
shorter than three characters (收缴, 罚). A segmenter such as jieba finds only the words its
dictionary cuts out (保密 inside 保密局 is lost) and is slow at province scale. So every run of Han
characters is indexed as its single characters and its overlapping character pairs:
保密检查 → 保 密 检 查 保密 密检 检查. A one- or two-character query is then one exact token, and a
longer one is the AND of its pairs, checked against the text itself where exactness matters
(`powerlist sql`'s search()). Letters and digits stay words, as unicode61 reads them.
"""

from __future__ import annotations

import re
from functools import lru_cache

# What each searchable table offers to search: its text columns (ids and codes are not text).
SEARCH_COLUMNS = {
    "items": ["name", "sub_name", "category", "implementing_body", "undertaking_unit", "accountability_intro", "remark"],
    "steps": ["name", "text", "responsible"],
    "accountability": ["text", "responsible"],
    "exemptions": ["text"],
    "bases": ["law_title", "law_doc", "chapter", "article", "paragraph", "text"],
}
# The row's key as readers name it, per table (the search() results carry it).
ROW_KEYS = {"items": "item_id", "steps": "step_no", "accountability": "case_no", "exemptions": "seq",
            "bases": "basis_id"}

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(f"[{HAN}]+|[^\\W{HAN}_]+")  # a run of Han characters, or a word of letters/digits
_IS_HAN = re.compile(f"[{HAN}]")


@lru_cache(maxsize=1 << 16)
def tokens(text: str | None) -> str:
    """The index text of a value: Han characters and character pairs, other words as they are.
    Cached: the same provision and the same step text recur across every county's list."""
    out: list[str] = []
    for run in _RUN.findall(text or ""):
        if _IS_HAN.match(run):
            out.extend(run)
            out.extend(run[i:i + 2] for i in range(len(run) - 1))
        else:
            out.append(run)
    return " ".join(out)


def fts_query(query: str) -> str:
    """An FTS5 MATCH expression over `tokens()` text: every term must occur (AND), a Han term of
    three or more characters as all of its character pairs."""
    terms: list[str] = []
    for run in _RUN.findall(query):
        if _IS_HAN.match(run) and len(run) > 2:
            terms.extend(run[i:i + 2] for i in range(len(run) - 1))
        else:
            terms.append(run)
    return " AND ".join('"' + t.replace('"', '""') + '"' for t in terms)
