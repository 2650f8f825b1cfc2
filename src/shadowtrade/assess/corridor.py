"""Trade evidence for a deal's route: the corridor's series and the detectors that apply.

Which detectors run follows from the deal: controlled goods (CHPL) sold to one of Russia's
neighbours call for the re-routing and mirror-gap detectors on the seller's bloc; goods from a
sanctioned origin that pass through a processing country call for the processing detector.

>>> conduit_for_russia("KGZ"), conduit_for_russia("JPN")
(True, False)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir

from shadowtrade.analysis.findings import DetectorResult
from shadowtrade.analysis.flows import FlowQuery, corridor_series
from shadowtrade.analysis.mirror_gap import MirrorGapParams, detect_mirror_gap
from shadowtrade.analysis.rerouting import ReroutingParams, detect_rerouting
from shadowtrade.analysis.unit_value import UnitValueParams, detect_unit_values
from shadowtrade.assess.findings import RiskFinding, Source
from shadowtrade.errors import ShadowtradeError
from shadowtrade.model.deal import Deal
from shadowtrade.reference.countries import country_name, group_members
from shadowtrade.reference.groups import group_members as hs_group_members
from shadowtrade.sources.published import published_figures, published_flows, read_published

RUSSIA_NEIGHBOURS = ("ARM", "GEO", "KAZ", "KGZ", "UZB", "TJK", "AZE", "TUR", "ARE", "MNG")
CONTROLLED_GROUPS = ("chpl",)


def conduit_for_russia(iso3: str) -> bool:
    """True for the countries through which goods are known to be re-routed to Russia."""
    return iso3 in RUSSIA_NEIGHBOURS


def in_group(hs: str, group: str) -> bool:
    """True when an HS code (any length) falls in a sector group (HS22 codes)."""
    codes = hs_group_members(group, "HS22")["hs_code"].to_pylist()
    return any(code.startswith(hs) or hs.startswith(code) for code in codes)


@dataclass
class CorridorEvidence:
    """What the trade data says about a deal's route."""

    series: list[dict[str, Any]] = field(default_factory=list)
    detectors: list[DetectorResult] = field(default_factory=list)
    findings: list[RiskFinding] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)


def corridor_evidence(deal: Deal, flows: ir.Table | None, latest: int = 2023) -> CorridorEvidence:
    """Series and detector findings for the deal's route (nothing when no flows are loaded)."""
    evidence = CorridorEvidence()
    if flows is None:
        evidence.caveats.append("No trade data is loaded, so the route's trade could not be "
                                "checked: run shadowtrade data load --mirror DIR.")
        return evidence
    evidence.series = route_series(flows, deal, latest)
    if not evidence.series:
        evidence.caveats.append(
            f"No loaded trade data covers {country_name(deal.origin)} to "
            f"{country_name(deal.destination)}: the data cannot show whether such trade takes "
            "place. Mirror statistics of the partners' customs are the usual source.")
    controlled = any(in_group(good.hs, group) for good in deal.goods for group in CONTROLLED_GROUPS)
    if controlled and conduit_for_russia(deal.destination):
        _rerouting(evidence, flows, deal, latest)
    if deal.origin == "PRK" and deal.transit and any(
            in_group(good.hs, "hair_products") for good in deal.goods):
        _hair_processing(evidence, deal)
    return evidence


