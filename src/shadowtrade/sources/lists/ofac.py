"""OFAC lists: the legacy CSV files (SDN, ALT, ADD, comments; no header, ``-0-`` = null) and the
SDN XML schema (SDN.XML / CONS_PRIM.XML).

>>> _remark_facts("DOB 16 Dec 1949; Passport 03574 (United Kingdom); IMO 7406784.")["birthDate"]
['1949-12-16']
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import defaultdict
from pathlib import Path
from xml.etree.ElementTree import Element

from shadowtrade.errors import DataFileError
from shadowtrade.sources.lists.entity import ListEntity, ListRecordError, clean_name, parse_date
from shadowtrade.sources.lists.parsed import ParsedList, Rejected, country_code
from shadowtrade.sources.lists.xmlsafe import child_text, children, local, parse_xml

PUBLISHER = "US Treasury, Office of Foreign Assets Control"
_SCHEMA = {"individual": "Person", "vessel": "Vessel", "aircraft": "Aircraft", "": "Organization",
           "entity": "Organization"}
_DOB = re.compile(r"DOB (?:circa )?((?:\d{1,2} )?(?:[A-Z][a-z]{2} )?\d{4})")
_PASSPORT = re.compile(r"Passport ([A-Z0-9][A-Z0-9 -]{2,20}?)(?: \(|;|\.$|$)")
_IMO = re.compile(r"IMO (\d{7})")
_NATIONALITY = re.compile(r"(?:nationality|citizen) ([A-Z][A-Za-z ,']+?)(?:;|\.|$)")


def _ofac_date(text: str) -> str | None:
    for fmt in ("%d %b %Y", "%b %Y", "%Y"):
        try:
            parsed = dt.datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
        return parsed.strftime({"%Y": "%Y", "%b %Y": "%Y-%m"}.get(fmt, "%Y-%m-%d"))
    return None


def _remark_facts(remarks: str) -> dict[str, list[str]]:
    facts: dict[str, list[str]] = defaultdict(list)
    for match in _DOB.finditer(remarks):
        if date := _ofac_date(match.group(1)):
            facts["birthDate"].append(date)
    facts["passportNumber"] = [m.group(1).strip() for m in _PASSPORT.finditer(remarks)]
    facts["imoNumber"] = [m.group(1) for m in _IMO.finditer(remarks)]
    facts["nationality"] = [c for m in _NATIONALITY.finditer(remarks)
                            if (c := country_code(m.group(1)))]
    return facts


def _read_rows(path: Path | None, width: int) -> list[tuple[int, list[str]]]:
    if path is None:
        return []
    rows = []
    with open(path, encoding="utf-8", errors="replace", newline="") as handle:
        for number, row in enumerate(csv.reader(handle), start=1):
            if row and any(cell.strip(" \x1a") for cell in row):  # \x1a: DOS end of file
                rows.append((number, [clean_name(c) for c in row] + [""] * (width - len(row))))
    return rows


def read_ofac_csv(sdn: Path, alt: Path | None = None, add: Path | None = None,
                  comments: Path | None = None, dataset: str = "us_ofac_sdn") -> ParsedList:
    """Read OFAC's legacy CSV files, joined on ``ent_num``.

    Alias rows whose entity is not in ``sdn`` (designated after that file) become entities of
    their own, named by their first alias, so no row is dropped.
    """
    sdn_rows = _read_rows(sdn, 12)
    if sdn_rows and not sdn_rows[0][1][0].isdigit():
        raise DataFileError("expected OFAC's header-less SDN CSV (ent_num, SDN_Name, SDN_Type, "
                            f"…), found {sdn_rows[0][1][:3]}", path=str(sdn), line=1)
    aliases: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for _, row in _read_rows(alt, 5):
        aliases[row[0]].append((row[3], row[4].lower()))
    addresses: dict[str, list[list[str]]] = defaultdict(list)
    for _, row in _read_rows(add, 6):
        addresses[row[0]].append(row)
    extra: dict[str, str] = {row[0]: row[1] for _, row in _read_rows(comments, 2)}
    parsed = ParsedList(dataset, PUBLISHER, None, [])
    seen: set[str] = set()
    for line, row in sdn_rows:
        seen.add(row[0])
        try:
            parsed.entities.append(_sdn_entity(row, aliases, addresses, extra, dataset))
        except ListRecordError as err:
            parsed.rejected.append(Rejected(line, ",".join(row), str(err)))
    for ent_num in sorted(set(aliases) - seen, key=lambda n: int(n) if n.isdigit() else 0):
        names = [name for name, _ in aliases[ent_num]]
        try:
            entity = ListEntity.create(dataset, ent_num, "LegalEntity", names[:1], names[1:])
        except ListRecordError as err:
            parsed.rejected.append(Rejected(None, ent_num, str(err)))
            continue
        _add_addresses(entity, addresses.get(ent_num, []))
        parsed.entities.append(entity)
    return parsed


def _sdn_entity(row: list[str], aliases: dict[str, list[tuple[str, str]]],
                addresses: dict[str, list[list[str]]], extra: dict[str, str],
                dataset: str) -> ListEntity:
    ent_num, name, sdn_type, program = row[0], row[1], row[2].lower(), row[3]
    if not ent_num.isdigit():
        raise ListRecordError(f"ent_num {ent_num!r} is not a number")
    schema = _SCHEMA.get(sdn_type)
    if schema is None:
        raise ListRecordError(f"unknown SDN_Type {row[2]!r}")
    remarks = row[11] + extra.get(ent_num, "")
    strong = [a for a, remark in aliases.get(ent_num, []) if "weak" not in remark]
    entity = ListEntity.create(dataset, ent_num, schema, [name], strong,
                               program=[p.strip(" []") for p in program.split("]")],
                               notes=remarks[:2000] or None, **_remark_facts(remarks))
    entity.weak_aliases = [a for a, remark in aliases.get(ent_num, []) if "weak" in remark]
    if schema == "Vessel":
        entity.add("flag", country_code(row[9]))
        entity.add("type", row[6])
    _add_addresses(entity, addresses.get(ent_num, []))
    return entity


def _add_addresses(entity: ListEntity, rows: list[list[str]]) -> None:
    for row in rows:
        entity.add("address", ", ".join(part for part in row[2:5] if part))
        entity.add("country", country_code(row[4]))


def read_ofac_xml(path: Path, dataset: str = "us_ofac_cons") -> ParsedList:
    """Read a list in OFAC's SDN XML schema (``sdnList/sdnEntry``)."""
    root = parse_xml(path)
    if local(root.tag) != "sdnList":
        raise DataFileError(f"expected an OFAC <sdnList> document, found <{local(root.tag)}>",
                            path=str(path))
    info = children(root, "publshInformation")
    published = parse_date(_us_date(child_text(info[0], "Publish_Date"))) if info else None
    parsed = ParsedList(dataset, PUBLISHER, published, [])
    for entry in children(root, "sdnEntry"):
        try:
            parsed.entities.append(_xml_entity(entry, dataset))
        except ListRecordError as err:
            parsed.rejected.append(Rejected(None, child_text(entry, "uid"), str(err)))
    return parsed


