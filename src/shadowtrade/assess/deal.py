"""Assessing a deal: the verdict in one sentence and the three risks behind it.

>>> import datetime as dt
>>> from shadowtrade.model.deal import Deal, Good
>>> deal = Deal("Salmon", dt.date(2024, 4, 1), ("NOR", "JPN"), (Good("030214"),))
>>> assess_deal(deal).verdict
'low'
"""

from __future__ import annotations

from typing import Any

import ibis.expr.types as ir

from shadowtrade.assess.corridor import corridor_evidence
from shadowtrade.assess.financial import financial_risk
from shadowtrade.assess.findings import Assessment, Risk, Source, verdict_of
from shadowtrade.assess.legal import legal_risk
from shadowtrade.assess.parties import ScreensNames, party_findings
from shadowtrade.model.deal import Deal
from shadowtrade.reference.countries import country_name


def assess_deal(
    deal: Deal,
    flows: ir.Table | None = None,
    screener: ScreensNames | None = None,
    datasets: list[Source] | None = None,
) -> Assessment:
    """The smell test for one deal: legal, financial and reputational risk with evidence."""
    legal, checked = legal_risk(deal)
    financial = financial_risk(deal, checked)
    reputational = Risk("reputational")
    listed, near, hits = party_findings(deal, screener)
    legal.findings.extend(listed)
    reputational.findings.extend(near)
    for finding in listed:
        if finding.evidence.get("role") == "bank":
            financial.findings.append(finding)
    corridor = corridor_evidence(deal, flows)
    reputational.findings.extend(corridor.findings)
    verdict = verdict_of(legal, financial, reputational)
    caveats = list(corridor.caveats)
    if screener is None:
        caveats.append("No sanctions list is loaded, so the parties were not screened: run "
                       "shadowtrade lists load --mirror DIR.")
    return Assessment(
        subject="deal", title=deal.title, verdict=verdict,
        headline=headline(deal, verdict, legal, financial, reputational),
        legal=legal, financial=financial, reputational=reputational,
        facts=deal_facts(deal), trade=corridor.series,
        screening=hits, detectors=[d.as_dict() for d in corridor.detectors],
        datasets=datasets or [], caveats=caveats,
    )


def deal_facts(deal: Deal) -> dict[str, Any]:
    """The deal as the brief restates it."""
    return {
        "date": deal.date.isoformat() if deal.date else None,
        "route": list(deal.route),
        "route_names": [country_name(code) for code in deal.route],
        "goods": [g.__dict__ for g in deal.goods],
        "parties": [p.__dict__ for p in deal.parties],
        "payment": deal.payment.__dict__ if deal.payment else None,
        "value": deal.total_value,
    }


def headline(deal: Deal, verdict: str, legal: Risk, financial: Risk, reputational: Risk) -> str:
    """The verdict in one plain sentence."""
    goods = ", ".join(g.description or f"HS {g.hs}" for g in deal.goods)
    route = " via ".join([country_name(deal.origin), *map(country_name, deal.transit)])
    where = f"{goods} from {route} to {country_name(deal.destination)}"
    if verdict == "prohibited":
        reason = next(f for f in legal.sorted() if f.level == "prohibited")
        cite = reason.sources[0].name if reason.sources else "a binding measure"
        if reason.kind == "screening":
            return f"{where} involves a listed party ({reason.evidence['party']})."
        return f"{where} is banned under {cite}."
    worst = max((legal, financial, reputational), key=lambda r: ("low", "medium", "high",
                                                                 "prohibited").index(r.level))
    if verdict == "low":
        return f"No encoded sanction, listed party or evasion signal touches {where}."
    reason = worst.sorted()[0].text.split(": ", 1)[-1].split(". ")[0].rstrip(".")
    return (f"{where} is not banned as such, but its {worst.name} risk is {worst.level}: "
            f"{reason}.")
