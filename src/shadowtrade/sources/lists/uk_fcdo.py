"""The UK Sanctions List published by the FCDO (XML: ``Designations/Designation``).

It replaced OFSI's ConList in January 2026. Each ``Designation`` carries its ``UniqueID``
(``RUS0001``, ``DPR0075``: regime prefix and number), its names (``Name1`` … ``Name5`` given
names, ``Name6`` the surname or whole name, with a ``NameType`` and an ``AliasStrength``),
names in non-Latin script, and per-type details (``IndividualDetails``, ``EntityDetails``,
``ShipDetails``). Dates are written ``DD/MM/YYYY``, with ``dd`` and ``mm`` standing for an
unknown day or month.

>>> _uk_date("dd/mm/1945", "DOB", "AFG0006"), _uk_date("01/03/1958", "DOB", "AFG0006")
('1945', '1958-03-01')
>>> _schema("Ship", "DPR0075")
'Vessel'
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree.ElementTree import Element

from shadowtrade.errors import DataFileError
from shadowtrade.sources.lists.entity import (ListEntity, ListRecordError, parse_date,
                                              unreadable_note)
from shadowtrade.sources.lists.parsed import ParsedList, Rejected, country_code, imo_digits
from shadowtrade.sources.lists.xmlsafe import (
    child_text, children, local, parse_xml, path_elements, path_texts)

DATASET = "gb_fcdo"
PUBLISHER = "UK Foreign, Commonwealth & Development Office (UK Sanctions List)"
_SCHEMA = {"individual": "Person", "entity": "Organization", "ship": "Vessel"}
_WEAK = re.compile(r"\b(low|weak)\b", re.IGNORECASE)
_ADDRESS_PARTS = tuple(f"AddressLine{i}" for i in range(1, 7)) + ("AddressPostalCode",)


def read_fcdo_xml(path: Path, dataset: str = DATASET) -> ParsedList:
    """Read the FCDO UK Sanctions List XML; a designation that cannot be read is rejected
    with its ``UniqueID`` and the reason, the others are kept."""
    root = parse_xml(path)
    if local(root.tag) != "Designations":
        raise DataFileError("expected a UK Sanctions List <Designations> document, found "
                            f"<{local(root.tag)}>", path=str(path))
    try:
        published = _uk_date(child_text(root, "DateGenerated"), "DateGenerated", "list")
    except ListRecordError as err:
        raise DataFileError(str(err), path=str(path)) from None
    parsed = ParsedList(dataset, PUBLISHER, published, [])
    for number, designation in enumerate(children(root, "Designation"), start=1):
        try:
            parsed.entities.append(_designation(designation, dataset, number))
        except ListRecordError as err:
            raw = child_text(designation, "UniqueID") or f"designation {number}"
            parsed.rejected.append(Rejected(None, raw, str(err)))
    return parsed


def _uk_date(text: str, what: str, unique_id: str) -> str | None:
    """``DD/MM/YYYY`` (``dd``/``mm`` for an unknown part) or ISO, as an ISO date prefix."""
    if not text:
        return None
    value = parse_date(re.sub(r"\b(dd|mm)\b", "00", text, flags=re.IGNORECASE))
    if value is None:
        raise ListRecordError(f"record {unique_id!r} has an invalid {what} {text!r}; "
                              "expected DD/MM/YYYY")
    return value


def _kept_date(text: str, what: str, unique_id: str, unreadable: list[str]) -> str | None:
    """:func:`_uk_date`, but an unreadable date is left out with a note in ``unreadable``
    instead of refusing the designation: a listed person is screened even when the list
    misspells a date.

    >>> notes = []
    >>> _kept_date("31/02/1965", "DOB", "DPR0900", notes), notes
    (None, ["left out, unreadable: record 'DPR0900' has an invalid DOB '31/02/1965'; expected DD/MM/YYYY"])
    """
    try:
        return _uk_date(text, what, unique_id)
    except ListRecordError as err:
        unreadable.append(unreadable_note(err))
        return None


def _schema(kind: str, unique_id: str) -> str:
    schema = _SCHEMA.get(kind.strip().lower())
    if schema is None:
        raise ListRecordError(f"record {unique_id!r} has an unknown IndividualEntityShip "
                              f"{kind!r}; expected Individual, Entity or Ship")
    return schema


def _designation(designation: Element, dataset: str, number: int) -> ListEntity:
    unique_id = child_text(designation, "UniqueID")
    if not unique_id:
        raise ListRecordError(f"designation {number} has no UniqueID")
    primary, strong, weak = _names(designation)
    unreadable: list[str] = []  # notes on dates left out: the designation is kept without them
    entity = ListEntity.create(
        dataset, unique_id, _schema(child_text(designation, "IndividualEntityShip"), unique_id),
        primary, strong + path_texts(designation, "NonLatinNames", "NonLatinName",
                                     "NameNonLatinScript"),
        program=child_text(designation, "RegimeName"),
        listingDate=_kept_date(child_text(designation, "DateDesignated"), "DateDesignated",
                               unique_id, unreadable),
        modifiedAt=_kept_date(child_text(designation, "LastUpdated"), "LastUpdated", unique_id,
                              unreadable),
        notes=child_text(designation, "OtherInformation")[:2000],
        summary=child_text(designation, "UKStatementofReasons")[:2000],
        phone=path_texts(designation, "PhoneNumbers", "PhoneNumber"),
        email=path_texts(designation, "EmailAddresses", "EmailAddress"),
        website=path_texts(designation, "Websites", "Website"))
    entity.weak_aliases = [name for name in weak if name not in entity.all_names()]
    _addresses(designation, entity)
    if entity.schema == "Person":
        _individual(designation, entity, unique_id, unreadable)
    elif entity.schema == "Vessel":
        _ship(designation, entity)
    else:
        entity.add("registrationNumber", path_texts(
            designation, "EntityDetails", "Entity", "BusinessRegistrationNumbers",
            "BusinessRegistrationNumber"))
    entity.add("notes", unreadable)
    return entity


def _names(designation: Element) -> tuple[list[str], list[str], list[str]]:
    """Primary names, strong aliases (spelling variations, good-quality a.k.a.) and weak ones."""
    primary: list[str] = []
    strong: list[str] = []
    weak: list[str] = []
    for name in path_elements(designation, "Names", "Name"):
        given = [child_text(name, f"Name{i}") for i in range(1, 6)]
        full = " ".join(part for part in given + [child_text(name, "Name6")] if part)
        kind = child_text(name, "NameType").lower()
        if kind == "primary name":
            primary.append(full)
        elif _WEAK.search(child_text(name, "AliasStrength")):
            weak.append(full)
        else:
            strong.append(full)  # primary name variations, aliases, and name types not yet seen
    return primary, strong, weak


def _addresses(designation: Element, entity: ListEntity) -> None:
    for address in path_elements(designation, "Addresses", "Address"):
        country = child_text(address, "AddressCountry")
        parts = [child_text(address, part) for part in _ADDRESS_PARTS] + [country]
        entity.add("address", ", ".join(part for part in parts if part))
        entity.add("country", country_code(country))


def _individual(designation: Element, entity: ListEntity, unique_id: str,
                unreadable: list[str]) -> None:
    for person in path_elements(designation, "IndividualDetails", "Individual"):
        entity.add("birthDate", [_kept_date(dob, "DOB", unique_id, unreadable) or ""
                                 for dob in path_texts(person, "DOBs", "DOB")])
        entity.add("nationality", [country_code(n) or "" for n in
                                   path_texts(person, "Nationalities", "Nationality")])
        entity.add("passportNumber", path_texts(person, "PassportDetails", "Passport",
                                                "PassportNumber"))
        entity.add("idNumber", path_texts(person, "NationalIdentifierDetails",
                                          "NationalIdentifier", "NationalIdentifierNumber"))
        entity.add("position", path_texts(person, "Positions", "Position"))
        entity.add("gender", [g.lower() for g in path_texts(person, "Genders", "Gender")])
        for place in path_elements(person, "BirthDetails", "Location"):
            entity.add("birthPlace", ", ".join(
                p for p in (child_text(place, "TownOfBirth"), child_text(place, "CountryOfBirth"))
                if p))
    entity.add("title", path_texts(designation, "Titles", "Title"))


def _ship(designation: Element, entity: ListEntity) -> None:
    for ship in path_elements(designation, "ShipDetails", "Ship"):
        entity.add("imoNumber", [imo_digits(n) for n in path_texts(ship, "IMONumbers",
                                                                    "IMONumber")])
        entity.add("flag", [country_code(f) or "" for f in path_texts(
            ship, "CurrentBelievedFlagOfShips", "CurrentBelievedFlagOfShip")])
        entity.add("pastFlags", [country_code(f) or "" for f in path_texts(
            ship, "PreviousFlags", "PreviousFlag")])
        entity.add("type", path_texts(ship, "TypeOfShipDetails", "TypeOfShip"))
        entity.add("tonnage", path_texts(ship, "TonnageOfShipDetails", "TonnageOfShip"))
        entity.add("buildDate", path_texts(ship, "YearsBuilt", "YearBuilt"))
