"""Countries: ISO3/ISO2/numeric codes, the names publishers use, groups such as EU27.

Built from the Growth Lab country table (``atlas-common-data``), ``pycountry`` names and this
package's alias file.

>>> resolve_country("kp")
'PRK'
>>> iso3_from_name("Russian Federation")
'RUS'
>>> sorted(group_members("CCA3"))
['ARM', 'KAZ', 'KGZ']
"""

from __future__ import annotations

import csv
import gettext
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pycountry

from shadowtrade.errors import UsageError
from shadowtrade.reference.packaged import atlas_data_dir, read_yaml

WORLD = "WLD"


@dataclass(frozen=True)
class Country:
    """One country or territory."""

    iso3: str
    iso2: str
    numeric: int | None
    name: str


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode() or name
    text = re.sub(r"[^\w]+", " ", text.lower()).strip()
    text = re.sub(r"^st ", "saint ", text)
    return re.sub(r"^the ", "", text)


@lru_cache(maxsize=1)
def countries() -> dict[str, Country]:
    """Every known country keyed by ISO3."""
    table: dict[str, Country] = {}
    with open(atlas_data_dir() / "classification/location/country.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            numeric = int(row["country_id"]) if row["country_id"].isdigit() else None
            iso2 = row["iso2_code"] or _pycountry_iso2(row["iso3_code"])
            table[row["iso3_code"]] = Country(row["iso3_code"], iso2, numeric, row["name_en"])
    for record in pycountry.countries:
        table.setdefault(
            record.alpha_3,
            Country(record.alpha_3, record.alpha_2, int(record.numeric), record.name),
        )
    for record in pycountry.historic_countries:  # Czechoslovakia, Yugoslavia … in old data
        numeric = int(record.numeric) if getattr(record, "numeric", None) else None
        table.setdefault(record.alpha_3, Country(record.alpha_3, "", numeric, record.name))
    return table


def _pycountry_iso2(iso3: str) -> str:
    record = pycountry.countries.get(alpha_3=iso3)
    return record.alpha_2 if record else ""


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    for record in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(record, attr, None)
            if value:
                names.setdefault(_fold(value), record.alpha_3)
                names.setdefault(_fold(french.gettext(value)), record.alpha_3)
    for country in countries().values():
        names.setdefault(_fold(country.name), country.iso3)
    aliases = read_yaml("country_aliases.yaml")
    for alias, iso3 in aliases["countries"].items():
        names[_fold(alias)] = iso3
    return names


@lru_cache(maxsize=1)
def _aggregate_names() -> dict[str, str]:
    return {_fold(k): v for k, v in read_yaml("country_aliases.yaml")["aggregates"].items()}


def iso3_from_name(name: str) -> str | None:
    """The ISO3 code for a country name as publishers write it, or None if unknown.

    English and French names, and Eurostat's long forms, are understood:

    >>> iso3_from_name("Norway (incl. Svalbard and Jan Mayen 'SJ' -> 1994 and again from 1997)")
    'NOR'
    >>> iso3_from_name("Biélorussie (Belarus)")
    'BLR'
    """
    names = _names()
    for candidate in _name_variants(name):
        if found := names.get(_fold(candidate)):
            return found
    return None


def _name_variants(name: str) -> list[str]:
    """The name, the name without parenthetical notes, and each note on its own."""
    outside = name
    while _PARENTHESES.search(outside):
        outside = _PARENTHESES.sub("", outside).strip()
    insides = [inside.strip("() ") for inside in _PARENTHESES.findall(name)]
    return [name, outside, *insides]


_PARENTHESES = re.compile(r"\([^()]*\)")
_NOT_A_COUNTRY = re.compile(
    r"^(extra-|intra-|stores and provisions|avitaillement|countries and territories not"
    r"|pays et territoires|high seas|haute mer)",
    re.IGNORECASE,
)


def aggregate_from_name(name: str) -> str | None:
    """The group code for a partner aggregate name (``World`` -> ``WLD``), or None.

    >>> aggregate_from_name("Extra-EU27 (from 2020)")
    'X_NOT_SPECIFIED'
    """
    for candidate in _name_variants(name)[:2]:
        if found := _aggregate_names().get(_fold(candidate)):
            return found
    if _NOT_A_COUNTRY.match(name.strip()):
        return "X_NOT_SPECIFIED"
    return None


def iso3_from_eurostat(code: str) -> str | None:
    """ISO3 for Eurostat's two-letter geo codes (``EL`` is Greece, ``UK`` the United Kingdom)."""
    special = read_yaml("country_aliases.yaml")["eurostat_codes"]
    if code in special:
        return str(special[code])
    return iso3_from_iso2(code)


@lru_cache(maxsize=None)
def iso3_from_iso2(code: str) -> str | None:
    """ISO3 for an ISO2 code, or None."""
    upper = code.upper()
    record = pycountry.countries.get(alpha_2=upper)
    if record is not None:
        return str(record.alpha_3)
    for country in countries().values():
        if country.iso2 == upper:
            return country.iso3
    return None


def country_groups() -> dict[str, dict]:
    """The group definitions of ``country_groups.yaml`` keyed by code."""
    return dict(read_yaml("country_groups.yaml"))


def is_group(code: str) -> bool:
    """True for ``WLD`` and the codes of ``country_groups.yaml``."""
    return code == WORLD or code in country_groups()


def group_members(code: str, on: dt.date | None = None) -> frozenset[str]:
    """ISO3 members of a group, on a date for groups whose composition changes."""
    spec = country_groups().get(code)
    if spec is None:
        raise UsageError(f"unknown country group '{code}': known groups are {_group_list()}")
    members = set(spec["members"])
    for dated in spec.get("dated_members", []):
        start, end = dated.get("from"), dated.get("to")
        if on is None or ((start is None or on >= start) and (end is None or on <= end)):
            members.add(dated["iso3"])
    return frozenset(members)


def _group_list() -> str:
    return ", ".join([WORLD, *country_groups()])


def resolve_country(text: str) -> str:
    """Turn what a user typed (ISO3, ISO2, a name or a group code) into a code.

    >>> resolve_country("EU27")
    'EU27'
    >>> resolve_country("XYZ")
    Traceback (most recent call last):
    ...
    shadowtrade.errors.UsageError: unknown country 'XYZ': use an ISO3 code such as PRK, an ISO2 code such as KP, or a group (WLD, EU27, EU, EAEU, CCA3, CENTRAL_ASIA_CAUCASUS, G7)
    """
    cleaned = text.strip()
    upper = cleaned.upper()
    if is_group(upper):
        return upper
    if len(upper) == 3 and upper in countries():
        return upper
    if len(upper) == 2 and (found := iso3_from_iso2(upper)):
        return found
    if found := iso3_from_name(cleaned):
        return found
    raise UsageError(
        f"unknown country '{text}': use an ISO3 code such as PRK, an ISO2 code such as KP, "
        f"or a group ({_group_list()})"
    )


def resolve_countries(text: str) -> list[str]:
    """Resolve a comma-separated list of countries (``ARM,GEO,KAZ``)."""
    return [resolve_country(part) for part in text.split(",") if part.strip()]


def country_name(code: str) -> str:
    """A readable name for a code; groups use their label.

    >>> country_name("PRK")
    'North Korea'
    """
    if code == WORLD:
        return "World"
    if code in country_groups():
        return str(country_groups()[code]["label"])
    country = countries().get(code)
    return country.name if country else code


@lru_cache(maxsize=None)
def iso3_from_comtrade(code: str) -> str | None:
    """ISO3 for a UN Comtrade numeric country code (M49 with Comtrade's exceptions).

    >>> iso3_from_comtrade("842"), iso3_from_comtrade("156"), iso3_from_comtrade("0")
    ('USA', 'CHN', 'WLD')
    """
    try:
        number = int(float(code))
    except ValueError:
        return None
    special = read_yaml("comtrade_codes.yaml")
    if number in special:
        return str(special[number])
    for country in countries().values():
        if country.numeric == number:
            return country.iso3
    return None