def _hair_processing(evidence: CorridorEvidence, deal: Deal) -> None:
    """North Korean hair products finished abroad: the published customs figures."""
    fixture = read_published()
    published = ibis.memtable(published_flows())
    result = detect_unit_values(published, UnitValueParams(
        "PRK", fixture["importer"], (2019, 2023), prefixes=(fixture["hs_code"],), by="hs4"))
    evidence.detectors.append(result)
    figures = {row["year"]: row for row in published_figures()}
    share = fixture["totals"][0]
    via = ", ".join(country_name(code) for code in deal.transit)
    text = (f"Processing loop: {country_name(fixture['importer'])}'s imports of HS "
            f"{fixture['hs_code']} (wigs and false eyelashes) from North Korea rose from "
            f"USD {figures[2019]['value'] / 1e6:.1f} m ({figures[2019]['quantity_kg'] / 1e3:,.0f} t) "
            f"in 2019 to USD {figures[2023]['value'] / 1e6:.0f} m "
            f"({figures[2023]['quantity_kg'] / 1e3:,.0f} t) in 2023, "
            f"{share['share_of_total']:.0%} of North Korea's exports to China. Goods finished "
            f"in {via} can carry North Korean work under a Chinese origin.")
    if result.findings:
        text += f" {result.findings[0].headline}"
    evidence.findings.append(RiskFinding(
        kind="detector", level="high", text=text,
        evidence={"detector": "processing", "figures": {
            year: {"value": row["value"], "quantity_kg": row["quantity_kg"],
                   "unit_value": row["value"] / row["quantity_kg"]}
            for year, row in figures.items()}},
        sources=[Source(name=row["citation"].split(" (")[0], date=str(year))
                 for year, row in figures.items()]))
    evidence.caveats.append(
        "No China-North Korea trade data by HS code is loaded: the hair-products figures are "
        "those published by Reuters and Yonhap from Chinese customs statistics.")


def route_series(flows: ir.Table, deal: Deal, latest: int) -> list[dict[str, Any]]:
    """Yearly totals from the seller (or its bloc) to the destination, every source."""
    exporter = "EU27" if deal.origin in group_members("EU27") else deal.origin
    query = FlowQuery(exporter=exporter, importer=deal.destination, years=(latest - 6, latest))
    frame = corridor_series(flows, query).execute()
    return frame.to_dict(orient="records")


def _rerouting(evidence: CorridorEvidence, flows: ir.Table, deal: Deal, latest: int) -> None:
    bloc = "EU27" if deal.origin in group_members("EU27") else deal.origin
    conduits = tuple(dict.fromkeys((deal.destination, "ARM", "GEO", "KAZ", "KGZ", "UZB")))
    try:
        result = detect_rerouting(flows, ReroutingParams("RUS", bloc, conduits, 2021, latest))
    except ShadowtradeError as err:
        evidence.caveats.append(f"The re-routing check could not run: {err}")
        return
    evidence.detectors.append(result)
    target = FlowQuery(exporter=bloc, importer="RUS", years=(latest - 6, latest))
    evidence.series.extend(corridor_series(flows, target).execute().to_dict(orient="records"))
    rank = [finding.subject for finding in result.findings]
    if deal.destination in rank:
        finding = result.findings[rank.index(deal.destination)]
        evidence.findings.append(RiskFinding(
            kind="detector", level="high",
            text=f"Re-routing risk: {finding.headline} Controlled goods sold to "
                 f"{country_name(deal.destination)} are what re-routing to Russia looks like; "
                 "the buyer's end use and onward sales need checking.",
            evidence={"detector": "rerouting", "rank": rank.index(deal.destination) + 1,
                      **finding.figures},
            sources=[Source(name=s) for s in result.sources]))
    _mirror_gap(evidence, flows, bloc, deal.destination, latest)


def _mirror_gap(evidence: CorridorEvidence, flows: ir.Table, bloc: str, destination: str,
                latest: int) -> None:
    try:
        result = detect_mirror_gap(flows, MirrorGapParams(bloc, destination, (2019, latest),
                                                          base=2021))
    except ShadowtradeError as err:
        evidence.caveats.append(f"The missing-imports check could not run: {err}")
        return
    evidence.detectors.append(result)
    for finding in result.findings[:1]:
        evidence.findings.append(RiskFinding(
            kind="detector", level="high", text=f"Missing imports: {finding.headline}",
            evidence={"detector": "mirror_gap", **finding.figures},
            sources=[Source(name=s) for s in result.sources]))
