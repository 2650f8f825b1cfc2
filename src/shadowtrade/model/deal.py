"""A deal as users and scripts write it (``examples/*.yaml``): route, goods, parties, payment.

Pure data; reading and checking a deal file is :mod:`shadowtrade.sources.deals`.

>>> deal = Deal(title="t", date=None, route=("BLR", "PRK"), goods=(Good(hs="870190"),))
>>> deal.origin, deal.destination, deal.transit
('BLR', 'PRK', ())
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

ROLES = ("exporter", "importer", "carrier", "bank", "buyer", "seller", "agent", "insurer",
         "owner", "consignee", "notify", "other")
SCHEMAS = ("Person", "Company", "Organization", "LegalEntity", "Vessel", "Aircraft")


@dataclass(frozen=True)
class Good:
    """One line of goods: an HS code and, when known, value and quantity."""

    hs: str
    description: str | None = None
    value: float | None = None
    currency: str | None = None
    quantity: float | None = None
    unit: str | None = None


@dataclass(frozen=True)
class Party:
    """A person, company or vessel on the deal, in a role."""

    role: str
    name: str
    country: str | None = None
    schema: str = "LegalEntity"
    imo: str | None = None
    birth_date: str | None = None
    identifiers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Payment:
    """How the deal is paid: currency and channel (wire, letter of credit, barter, cash …)."""

    currency: str | None = None
    channel: str | None = None
    bank_country: str | None = None


@dataclass(frozen=True)
class Deal:
    """A proposed or observed transaction along a route, origin first, destination last."""

    title: str
    date: dt.date | None
    route: tuple[str, ...]
    goods: tuple[Good, ...]
    parties: tuple[Party, ...] = ()
    payment: Payment | None = None
    notes: str | None = None
    source_file: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        """The first country of the route."""
        return self.route[0]

    @property
    def destination(self) -> str:
        """The last country of the route: what transit never hides."""
        return self.route[-1]

    @property
    def transit(self) -> tuple[str, ...]:
        """The countries between origin and destination."""
        return self.route[1:-1]

    @property
    def total_value(self) -> float | None:
        """The sum of the goods' values when every line has one."""
        values = [good.value for good in self.goods]
        return sum(values) if values and all(v is not None for v in values) else None  # type: ignore[misc]
