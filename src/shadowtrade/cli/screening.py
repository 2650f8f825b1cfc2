"""``shadowtrade lists …``, ``screen``, ``compare`` and ``serve``: sanctions lists and screening."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from pathlib import Path

import typer

from shadowtrade.cli.app import STATE, app, err_console, print_json, settings
from shadowtrade.cli.options import JSON
from shadowtrade.errors import UsageError
from shadowtrade.screening.defaults import DEFAULT_LIMIT, DEFAULT_THRESHOLD

if TYPE_CHECKING:  # imported where used: they start slowly
    from shadowtrade.screening import batch
    from shadowtrade.screening.engine import Screener


lists_app = typer.Typer(help="Sanctions lists: fetch, load, status, diff, export.",
                        no_args_is_help=True)
app.add_typer(lists_app, name="lists")

THRESHOLD = typer.Option(DEFAULT_THRESHOLD, "--threshold", help="Score from which a result is a match.")
DATASET = typer.Option(None, "--dataset", help="Only this list (repeatable), e.g. un_sc.")


@lists_app.command("load")
def lists_load(
    files: list[Path] = typer.Argument(None, help="List file(s) of one list (format detected)."),
    mirror: Path = typer.Option(None, "--mirror", help="Load every list under MIRROR/sanctions."),
    dataset: str = typer.Option(None, "--dataset", help="Name of the list (custom lists)."),
    as_json: bool = JSON,
) -> None:
    """Load lists; each list replaces its previous version atomically."""
    from shadowtrade.screening import loading
    from shadowtrade.warehouse import Warehouse

    if not files and mirror is None:
        raise UsageError("give list files to load, or --mirror DIR to load every list under "
                         "DIR/sanctions")
    with Warehouse(settings().warehouse_path) as warehouse:
        loaded = []
        if mirror is not None:
            loaded += loading.load_mirror(warehouse, mirror, on_list=_announce(as_json))
        if files:
            loaded += loading.load_list_files(warehouse, files, dataset)
    if as_json:
        print_json([s.__dict__ for s in loaded])
        return
    for item in loaded:
        state = "unchanged, kept" if item.skipped_unchanged else "loaded"
        extra = f"; {item.rejected:,} records quarantined" if item.rejected else ""
        err_console.print(f"{item.dataset}: {item.entities:,} entities, {item.names:,} names "
                          f"{state}{extra}", highlight=False)


def _announce(quiet: bool):  # type: ignore[no-untyped-def]
    def announce(dataset: str) -> None:
        if not quiet and not STATE.quiet:
            err_console.print(f"reading {dataset} …", highlight=False)
    return announce


@lists_app.command("status")
def lists_status(as_json: bool = JSON) -> None:
    """Per list: publisher, publication date, entities, names, file hash."""
    from rich.console import Console
    from rich.table import Table
    from shadowtrade.screening import loading
    from shadowtrade.warehouse import Warehouse

    with Warehouse(settings().warehouse_path) as warehouse:
        held = loading.status(warehouse)
    if as_json:
        print_json({"lists": [s.__dict__ for s in held]})
        return
    table = Table("list", "publisher", "published", "entities", "names", "rejected", "sha256")
    for s in held:
        table.add_row(s.dataset, s.publisher, s.published or "", f"{s.entities:,}",
                      f"{s.names:,}", f"{s.rejected:,}", s.sha256[:12])
    Console().print(table)


@lists_app.command("diff")
def lists_diff(old: Path = typer.Argument(..., help="Older version of a list file."),
               new: Path = typer.Argument(..., help="Newer version of the same list."),
               as_json: bool = JSON) -> None:
    """Designations added, removed and changed between two versions of a list."""
    from shadowtrade.sources.lists.catalog import read_list
    from shadowtrade.sources.lists.diff import diff_entities

    before, after = read_list([old]), read_list([new])
    result = diff_entities(before.entities, after.entities)
    if as_json:
        print_json(result)
        return
    counts = result["counts"]
    typer.echo(f"{old.name} → {new.name}: {counts['added']} added, {counts['removed']} removed, "
               f"{counts['changed']} changed")
    for kind, sign in (("added", "+"), ("removed", "-"), ("changed", "~")):
        for item in result[kind]:
            fields = f" ({', '.join(item['fields'])})" if kind == "changed" else ""
            typer.echo(f"{sign} {item['id']}  {item['caption']}{fields}")


@lists_app.command("fetch")
def lists_fetch(
    mirror: Path = typer.Option(None, "--mirror", help="Copy from this mirror instead."),
    base_url: str = typer.Option(None, "--base-url", help="Download from this server instead "
                                 "of the official hosts (same folder layout as a mirror)."),
    only: list[str] = typer.Option(None, "--only", help="Only this list (repeatable), e.g. "
                                   "gb_fcdo; us_ofac_sdn_advanced fetches OFAC's SDN_ADVANCED.XML "
                                   "instead of its CSV files."),
    load: bool = typer.Option(False, "--load", help="Load the fetched lists afterwards."),
) -> None:
    """Download the official list files (progress bar) into HOME/downloads/sanctions."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn
    from shadowtrade.screening import loading
    from shadowtrade.sources.lists.catalog import datasets_named
    from shadowtrade.sources.lists.fetch import fetch_lists
    from shadowtrade.warehouse import Warehouse

    target = settings().downloads_dir
    columns = [TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
               TransferSpeedColumn()]
    with Progress(*columns, console=err_console, transient=True,
                  disable=STATE.quiet or not err_console.is_terminal) as progress:
        tasks: dict[str, int] = {}

        def advance(name: str, done: int, total: int | None) -> None:
            if name not in tasks:
                tasks[name] = progress.add_task(name, total=total)
            progress.update(tasks[name], completed=done)  # type: ignore[arg-type]
        fetched = fetch_lists(target, base_url, mirror, only or None, advance)
    for path in fetched:
        err_console.print(f"fetched {path}", highlight=False)
    if load:
        with Warehouse(settings().warehouse_path) as warehouse:
            for item in loading.load_mirror(warehouse, target,
                                            datasets_named(only) if only else None):
                err_console.print(f"{item.dataset}: {item.entities:,} entities", highlight=False)


