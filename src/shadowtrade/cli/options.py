"""Options shared by several commands, and the progress bar for long work."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Callable

import typer

from shadowtrade.cli.app import STATE, err_console

JSON = typer.Option(False, "--json", help="Print JSON instead of a table.")
CSV = typer.Option(False, "--csv", help="Print CSV instead of a table.")
YEARS = typer.Option(None, "--years", help="One year (2021) or a range (2017-2023).")
SOURCE = typer.Option(
    None, "--source", help="Only this publisher's report: baci, comtrade, eurostat, national, atlas."
)


@contextmanager
def row_progress(label: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr counting rows; yields the callback that advances it."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    if STATE.quiet or not err_console.is_terminal:
        yield lambda _rows: None
        return
    columns = [TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("rows"), TimeElapsedColumn()]
    with Progress(*columns, console=err_console, transient=True) as progress:
        task = progress.add_task(label, total=total)
        yield lambda rows: progress.advance(task, rows)