def _us_date(text: str) -> str:
    match = re.match(r"^(\d{2})/(\d{2})/(\d{4})$", text)
    return f"{match.group(3)}-{match.group(1)}-{match.group(2)}" if match else text


def _full_name(element: Element) -> str:
    return " ".join(p for p in (child_text(element, "firstName"),
                                child_text(element, "lastName")) if p)


def _xml_entity(entry: Element, dataset: str) -> ListEntity:
    schema = _SCHEMA.get(child_text(entry, "sdnType").lower(), "Organization")
    strong: list[str] = []
    weak: list[str] = []
    for aka in entry.iter():
        if local(aka.tag) == "aka":
            (weak if child_text(aka, "category") == "weak" else strong).append(_full_name(aka))
    entity = ListEntity.create(dataset, child_text(entry, "uid"), schema, [_full_name(entry)],
                               strong)
    entity.weak_aliases = weak
    for element in entry.iter():
        tag, text = local(element.tag), (element.text or "").strip()
        if tag == "program":
            entity.add("program", text)
        elif tag == "dateOfBirth":
            entity.add("birthDate", _ofac_date(text))
        elif tag in ("nationality", "citizenship", "country"):
            entity.add("nationality" if tag != "country" else "country",
                       country_code(child_text(element, "country") or text))
        elif tag == "id":
            kind = child_text(element, "idType").lower()
            prop = ("passportNumber" if "passport" in kind else
                    "imoNumber" if "imo" in kind else "idNumber")
            entity.add(prop, child_text(element, "idNumber"))
    return entity
