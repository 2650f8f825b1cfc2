"""``shadowtrade assess DEAL.yaml`` and ``shadowtrade brief country|corridor``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pathlib import Path

import typer

from shadowtrade.cli.app import app, err_console, print_json
from shadowtrade.cli.options import JSON

if TYPE_CHECKING:  # imported where used: they start slowly
    from shadowtrade.assess.findings import Assessment


brief_app = typer.Typer(help="Plain-language briefs on a country or a corridor.",
                        no_args_is_help=True)
app.add_typer(brief_app, name="brief")

OUT = typer.Option(None, "--out", help="Write the brief as self-contained HTML.")
PDF = typer.Option(None, "--pdf", help="Write the brief as PDF.")


@app.command("assess")
def assess(deal_file: Path = typer.Argument(..., help="A deal file (YAML): see examples/."),
           out: Path = OUT, pdf: Path = PDF, as_json: bool = JSON) -> None:
    """The smell test for a deal: verdict, legal, financial and reputational risk."""
    from shadowtrade.assess.deal import assess_deal
    from shadowtrade.cli.context import open_context
    from shadowtrade.sources.deals import read_deal

    deal = read_deal(deal_file)
    with open_context() as context:
        assessment = assess_deal(deal, context.flows, context.screener, context.datasets)
    _emit(assessment, out, pdf, as_json)


@brief_app.command("country")
def country(code: str = typer.Argument(..., help="ISO3 code, e.g. PRK."), out: Path = OUT,
            pdf: Path = PDF, as_json: bool = JSON) -> None:
    """A country brief: sanctions coverage, trade, listed entities."""
    from shadowtrade.assess.country import brief_country
    from shadowtrade.cli.context import open_context

    with open_context() as context:
        assessment = brief_country(code, context.flows, datasets=context.datasets,
                                   listed=context.listed_in(code))
    _emit(assessment, out, pdf, as_json)


@brief_app.command("corridor")
def corridor(exporter: str = typer.Argument(..., help="ISO3 code of the exporter."),
             importer: str = typer.Argument(..., help="ISO3 code of the importer."),
             out: Path = OUT, pdf: Path = PDF, as_json: bool = JSON) -> None:
    """A corridor brief: measures on trade from EXPORTER to IMPORTER and its trade."""
    from shadowtrade.assess.country import brief_corridor
    from shadowtrade.cli.context import open_context

    with open_context(screening=False) as context:
        assessment = brief_corridor(exporter, importer, context.flows, datasets=context.datasets)
    _emit(assessment, out, pdf, as_json)


def _emit(assessment: Assessment, out: Path | None, pdf: Path | None, as_json: bool) -> None:
    from rich.console import Console
    from shadowtrade.reports.brief import write_brief

    written = write_brief(assessment, out, pdf)
    if as_json:
        print_json(assessment.as_dict())
    else:
        console = Console()
        console.print(f"[bold]{assessment.verdict.upper()}[/]: {assessment.headline}",
                      highlight=False)
        for risk in (assessment.legal, assessment.financial, assessment.reputational):
            console.print(f"  {risk.name}: {risk.level} ({len(risk.findings)} finding(s))")
    for path in written:
        err_console.print(f"wrote {path}", highlight=False)


