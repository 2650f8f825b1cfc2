"""A screening query: names and the facts that qualify them, validated at the edge.

>>> q = ScreenQuery.build(["Kim Jong Un"], schema="Person", birth_dates=["1984-01-08"],
...                       countries=["KP"])
>>> q.countries, q.birth_dates
(('kp',), ('1984-01-08',))
>>> ScreenQuery.build([""])
Traceback (most recent call last):
...
shadowtrade.errors.UsageError: the name is empty: give a name with at least one letter
"""

from __future__ import annotations

from typing import Final

import re
from dataclasses import dataclass

from shadowtrade.errors import UsageError
from shadowtrade.sources.lists.entity import SCHEMATA, parse_date
from shadowtrade.sources.lists.parsed import country_code

MAX_NAME_LENGTH: Final = 1000
QUERY_SCHEMATA: Final = SCHEMATA + ("Thing",)


def normalise_identifier(value: str) -> str:
    """Upper-case letters and digits only (``IMO 9123456`` and ``9123456`` differ).

    >>> normalise_identifier("ob 0243318")
    'OB0243318'
    """
    return re.sub(r"[^0-9A-Za-z]", "", value).upper()


@dataclass(frozen=True)
class ScreenQuery:
    """What to screen: one or more names of one party, and optional qualifiers."""

    names: tuple[str, ...]
    schema: str = "Thing"
    birth_dates: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()

    @classmethod
    def build(cls, names: list[str], schema: str | None = None,
              birth_dates: list[str] | None = None, countries: list[str] | None = None,
              identifiers: list[str] | None = None) -> ScreenQuery:
        """Validate user input; raises :class:`UsageError` with what to fix."""
        cleaned = [" ".join(str(n).split()) for n in names]
        if not cleaned and identifiers:
            cleaned = []
        elif not cleaned or any(not n for n in cleaned):
            raise UsageError("the name is empty: give a name with at least one letter")
        for name in cleaned:
            if len(name) > MAX_NAME_LENGTH:
                raise UsageError(f"the name is {len(name)} characters long; at most "
                                 f"{MAX_NAME_LENGTH} are allowed")
            if not any(ch.isalnum() for ch in name):
                raise UsageError(f"the name {name!r} has no letters or digits")
        schema = schema or "Thing"
        if schema not in QUERY_SCHEMATA:
            raise UsageError(f"unknown schema {schema!r}; use one of {', '.join(QUERY_SCHEMATA)}")
        dates = []
        for value in birth_dates or []:
            parsed = parse_date(str(value))
            if parsed is None:
                raise UsageError(f"invalid birth date {value!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
            dates.append(parsed)
        codes = []
        for value in countries or []:
            code = country_code(str(value))
            if code is None:
                raise UsageError(f"unknown country {value!r}: use an ISO code such as KP or RU")
            codes.append(code)
        idents = tuple(i for i in (normalise_identifier(str(v)) for v in identifiers or []) if i)
        return cls(tuple(cleaned), schema, tuple(dates), tuple(codes), idents)
