"""Terminal report in Chinese, grouped by list and item, with character-level highlights.

With colour, deletions are red struck-through and insertions green underlined; without colour
(a pipe or a file) they are marked like git's word diff: [-删去-]{+加入+}.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from ...laws.law_text import OncePerCitation
from ..inline import DELETE, EQUAL, segments
from ..view import (shown, ADDED, COSMETIC, MOVED, REMOVED, child_counts, cosmetic_count, group, item_heading,
                    renumber_note, shows_inline, summary_phrase, visible, what as _what, where)

LABEL_STYLES = {ADDED: "bold green", REMOVED: "bold red", COSMETIC: "dim"}


def _redline(old, new, markers: bool) -> Text:
    t = Text()
    for op, chunk in segments(old, new):
        if op == EQUAL:
            t.append(chunk)
        elif op == DELETE:
            t.append(f"[-{chunk}-]" if markers else chunk, style="red strike")
        else:
            t.append(f"{{+{chunk}+}}" if markers else chunk, style="green underline")
    return t


def change_line(c: dict, markers: bool, indent: str = "    ") -> Text:
    line = Text(indent)
    line.append(c["label"], style=LABEL_STYLES.get(c["change"], "bold yellow"))
    line.append("  ")
    if c["change"] in (ADDED, REMOVED):
        line.append(f"{where(c)}：{shown(c['new'] if c['change'] == ADDED else c['old'])}")
    elif c["change"] == MOVED:
        line.append(f"序号 {shown(c['old'])} → {shown(c['new'])}")
    elif shows_inline(c):
        line.append(f"{_what(c)}：")
        line.append_text(_redline(c["old"], c["new"], markers))
        line.append(renumber_note(c))
    else:
        line.append(f"{_what(c)}：{shown(c['old'])} → {shown(c['new'])}")
    return line


def build(result: dict, *, show_all: bool = False, markers: bool = True) -> list[Text]:
    lines = [Text(f"powerlist diff {result['from']} → {result['to']}", style="bold"),
             Text(f"合计：{summary_phrase(result)}")]
    law_text = OncePerCitation()
    for lg in group(visible(result, show_all)):
        lines.append(Text(""))
        heading = f"清单 {lg.list_id} 《{lg.title}》" if lg.list_id else "其他数据表"
        lines.append(Text(heading, style="bold"))
        for c in lg.own:
            lines.append(change_line(c, markers, indent="  "))
        for item in lg.items:
            lines.append(Text("  " + item_heading(item), style="bold cyan"))
            head = item.headline
            if head:
                line = change_line(head, markers)
                counts = child_counts(item)
                if counts:
                    line.append(f"（含{counts}）")
                lines.append(line)
                continue
            for c in item.changes:
                lines.append(change_line(c, markers))
                lines += [Text("      " + line, style="dim") for line in law_text(c)]
    hidden = 0 if show_all else cosmetic_count(result)
    if hidden:
        lines.append(Text(""))
        lines.append(Text(f"另有 {hidden} 处文字修正（标点宽度、空白、编号样式）未显示；加 --all 显示。", style="dim"))
    return lines


def to_plain(lines: list[Text]) -> str:
    console = Console(width=10_000, color_system=None, force_terminal=False, record=True, soft_wrap=True)
    with console.capture() as cap:
        for line in lines:
            console.print(line, markup=False, highlight=False)
    return cap.get()


def render(result: dict, *, show_all: bool = False) -> str:
    return to_plain(build(result, show_all=show_all, markers=True))


def history_lines(h: dict, *, markers: bool = True) -> list[Text]:
    lines = [Text(f"{h['item_id']} 历次版本", style="bold")]
    for v in h["versions"]:
        lines.append(Text(""))
        date = f"（{v['date']}）" if v.get("date") else ""
        if v["present"]:
            lines.append(Text(f"{v['target']}{date}  序号{v['seq']}  {v['name']}", style="bold"))
        else:
            lines.append(Text(f"{v['target']}{date}  （本版本中没有此事项）", style="bold"))
        if v.get("changes") is None:
            continue
        shown = [c for c in v["changes"] if c["change"] != COSMETIC]
        if not shown:
            lines.append(Text("    与上一版本相比无实质调整"))
        law_text = OncePerCitation()
        for c in shown:
            lines.append(change_line(c, markers))
            lines += [Text("      " + line, style="dim") for line in law_text(c)]
    return lines
