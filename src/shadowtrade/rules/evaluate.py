"""Verdicts on one flow: which encoded measures reach it, how strongly, and whom they bind.

>>> import datetime as dt
>>> result = check_flow(FlowQuery("BLR", "PRK", "870190", dt.date(2024, 6, 1)))
>>> [(f.rule.authority, f.status.value) for f in result.findings][:1]
[('UN', 'prohibited')]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from shadowtrade.errors import UsageError
from shadowtrade.model.codes import normalise_hs_code
from shadowtrade.reference.countries import group_members, iso3_from_iso2
from shadowtrade.reference.hs import REVISIONS, known_codes
from shadowtrade.rules.explain import explain
from shadowtrade.rules.loader import RuleBook, load_rulebook
from shadowtrade.rules.matching import HsMatch, match_in_revision, status_of
from shadowtrade.rules.model import BINDS, Rule, Status

_BOUND_COUNTRIES = {"us_persons": "USA", "uk_persons": "GBR", "jp_persons": "JPN"}


@dataclass(frozen=True)
class FlowQuery:
    """One flow to judge: exporter and importer (ISO3), HS code, date, and optionally its value."""

    exporter: str
    importer: str
    hs: str
    date: dt.date
    hs_revision: str | None = None
    value: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """The query as the JSON output shows it (after :func:`resolve_query`)."""
        return {
            "exporter": self.exporter,
            "importer": self.importer,
            "hs": self.hs,
            "hs_revision": self.hs_revision,
            "date": self.date.isoformat(),
            "value": self.value,
        }


@dataclass(frozen=True)
class Finding:
    """One measure that reaches the flow."""

    rule: Rule
    status: Status
    direction: str
    match: HsMatch
    applies_to_exporter: bool
    applies_to_importer: bool
    explanation: str

    def as_dict(self) -> dict[str, Any]:
        """The finding in the JSON shape of ``regimes check --json``."""
        rule = self.rule
        return {
            "rule_id": rule.id,
            "authority": rule.authority,
            "target": rule.target,
            "status": self.status.value,
            "legal_ref": rule.legal_ref.text,
            "url": rule.legal_ref.url,
            "direction": self.direction,
            "binds": rule.regime.binds,
            "binds_text": BINDS[rule.regime.binds],
            "applies_to_exporter": self.applies_to_exporter,
            "applies_to_importer": self.applies_to_importer,
            "measure_type": rule.measure_type,
            "scope_kind": rule.scope_kind,
            "matched_prefix": self.match.prefix,
            "hs_proxy": not (rule.hs.in_text or rule.hs.all),
            "partial": self.match.partial or self.match.share == 0.0,
            "share_in_scope": round(self.match.share, 4),
            "hs_mapping": self.match.mapping,
            "confidence": rule.confidence,
            "effective": {
                "from": rule.effective.start.isoformat() if rule.effective.start else None,
                "to": rule.effective.end.isoformat() if rule.effective.end else None,
                "precision": rule.effective.precision,
            },
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class CheckResult:
    """Findings for a query, strongest first, and a one-line summary that says when there are none."""

    query: FlowQuery
    findings: tuple[Finding, ...]
    summary: str
    notes: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        """``{"query": ..., "findings": [...], "summary": ..., "notes": [...]}``."""
        return {
            "query": self.query.as_dict(),
            "findings": [f.as_dict() for f in self.findings],
            "summary": self.summary,
            "notes": list(self.notes),
        }


def check_flow(query: FlowQuery, book: RuleBook | None = None) -> CheckResult:
    """Every encoded measure that reaches one flow on one date, strongest first.

    The flow's direction is read per target from exporter and importer, so a flow reported by
    the importer (mirror data) is judged exactly like one reported by the exporter.
    """
    book = book or load_rulebook()
    query, notes = resolve_query(query)
    findings: list[Finding] = []
    for target in book.targets():
        direction = flow_direction(query.exporter, query.importer, target)
        for rule in book.for_target(target):
            found = _finding(rule, query, direction)
            if found is not None:
                findings.append(found)
    findings.sort(key=lambda f: (-f.status.rank, _AUTH_ORDER.index(f.rule.authority), f.rule.id))
    return CheckResult(query, tuple(findings), summarise(query, findings, book), notes)


_AUTH_ORDER = ["UN", "US", "EU", "UK", "JP"]


def resolve_query(query: FlowQuery) -> tuple[FlowQuery, tuple[str, ...]]:
    """Normalise the code and settle its HS revision; say so when it was guessed.

    Without a revision, a six-digit code is read in the latest revision that has it (``870190``
    was split in HS2017, so it is read as HS12).

    >>> resolve_query(FlowQuery("BLR", "PRK", "8701.90", dt.date(2024, 6, 1)))[0].hs_revision
    'HS12'
    """
    if query.exporter == query.importer:
        raise UsageError(f"exporter and importer are both '{query.exporter}': give two countries")
    code = normalise_hs_code(query.hs)
    revision = query.hs_revision.upper() if query.hs_revision else None
    if revision is not None and revision not in REVISIONS:
        raise UsageError(f"unknown HS revision '{query.hs_revision}': use one of {', '.join(REVISIONS)}")
    notes: tuple[str, ...] = ()
    if revision is None:
        revision = _latest_revision_with(code)
        if revision != "HS22":
            notes = (f"HS {code} is not an HS2022 code; it was read as {revision}, the latest revision that has it.",)
    elif not _exists(code, revision):
        raise UsageError(
            f"HS code '{code}' does not exist in {revision}: check the code, or give the revision "
            "it is written in with --hs-revision (HS92 … HS22)"
        )
    return replace(query, hs=code, hs_revision=revision), notes


def _exists(code: str, revision: str) -> bool:
    return any(c.startswith(code) for c in known_codes(revision))


def _latest_revision_with(code: str) -> str:
    for revision in reversed(list(REVISIONS)):
        if _exists(code, revision):
            return revision
    raise UsageError(
        f"HS code '{code}' exists in no HS revision (HS92 … HS22): check the code, for example 8701 or 870190"
    )


def flow_direction(exporter: str, importer: str, target_iso2: str) -> str:
    """``to_target``, ``from_target`` or ``via_third_country`` for a flow and a target.

    >>> flow_direction("CHN", "PRK", "KP"), flow_direction("PRK", "CHN", "KP")
    ('to_target', 'from_target')
    """
    target = iso3_from_iso2(target_iso2)
    if importer == target:
        return "to_target"
    if exporter == target:
        return "from_target"
    return "via_third_country"


def _finding(rule: Rule, query: FlowQuery, direction: str) -> Finding | None:
    if not rule.evaluates_flows or not rule.effective.in_force(query.date):
        return None
    if not rule.applies_in(direction):
        return None
    exporter_bound = binds(rule, query.exporter, query.date)
    importer_bound = binds(rule, query.importer, query.date)
    # A "no re-export" clause concerns only exporters it binds; a tariff only imports it taxes.
    if direction == "via_third_country" and not exporter_bound:
        return None
    if rule.scope_kind == "tariff" and not importer_bound:
        return None
    found = match_in_revision(rule, query.hs, query.hs_revision or "HS22")
    if found is None:
        return None
    status = status_of(rule, found)
    text = explain(rule, found, status, query.hs, query.date, query.value)
    return Finding(rule, status, direction, found, exporter_bound, importer_bound, text)


def binds(rule: Rule, country: str, on: dt.date) -> bool:
    """True when a country's own jurisdiction is bound by the rule on a date.

    UN measures bind every state; EU measures bind the EU's members on that date; US, UK and
    Japanese measures bind their own country.
    """
    return binds_country(rule.regime.binds, country, on)


# EU law kept applying in the UK until the end of the Brexit transition period.
_BREXIT_TRANSITION_END = dt.date(2020, 12, 31)


def binds_country(kind: str, country: str, on: dt.date) -> bool:
    """True when a regime whose ``binds`` is ``kind`` binds ``country`` on a date.

    >>> binds_country("eu_persons_territory", "GBR", dt.date(2020, 6, 1))
    True
    >>> binds_country("eu_persons_territory", "GBR", dt.date(2021, 6, 1))
    False
    """
    if kind == "un_member_states":
        return True
    if kind == "eu_persons_territory":
        if country == "GBR":
            return on <= _BREXIT_TRANSITION_END
        return country in group_members("EU", on)
    return _BOUND_COUNTRIES.get(kind) == country


def summarise(query: FlowQuery, findings: list[Finding], book: RuleBook) -> str:
    """One plain sentence: the strongest finding, or that there is none."""
    flow = f"{query.exporter} -> {query.importer}, HS {query.hs} ({query.hs_revision}), {query.date}"
    if not findings:
        targets = ", ".join(book.targets())
        return (
            f"No finding: {flow} is outside every encoded measure (authorities UN, US, EU, UK, "
            f"JP; targets {targets}) for this HS code, direction and date."
        )
    top = findings[0]
    authorities = ", ".join(sorted({f.rule.authority for f in findings}, key=_AUTH_ORDER.index))
    text = (
        f"{flow}: {len(findings)} finding(s) from {authorities}; strongest: {top.status.value} "
        f"under {top.rule.legal_ref.text} ({top.rule.authority})"
    )
    bound = [f for f in findings if f.applies_to_exporter or f.applies_to_importer]
    if not bound:
        return text + "; none binds the exporter's or importer's own jurisdiction (exposure only)."
    if bound[0] is not top:
        first = bound[0]
        return text + (
            f", which binds neither party; strongest binding a party: {first.status.value} under "
            f"{first.rule.legal_ref.text} ({first.rule.authority})."
        )
    return text + "."