@lists_app.command("export")
def lists_export(output: Path = typer.Option(..., "--output", help="FtM JSON-lines file."),
                 dataset: list[str] = DATASET) -> None:
    """Export the loaded lists as FollowTheMoney JSON lines."""
    from shadowtrade.screening import loading
    from shadowtrade.warehouse import Warehouse

    with Warehouse(settings().warehouse_path) as warehouse, open(output, "w",
                                                                  encoding="utf-8") as handle:
        count = 0
        for line in loading.export_ftm(warehouse, dataset or None):
            handle.write(line + "\n")
            count += 1
    err_console.print(f"exported {count:,} entities to {output}", highlight=False)


@app.command("screen")
def screen(
    names: list[str] = typer.Argument(None, help="Name(s) of one party to screen."),
    schema: str = typer.Option(None, "--schema", help="Person, Organization, Company, Vessel…"),
    birth_date: list[str] = typer.Option(None, "--birth-date", help="YYYY[-MM[-DD]]."),
    country: list[str] = typer.Option(None, "--country", help="Nationality or country (KP)."),
    identifier: list[str] = typer.Option(None, "--identifier", help="Passport, IMO number…"),
    dataset: list[str] = DATASET,
    threshold: float = THRESHOLD,
    limit: int = typer.Option(DEFAULT_LIMIT, "--limit", help="Results to show."),
    input_file: Path = typer.Option(None, "--input", help="CSV of names to screen in batch."),
    output: Path = typer.Option(None, "--output", help="CSV written by a batch run."),
    name_column: str = typer.Option("name", "--name-column", help="Column holding names."),
    schema_column: str = typer.Option("schema", "--schema-column", help="Column of schemata."),
    workers: int = typer.Option(1, "--workers", min=1,
                                help="Processes screening a batch (they share the index)."),
    as_json: bool = JSON,
) -> None:
    """Screen a name (or a CSV of names) against the loaded sanctions lists."""
    from shadowtrade.screening import batch
    from shadowtrade.screening.query import ScreenQuery

    if input_file is not None:
        options = batch.ScreenOptions(name_column, schema_column, threshold, limit,
                                      tuple(dataset or ()), workers)
        if settings().engine == "spark":
            _run_spark_screen(input_file, output, options)
            return
        _run_batch_screen(input_file, output, options)
        return
    if not names:
        raise UsageError("give a name to screen, or --input FILE.csv for a batch")
    query = ScreenQuery.build(names, schema, birth_date, country, identifier)
    engine = _engine(dataset or None)
    result = engine.screen(query, threshold, limit, dataset or None)
    if as_json:
        print_json(result)
        return
    _print_results(result)


def _engine(datasets: list[str] | None) -> Screener:
    from shadowtrade.screening import loading
    from shadowtrade.warehouse import Warehouse

    config = settings()
    with Warehouse(config.warehouse_path, read_only=True) as warehouse:
        return loading.cached_screener(warehouse, config.home / "cache", datasets)


