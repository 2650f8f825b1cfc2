"""The EU consolidated financial sanctions list (FSF XML 1.1, ``export/sanctionEntity``).

>>> _SCHEMA["P"], _SCHEMA["E"]
('Person', 'Organization')
"""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

from shadowtrade.errors import DataFileError
from shadowtrade.sources.lists.derived_csv import read_derived_csv
from shadowtrade.sources.lists.entity import ListEntity, ListRecordError, parse_date
from shadowtrade.sources.lists.parsed import ParsedList, Rejected
from shadowtrade.sources.lists.xmlsafe import children, local, parse_xml

DATASET = "eu_fsf"
PUBLISHER = "European Commission (FSF)"
_SCHEMA = {"P": "Person", "E": "Organization"}


def read_eu_xml(path: Path, dataset: str = DATASET) -> ParsedList:
    """Read the official EU FSF XML."""
    root = parse_xml(path)
    if local(root.tag) != "export":
        raise DataFileError(f"expected an EU FSF <export> document, found <{local(root.tag)}>",
                            path=str(path))
    published = (root.get("generationDate") or "")[:10] or None
    parsed = ParsedList(dataset, PUBLISHER, published, [])
    for record in children(root, "sanctionEntity"):
        try:
            parsed.entities.append(_entity(record, dataset))
        except ListRecordError as err:
            parsed.rejected.append(Rejected(None, record.get("logicalId", ""), str(err)))
    return parsed


def _entity(record: Element, dataset: str) -> ListEntity:
    subject = children(record, "subjectType")
    code = subject[0].get("classificationCode", "E") if subject else "E"
    names = [alias.get("wholeName", "") for alias in children(record, "nameAlias")]
    strong = [a.get("wholeName", "") for a in children(record, "nameAlias")
              if a.get("strong", "true") == "true"]
    regulations = children(record, "regulation")
    entity = ListEntity.create(
        dataset, record.get("euReferenceNumber") or record.get("logicalId") or "",
        _SCHEMA.get(code, "Organization"), names[:1], strong[1:] if strong[:1] == names[:1]
        else strong,
        program=[r.get("programme", "") for r in regulations],
        listingDate=parse_date(record.get("designationDate")))
    entity.weak_aliases = [n for n in names if n not in entity.all_names()]
    for element in record:
        tag = local(element.tag)
        if tag == "citizenship":
            entity.add("nationality", _iso(element))
        elif tag == "birthdate":
            entity.add("birthDate", parse_date(element.get("birthdate") or element.get("year")))
        elif tag == "address":
            entity.add("country", _iso(element))
        elif tag == "identification":
            kind = element.get("identificationTypeCode", "")
            entity.add("passportNumber" if kind == "passport" else "idNumber",
                       element.get("number"))
    return entity


def _iso(element: Element) -> str | None:
    code = element.get("countryIso2Code", "")
    return code.lower() if len(code) == 2 and code != "00" else None


def read_eu_derived(path: Path, dataset: str = DATASET) -> ParsedList:
    """Read the derived EU names CSV (every language form and original script as aliases)."""
    return read_derived_csv(path, dataset, PUBLISHER)
