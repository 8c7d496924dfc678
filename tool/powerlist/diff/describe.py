"""One-line readable forms of rows, as a reviewer would read them in the list."""

from __future__ import annotations


def _paren(value) -> str:
    return f"（{value}）" if value else ""


def describe_row(table: str, row: dict) -> str:
    if table == "items":
        return row.get("name", "") + (f"（{row['sub_name']}）" if row.get("sub_name") else "")
    if table == "steps":
        body = f"{row['name']}：{row.get('text') or ''}" if row.get("name") else (row.get("text") or "")
        return body + _paren(row.get("responsible"))
    if table == "accountability":
        return (row.get("text") or "") + _paren(row.get("responsible"))
    if table == "exemptions":
        return row.get("text") or ""
    if table == "bases":
        where = "".join(row.get(k) or "" for k in ("chapter", "article", "paragraph"))
        text = row.get("text") or ""
        return (f"【{row.get('law_type') or ''}】《{row.get('law_title') or ''}》{_paren(row.get('law_doc'))}"
                f"{where}{'：' if text else ''}{text}")
    if table == "lists":
        return row.get("title") or row.get("list_id", "")
    return "，".join(f"{k}={v}" for k, v in row.items() if v not in (None, ""))
