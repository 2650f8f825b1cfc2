"""The one entity model every list parser yields: FollowTheMoney-compatible, validated on creation.

>>> e = ListEntity.create("un_sc", "KPi.001", "Person", ["YUN HO-JIN"], aliases=["Yun Ho-chin"])
>>> e.id, e.caption, e.all_names()
('un_sc-KPi.001', 'YUN HO-JIN', ['YUN HO-JIN', 'Yun Ho-chin'])
>>> e.to_ftm()["properties"]["alias"]
['Yun Ho-chin']
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from shadowtrade.errors import DataFileError

SCHEMATA = ("Person", "Organization", "Company", "LegalEntity", "Vessel", "Aircraft")
MAX_NAME_LENGTH = 1000
_SPACES = re.compile(r"\s+")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class ListRecordError(DataFileError):
    """One record of a list file is unusable (it goes to quarantine with this reason)."""


def unreadable_note(error: ListRecordError) -> str:
    """The note an entity keeps about a fact of its record that could not be read and was left
    out (an impossible date): the entity itself is kept, and screened, without it.

    >>> unreadable_note(ListRecordError("record 'X' has an invalid DOB '31/02/1965'"))
    "left out, unreadable: record 'X' has an invalid DOB '31/02/1965'"
    """
    return f"left out, unreadable: {error}"


def clean_name(value: str | None) -> str:
    """Collapse whitespace; an OFAC ``-0-`` or blank is no name.

    >>> clean_name("  KIM   Jong  Un ")
    'KIM Jong Un'
    >>> clean_name("-0- ")
    ''
    """
    text = _SPACES.sub(" ", (value or "")).strip()
    return "" if text in {"-0-", "-", "n/a", "N/A"} else text


def parse_date(value: str | None) -> str | None:
    """An ISO date, or a prefix of one (``1944``, ``1944-10``); anything else is ``None``.

    Day and month zero (``10/00/1983`` in OFSI files) reduce the precision instead of failing.

    >>> parse_date("13/10/1944"), parse_date("1944"), parse_date("00/00/1983"), parse_date("31/02/1990")
    ('1944-10-13', '1944', '1983', None)
    """
    text = (value or "").strip()
    if not text:
        return None
    slash = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", text)
    if slash:
        day_n, month_n, year_n = (int(part) for part in slash.groups())
        text = f"{year_n:04d}" + (f"-{month_n:02d}" if month_n else "") + (
            f"-{day_n:02d}" if month_n and day_n else "")
    match = _DATE.match(text[:10])
    if not match:
        return None
    year, month, day = match.groups()
    try:
        if day:
            dt.date(int(year), int(month), int(day))
        elif month and not 1 <= int(month) <= 12:
            return None
    except ValueError:
        return None
    return text[:10]


@dataclass
class ListEntity:
    """A listed person, organisation, company, vessel or aircraft with its names and facts.

    ``properties`` uses FollowTheMoney property names (birthDate, nationality, country,
    passportNumber, imoNumber, idNumber, program, listingDate, address, notes, sourceUrl).
    """

    id: str
    schema: str
    dataset: str
    names: list[str]
    aliases: list[str] = field(default_factory=list)
    weak_aliases: list[str] = field(default_factory=list)
    properties: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def create(cls, dataset: str, source_id: str, schema: str, names: list[str],
               aliases: list[str] | None = None, **properties: list[str] | str | None,
               ) -> ListEntity:
        """Build and validate an entity; raises :class:`ListRecordError` when it has no name."""
        if schema not in SCHEMATA:
            raise ListRecordError(f"record {source_id!r} has unknown schema {schema!r}; "
                                  f"expected one of {', '.join(SCHEMATA)}")
        kept = _unique(clean_name(n) for n in names)
        alias_list = [a for a in _unique(clean_name(a) for a in aliases or []) if a not in kept]
        if not kept and alias_list:
            kept = [alias_list.pop(0)]
        if not kept:
            raise ListRecordError(f"record {source_id!r} has no name")
        too_long = [n for n in kept + alias_list if len(n) > MAX_NAME_LENGTH]
        if too_long:
            raise ListRecordError(f"record {source_id!r} has a name of {len(too_long[0])} "
                                  f"characters (at most {MAX_NAME_LENGTH})")
        entity = cls(f"{dataset}-{source_id}", schema, dataset, kept, alias_list)
        entity.add("sourceId", source_id)
        for prop, values in properties.items():
            entity.add(prop, values)
        return entity

    def add(self, prop: str, values: list[str] | str | None) -> None:
        """Add cleaned, de-duplicated values to a property (blank values are ignored)."""
        if values is None:
            return
        items = [values] if isinstance(values, str) else values
        bucket = self.properties.setdefault(prop, [])
        for value in items:
            text = clean_name(value)
            if text and text not in bucket:
                bucket.append(text)
        if not bucket:
            del self.properties[prop]

    @property
    def caption(self) -> str:
        """The display name: the first primary name."""
        return self.names[0]

    def all_names(self) -> list[str]:
        """Primary names, then strong aliases, then weak aliases."""
        return self.names + self.aliases + self.weak_aliases

    def to_ftm(self) -> dict[str, Any]:
        """The entity as a FollowTheMoney JSON object."""
        props = {"name": list(self.names), **self.properties}
        if self.aliases:
            props["alias"] = list(self.aliases)
        if self.weak_aliases:
            props["weakAlias"] = list(self.weak_aliases)
        return {"id": self.id, "schema": self.schema, "caption": self.caption,
                "properties": props, "datasets": [self.dataset], "target": True}

    @classmethod
    def from_ftm(cls, data: dict[str, Any]) -> ListEntity:
        """Rebuild an entity from :meth:`to_ftm` output."""
        props = {k: list(v) for k, v in data.get("properties", {}).items()}
        names = props.pop("name", [])
        aliases = props.pop("alias", [])
        weak = props.pop("weakAlias", [])
        dataset = (data.get("datasets") or ["custom"])[0]
        return cls(data["id"], data["schema"], dataset, names, aliases, weak, props)


def _unique(values: Any) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value and value not in seen:
            seen.append(value)
    return seen
