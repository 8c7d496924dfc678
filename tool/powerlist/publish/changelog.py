"""dist/CHANGELOG.md: the releases and, for each consecutive pair, what changed (in Chinese)."""

from __future__ import annotations

import re
from pathlib import Path

from .changes import PairDiff
from .release_data import ReleaseData

def _demote(markdown: str, levels: int = 2) -> str:
    """The engine's own headings sit under this file's per-release heading."""
    return re.sub(r"(?m)^(#{1,4}) ", lambda m: "#" * (len(m.group(1)) + levels) + " ", markdown)


def changelog_text(releases: list[ReleaseData], diffs: list[PairDiff], title: str, missing: str | None = None) -> str:
    """`missing` says why the changes between releases could not be computed (no diff engine)."""
    lines = [f"# 变更记录 · {title}", "", "## 发布版本", "", "| 版本 | 发布日期 | 清单数 | 事项数 |", "|---|---|---:|---:|"]
    for rel in reversed(releases):
        lines.append(f"| {rel.tag} | {rel.date} | {rel.counts.get('lists', 0)} | {rel.counts.get('items', 0)} |")
    lines.append("")
    if len(releases) == 1:
        lines += [f"只有一个发布版本（{releases[0].tag}），尚无相邻版本之间的变更。", ""]
    elif missing:
        lines += [f"未生成版本之间的变更：{missing}", ""]
    for d in reversed(diffs):
        # The engine's report carries its own summary table (cosmetic changes left out, as it counts them).
        lines += [f"## {d.to_tag}（相对于 {d.from_tag}）", "", _demote(d.markdown).strip(), ""]
    return "\n".join(lines)


def write_changelog(out: Path, releases: list[ReleaseData], diffs: list[PairDiff], title: str,
                    missing: str | None = None) -> Path:
    path = out / "CHANGELOG.md"
    path.write_text(changelog_text(releases, diffs, title, missing), encoding="utf-8")
    return path
