"""Article and paragraph numbers as users type them: 45, 四十五, 第四十五条, 第二款."""

from __future__ import annotations

import re


from ..errors import PowerlistError


def parse_number(text: str | int | None, what: str = "article") -> int | None:
    if text is None or isinstance(text, int):
        return text
    import cn2an  # imported when first needed: it takes ~0.4 s (see laws/texts.py)

    core = re.sub(r"^第|[条款]$", "", str(text).strip())
    if core.isdigit():
        return int(core)
    try:
        value = int(cn2an.cn2an(core, "strict"))
    except (ValueError, KeyError):
        raise PowerlistError(f"{what} {text!r} is not a number (45, 四十五 or 第四十五条)") from None
    if value < 1:
        raise PowerlistError(f"{what} {text!r} must be 1 or more")
    return value


def article_label(article: int, paragraph: int | None = None) -> str:
    import cn2an

    label = f"第{cn2an.an2cn(article)}条"
    return label + (f"第{cn2an.an2cn(paragraph)}款" if paragraph else "")
