"""HTML building blocks. Every value from the data goes through esc(); nothing else is trusted."""

from __future__ import annotations

import html

from ..portal import DATA_LICENSE_NOTE

FOOTER = ("数据来源：已公布的权责清单文件，经 powerlist 规范化整理。" + DATA_LICENSE_NOTE
          + "本站为静态页面，可直接打开或置于任何网站服务器。")


def esc(value) -> str:
    # Most texts hold none of the five characters: looking for each (a C scan) costs a fifth of
    # html.escape's five replace() calls, and esc runs ~50 times per item of a list page.
    if value.__class__ is str:
        if "&" in value or "<" in value or ">" in value or '"' in value or "'" in value:
            return html.escape(value, quote=True)
        return value
    return html.escape("" if value is None else str(value), quote=True)


def paragraphs(text: str | None) -> str:
    """A cell's paragraphs (separated by line breaks) as <p> elements."""
    if not text:
        return ""
    # Escaping leaves line breaks and blanks alone: the whole text is escaped once, then split.
    text = esc(text)
    if "\n" not in text:  # one paragraph (most cells)
        return f"<p>{text}</p>" if text.strip() else ""
    parts = [p for p in text.split("\n") if p.strip()]
    return "<p>" + "</p><p>".join(parts) + "</p>" if parts else ""


def json_ld(data) -> str:
    """A JSON-LD block; <, > and & escaped so no value can close the script element."""
    import json
    text = json.dumps(data, ensure_ascii=False, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">\n{text}\n</script>\n'


def page(title: str, body: str, up: str = "", wide: bool = False, scripts: list[str] | None = None,
         head: str = "") -> str:
    """A whole document. `up` is the relative path back to the site root ('' or '../');
    `head` is trusted markup for <head> (JSON-LD built by json_ld)."""
    before, after = page_parts(title, up, wide, scripts, head)
    return before + body + after


def page_parts(title: str, up: str = "", wide: bool = False, scripts: list[str] | None = None,
               head: str = "") -> tuple[str, str]:
    """What page() writes before and after the body (a page can then reuse another's body bytes)."""
    cls = ' class="wide"' if wide else ""
    tags = "".join(f'<script src="{esc(up + s)}"></script>' for s in scripts or [])
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n"
        f'<link rel="stylesheet" href="{esc(up)}style.css">\n{head}</head>\n<body>\n'
        f'<header class="site"><a class="title" href="{esc(up)}index.html">广西保密工作权责清单 · 开放数据</a></header>\n'
        f"<main{cls}>\n",
        f"\n</main>\n<footer>{esc(FOOTER)}</footer>\n{tags}\n</body>\n</html>\n")
