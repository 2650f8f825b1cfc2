"""Plain-language explanations of findings: what matched, why, and what the data cannot show.

>>> from shadowtrade.rules.loader import load_rulebook
>>> from shadowtrade.rules.matching import HsMatch
>>> import datetime as dt
>>> rule = load_rulebook().get("UN-KP-2397-5-REFINED-CAP")
>>> print(explain(rule, HsMatch("covered", "2710"), rule.status, "271019", dt.date(2019, 6, 1))[:63])
Capped under S/RES/2397 (2017) OP5: HS 271019 falls under 2710.
"""

from __future__ import annotations

import datetime as dt

from shadowtrade.rules.matching import HsMatch
from shadowtrade.rules.model import Rule, Status

_VERB = {
    Status.PROHIBITED: "Prohibited",
    Status.CAPPED: "Capped",
    Status.LICENCE_REQUIRED: "Licence required",
    Status.RESTRICTED: "Restricted",
    Status.DEBATED: "Debated",
    Status.POSSIBLE: "Possibly covered",
}
_CONFIDENCE = {
    "verified_primary": "checked against the instrument's text",
    "verified_secondary": "checked against official summaries or strong secondary sources",
    "recollection": "from analyst recollection, not re-verified: check the primary text before relying on it",
}


def explain(
    rule: Rule,
    found: HsMatch,
    status: Status,
    code: str,
    on: dt.date,
    value: float | None = None,
) -> str:
    """A few sentences: the match, its basis, dates, caps, thresholds, exceptions, confidence."""
    parts = [_headline(rule, found, status, code)]
    parts += _basis(rule, found)
    parts += _timing(rule, on)
    parts += _limits(rule, value)
    parts.append(f"Confidence: {rule.confidence} ({_CONFIDENCE[rule.confidence]}).")
    return " ".join(p for p in parts if p)


def _headline(rule: Rule, found: HsMatch, status: Status, code: str) -> str:
    ref = rule.legal_ref.text
    if found.kind == "debated" and found.interpretation is not None:
        item = found.interpretation
        return (
            f"Debated under {ref} ({(rule.description or rule.measure_type).rstrip('.')}): {item.reading} "
            f"{item.note}".strip()
        )
    if rule.scope_kind == "context":
        return (
            f"Possibly covered under {ref}, an end-use or labour-based measure that names no "
            f"goods: {rule.description.rstrip('.')}. Whether it applies depends on facts trade "
            "data do not show."
        )
    if found.prefix == "all":
        what = "an embargo on every HS code" if rule.scope_kind in ("embargo", "tariff") else "every HS code"
        detail = (rule.description or rule.scope_kind).rstrip(".")
        return f"{_VERB[status]} under {ref}: the measure reaches {what} ({detail})."
    if found.kind == "possible":
        return (
            f"Possibly covered under {ref}: HS {code} is listed as a possible match ({found.prefix}); "
            "the measure is worded in words, and this code may or may not fall under it."
        )
    if found.share == 0.0:
        return (
            f"Possibly covered under {ref}: the measure lists {found.prefix}, a narrower code inside "
            f"HS {code}; six-digit data cannot tell which part of the flow it is."
        )
    return f"{_VERB[status]} under {ref}: HS {code} falls under {found.prefix}."


def _basis(rule: Rule, found: HsMatch) -> list[str]:
    parts = []
    if not (rule.hs.in_text or rule.hs.all):
        parts.append(
            "The instrument does not name HS codes: the HS prefixes are a screening proxy, not law."
        )
    if found.mapping:
        share = f"{found.share:.0%}"
        parts.append(
            f"HS revisions differ ({found.mapping}): {share} of this code's trade maps into the "
            "measure's scope" + (" (partial mapping)." if found.partial else ".")
        )
    if rule.derived_from:
        parts.append(f"Scope inherited from {rule.derived_from}, which this provision transposes.")
    return parts


def _timing(rule: Rule, on: dt.date) -> list[str]:
    eff = rule.effective
    parts = []
    if eff.start is None:
        parts.append("Its start date is not established.")
    else:
        until = f" until {eff.end}" if eff.end else ""
        precision = " (approximate date)" if eff.precision == "approximate" else ""
        parts.append(f"In force from {eff.start}{precision}{until}.")
    if eff.wind_down_until and on < eff.wind_down_until:
        parts.append(f"Wind-down: contracts concluded before could be executed until {eff.wind_down_until}.")
    return parts


def _limits(rule: Rule, value: float | None) -> list[str]:
    parts = []
    if rule.caps:
        aggregate = any(c.get("aggregate") for c in rule.caps)
        parts.append(
            "Capped, not banned: " + "; ".join(_cap_text(c) for c in rule.caps) + "."
            + (" The cap is shared by all suppliers; one flow cannot show whether it was exceeded,"
               " nor whether the supply was notified to the Committee." if aggregate else "")
        )
    if rule.value_threshold:
        t = rule.value_threshold
        parts.append(
            f"Applies only above {t['currency']} {t['amount']:,} {t['basis'].replace('_', ' ')}"
            + (f" ({t['applies_to']})" if t.get("applies_to") else "")
            + ": trade values are totals, so item values cannot be checked"
            + (f" (declared value {value:,.0f})." if value is not None else ".")
        )
    if rule.exceptions:
        parts.append("Exceptions: " + "; ".join(e["text"].rstrip(". ") for e in rule.exceptions) + ".")
    return parts


def _cap_text(cap: dict) -> str:
    if "price_usd_per_bbl" in cap:
        return f"price cap USD {cap['price_usd_per_bbl']}/bbl for {cap.get('applies_to', 'oil')} from {cap.get('start')}"
    amount = f"{cap['quantity']:,} {cap.get('unit', '')}".strip() if cap.get("quantity") else "frozen level"
    if cap.get("value_usd"):
        amount += f" or USD {cap['value_usd']:,} ({cap.get('rule', 'lower of the two')})"
    return f"{amount} per {cap.get('period', 'period')}"