def _run_batch_screen(input_file: Path, output: Path | None,
                      options: batch.ScreenOptions) -> None:
    from shadowtrade.screening import batch
    from shadowtrade.screening.compiled import scorer_build

    if output is None:
        raise UsageError("a batch run needs --output FILE.csv for the results")
    engine = _engine(list(options.datasets) or None)
    started = time.perf_counter()
    with open(input_file, encoding="utf-8-sig", newline="") as source, \
            open(output, "w", encoding="utf-8", newline="") as target:
        summary = batch.screen_csv(engine, source, target, options, label=str(input_file))
    seconds = time.perf_counter() - started
    build = scorer_build()
    err_console.print(f"screened {summary.rows:,} rows in {seconds:.1f} s "
                      f"({summary.rows / max(seconds, 1e-9):,.0f} per second, {build} scorer): "
                      f"{summary.rows_with_hits:,} with hits, {summary.errors:,} errors; "
                      f"wrote {output}", highlight=False, soft_wrap=True)
    if build == "python" and summary.rows >= 10_000:
        err_console.print("tip: `make compile` builds the compiled scorer, about 1.5 times "
                          "faster (docs/screening.md)", highlight=False)


def _run_spark_screen(input_file: Path, output: Path | None,
                      options: batch.ScreenOptions) -> None:
    """Batch screening of a Parquet file on Spark (engine built here, broadcast once)."""
    from shadowtrade.screening.spark_batch import screen_parquet
    from shadowtrade.warehouse.engine import running_spark

    if output is None:
        raise UsageError("a batch run needs --output FILE.parquet for the results")
    engine = _engine(list(options.datasets) or None)
    with running_spark(settings().spark_master) as session:
        summary = screen_parquet(session, engine, str(input_file), str(output), options)
    err_console.print(f"screened {summary.rows:,} rows on Spark: {summary.rows_with_hits:,} with "
                      f"hits, {summary.errors:,} errors; wrote {output}", highlight=False)


def _print_results(result: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("score", "match", "caption", "schema", "lists", "why")
    for item in result["results"]:
        why = item["explanation"].get("identifier") or item["explanation"].get("name", {})
        detail = "; ".join(why.get("detail", [])) if isinstance(why.get("detail"), list) \
            else str(why.get("detail", ""))
        table.add_row(f"{item['score']:.2f}", "yes" if item["match"] else "", item["caption"],
                      item["schema"], ", ".join(item["datasets"]), detail)
    Console().print(table)


@app.command("compare")
def compare_command(
    name1: str = typer.Argument(None, help="First name."),
    name2: str = typer.Argument(None, help="Second name."),
    schema: str = typer.Option(None, "--schema", help="Schema of both names."),
    threshold: float = THRESHOLD,
    input_file: Path = typer.Option(None, "--input", help="CSV with name1,name2[,schema]."),
    output: Path = typer.Option(None, "--output", help="CSV with score and match added."),
    as_json: bool = JSON,
) -> None:
    """Score two names against each other (or every pair of a CSV)."""
    from shadowtrade.screening import batch
    from shadowtrade.screening.engine import compare

    if input_file is not None:
        if output is None:
            raise UsageError("a batch comparison needs --output FILE.csv for the scores")
        with open(input_file, encoding="utf-8-sig", newline="") as source, \
                open(output, "w", encoding="utf-8", newline="") as target:
            summary = batch.compare_csv(source, target, threshold, label=str(input_file))
        err_console.print(f"compared {summary.rows:,} pairs: {summary.rows_with_hits:,} "
                          f"matches, {summary.errors:,} errors; wrote {output}", highlight=False)
        return
    if name1 is None or name2 is None:
        raise UsageError("give two names to compare, or --input pairs.csv")
    result = compare(name1, name2, schema, threshold)
    if as_json:
        print_json(result)
        return
    typer.echo(f"{result['score']:.3f} {'match' if result['match'] else 'no match'}: "
               + "; ".join(result["explanation"]["detail"]))


@app.command("serve")
def serve(host: str = typer.Option("127.0.0.1", "--host"),
          port: int = typer.Option(8000, "--port"),
          dataset: list[str] = DATASET) -> None:
    """Serve the yente-compatible screening API (POST /match/{dataset}, GET /search/…)."""
    from shadowtrade.screening import loading
    from shadowtrade.warehouse import Warehouse

    import os

    import uvicorn

    config = settings()
    with Warehouse(config.warehouse_path, read_only=True) as warehouse:
        loading.cached_screener(warehouse, config.home / "cache", dataset or None)  # fail early
    os.environ["SHADOWTRADE_HOME"] = str(config.home)
    os.environ["SHADOWTRADE_SERVE_DATASETS"] = ",".join(dataset or [])
    uvicorn.run("shadowtrade.api.app:create_app_from_settings", factory=True, host=host,
                port=port, log_level="info")
