"""HS codes and year ranges as users type them.

>>> normalise_hs_code("8701.90")
'870190'
>>> parse_years("2017-2023")
(2017, 2023)
"""

from __future__ import annotations

import re

from shadowtrade.errors import UsageError

_HS_CODE = re.compile(r"^\d{2}(\d{2}(\d{2}(\d{2}(\d{2})?)?)?)?$")
_YEARS = re.compile(r"^(\d{4})(?:\s*[-:]\s*(\d{4}))?$")


def normalise_hs_code(code: str) -> str:
    """Strip dots and spaces from an HS code and check it is 2, 4, 6, 8 or 10 digits.

    >>> normalise_hs_code(" 87 ")
    '87'
    >>> normalise_hs_code("87A1")
    Traceback (most recent call last):
    ...
    shadowtrade.errors.UsageError: invalid HS code '87A1': use 2, 4 or 6 digits, for example 8701 or 870190
    """
    cleaned = re.sub(r"[.\s]", "", str(code))
    if not _HS_CODE.match(cleaned):
        raise UsageError(
            f"invalid HS code '{code}': use 2, 4 or 6 digits, for example 8701 or 870190"
        )
    return cleaned


def parse_years(text: str) -> tuple[int, int]:
    """Parse ``2021`` or ``2017-2023`` into an inclusive (first, last) pair.

    >>> parse_years("2021")
    (2021, 2021)
    """
    match = _YEARS.match(str(text).strip())
    if not match:
        raise UsageError(f"invalid years '{text}': write one year (2021) or a range (2017-2023)")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if last < first:
        raise UsageError(f"invalid years '{text}': the range runs backwards; write {last}-{first}")
    return first, last
