"""``shadowtrade data fetch SOURCE``: download trade data from its publisher, or copy a mirror.

Files go under ``<home>/downloads`` (``--out`` to choose); ``data load --mirror`` reads them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from shadowtrade.cli.app import STATE, err_console, print_json, settings
from shadowtrade.cli.data import data_app, summarise
from shadowtrade.sources.formats import FETCH_SOURCES

if TYPE_CHECKING:  # imported where used: they start slowly
    from shadowtrade.sources.fetch import Fetched


ByteProgress = Callable[[str, int, "int | None"], None]


@data_app.command("fetch")
def fetch_command(
    source: str = typer.Argument(..., help=f"One of: {', '.join(FETCH_SOURCES)}."),
    mirror: Path = typer.Option(None, "--mirror", help="Copy the files from this local mirror."),
    out: Path = typer.Option(None, "--out", help="Where files go (default: <home>/downloads)."),
    base_url: str = typer.Option(None, "--base-url",
                                 help="Download from this host instead of the publisher's."),
    release: str = typer.Option("V202501", "--release", help="BACI release."),
    revision: str = typer.Option("HS17", "--revision", help="BACI HS revision (HS92 … HS22)."),
    period: list[str] = typer.Option(None, "--period",
                                     help="Comext file period (202352) or Comtrade period."),
    reporter: str = typer.Option("CHN", "--reporter", help="Comtrade reporter (ISO3)."),
    partner: str = typer.Option("RUS", "--partner", help="Comtrade partner (ISO3)."),
    flow: str = typer.Option("M", "--flow", help="Comtrade flow: M, X, RM, RX."),
    freq: str = typer.Option("M", "--freq", help="Comtrade frequency: A or M."),
    comtrade_key: str = typer.Option(None, "--comtrade-key", envvar="SHADOWTRADE_COMTRADE_KEY",
                                     help="UN Comtrade subscription key.", show_envvar=True),
    load: bool = typer.Option(False, "--load", help="Load the fetched files afterwards."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
) -> None:
    """Download SOURCE's files from its publisher (or copy them from --mirror DIR)."""
    from shadowtrade.sources.fetch import FetchOptions, fetch

    target = out or settings().downloads_dir
    options = FetchOptions(release=release, revision=revision, periods=tuple(period or ()),
                           reporter=reporter, partner=partner, flow=flow, freq=freq,
                           comtrade_key=comtrade_key or settings().comtrade_key)
    with byte_progress() as advance:
        fetched = fetch(source, target, options, base_url=base_url, mirror=mirror,
                        on_progress=advance)
    if load:
        _load(target)
    if as_json:
        print_json([_as_dict(item) for item in fetched])
        return
    for item in fetched:
        err_console.print(f"{item.path}: {item.size:,} bytes, sha256 {item.sha256}",
                          highlight=False)
    if not load:
        err_console.print(f"load them: shadowtrade data load --mirror {target}", highlight=False)


def _as_dict(item: Fetched) -> dict[str, object]:
    return {"path": str(item.path), "origin": item.origin, "size": item.size,
            "sha256": item.sha256, "resumed_from": item.resumed_from}


def _load(target: Path) -> None:
    from shadowtrade.sources.loader import load_file, mirror_files
    from shadowtrade.warehouse import Warehouse

    loaded = False
    with Warehouse(settings().warehouse_path) as warehouse:
        for path, fmt in mirror_files(target):
            result = load_file(warehouse, path, fmt)
            state = "already loaded" if result.skipped else f"{result.rows:,} rows loaded"
            err_console.print(f"{path.name}: {state}", highlight=False)
            loaded = loaded or not result.skipped
        if loaded:  # as data load does: the detectors' per-pair sums
            summarise(warehouse, quiet=False)


@contextmanager
def byte_progress() -> Iterator[ByteProgress]:
    """A Rich progress bar of bytes per file on stderr; yields the callback that moves it."""
    if STATE.quiet or not err_console.is_terminal:
        yield lambda _name, _done, _total: None
        return
    columns = [TextColumn("[bold]{task.description}"), BarColumn(), DownloadColumn(),
               TransferSpeedColumn(), TimeRemainingColumn()]
    with Progress(*columns, console=err_console, transient=True) as progress:
        tasks: dict[str, TaskID] = {}

        def advance(name: str, done: int, total: int | None) -> None:
            if name not in tasks:
                tasks[name] = progress.add_task(name, total=total)
            progress.update(tasks[name], completed=done, total=total)

        yield advance
