"""Legal risk of a deal: the encoded measures that reach its goods along its route.

The flow from origin to final destination is judged first (transit never hides the
destination), then each leg of the route.

>>> import datetime as dt
>>> from shadowtrade.model.deal import Deal, Good
>>> deal = Deal("t", dt.date(2024, 6, 1), ("BLR", "RUS", "PRK"), (Good("870190"),))
>>> risk, _ = legal_risk(deal)
>>> risk.level
'prohibited'
"""

from __future__ import annotations

import datetime as dt

from shadowtrade.assess.findings import Risk, RiskFinding, Source
from shadowtrade.model.deal import Deal, Good
from shadowtrade.reference.countries import country_name
from shadowtrade.rules.evaluate import CheckResult, Finding, FlowQuery, check_flow

SECONDARY = "blocking_secondary"
_BINDING_LEVEL = {"prohibited": "prohibited", "capped": "high", "licence_required": "high",
                  "restricted": "high", "debated": "medium", "possible": "medium"}
_EXPOSURE_LEVEL = {"prohibited": "high", "capped": "medium", "licence_required": "medium",
                   "restricted": "medium", "debated": "medium", "possible": "low"}


def flows_of(deal: Deal) -> list[tuple[str, str]]:
    """Origin to destination first, then every leg that differs from it."""
    pairs = [(deal.origin, deal.destination)]
    for first, second in zip(deal.route, deal.route[1:], strict=False):
        if (first, second) not in pairs and first != second:
            pairs.append((first, second))
    return pairs


def check_deal(deal: Deal) -> list[tuple[Good, CheckResult]]:
    """Every (good, flow) verdict of the deal."""
    date = deal.date or dt.date.today()
    results = []
    for good in deal.goods:
        for exporter, importer in flows_of(deal):
            query = FlowQuery(exporter, importer, good.hs, date, value=good.value)
            results.append((good, check_flow(query)))
    return results


def binds_a_party(finding: Finding) -> bool:
    """UN measures bind every state; others bind when exporter's or importer's own."""
    return (finding.rule.authority == "UN" or finding.applies_to_exporter
            or finding.applies_to_importer)


def legal_risk(deal: Deal) -> tuple[Risk, list[tuple[Good, CheckResult]]]:
    """Findings of every measure reaching the deal's goods (secondary sanctions excluded:
    they are financial risk), the strongest per rule."""
    checked = check_deal(deal)
    best: dict[str, RiskFinding] = {}
    for good, result in checked:
        for finding in result.findings:
            if finding.rule.measure_type == SECONDARY:
                continue
            item = regime_finding(good, result, finding)
            known = best.get(finding.rule.id)
            if known is None or _rank(item.level) > _rank(known.level):
                best[finding.rule.id] = item
    return Risk("legal", list(best.values())), checked


def _rank(level: str) -> int:
    return ("low", "medium", "high", "prohibited").index(level)


def regime_finding(good: Good, result: CheckResult, finding: Finding) -> RiskFinding:
    """A plain-language finding for one measure on one flow."""
    status = finding.status.value
    binding = binds_a_party(finding)
    level = (_BINDING_LEVEL if binding else _EXPOSURE_LEVEL)[status]
    query = result.query
    route = f"{country_name(query.exporter)} to {country_name(query.importer)}"
    goods = good.description or f"HS {good.hs}"
    text = f"{goods} (HS {good.hs}) from {route}: {status.replace('_', ' ')} under " \
           f"{finding.rule.legal_ref.text} ({finding.rule.authority})."
    if not binding:
        text += " This measure binds neither the exporter's nor the importer's own " \
                "jurisdiction: it is exposure for anyone it does bind (banks, insurers, " \
                "shippers, US or EU persons) rather than a ban on the parties themselves."
    if status in ("debated", "possible"):
        text += " " + finding.explanation
    rule = finding.rule
    return RiskFinding(
        kind="regime", level=level, text=text,
        evidence={"rule_id": rule.id, "status": status, "authority": rule.authority,
                  "exporter": query.exporter, "importer": query.importer, "hs": query.hs,
                  "hs_revision": query.hs_revision, "date": query.date.isoformat(),
                  "binds_a_party": binding, "confidence": rule.confidence,
                  "explanation": finding.explanation},
        sources=[Source(name=rule.legal_ref.text, reference=rule.id, url=rule.legal_ref.url,
                        date=rule.effective.start.isoformat() if rule.effective.start else None)],
    )
