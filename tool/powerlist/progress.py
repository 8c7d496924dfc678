"""A rich progress bar over a package's tables: shown on a terminal, silent when piped."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator, Optional

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


@contextmanager
def table_progress(console: Console, title: str) -> Iterator[Optional[Callable[[str, int, int], None]]]:
    """Yields a callback (what, index, total) for library code, or None when not on a terminal.
    The bar disappears when index reaches total, or at the end of the block."""
    if not console.is_terminal:
        yield None
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task(title, total=None)

        def step(table: str, index: int, total: int) -> None:
            bar.update(task, description=f"{title}: {table}", completed=index, total=total)
            if total and index >= total:
                bar.stop()  # done: gone before the command prints its result

        yield step
