"""Financial risk of a deal: secondary sanctions on the banks that would handle it, and how it
is paid.

>>> import datetime as dt
>>> from shadowtrade.model.deal import Deal, Good, Payment
>>> deal = Deal("t", dt.date(2024, 6, 1), ("BLR", "PRK"), (Good("870190"),),
...             payment=Payment("RUB", "barter"))
>>> risk = financial_risk(deal, [])
>>> sorted({f.kind for f in risk.findings})
['payment']
"""

from __future__ import annotations

from shadowtrade.assess.findings import Risk, RiskFinding, Source
from shadowtrade.assess.legal import SECONDARY
from shadowtrade.model.deal import Deal, Good
from shadowtrade.reference.countries import country_name, iso3_from_iso2
from shadowtrade.rules.evaluate import CheckResult

_HIGH_CHANNELS = {
    "barter": "Barter moves goods against goods: no payment passes through a bank that would "
              "screen it, which is why sanctioned trade so often uses it.",
    "cash": "Cash leaves no banking record for the trade.",
    "crypto": "Crypto-asset payments can bypass the banks that screen for sanctions.",
    "hawala": "Informal value transfer (hawala) leaves no banking record for the trade.",
}
_SANCTIONED_CURRENCIES = {
    "KPW": "North Korean won", "RUB": "Russian rouble", "BYN": "Belarusian rouble",
    "IRR": "Iranian rial", "SYP": "Syrian pound",
}


def financial_risk(deal: Deal, checked: list[tuple[Good, CheckResult]]) -> Risk:
    """Secondary-sanctions exposure from the encoded regimes, and payment-channel findings."""
    risk = Risk("financial")
    seen: set[str] = set()
    for _good, result in checked:
        for finding in result.findings:
            rule = finding.rule
            if rule.measure_type != SECONDARY or rule.id in seen:
                continue
            seen.add(rule.id)
            risk.findings.append(RiskFinding(
                kind="regime", level="high",
                text=f"Secondary sanctions: {rule.legal_ref.text} exposes foreign banks and "
                     f"companies that take part in significant trade with "
                     f"{country_name(_target_iso3(rule.target))} to US blocking measures, "
                     "including loss of access to US correspondent accounts, wherever they "
                     "are based.",
                evidence={"rule_id": rule.id, "authority": rule.authority,
                          "exporter": result.query.exporter, "importer": result.query.importer},
                sources=[Source(rule.legal_ref.text, rule.id, rule.legal_ref.url)],
            ))
    risk.findings.extend(payment_findings(deal))
    return risk


def _target_iso3(iso2: str) -> str:
    return iso3_from_iso2(iso2) or iso2


def payment_findings(deal: Deal) -> list[RiskFinding]:
    """Findings about the payment channel and currency."""
    payment = deal.payment
    if payment is None:
        return []
    found = []
    channel = (payment.channel or "").lower()
    if channel in _HIGH_CHANNELS:
        found.append(RiskFinding(
            kind="payment", level="high",
            text=f"Payment by {channel}: {_HIGH_CHANNELS[channel]}",
            evidence={"channel": channel}, sources=[]))
    currency = (payment.currency or "").upper()
    if currency in _SANCTIONED_CURRENCIES:
        found.append(RiskFinding(
            kind="payment", level="medium",
            text=f"Payment in {_SANCTIONED_CURRENCIES[currency]} ({currency}): a currency of a "
                 "sanctioned economy, settled outside the dollar and euro correspondent banks "
                 "that screen for sanctions.",
            evidence={"currency": currency}, sources=[]))
    return found
