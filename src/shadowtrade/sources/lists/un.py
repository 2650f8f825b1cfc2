"""The UN Security Council consolidated list (official XML, ``CONSOLIDATED_LIST``).

>>> from pathlib import Path
>>> parsed = read_un(Path("../shared/data/sanctions/un/un_consolidated_2026-02-27.xml"))  # doctest: +SKIP
>>> parsed.published  # doctest: +SKIP
'2026-02-27'
"""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

from shadowtrade.errors import DataFileError
from shadowtrade.sources.lists.entity import ListEntity, ListRecordError, parse_date
from shadowtrade.sources.lists.parsed import ParsedList, Rejected, country_code
from shadowtrade.sources.lists.xmlsafe import child_text, children, parse_xml

DATASET = "un_sc"
PUBLISHER = "United Nations Security Council"
_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
_WEAK = {"low"}


def read_un(path: Path, dataset: str = DATASET) -> ParsedList:
    """Read a UN consolidated XML file into entities (individuals and entities)."""
    root = parse_xml(path)
    if root.tag != "CONSOLIDATED_LIST":
        raise DataFileError(f"expected a UN CONSOLIDATED_LIST document, found <{root.tag}>",
                            path=str(path))
    published = (root.get("dateGenerated") or "")[:10] or None
    parsed = ParsedList(dataset, PUBLISHER, published, [])
    for record in root.iter():
        if record.tag not in ("INDIVIDUAL", "ENTITY"):
            continue
        try:
            parsed.entities.append(_record(record, dataset))
        except ListRecordError as err:
            parsed.rejected.append(Rejected(None, child_text(record, "DATAID"), str(err)))
    return parsed


def _record(record: Element, dataset: str) -> ListEntity:
    is_person = record.tag == "INDIVIDUAL"
    ref = child_text(record, "REFERENCE_NUMBER") or child_text(record, "DATAID")
    name = " ".join(p for p in (child_text(record, part) for part in _NAME_PARTS) if p)
    strong, weak = _aliases(record, "INDIVIDUAL_ALIAS" if is_person else "ENTITY_ALIAS")
    original = [el.text.strip() for el in record.iter("NAME_ORIGINAL_SCRIPT") if el.text]
    entity = ListEntity.create(
        dataset, ref, "Person" if is_person else "Organization", [name],
        aliases=strong + original,
        program=child_text(record, "UN_LIST_TYPE"),
        listingDate=parse_date(child_text(record, "LISTED_ON")),
        notes=child_text(record, "COMMENTS1")[:2000],
    )
    entity.weak_aliases = [w for w in weak if w not in entity.all_names()]
    _facts(record, entity, is_person)
    return entity


def _aliases(record: Element, tag: str) -> tuple[list[str], list[str]]:
    strong: list[str] = []
    weak: list[str] = []
    for alias in children(record, tag):
        value = child_text(alias, "ALIAS_NAME")
        if value:
            (weak if child_text(alias, "QUALITY").lower() in _WEAK else strong).append(value)
    return strong, weak


def _facts(record: Element, entity: ListEntity, is_person: bool) -> None:
    for nat in children(record, "NATIONALITY"):
        entity.add("nationality", [country_code(v.text) or "" for v in nat.iter("VALUE")])
    for addr in children(record, "INDIVIDUAL_ADDRESS" if is_person else "ENTITY_ADDRESS"):
        parts = [child_text(addr, k) for k in ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY")]
        entity.add("address", ", ".join(p for p in parts if p))
        entity.add("country", country_code(child_text(addr, "COUNTRY")))
    for dob in children(record, "INDIVIDUAL_DATE_OF_BIRTH"):
        entity.add("birthDate", parse_date(child_text(dob, "DATE") or child_text(dob, "YEAR")))
    for doc in children(record, "INDIVIDUAL_DOCUMENT"):
        number = child_text(doc, "NUMBER")
        kind = child_text(doc, "TYPE_OF_DOCUMENT").lower()
        if number:
            entity.add("passportNumber" if "passport" in kind else "idNumber", number)
