"""``shadowtrade regimes list|check|overlap|exposure``: sanctions regimes as data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

from shadowtrade.cli.app import app, err_console, print_json, settings
from shadowtrade.cli.options import CSV, JSON, SOURCE
from shadowtrade.errors import NoDataError, UsageError
from shadowtrade.model.codes import normalise_hs_code, parse_years
from shadowtrade.reference.countries import countries, is_group, resolve_country

if TYPE_CHECKING:  # imported where used: they start slowly
    from shadowtrade.rules.evaluate import CheckResult
    from shadowtrade.rules.loader import RuleBook


regimes_app = typer.Typer(
    help="Sanctions regimes as data: list rules, judge a flow, overlap table, corridor exposure.",
    no_args_is_help=True,
)
app.add_typer(regimes_app, name="regimes")

RULES = typer.Option(None, "--rules", help="Folder of rule files to use instead of the packaged ones.")
console = Console()


def parse_date(text: str) -> dt.date:
    """A YYYY-MM-DD date, or a UsageError quoting what was typed."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"invalid date '{text}': write YYYY-MM-DD, for example 2024-06-01") from None


def country_iso3(text: str) -> str:
    """One country (not a group) as ISO3."""
    code = resolve_country(text)
    if is_group(code):
        raise UsageError(f"'{text}' is a country group: give one country, for example PRK")
    return code


def target_iso2(text: str) -> str:
    """A target country as the ISO2 code rule files use (``PRK`` -> ``KP``)."""
    return countries()[country_iso3(text)].iso2


def _book(rules: Path | None) -> RuleBook:
    from shadowtrade.rules.loader import load_rulebook

    return load_rulebook(rules)


@regimes_app.command("list")
def list_rules(
    target: str = typer.Option(None, "--target", help="Only rules on this target (KP, PRK, BY, RU …)."),
    rules: Path = RULES,
    as_json: bool = JSON,
) -> None:
    """List the encoded rules with their citation, direction, dates and confidence."""
    from rich.table import Table

    book = _book(rules)
    chosen = book.for_target(target_iso2(target) if target else None)
    rows: list[dict[str, Any]] = [
        {
            "rule_id": r.id, "authority": r.authority, "target": r.target,
            "measure_type": r.measure_type, "status": r.status.value, "scope_kind": r.scope_kind,
            "direction": r.direction, "hs_revision": r.hs.revision,
            "hs_include": list(r.hs.include), "hs_possible": list(r.hs.possible), "hs_all": r.hs.all,
            "legal_ref": r.legal_ref.text, "url": r.legal_ref.url,
            "from": r.effective.start.isoformat() if r.effective.start else None,
            "to": r.effective.end.isoformat() if r.effective.end else None,
            "confidence": r.confidence, "file": r.regime.file,
        }
        for r in chosen
    ]
    if as_json:
        print_json({"rules": rows, "count": len(rows)})
        return
    table = Table("rule", "auth", "tgt", "measure", "direction", "from", "to", "confidence", "legal ref")
    for row in rows:
        table.add_row(row["rule_id"], row["authority"], row["target"], row["measure_type"],
                      row["direction"], row["from"] or "?", row["to"] or "", row["confidence"],
                      row["legal_ref"])
    console.print(table)
    console.print(f"{len(rows)} rules. Not legal advice: HS prefixes are screening proxies.")


@regimes_app.command("check")
def check(
    exporter: str = typer.Option(..., "--exporter", help="Exporting country (ISO3, ISO2 or name)."),
    importer: str = typer.Option(..., "--importer", help="Importing country."),
    hs: str = typer.Option(..., "--hs", help="HS code: 2, 4 or 6 digits (8701, 870190)."),
    date: str = typer.Option(None, "--date", help="Date of the flow, YYYY-MM-DD (default today)."),
    hs_revision: str = typer.Option(
        None, "--hs-revision", help="HS revision of the code (HS92 … HS22); default: the latest that has it."
    ),
    value: float = typer.Option(None, "--value", help="Declared value, for per-item thresholds."),
    rules: Path = RULES,
    as_json: bool = JSON,
) -> None:
    """Which encoded measures reach one flow, how strongly, and whom they bind."""
    from shadowtrade.rules.evaluate import FlowQuery, check_flow

    query = FlowQuery(
        country_iso3(exporter), country_iso3(importer), normalise_hs_code(hs),
        parse_date(date) if date else dt.date.today(), hs_revision, value,
    )
    result = check_flow(query, _book(rules))
    if as_json:
        print_json(result.as_dict())
    else:
        _print_check(result)


