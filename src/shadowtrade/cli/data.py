"""``shadowtrade data load|status``: what goes into the warehouse and what it holds."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from shadowtrade.cli.app import app, err_console, print_json, settings
from shadowtrade.cli.options import JSON, row_progress
from shadowtrade.errors import UsageError
from shadowtrade.sources.formats import FORMATS

if TYPE_CHECKING:  # imported where used: the warehouse and the readers start slowly
    from shadowtrade.warehouse import LoadResult, Warehouse

data_app = typer.Typer(help="Load trade data into the warehouse and see what it holds.",
                       no_args_is_help=True)
app.add_typer(data_app, name="data")


@data_app.command("load")
def load(
    files: list[Path] = typer.Argument(None, help="Trade files to load (CSV, gzip, zip, Parquet, JSON)."),
    mirror: Path = typer.Option(None, "--mirror", help="Load every known file under this folder."),
    fmt: str = typer.Option(None, "--format", help=f"Force a format: {'|'.join(FORMATS)}."),
    release: str = typer.Option(None, "--release", help="Release tag when the file name has none."),
    as_json: bool = JSON,
) -> None:
    """Load trade files; each file is one transaction, a file already loaded is skipped."""
    from shadowtrade.sources.loader import load_file
    from shadowtrade.warehouse import Warehouse

    targets = _targets(files or [], mirror, fmt)
    results: list[LoadResult] = []
    with Warehouse(settings().warehouse_path) as warehouse:
        for path, chosen in targets:
            with row_progress(f"Loading {path.name}") as advance:
                result = load_file(warehouse, path, chosen, release, on_rows=advance)
            results.append(result)
            if not as_json:
                err_console.print(_describe(result), highlight=False)
        if any(not result.skipped for result in results):
            summarise(warehouse, quiet=as_json)
    if as_json:
        print_json([result.__dict__ for result in results])


def summarise(warehouse: Warehouse, quiet: bool) -> None:
    """Build the detectors' per-pair sums of the loaded flows and map the sector groups into
    their HS revisions (``warehouse/derived.py``)."""
    from shadowtrade.warehouse.derived import MEMBERS_STEM, PAIRS_STEM, build_summaries

    started = time.perf_counter()
    built = build_summaries(warehouse)
    if built and not quiet:
        err_console.print(f"summary for the detectors: {built[PAIRS_STEM]:,} partner-year rows "
                          f"and {built[MEMBERS_STEM]} sector groups mapped into the loaded HS "
                          f"revisions in {time.perf_counter() - started:.1f} s", highlight=False)


def _targets(files: list[Path], mirror: Path | None, fmt: str | None) -> list[tuple[Path, str | None]]:
    from shadowtrade.sources.loader import mirror_files

    if not files and mirror is None:
        raise UsageError("give files to load, or --mirror DIR to load every known file in it")
    targets: list[tuple[Path, str | None]] = [(path, fmt) for path in files]
    if mirror is not None:
        found = mirror_files(mirror)
        if not found:
            raise UsageError(f"no known trade file under {mirror}")
        targets.extend(found)
    return targets


def _describe(result: LoadResult) -> str:
    name = Path(result.file).name
    if result.skipped:
        return f"{name}: already loaded, skipped"
    text = f"{name}: {result.rows:,} rows from {result.source} {result.release}"
    text += f" in {result.seconds:.2f} s ({result.rows_per_second:,.0f} rows/s)"
    if result.quarantined:
        text += f"; {result.quarantined:,} rows quarantined (see: shadowtrade data status)"
    if result.replaced:
        text += f"; replaced {result.replaced:,} rows of an earlier load"
    return text


@data_app.command("export")
def export(
    out: Path = typer.Option(..., "--out", help="Folder to write the dataset into."),
    fmt: str = typer.Option("parquet", "--format", help="Only parquet for now."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing export."),
) -> None:
    """The warehouse as a Parquet dataset partitioned by source and year (what Spark reads)."""
    from shadowtrade.warehouse import Warehouse
    from shadowtrade.warehouse.export import export_parquet

    if fmt != "parquet":
        raise UsageError(f"unknown export format '{fmt}': use parquet")
    with Warehouse(settings().warehouse_path, read_only=True) as warehouse:
        counts = export_parquet(warehouse, out, overwrite)
    err_console.print(f"wrote {out}: " + ", ".join(f"{t} {n:,} rows" for t, n in counts.items()),
                      highlight=False)


@data_app.command("status")
def status(as_json: bool = JSON) -> None:
    """Sources, releases, periods, rows and quarantined rows in the warehouse."""
    from shadowtrade.warehouse import Warehouse
    from shadowtrade.warehouse.status import flow_status, quarantine_summary

    with Warehouse(settings().warehouse_path) as warehouse:
        held = flow_status(warehouse)
        quarantine = quarantine_summary(warehouse)
    if as_json:
        print_json({"flows": held, "quarantine": quarantine, "warehouse": str(settings().warehouse_path)})
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not held:
        console.print("The warehouse is empty. Load data: shadowtrade data load --mirror ../shared/data")
        return
    table = Table(title=f"Trade flows in {settings().warehouse_path}")
    for column in ("source", "dataset", "release", "years", "freq", "currency", "rows", "quarantined"):
        table.add_column(column, justify="right" if column in ("rows", "quarantined") else "left")
    for row in held:
        table.add_row(row["source"], row["dataset"], row["release"],
                      f"{row['first_year']}-{row['last_year']}", row["freq"], row["currency"],
                      f"{row['rows']:,}", f"{row['quarantined']:,}")
    console.print(table)
    for row in quarantine:
        console.print(f"quarantined: {row['rows']:,} × {row['reason']} (e.g. {row['file']}, line {row['first_line']})",
                      highlight=False)
