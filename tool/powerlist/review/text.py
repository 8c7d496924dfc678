"""The review report as plain text for a terminal or a pipe, redlines as [-删去-]{+加入+}."""

from __future__ import annotations

from ..textdiff import marked
from .parts import parts


def _marked(row: dict) -> str:
    segs = row.get("segments")
    if segs:
        return marked(segs)
    old, new = row.get("调整前", ""), row.get("调整后", "")
    if old and new:
        return f"{old} → {new}"
    return (new or old).replace("\n", "\n      ")


def render_text(review: dict) -> str:
    lines = [review["header"]["title"]]
    for part in parts(review):
        lines += ["", part.title, *part.lines]
        for t in part.tables:
            if t.title:
                lines.append(t.title)
            for row in t.rows:
                if "调整前" in t.columns:
                    seq = f"序号{row['序号']} " if row["序号"] else ""
                    lines.append(f"  {seq}{row['事项名称']}  {row['调整类型']}  {row['调整内容']}：{_marked(row)}")
                else:
                    lines.append("  " + "  ".join(str(row.get(c, "")) for c in t.columns if row.get(c, "") != ""))
            lines += [f"  {n}" for n in t.notes]
    return "\n".join(lines) + "\n"