def _print_check(result: CheckResult) -> None:
    console.print(result.summary, highlight=False)
    for note in result.notes:
        console.print(f"Note: {note}", highlight=False)
    for finding in result.findings:
        data = finding.as_dict()
        bound = "binds exporter" if data["applies_to_exporter"] else "does not bind exporter"
        console.print(
            f"\n[bold]{data['status']}[/]  {data['authority']}  {data['legal_ref']}  "
            f"({data['rule_id']}; {data['direction']}; {bound})",
            highlight=False,
        )
        console.print(f"  {data['explanation']}", highlight=False, soft_wrap=False)


@regimes_app.command("overlap")
def overlap(
    target: str = typer.Argument(..., help="Target country: PRK, BLR, RUS (or KP, BY, RU)."),
    by: str = typer.Option("chapter", "--by", help="Rows: chapter or group (sector groups)."),
    date: str = typer.Option(None, "--date", help="Measures in force on this date (default today)."),
    out: Path = typer.Option(None, "--out", help="Write a self-contained HTML report here."),
    rules: Path = RULES,
    as_json: bool = JSON,
    as_csv: bool = CSV,
) -> None:
    """The table of overlapping restrictions: rows down, UN/US/EU/UK/JP across."""
    from shadowtrade.reports.overlap import overlap_csv, render_overlap_html
    from shadowtrade.rules.overlap import overlap_table

    on = parse_date(date) if date else dt.date.today()
    table = overlap_table(target_iso2(target), by, on, _book(rules)).as_dict()
    if out is not None:
        out.write_text(render_overlap_html(table), encoding="utf-8")
        err_console.print(f"Wrote {out} ({len(table['rows'])} rows).", highlight=False)
    if as_json:
        print_json(table)
    elif as_csv:
        typer.echo(overlap_csv(table), nl=False)
    elif out is None:
        _print_overlap(table)


def _print_overlap(table: dict) -> None:
    from rich.table import Table

    grid = Table("row", "direction", *table["authorities"], title=f"{table['target']} on {table['date']}")
    for row in table["rows"]:
        cells = []
        for a in table["authorities"]:
            cell = row["cells"][a]
            cells.append("—" if cell is None else cell["status"] + (" (part)" if cell["partial"] else ""))
        grid.add_row(f"{row['key']} {row['label'][:40]}", row["direction"], *cells)
    console.print(grid)


@regimes_app.command("exposure")
def exposure(
    exporter: str = typer.Option(..., "--exporter", help="Exporting country."),
    importer: str = typer.Option(..., "--importer", help="Importing country."),
    years: str = typer.Option(..., "--years", help="One year (2021) or a range (2021-2023)."),
    source: str = SOURCE,
    rules: Path = RULES,
    as_json: bool = JSON,
) -> None:
    """Value of a corridor's trade under each status, per year and authority."""
    from shadowtrade.analysis.exposure import corridor_exposure
    from shadowtrade.warehouse.engine import open_flows

    span = parse_years(years)
    config = settings()
    path = config.warehouse_path
    if config.engine == "duckdb" and not path.exists():
        raise NoDataError(f"no warehouse at {path}: load data first (shadowtrade data load --mirror DIR)")
    with open_flows(config) as flows:
        report = corridor_exposure(
            flows, country_iso3(exporter), country_iso3(importer), span, source, _book(rules),
        )
    if as_json:
        print_json(report)
        return
    _print_exposure(report)


def _print_exposure(report: dict) -> None:
    from rich.table import Table

    query = report["query"]
    totals = {t["year"]: t["value"] for t in report["totals"]}
    grid = Table("year", "authority", "status", "value", "share", "rules",
                 title=f"{query['exporter']} -> {query['importer']} ({query['source']}, {report['currency']})")
    for entry in report["exposure"]:
        grid.add_row(str(entry["year"]), entry["authority"], entry["status"],
                     f"{entry['value'] / 1e6:,.1f} m", f"{entry['share_of_trade']:.1%}",
                     ", ".join(entry["rule_ids"])[:60])
    console.print(report["summary"], highlight=False)
    if report["exposure"]:
        console.print(grid)
    for year, total in totals.items():
        console.print(f"{year}: total {total / 1e6:,.1f} m", highlight=False)
    for note in report["notes"]:
        console.print(f"Note: {note}", highlight=False)
