"""``shadowtrade detect …``: the evasion detectors, and ``shadowtrade report detectors``.

Each command parses its options, runs one detector against the warehouse and prints the ranked
findings (or, with ``--json``, the parameters, findings, every candidate row, sources and
caveats).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape

from shadowtrade.cli.app import app, print_json, settings
from shadowtrade.cli.options import JSON, SOURCE
from shadowtrade.errors import NoDataError
from shadowtrade.model.codes import parse_years
from shadowtrade.reference.countries import resolve_countries, resolve_country

if TYPE_CHECKING:  # the detectors (Ibis, pyarrow, DuckDB) are imported by the commands that run them
    import ibis.expr.types as ir

    from shadowtrade.analysis.findings import DetectorResult

detect_app = typer.Typer(help="Find trade that goes around sanctions, with the evidence.",
                         no_args_is_help=True)
app.add_typer(detect_app, name="detect")


@contextmanager
def open_flows() -> Iterator[ir.Table]:
    """The flows table on the chosen engine, read-only; a clear error when nothing is loaded."""
    from shadowtrade.warehouse.engine import open_flows as engine_flows

    config = settings()
    path = config.warehouse_path
    if config.engine == "duckdb" and not path.exists():
        raise NoDataError(f"no warehouse at {path}: load data first with "
                          "shadowtrade data load --mirror ../shared/data")
    with engine_flows(config) as flows:
        yield flows


def run(detector: Callable[[ir.Table, Any], DetectorResult], params: Any) -> DetectorResult:
    """Run one detector against the warehouse."""
    with open_flows() as flows:
        return detector(flows, params)


def show(result: DetectorResult, as_json: bool) -> None:
    """Print a result as JSON or as a table of ranked findings with the caveats."""
    from rich.console import Console
    from rich.table import Table

    if as_json:
        print_json(result.as_dict())
        return
    console = Console()
    if not result.findings:
        console.print(f"No findings: {len(result.rows)} candidates checked, none past the "
                      "thresholds (use --json to see every figure).")
        return
    table = Table(title=f"{result.detector}: {len(result.findings)} finding(s), strongest first")
    for column in ("#", "subject", "score", "finding"):
        table.add_column(column, justify="right" if column in ("#", "score") else "left")
    for rank, finding in enumerate(result.findings, 1):
        table.add_row(str(rank), escape(finding.subject), f"{finding.score:.2f}",
                      escape(finding.headline))
    console.print(table)
    console.print(f"Sources: {', '.join(result.sources)}. Caveat: {result.caveats[0]}",
                  highlight=False)


def _hs_list(text: str) -> tuple[str, ...]:
    return tuple(code.strip() for code in text.split(",") if code.strip())


@detect_app.command("rerouting")
def rerouting(
    target: str = typer.Option(..., "--target", help="Sanctioned country, e.g. RUS."),
    sanctioner: str = typer.Option("EU27", "--sanctioner", help="Sanctioning country or group."),
    via: str = typer.Option(..., "--via", help="Candidate conduits, comma-separated: ARM,KGZ."),
    base: int = typer.Option(..., "--base", help="Year before the sanctions, e.g. 2021."),
    year: int = typer.Option(..., "--year", help="Year to compare, e.g. 2023."),
    group: str = typer.Option(None, "--group", help="Restricted goods (sector group) for DiD."),
    source: str = SOURCE,
    as_json: bool = JSON,
) -> None:
    """Conduits whose imports from the sanctioner grew while its exports to the target fell."""
    from shadowtrade.analysis.rerouting import ReroutingParams, detect_rerouting

    params = ReroutingParams(target, sanctioner, tuple(resolve_countries(via)), base, year,
                             source=source, group=group)
    show(run(detect_rerouting, params), as_json)


@detect_app.command("mirror-gap")
def mirror_gap(
    exporter: str = typer.Option(..., "--exporter", help="Exporting country or group."),
    importer: str = typer.Option(..., "--importer", help="Importing country."),
    years: str = typer.Option(..., "--years", help="A range, e.g. 2019-2023."),
    base: int = typer.Option(None, "--base", help="Base year (default: the first year)."),
    margin: float = typer.Option(None, "--margin", help="CIF/FOB margin (default: by distance)."),
    group: str = typer.Option(None, "--group", help="Only this sector group."),
    as_json: bool = JSON,
) -> None:
    """Exports the exporter reports that never show up in the importer's statistics."""
    from shadowtrade.analysis.mirror_gap import MirrorGapParams, detect_mirror_gap

    params = MirrorGapParams(exporter, importer, parse_years(years), base=base, margin=margin,
                             group=group)
    show(run(detect_mirror_gap, params), as_json)


