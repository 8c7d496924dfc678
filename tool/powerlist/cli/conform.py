"""`powerlist conform`: a jurisdiction list against the catalog for its level."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter

import typer
from rich.text import Text

from ..package import open_target
from .app import check_format, command, format_option, out, release_option, root, say

FORMATS = ("text", "json")
STYLES = {"delete": ("[-", "-]", "red strike"), "insert": ("{+", "+}", "green underline")}


def diff_text(segments: list[tuple[str, str]], context: int = 12) -> Text:
    """Inline character diff, git word-diff style markers plus colour; long equal runs are cut."""
    text = Text()
    for i, (op, piece) in enumerate(segments):
        if op == "equal":
            if len(piece) > 2 * context + 1:
                head = piece[:context] if i > 0 else ""
                tail = piece[-context:] if i < len(segments) - 1 else ""
                piece = f"{head}…{tail}" if head or tail else "…"
            text.append(piece)
        else:
            start, end, style = STYLES[op]
            text.append(f"{start}{piece}{end}", style=style)
    return text


@command("conform")
def conform_cmd(ctx: typer.Context, list_id: str = typer.Argument(..., help="A jurisdiction list, e.g. 450325-baomi."),
                release: str = release_option(),
                fmt: str = format_option("text", FORMATS, "the findings"),
                exit_code: bool = typer.Option(False, "--exit-code", help="Exit 1 when there are findings.")):
    """Compare a jurisdiction list with the catalog for its level: missing and extra items, wording deviations."""
    from ..conform import conform

    check_format(fmt, FORMATS)
    report = conform(open_target(root(ctx), release), list_id)
    if fmt == "json":
        typer.echo(json.dumps(dataclasses.asdict(report), ensure_ascii=False, indent=2))
    else:
        print_report(report)
    if exit_code and not report.conforms:
        raise typer.Exit(1)


def print_report(report) -> None:
    say(f"{report.list_id} 对照 {report.catalog_list_id}（{report.level}）")
    say(f"目录中{report.level}事项 {len(report.expected)} 项；清单事项 {len(report.pairs)} 项对应目录事项")
    for c in report.not_for_level:
        say(f"不要求：目录第 {c['seq']} 项《{c['name']}》实施层级为{c['levels']}")
    counts = Counter(f.label for f in report.findings)
    say(f"发现 {len(report.findings)} 处" + (f"：{'，'.join(f'{k} {v}' for k, v in counts.items())}" if counts else "：与目录一致"))
    current = None
    for f in report.findings:
        if f.kind in ("missing_item", "extra_item"):
            what = f"目录第 {f.catalog_seq} 项《{f.catalog_text}》" if f.kind == "missing_item" else f"序号 {f.seq}《{f.list_text}》"
            say(f"{f.label}：{what}")
            continue
        if f.item_id != current:
            current = f.item_id
            say("")
            say(f"序号 {f.seq} {f.name}（{f.item_id} ↔ 目录第 {f.catalog_seq} 项）")
        line = Text(f"  {f.label}  {f.column}" + (f" {f.key}" if f.key else "") + "：")
        if f.diff:
            line.append_text(diff_text(f.diff))
        else:
            line.append(f"目录「{f.catalog_text or ''}」 清单「{f.list_text or ''}」")
        out.print(line, highlight=False)
