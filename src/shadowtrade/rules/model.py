"""The vocabulary of rule files: regimes, rules, their HS scope, dates and the status scale.

A rule file holds one regime (an authority's measures on one target) and its rules. Rules are
frozen dataclasses built by :mod:`shadowtrade.rules.loader` after validation; nothing here reads
files.

>>> Status.PROHIBITED.rank > Status.CAPPED.rank > Status.POSSIBLE.rank
True
>>> status_for_measure("cap")
<Status.CAPPED: 'capped'>
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

AUTHORITIES = ("UN", "US", "EU", "UK", "JP")
DIRECTIONS = (
    "to_target",
    "from_target",
    "both",
    "services_for_third_country_trade",
    "via_third_country",
)
# How a flow stands to a target: it goes to it, comes from it, or passes between third countries
# (where "no re-export" clauses and diversion rules bite).
FLOW_DIRECTIONS = ("to_target", "from_target", "via_third_country")
MEASURE_TYPES = (
    "prohibition",
    "cap",
    "licence_requirement",
    "price_cap",
    "contract_clause",
    "due_diligence",
    "tariff",
    "blocking_secondary",
)
SCOPE_KINDS = ("commodity", "embargo", "secondary", "list_based", "context", "exemption", "tariff")
ORIGINS = ("any", "target_origin", "target_origin_or_consigned", "processed_in_third_country")
CONFIDENCE = ("verified_primary", "verified_secondary", "recollection")
DATE_PRECISION = ("exact", "approximate", "unknown")
BINDS = {
    "un_member_states": "every UN member state (all exporters and importers)",
    "eu_persons_territory": "EU persons and anyone in EU territory",
    "us_persons": "US persons and US-origin items",
    "uk_persons": "UK persons and anyone in UK territory",
    "jp_persons": "persons under Japanese jurisdiction",
}
HS_REVISIONS = ("any", "HS92", "HS96", "HS02", "HS07", "HS12", "HS17", "HS22")


class Status(str, Enum):
    """How strongly a measure touches a flow, strongest first."""

    PROHIBITED = "prohibited"
    CAPPED = "capped"
    LICENCE_REQUIRED = "licence_required"
    RESTRICTED = "restricted"
    DEBATED = "debated"
    POSSIBLE = "possible"

    @property
    def rank(self) -> int:
        """6 for prohibited down to 1 for possible: higher is stronger."""
        return len(Status) - list(Status).index(self)


_MEASURE_STATUS = {
    "prohibition": Status.PROHIBITED,
    "cap": Status.CAPPED,
    "licence_requirement": Status.LICENCE_REQUIRED,
}


def status_for_measure(measure_type: str) -> Status:
    """The status a full HS match of a measure type gives (other types are ``restricted``)."""
    return _MEASURE_STATUS.get(measure_type, Status.RESTRICTED)


@dataclass(frozen=True)
class LegalRef:
    """Instrument and provision, e.g. ``S/RES/2397 (2017)`` and ``OP7``."""

    instrument: str
    provision: str
    url: str
    amended_by: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """``"S/RES/2397 (2017) OP7"``."""
        return f"{self.instrument} {self.provision}"


@dataclass(frozen=True)
class HsScope:
    """Which HS codes a rule reaches, in the revision its prefixes are written in.

    ``revision`` is ``any`` when the prefixes are chapters or headings read the same in every
    revision (the UN DPRK resolutions), or the HS edition of a national nomenclature.
    ``in_text`` is true only when the instrument itself names the HS codes (2397 OP6/OP7, the
    CHPL); otherwise the prefixes are a screening proxy for words, not law.
    """

    revision: str
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    possible: tuple[str, ...] = ()
    all: bool = False
    nomenclature: str | None = None
    in_text: bool = False


@dataclass(frozen=True)
class Effective:
    """When a rule applies: ``from`` inclusive, ``to`` exclusive (the day its successor starts)."""

    start: dt.date | None
    end: dt.date | None = None
    wind_down_until: dt.date | None = None
    superseded_by: str | None = None
    precision: str = "exact"
    note: str | None = None

    def in_force(self, on: dt.date) -> bool:
        """True when the rule applies on a date (an unknown start counts as in force).

        >>> Effective(dt.date(2017, 8, 5)).in_force(dt.date(2018, 1, 1))
        True
        """
        started = self.start is None or on >= self.start
        return started and (self.end is None or on < self.end)

    def days_in_year(self, year: int) -> int:
        """How many days of a calendar year the rule was in force."""
        first = max(dt.date(year, 1, 1), self.start or dt.date(year, 1, 1))
        last_excl = min(dt.date(year + 1, 1, 1), self.end or dt.date(year + 1, 1, 1))
        return max(0, (last_excl - first).days)


@dataclass(frozen=True)
class Interpretation:
    """A reading of a debated HS code (for example wigs, HS 6704, under the textile ban)."""

    hs: tuple[str, ...]
    reading: str
    status: str
    note: str = ""


@dataclass(frozen=True)
class Regime:
    """An authority's measures on one target, as one rule file."""

    id: str
    authority: str
    target: str
    title: str
    binds: str
    instruments: tuple[dict[str, str], ...]
    file: str
    notes: str = ""


@dataclass(frozen=True)
class Rule:
    """One measure: who, what HS codes, which direction, when, how strongly, citing what."""

    id: str
    regime: Regime
    legal_ref: LegalRef
    measure_type: str
    scope_kind: str
    direction: str
    origin: str
    hs: HsScope
    effective: Effective
    confidence: str
    description: str = ""
    implements: tuple[str, ...] = ()
    overrides: tuple[str, ...] = ()
    caps: tuple[dict[str, Any], ...] = ()
    value_threshold: dict[str, Any] | None = None
    exceptions: tuple[dict[str, str], ...] = ()
    interpretations: tuple[Interpretation, ...] = ()
    notes: str = ""
    derived_from: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def authority(self) -> str:
        """UN, US, EU, UK or JP."""
        return self.regime.authority

    @property
    def target(self) -> str:
        """The target's ISO2 code (KP, BY, RU)."""
        return self.regime.target

    @property
    def status(self) -> Status:
        """The status a full HS match gives."""
        return status_for_measure(self.measure_type)

    @property
    def evaluates_flows(self) -> bool:
        """False for exemptions, which mark what may be licensed rather than what is restricted."""
        return self.scope_kind != "exemption"

    def applies_in(self, direction: str) -> bool:
        """True when the rule governs goods moving in ``direction`` (``to_target``/``from_target``).

        Services measures on the target's exports to third countries (the oil price cap) touch
        ``from_target`` flows.
        """
        if self.direction == "services_for_third_country_trade":
            return direction == "from_target"
        if direction == "via_third_country":
            return self.direction == direction
        return self.direction in (direction, "both")
