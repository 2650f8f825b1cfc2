"""``shadowtrade flows``: a bilateral series by total, section, HS level or group."""

from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING, Any

import typer

from shadowtrade.analysis.breakdowns import BY_CHOICES
from shadowtrade.cli.app import app, print_json, settings
from shadowtrade.cli.options import CSV, JSON, SOURCE, YEARS
from shadowtrade.errors import NoDataError, UsageError
from shadowtrade.model.codes import parse_years
from shadowtrade.reference.countries import resolve_country

if TYPE_CHECKING:  # imported where used: they start slowly
    import pandas as pd
    from shadowtrade.analysis.flows import FlowQuery


@app.command("flows")
def flows(
    exporter: str = typer.Option(..., "--exporter", help="ISO3 code or group (EU27, WLD)."),
    importer: str = typer.Option(..., "--importer", help="ISO3 code or group (EU27, WLD)."),
    years: str = YEARS,
    source: str = SOURCE,
    by: str = typer.Option("total", "--by", help=f"Breakdown: {'|'.join(BY_CHOICES)}."),
    group: list[str] = typer.Option(None, "--group", help="With --by group: only these groups."),
    freq: str = typer.Option("year", "--freq", help="year or month."),
    as_json: bool = JSON,
    as_csv: bool = CSV,
) -> None:
    """Trade from EXPORTER to IMPORTER, each publisher's report kept apart."""
    from shadowtrade.analysis.flows import FlowQuery
    from shadowtrade.reference.groups import get_group

    for name in group or []:
        get_group(name)
    query = FlowQuery(
        exporter=resolve_country(exporter), importer=resolve_country(importer),
        years=parse_years(years) if years else None, source=source, by=by,  # type: ignore[arg-type]
        freq=freq, groups=tuple(group) if group else None,  # type: ignore[arg-type]
    )
    frame = run_flows(query)
    if as_json:
        print_json(records(frame))
    elif as_csv:
        frame.to_csv(sys.stdout, index=False)
    else:
        _print_table(frame, query)


def run_flows(query: FlowQuery) -> pd.DataFrame:
    """Execute a corridor query against the warehouse; a clear error when nothing matches."""
    from shadowtrade.analysis.flows import corridor_series
    from shadowtrade.warehouse.engine import open_flows

    config = settings()
    path = config.warehouse_path
    if config.engine == "duckdb" and not path.exists():
        raise NoDataError(f"no warehouse at {path}: load data first with "
                          "shadowtrade data load --mirror ../shared/data")
    with open_flows(config) as flows:
        frame = corridor_series(flows, query).execute()
    if frame.empty:
        what = f"{query.exporter} to {query.importer}"
        if query.years:
            first, last = query.years
            what += f" in {first}" if first == last else f" in {first}-{last}"
        if query.source:
            what += f" from source '{query.source}'"
        raise NoDataError(f"no trade flows loaded for {what}; see what is loaded with "
                          "shadowtrade data status")
    return frame


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts: NaN becomes null, numpy scalars become Python numbers."""
    rows = []
    for row in frame.to_dict(orient="records"):
        rows.append({key: _plain(value) for key, value in row.items()})
    return rows


def _plain(value: Any) -> Any:
    import pandas as pd

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    if value is pd.NA:
        return None
    return value


def _print_table(frame: pd.DataFrame, query: FlowQuery) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Trade {query.exporter} → {query.importer}")
    for column in frame.columns:
        table.add_column(column, justify="right" if frame[column].dtype.kind in "fi" else "left")
    for row in records(frame):
        table.add_row(*[_cell(key, value) for key, value in row.items()])
    Console().print(table)


def _cell(key: str, value: Any) -> str:
    if value is None:
        return ""
    if key in ("value", "quantity") and isinstance(value, (int, float)):
        return f"{value:,.0f}"
    if key == "unit_value" and isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)