@detect_app.command("unit-values")
def unit_values(
    exporter: str = typer.Option(..., "--exporter", help="Exporting country or group."),
    importer: str = typer.Option(..., "--importer", help="Importing country or group."),
    years: str = typer.Option(..., "--years", help="A range, e.g. 2019-2023."),
    group: str = typer.Option(None, "--group", help="Sector group, e.g. chpl_tier_1."),
    hs: str = typer.Option(None, "--hs", help="HS codes or prefixes instead: 6704,6703."),
    by: str = typer.Option("group", "--by", help="group (one series) or hs4 or hs6."),
    min_change: float = typer.Option(1.5, "--min-change", help="Flag changes past this factor."),
    source: str = SOURCE,
    as_json: bool = JSON,
) -> None:
    """Unit values (per kg) that jump against their own history and other corridors."""
    from shadowtrade.analysis.unit_value import UnitValueParams, detect_unit_values

    params = UnitValueParams(exporter, importer, parse_years(years), group=group,
                             prefixes=_hs_list(hs) if hs else (), by=by, source=source,
                             min_change=min_change)
    show(run(detect_unit_values, params), as_json)


@detect_app.command("surges")
def surges(
    exporter: str = typer.Option(..., "--exporter", help="Exporting country or group."),
    importer: str = typer.Option(..., "--importer", help="Importing country."),
    group: str = typer.Option("chpl", "--group", help="Controlled goods: a sector group."),
    base: int = typer.Option(..., "--base", help="Base year, e.g. 2021."),
    year: int = typer.Option(..., "--year", help="Year to compare, e.g. 2023."),
    by: str = typer.Option("tier", "--by", help="tier (sub-groups) or hs6."),
    source: str = SOURCE,
    as_json: bool = JSON,
) -> None:
    """Controlled goods growing on a corridor faster than the corridor itself."""
    from shadowtrade.analysis.surges import SurgeParams, detect_surges

    params = SurgeParams(exporter, importer, group, base, year, by=by, source=source)
    show(run(detect_surges, params), as_json)


@detect_app.command("processing")
def processing(
    origin: str = typer.Option(..., "--origin", help="Sanctioned origin, e.g. PRK."),
    via: str = typer.Option(..., "--via", help="Processing country, e.g. CHN."),
    input_hs: str = typer.Option(..., "--input-hs", help="Input HS codes, e.g. 6703."),
    output_hs: str = typer.Option(..., "--output-hs", help="Finished HS codes, e.g. 6704."),
    years: str = typer.Option(..., "--years", help="A range, e.g. 2019-2023."),
    base: int = typer.Option(None, "--base", help="Base year (default: the first year)."),
    source: str = SOURCE,
    as_json: bool = JSON,
) -> None:
    """Inputs and finished goods looping between a sanctioned origin and a processing country."""
    from shadowtrade.analysis.processing import ProcessingParams, detect_processing

    params = ProcessingParams(origin, via, _hs_list(input_hs), _hs_list(output_hs),
                              parse_years(years), base=base, source=source)
    show(run(detect_processing, params), as_json)


