"""``shadowtrade report …``: self-contained HTML reports with their charts as PNG or SVG.

Other command groups may register more report commands on :data:`report_app`. The functions
:func:`gather_corridor` and :func:`gather_partners` run the queries (the only code here that
touches the warehouse); ``reports.corridor`` renders the results.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from shadowtrade.cli.app import app, err_console, settings
from shadowtrade.cli.options import SOURCE, YEARS
from shadowtrade.errors import NoDataError, UsageError
from shadowtrade.model.codes import parse_years
from shadowtrade.reference.countries import resolve_countries, resolve_country

if TYPE_CHECKING:  # imported where used: they start slowly
    import pandas as pd
    from shadowtrade.analysis.flows import FlowQuery
    from shadowtrade.reports.corridor import CorridorResults
    from shadowtrade.reports.page import SourceNote
    from shadowtrade.warehouse import Warehouse


report_app = typer.Typer(help="Write self-contained HTML reports.", no_args_is_help=True)
app.add_typer(report_app, name="report")

LOAD_HINT = "load it with: shadowtrade data load --mirror ../shared/data"


def open_warehouse() -> Warehouse:
    """The warehouse of the running command, read-only; a clear error when there is none."""
    from shadowtrade.warehouse import Warehouse

    path = settings().warehouse_path
    if not path.exists():
        raise NoDataError(f"no warehouse at {path}: {LOAD_HINT}")
    return Warehouse(path, read_only=True)


def source_notes(warehouse: Warehouse, query: FlowQuery) -> tuple[SourceNote, ...]:
    """Source notes of a corridor: ``sources_for`` joined to the load log (dataset, load date)."""
    from shadowtrade.analysis.flows import sources_for
    from shadowtrade.reports.page import SourceNote
    from shadowtrade.warehouse.status import flow_status

    held = sources_for(warehouse.table("flows"), query).execute()
    status = {(row["source"], row["release"]): row for row in flow_status(warehouse)}
    notes = []
    for row in held.to_dict(orient="records"):
        loaded = status.get((row["source"], row["release"]), {})
        notes.append(SourceNote.from_status({**loaded, **row}))
    return tuple(notes)


def _no_data(query: FlowQuery) -> NoDataError:
    what = f"{query.exporter} to {query.importer}"
    if query.years:
        what += f" in {query.years[0]}-{query.years[1]}"
    if query.source:
        what += f" from source '{query.source}'"
    return NoDataError(f"no trade flows loaded for {what}; {LOAD_HINT} "
                       "(see what is loaded with: shadowtrade data status)")


def _detail(warehouse: Warehouse, query: FlowQuery, by: str) -> pd.DataFrame:
    """The breakdown of the corridor for the first source (by preference) that has HS detail."""
    from shadowtrade.analysis.flows import FlowQuery, corridor_series
    from shadowtrade.reports.corridor import primary_source

    flows = warehouse.table("flows")
    frame = corridor_series(flows, FlowQuery(query.exporter, query.importer, query.years,
                                             query.source, by=by)).execute()  # type: ignore[arg-type]
    if frame.empty:
        return frame
    return frame[frame["source"] == primary_source(list(frame["source"].unique()))]


def gather_corridor(warehouse: Warehouse, query: FlowQuery, *, by: str = "section",
                    base_year: int | None = None, movers: int = 12) -> CorridorResults:
    """Run every query the corridor report needs and return the results.

    ``by`` is ``section`` or ``group``; the top movers are HS4 headings between the base year
    (2021 when covered, else the first year) and the last complete year of the detail source.
    """
    from shadowtrade.analysis.flows import FlowQuery, corridor_series, top_movers
    from shadowtrade.reports.charts import drop_partial_years
    from shadowtrade.reports.corridor import CorridorResults, default_base_year

    if by not in ("section", "group"):
        raise UsageError(f"unknown --by '{by}' for a corridor report: use section or group")
    flows = warehouse.table("flows")
    series = corridor_series(flows, query).execute()
    if series.empty:
        raise _no_data(query)
    composition = _detail(warehouse, query, by)
    mover_frame, years = None, None
    if not composition.empty:
        source = str(composition["source"].iloc[0])
        complete, _ = drop_partial_years(composition)
        held = sorted(int(y) for y in complete["year"].unique())
        if len(held) > 1:
            first = base_year if base_year in held[:-1] else default_base_year(held)
            years = (first, held[-1])
            hs4 = FlowQuery(query.exporter, query.importer, query.years, source, by="hs4")
            mover_frame = top_movers(corridor_series(flows, hs4), "hs", *years, movers).execute()
    return CorridorResults(
        exporter=query.exporter, importer=query.importer, series=series,
        composition=composition, by=by, movers=mover_frame,  # type: ignore[arg-type]
        movers_years=years, sources=source_notes(warehouse, query), base_year=base_year,
    )


def gather_partners(warehouse: Warehouse, exporter: str, partners: list[str],
                    years: tuple[int, int] | None, source: str | None) -> tuple[pd.DataFrame,
                                                                                tuple[SourceNote, ...]]:
    """The total series from one exporter to each partner (one source), and their sources."""
    import pandas as pd
    from shadowtrade.analysis.flows import FlowQuery, corridor_series
    from shadowtrade.reports.corridor import primary_source

    flows = warehouse.table("flows")
    frames, notes = [], {}
    for partner in partners:
        query = FlowQuery(exporter, partner, years, source)
        frame = corridor_series(flows, query).execute()
        if frame.empty:
            raise _no_data(query)
        keep = source or primary_source(list(frame["source"].unique()))
        frames.append(frame[frame["source"] == keep])
        for note in source_notes(warehouse, FlowQuery(exporter, partner, years, keep)):
            notes[(note.source, note.release)] = note
    return pd.concat(frames, ignore_index=True), tuple(notes.values())


def _chart_options(png_dir: Path | None, svg: bool) -> dict[str, Any]:
    if png_dir is not None and svg:
        raise UsageError("--png-dir and --svg exclude each other: choose PNG files in a folder "
                         "or SVG files next to the page")
    return {"chart_dir": png_dir, "chart_format": "svg" if svg else "png"}


OUT = typer.Option(..., "--out", "-o", help="The HTML file to write; charts are saved next to it.")
PNG_DIR = typer.Option(None, "--png-dir", help="Save the PNG charts in this folder instead.")
SVG = typer.Option(False, "--svg", help="Save the charts as SVG files instead of PNG.")
BASE_YEAR = typer.Option(None, "--base-year",
                         help="Year to compare with (default 2021 when covered, else the first).")


@report_app.command("corridor")
def corridor(
    exporter: str = typer.Argument(..., help="ISO3 code or group (EU27, WLD)."),
    importer: str = typer.Argument(..., help="ISO3 code or group (EU27, WLD)."),
    years: str = YEARS,
    source: str = SOURCE,
    by: str = typer.Option("section", "--by", help="Composition by HS section or sector group."),
    base_year: int = BASE_YEAR,
    out: Path = OUT,
    png_dir: Path = PNG_DIR,
    svg: bool = SVG,
) -> None:
    """The trade corridor EXPORTER → IMPORTER as one self-contained HTML page."""
    from shadowtrade.analysis.flows import FlowQuery
    from shadowtrade.reports.corridor import render_corridor

    query = FlowQuery(resolve_country(exporter), resolve_country(importer),
                      parse_years(years) if years else None, source)
    options = _chart_options(png_dir, svg)
    with open_warehouse() as warehouse:
        results = gather_corridor(warehouse, query, by=by, base_year=base_year)
    path = render_corridor(results, out, **options)
    err_console.print(f"Wrote {path}", highlight=False)


@report_app.command("partners")
def partners(
    exporter: str = typer.Argument(..., help="ISO3 code or group (EU27)."),
    importers: str = typer.Argument(..., help="Comma-separated partners: RUS,ARM,GEO,KAZ,KGZ,UZB."),
    years: str = YEARS,
    source: str = SOURCE,
    base_year: int = typer.Option(2021, "--base-year", help="The year indexed to 100."),
    title: str = typer.Option(None, "--title", help="Page and chart title."),
    out: Path = OUT,
    svg: bool = SVG,
) -> None:
    """One exporter's trade with several partners, indexed to a base year (HTML plus chart)."""
    from shadowtrade.reports.corridor import render_partner_comparison

    codes = resolve_countries(importers)
    if not codes:
        raise UsageError("no partners given: list them as RUS,ARM,GEO")
    with open_warehouse() as warehouse:
        frame, notes = gather_partners(warehouse, resolve_country(exporter), codes,
                                       parse_years(years) if years else None, source)
    path = render_partner_comparison(frame, out, base_year=base_year, sources=notes,
                                     chart_format="svg" if svg else "png", title=title)
    err_console.print(f"Wrote {path}", highlight=False)
