"""`powerlist publish`: the open-data downloads and the static site."""

from __future__ import annotations

from pathlib import Path

import typer

from .app import command, err, root, say, warn


@command()
def publish(ctx: typer.Context, out_dir: Path = typer.Option(Path("dist"), "--output", "--out", "-o",
                                         help="Output folder (replaced atomically).")):
    """Build the open-data downloads of every release, CHANGELOG.md, SHA256SUMS and a static site."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..publish import NOT_REPRODUCIBLE, publish as build

    r = root(ctx)
    if not err.is_terminal:
        report = build(r, out_dir)
    else:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=err, transient=True) as bar:
            task = bar.add_task("publish", total=None)

            def tick(what: str, done: int, total: int) -> None:
                bar.update(task, description=what, completed=done, total=total)
            report = build(r, out_dir, tick)
    say(f"published {len(report.releases)} release(s) ({', '.join(report.releases)}) to {out_dir}: "
        f"{report.files} files, {report.size / 1e6:.1f} MB")
    if report.pairs:
        say(f"changes and redline pages: {', '.join(report.pairs)}")
    for note in report.notes:
        warn(f"note: {note}")
    say(f"not byte-reproducible: {', '.join('*' + s for s in NOT_REPRODUCIBLE)} (random database id); "
        f"check with: cd {out_dir} && sha256sum -c SHA256SUMS")
