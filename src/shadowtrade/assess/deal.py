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
from shadowtrade.assess.findings import Assessment, Risk, RiskFinding, Source, verdict_of
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
    if verdict == "low":
        return f"No encoded sanction, listed party or evasion signal touches {where}."
    binding = [f for f in legal.sorted() if f.evidence.get("binds_a_party")]
    tops = [binding[0] if binding else (legal.sorted() or [None])[0],
            *(risk.sorted()[0] for risk in (financial, reputational) if risk.findings)]
    concerns = [_short_reason(f) for f in tops if f is not None and f.level != "low"]
    return (f"{where} is not prohibited by a measure that binds the parties, but: "
            + "; ".join(concerns) + ".")


def _short_reason(finding: RiskFinding) -> str:
    """A finding in a few words, for the headline."""
    if finding.kind == "regime" and "status" in finding.evidence:
        ref = finding.sources[0].name.split(";")[0] if finding.sources else "a measure"
        binding = "" if finding.evidence.get("binds_a_party") else ", binding neither party"
        return (f"{finding.evidence['status'].replace('_', ' ')} under {ref} "
                f"({finding.evidence['authority']}{binding})")
    if finding.kind == "regime":
        ref = finding.sources[0].name.split(" Sec.")[0] if finding.sources else "US law"
        return f"{finding.evidence.get('authority', 'US')} secondary sanctions under {ref}"
    head = finding.text.split(": ", 1)[0] if ": " in finding.text[:40] else finding.text
    return head.split(". ")[0].lower()