@dataclass(frozen=True)
class Check:
    """One detector run of a report: its title, the detector and its parameters."""

    title: str
    detector: Callable[[ir.Table, Any], DetectorResult]
    params: Any
    published: bool = False  # run on the published-figures fixture, not the warehouse

    def run(self, flows: ir.Table) -> DetectorResult:
        """Run against ``flows`` (or the published fixture)."""
        import ibis

        from shadowtrade.sources.published import published_flows

        if self.published:
            flows = ibis.memtable(published_flows())
        return self.detector(flows, self.params)


def plan_for_target(target: str, base: int, year: int) -> list[Check]:
    """The checks of ``report detectors`` for a target (Russia and North Korea have their own)."""
    from shadowtrade.analysis.mirror_gap import MirrorGapParams, detect_mirror_gap
    from shadowtrade.analysis.processing import ProcessingParams, detect_processing
    from shadowtrade.analysis.rerouting import ReroutingParams, detect_rerouting
    from shadowtrade.analysis.surges import SurgeParams, detect_surges
    from shadowtrade.analysis.unit_value import UnitValueParams, detect_unit_values

    target = resolve_country(target)
    via = ("ARM", "GEO", "KAZ", "KGZ", "UZB")
    checks = [Check("Re-routing through neighbours",
                    detect_rerouting, ReroutingParams(target, "EU27", via, base, year))]
    if target == "PRK":
        checks = [
            Check("Hair products processed for China (published figures)", detect_unit_values,
                  UnitValueParams("PRK", "CHN", (2019, 2023), prefixes=("6704",), by="hs4"),
                  published=True),
            Check("Processing loop: hair and wigs through China", detect_processing,
                  ProcessingParams("PRK", "CHN", ("6703",), ("6704",), (base - 2, year))),
        ]
    for conduit in via if target != "PRK" else ():
        checks.append(Check(f"Missing imports: EU27 to {conduit}", detect_mirror_gap,
                            MirrorGapParams("EU27", conduit, (base - 2, year), base=base)))
    if target != "PRK":
        checks.append(Check(f"Controlled goods from China to {target}", detect_surges,
                            SurgeParams("CHN", target, "chpl", base, year)))
        for tier in ("chpl_tier_1", "chpl_tier_4b"):
            checks.append(Check(f"Unit values of {tier} from China to {target}",
                                detect_unit_values,
                                UnitValueParams("CHN", target, (base - 2, year), group=tier)))
    return checks


def _report_command() -> None:
    """Register ``report detectors`` on the report sub-app (created in ``cli/report.py``)."""
    from shadowtrade.cli.report import report_app

    @report_app.command("detectors")
    def report_detectors(
        target: str = typer.Option(..., "--target", help="Sanctioned country, e.g. RUS."),
        out: Path = typer.Option(..., "--out", help="HTML file to write."),
        base: int = typer.Option(2021, "--base", help="Base year."),
        year: int = typer.Option(2023, "--year", help="Year to compare."),
    ) -> None:
        """One HTML page of evasion findings for a target, with charts, sources and caveats."""
        from shadowtrade.reports.detectors import render_detectors_html

        from rich.console import Console

        code = resolve_country(target)
        checks = plan_for_target(code, base, year)
        outcomes: list[tuple[str, DetectorResult | None, str | None]] = []
        with open_flows() as flows:
            for check in checks:
                try:
                    outcomes.append((check.title, check.run(flows), None))
                except NoDataError as err:
                    outcomes.append((check.title, None, str(err)))
        out.write_text(render_detectors_html(code, outcomes), encoding="utf-8")
        found = sum(len(result.findings) for _, result, _ in outcomes if result)
        skipped = sum(1 for _, result, _ in outcomes if result is None)
        Console(stderr=True).print(f"Wrote {out}: {found} finding(s) from {len(checks)} checks "
                                   f"({skipped} could not run).", highlight=False)


_report_command()
