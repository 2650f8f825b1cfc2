"""What a list reader returns: the entities, the rejected records and the list's own metadata.

>>> p = ParsedList("un_sc", "UN Security Council", "2026-02-27", [])
>>> p.name_count
0
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from shadowtrade.reference.countries import countries, iso3_from_name
from shadowtrade.sources.lists.entity import ListEntity


@dataclass(frozen=True)
class Rejected:
    """A record that could not be read: where it was, its raw text and why."""

    line: int | None
    raw: str
    reason: str


@dataclass
class ParsedList:
    """One version of one sanctions list, read from one or more files."""

    dataset: str
    publisher: str
    published: str | None
    entities: list[ListEntity]
    rejected: list[Rejected] = field(default_factory=list)
    skipped: int = 0  # records of schemata that are not screened (Sanction, Address, …)

    @property
    def name_count(self) -> int:
        """How many names and aliases the list holds."""
        return sum(len(e.all_names()) for e in self.entities)


@lru_cache(maxsize=4096)
def country_code(text: str | None) -> str | None:
    """A country name or code as a lower-case ISO 2 code (FollowTheMoney style), or ``None``.

    OFAC's inverted names ("Korea, North") are read both ways.

    >>> country_code("Democratic People's Republic of Korea"), country_code("Belarus / Bélarus")
    ('kp', 'by')
    >>> country_code("Korea, North"), country_code("Korea, South")
    ('kp', 'kr')
    """
    if not text or not text.strip():
        return None
    for part in re.split(r"\s+/\s+", text.strip()):
        part = part.strip()
        if len(part) == 2 and part.isalpha():
            return part.lower()
        inverted = re.fullmatch(r"([^,]+),\s*(North|South)", part)
        for name in (part, f"{inverted.group(2)} {inverted.group(1)}" if inverted else ""):
            iso3 = iso3_from_name(name) if name else None
            if iso3 and iso3 in countries() and countries()[iso3].iso2:
                return countries()[iso3].iso2.lower()
    return None


def country_codes(text: str | None, separator: str = ",") -> list[str]:
    """Every country named in a separated list (unknown names are left out).

    >>> country_codes("Afghanistan, Iran, Pakistan")
    ['af', 'ir', 'pk']
    """
    codes = [country_code(part) for part in (text or "").split(separator)]
    return [code for code in dict.fromkeys(codes) if code]


def imo_digits(value: str) -> str:
    """An IMO number as its seven digits, the form the OFAC reader stores (``IMO 9562233``,
    ``IMO9562233`` and ``9562233`` are one ship); anything else is kept as written.

    >>> imo_digits("IMO9562233"), imo_digits("IMO 8660313"), imo_digits("unknown")
    ('9562233', '8660313', 'unknown')
    """
    match = re.fullmatch(r"\s*(?:IMO[\s:.]*)?(\d{7})\s*", value, flags=re.IGNORECASE)
    return match.group(1) if match else value.strip()
