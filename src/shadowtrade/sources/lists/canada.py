"""Canada's consolidated autonomous sanctions list (SEMA XML, ``data-set/record``).

>>> _source_id("Belarus / Bélarus", "1, Part 1", "56")
'Belarus-1-Part-1-56'
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree.ElementTree import Element

from shadowtrade.errors import DataFileError
from shadowtrade.sources.lists.entity import ListEntity, ListRecordError, parse_date
from shadowtrade.sources.lists.parsed import ParsedList, Rejected, country_code
from shadowtrade.sources.lists.xmlsafe import child_text, parse_xml

DATASET = "ca_sema"
PUBLISHER = "Global Affairs Canada (SEMA)"


def _source_id(country: str, schedule: str, item: str) -> str:
    text = f"{country.split(' / ')[0]}-{schedule}-{item}"
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")


def read_canada(path: Path, dataset: str = DATASET) -> ParsedList:
    """Read the SEMA XML; the publication date is the latest listing date."""
    root = parse_xml(path)
    if root.tag != "data-set":
        raise DataFileError(f"expected a Canada SEMA <data-set> document, found <{root.tag}>",
                            path=str(path))
    parsed = ParsedList(dataset, PUBLISHER, None, [])
    used: set[str] = set()
    for record in root.iter("record"):
        try:
            entity = _entity(record, dataset, used)
        except ListRecordError as err:
            raw = " | ".join(f"{c.tag}={c.text}" for c in record)
            parsed.rejected.append(Rejected(None, raw, str(err)))
            continue
        parsed.entities.append(entity)
    dates = [d for e in parsed.entities for d in e.properties.get("listingDate", [])]
    parsed.published = max(dates) if dates else None
    return parsed


def _entity(record: Element, dataset: str, used: set[str]) -> ListEntity:
    country = child_text(record, "Country")
    source_id = _source_id(country, child_text(record, "Schedule"), child_text(record, "Item"))
    while source_id in used:
        source_id += "-b"
    used.add(source_id)
    imo = child_text(record, "ShipIMONumber")
    person = " ".join(p for p in (child_text(record, "GivenName"),
                                  child_text(record, "LastName")) if p)
    organisation = child_text(record, "EntityOrShip") or child_text(record, "TitleOrShip")
    schema = "Person" if person else ("Vessel" if imo else "Organization")
    aliases = [a.strip() for a in re.split(r"[;,]\s*", child_text(record, "Aliases")) if a]
    born = child_text(record, "DateOfBirthOrShipBuildDate")
    return ListEntity.create(
        dataset, source_id, schema, [person or organisation], aliases,
        program=f"SEMA {country.split(' / ')[0]}",
        country=country_code(country), imoNumber=imo or None,
        birthDate=parse_date(born) if schema == "Person" else None,
        buildDate=parse_date(born) if schema == "Vessel" else None,
        listingDate=parse_date(child_text(record, "DateOfListing")))
