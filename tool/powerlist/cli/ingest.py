"""`powerlist ingest`: read a list document into the working state."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from .app import command, list_option, out, root, say


@command()
def ingest(ctx: typer.Context, doc: Path = typer.Argument(..., help="The list document: .txt in the sources' layout, .docx, .xlsx, .doc/.wps/.odt/.xls/.et/.ods (through LibreOffice), .pdf with a text layer, or .html/.htm."),
           list_id: Optional[str] = list_option("The list the document updates (default: detected).")):
    """Read a list document into the working state, replacing that list; print what matched."""
    from ..ingest.run import ingest_document

    report = ingest_document(root(ctx), doc, list_id)
    verb = "new list" if report.new_list else "updates"
    say(f"{doc}: {verb} {report.list_id} ({report.kind}, {report.how}) 《{report.title}》")
    table = Table(title="items")
    for col in ("序号", "item_id", "rule", "名称"):
        table.add_column(col)
    for m in report.matches:
        rule = m.rule + (f" {m.score}" if m.score is not None else "")
        if m.rule != "new" and m.old_seq != m.seq:
            rule += f" (was 序号 {m.old_seq})"
        table.add_row(str(m.seq), m.item_id, rule, m.name)
    out.print(table)
    for r in report.removed:
        say(f"取消 removed: {r['item_id']} 序号 {r['seq']} {r['name']}")
    say(", ".join(f"{k} {v}" for k, v in report.counts.items()))
    for note in report.notes:
        say(note)
    say(report.accounting)
