"""OFAC's advanced sanctions data standard XML (``SDN_ADVANCED.XML``, root ``Sanctions``).

The file is relational: ``ReferenceValueSets`` names every coded value (alias types, name part
types, feature types, countries, document types, programmes), ``Locations`` and
``IDRegDocuments`` are shared tables, each ``DistinctParty`` holds a ``Profile`` with its
``Identity`` (``Alias`` → ``DocumentedName`` → ``NamePartValue``) and ``Feature`` elements (birth
date, nationality, vessel flag …), and ``SanctionsEntries`` give the programmes and dates. A
party's ``FixedRef`` is the ``ent_num`` of the legacy CSV, so both forms load as one dataset.

The file (about 120 MB) is read as a stream: each record is turned into a few strings and
cleared before the next is read.

>>> _reduce_period((1961, 1, 1), (1961, 12, 31)), _reduce_period((1965, 8, 7), (1965, 8, 7))
(['1961'], ['1965-08-07'])
>>> _reduce_period((1958, 1, 1), (1960, 12, 31))
['1958', '1959', '1960']
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from xml.etree.ElementTree import Element

from shadowtrade.errors import DataFileError
from shadowtrade.sources.lists.entity import ListEntity, ListRecordError, unreadable_note
from shadowtrade.sources.lists.ofac import PUBLISHER
from shadowtrade.sources.lists.ofac_reference import (
    FEATURES, References, document_property, feature_values, read_references)
from shadowtrade.sources.lists.parsed import ParsedList, Rejected, country_code, imo_digits
from shadowtrade.sources.lists.xmlsafe import child_text, children, iterparse_xml, local

DATASET = "us_ofac_sdn"
_SCHEMA = {"individual": "Person", "entity": "Organization", "vessel": "Vessel",
           "aircraft": "Aircraft"}
_LOCATION_ORDER = ("ADDRESS1", "ADDRESS2", "ADDRESS3", "CITY", "STATE/PROVINCE", "POSTAL CODE",
                   "REGION", "UNKNOWN")
_MAX_YEARS = 10  # a range of whole years up to this long is listed year by year
Ymd = tuple[int, int | None, int | None]


@dataclass
class _Party:
    entity: ListEntity
    identities: list[str]
    locations: list[tuple[str, str]]  # (property, location ID) resolved when all are read


class _Entry(NamedTuple):
    """A sanctions entry: its party's profile, its ID, programmes, listing dates, and notes on
    dates that could not be read."""

    profile: str
    entry_id: str
    programs: list[str]
    listed: list[str]
    notes: list[str]


@dataclass
class _Stream:
    """What has been read so far; everything is tied together at the end of the file."""

    path: Path
    dataset: str
    published: str | None = None
    refs: References | None = None
    locations: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    documents: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # by IdentityID
    parties: dict[str, _Party] = field(default_factory=dict)
    entries: list[_Entry] = field(default_factory=list)
    relations: list[tuple[str, str, str]] = field(default_factory=list)  # from, type, to
    refused: dict[str, str] = field(default_factory=dict)  # profile ID → why
    unread: set[str] = field(default_factory=set)  # profiles rejected as they were read
    rejected: list[Rejected] = field(default_factory=list)


def read_ofac_advanced(path: Path, dataset: str = DATASET) -> ParsedList:
    """Read an OFAC advanced XML file (SDN_ADVANCED.XML, or CONS_ADVANCED.XML with another
    ``dataset``); a party that cannot be read is rejected with its FixedRef and the reason."""
    stream = _Stream(path, dataset)
    level = 0
    for event, element in iterparse_xml(path):
        if event == "start":
            level += 1
            if level == 1 and local(element.tag) != "Sanctions":
                raise DataFileError("expected an OFAC advanced <Sanctions> document, found "
                                    f"<{local(element.tag)}>", path=str(path))
            continue
        if level == 2:
            _section(stream, element)
        elif level == 3 and _record(stream, element):
            element.clear()
        level -= 1
    return _assemble(stream)


def _section(stream: _Stream, element: Element) -> None:
    tag = local(element.tag)
    if tag == "DateOfIssue":
        stream.published = _iso(_ymd(element), "DateOfIssue", "list")
    elif tag == "ReferenceValueSets":
        stream.refs = read_references(element)
    element.clear()


def _record(stream: _Stream, element: Element) -> bool:
    """Read one record of a shared table; ``False`` for elements that are not records."""
    tag = local(element.tag)
    if tag == "Location":
        stream.locations[element.get("ID", "")] = _location(_refs(stream), element)
    elif tag == "IDRegDocument":
        kind = _refs(stream).text("IDRegDocType", element.get("IDRegDocTypeID"))
        stream.documents.setdefault(element.get("IdentityID", ""), []).append(
            (kind, child_text(element, "IDRegistrationNo")))
    elif tag == "DistinctParty":
        _distinct_party(stream, element)
    elif tag == "ProfileRelationship":
        stream.relations.append((element.get("From-ProfileID", ""), _refs(stream).text(
            "RelationType", element.get("RelationTypeID")), element.get("To-ProfileID", "")))
    elif tag == "SanctionsEntry":
        try:
            stream.entries.append(_sanctions_entry(_refs(stream), element))
        except ListRecordError as err:
            stream.refused[element.get("ProfileID", "")] = str(err)
    else:
        return False
    return True


def _refs(stream: _Stream) -> References:
    if stream.refs is None:
        raise DataFileError("the records come before <ReferenceValueSets>, which OFAC files "
                            "always open with; the file is not an OFAC advanced XML",
                            path=str(stream.path))
    return stream.refs


def _distinct_party(stream: _Stream, element: Element) -> None:
    fixed_ref = element.get("FixedRef", "")
    for profile in children(element, "Profile"):
        profile_id = profile.get("ID", fixed_ref)
        try:
            stream.parties[profile_id] = _profile(_refs(stream), profile, fixed_ref,
                                                  stream.dataset)
        except ListRecordError as err:
            stream.rejected.append(Rejected(None, fixed_ref, str(err)))
            stream.unread.add(profile_id)


def _profile(refs: References, profile: Element, fixed_ref: str, dataset: str) -> _Party:
    schema = _schema(refs, profile.get("PartySubTypeID"), fixed_ref)
    identities = children(profile, "Identity")
    primary: list[str] = []
    strong: list[str] = []
    weak: list[str] = []
    for identity in identities:
        part_types = {group.get("ID", ""): refs.text("NamePartType", group.get("NamePartTypeID"))
                      for group in identity.iter() if local(group.tag) == "NamePartGroup"}
        for alias in children(identity, "Alias"):
            written = [_documented_name(refs, name, part_types)
                       for name in children(alias, "DocumentedName")]
            # the Latin-script form first: it is the caption, other scripts become aliases
            names = [name for name, script in sorted(written, key=lambda w: w[1] != "latin")]
            if alias.get("Primary") == "true" and identity.get("Primary", "true") == "true":
                primary += names[:1]
                strong += names[1:]
            else:
                (weak if alias.get("LowQuality") == "true" else strong).extend(names)
    entity = ListEntity.create(dataset, fixed_ref, schema, primary, strong)
    entity.weak_aliases = [name for name in weak if name and name not in entity.all_names()]
    party = _Party(entity, [i.get("ID", "") for i in identities], [])
    for feature in children(profile, "Feature"):
        _feature(refs, feature, party, fixed_ref)
    return party


def _schema(refs: References, sub_type_id: str | None, fixed_ref: str) -> str:
    sub_type = refs.get("PartySubType", sub_type_id)
    text = refs.text("PartySubType", sub_type_id)
    if text.lower() == "unknown" and sub_type is not None:
        text = refs.text("PartyType", sub_type.get("PartyTypeID"))
    schema = _SCHEMA.get(text.lower())
    if schema is None:
        raise ListRecordError(f"record {fixed_ref!r} has an unknown party type {text!r} "
                              f"(PartySubTypeID {sub_type_id!r})")
    return schema


def _documented_name(refs: References, name: Element,
                     part_types: dict[str, str]) -> tuple[str, str]:
    """One name from its parts, and its script (lower case); a person's last name first,
    comma-separated, as OFAC writes it."""
    last: list[str] = []
    rest: list[str] = []
    script = ""
    for value in name.iter():
        if local(value.tag) == "NamePartValue" and (value.text or "").strip():
            kind = part_types.get(value.get("NamePartGroupID", ""), "")
            (last if kind.lower() == "last name" else rest).append(value.text.strip())
            script = script or refs.text("Script", value.get("ScriptID")).lower()
    if last and rest:
        return f"{' '.join(last)}, {' '.join(rest)}", script
    return " ".join(last + rest), script


def _feature(refs: References, feature: Element, party: _Party, fixed_ref: str) -> None:
    label = refs.text("FeatureType", feature.get("FeatureTypeID")).strip()
    mapping = FEATURES.get(label.lower())
    if mapping is None:
        return  # features not screened on (directive details, wallets …)
    prop, kind = mapping
    for version in children(feature, "FeatureVersion"):
        for period in children(version, "DatePeriod"):
            try:
                party.entity.add(prop, _period(period, label, fixed_ref))
            except ListRecordError as err:  # the party is kept (and screened) without it
                party.entity.add("notes", unreadable_note(err))
        for location in children(version, "VersionLocation"):
            party.locations.append((prop, location.get("LocationID", "")))
        for detail in children(version, "VersionDetail"):
            text = (detail.text or "").strip() or refs.text(
                "DetailReference", detail.get("DetailReferenceID"))
            party.entity.add(prop, feature_values(kind, text))


def _location(refs: References, location: Element) -> tuple[str, str | None]:
    """An address line and the country code of one ``Location``."""
    parts: dict[str, str] = {}
    for part in children(location, "LocationPart"):
        kind = refs.text("LocPartType", part.get("LocPartTypeID")).upper()
        value = " ".join(v.text.strip() for v in part.iter() if local(v.tag) == "Value" and v.text)
        parts[kind] = f"{parts[kind]} {value}" if kind in parts else value
    countries = [refs.get("Country", c.get("CountryID")) for c in children(location,
                                                                           "LocationCountry")]
    country = next((c for c in countries if c is not None), None)
    name = (country.text or "").strip() if country is not None else ""
    ordered = [parts.pop(key) for key in _LOCATION_ORDER if key in parts] + list(parts.values())
    address = ", ".join(p for p in ordered + [name] if p and p.lower() != "undetermined")
    code = (country.get("ISO2") or "").lower() if country is not None else ""
    return address, code if len(code) == 2 else country_code(name)


def _sanctions_entry(refs: References, entry: Element) -> _Entry:
    programs = [child_text(measure, "Comment") for measure in children(entry, "SanctionsMeasure")
                if refs.text("SanctionsType", measure.get("SanctionsTypeID")) == "Program"]
    dates = [_ymd(date) for event in children(entry, "EntryEvent")
             for date in children(event, "Date")]
    profile = entry.get("ProfileID", "")
    listed, notes = [], []
    for date in dates:
        try:
            listed.append(_iso(date, "EntryEvent date", profile))
        except ListRecordError as err:  # the party keeps its entry, without this date
            notes.append(unreadable_note(err))
    return _Entry(profile, entry.get("ID", ""), programs, [d for d in listed if d], notes)


def _assemble(stream: _Stream) -> ParsedList:
    """Tie documents, locations and sanctions entries to their parties."""
    parsed = ParsedList(stream.dataset, PUBLISHER, stream.published, [], stream.rejected)
    for profile, entry_id, programs, listed, notes in stream.entries:
        party = stream.parties.get(profile)
        if party is None:
            if profile not in stream.unread:  # else the party's own rejection says why
                parsed.rejected.append(Rejected(None, f"SanctionsEntry {entry_id}",
                                                f"refers to profile {profile!r}, which the "
                                                "file does not hold"))
            continue
        party.entity.add("program", programs)
        party.entity.add("listingDate", listed)
        party.entity.add("notes", notes)
    for source, kind, target in stream.relations:
        if source in stream.parties and target in stream.parties:
            other = stream.parties[target].entity
            stream.parties[source].entity.add("notes", f"{kind or 'Linked to'}: {other.caption} "
                                                       f"({other.properties['sourceId'][0]})")
    for profile, party in stream.parties.items():
        if profile in stream.refused:
            source_id = party.entity.properties["sourceId"][0]
            parsed.rejected.append(Rejected(None, source_id, stream.refused[profile]))
            continue
        _resolve(stream, party)
        parsed.entities.append(party.entity)
    return parsed


def _resolve(stream: _Stream, party: _Party) -> None:
    entity = party.entity
    for prop, location_id in party.locations:
        address, country = stream.locations.get(location_id, ("", None))
        if prop == "address":
            entity.add("address", address)
            entity.add("country", country)
        else:
            entity.add(prop, address if prop == "birthPlace" else country)
    for identity in party.identities:
        for kind, number in stream.documents.get(identity, []):
            prop = document_property(kind, number, entity.schema)
            entity.add(prop, imo_digits(number) if prop == "imoNumber" else number)


def _ymd(element: Element) -> Ymd:
    def number(name: str) -> int | None:
        text = child_text(element, name)
        return int(text) if text.isdigit() else None
    return number("Year") or 0, number("Month"), number("Day")


def _iso(value: Ymd, what: str, record: str) -> str | None:
    """``(year, month, day)`` as an ISO date prefix; an impossible date is refused."""
    year, month, day = value
    if not year:
        return None
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        raise ListRecordError(f"record {record!r} has an invalid {what} "
                              f"{year}-{month or '?'}-{day or '?'}") from None
    return f"{year:04d}" + (f"-{month:02d}" if month else "") + (
        f"-{day:02d}" if month and day else "")


def _period(period: Element, what: str, record: str) -> list[str]:
    """A ``DatePeriod`` as the dates it stands for (a year, a month, a day, or a few years)."""
    starts = [_ymd(d) for s in children(period, "Start") for d in children(s, "From")]
    ends = [_ymd(d) for e in children(period, "End") for tag in ("To", "From")
            for d in children(e, tag) if _ymd(d)[0]]
    if not starts or not starts[0][0]:
        return []
    first = starts[0]
    written = _iso(first, what, record) or ""
    if not ends:
        return [written]
    last = ends[0]
    _iso(last, what, record)
    month = last[1] or 12
    day = last[2] or calendar.monthrange(last[0], month)[1]
    return _reduce_period((first[0], first[1] or 1, first[2] or 1), (last[0], month, day))


def _reduce_period(first: tuple[int, int, int], last: tuple[int, int, int]) -> list[str]:
    (y1, m1, d1), (y2, m2, d2) = first, last
    if first == last:
        return [f"{y1:04d}-{m1:02d}-{d1:02d}"]
    whole_years = (m1, d1) == (1, 1) and (m2, d2) == (12, 31)
    if whole_years and y2 - y1 < _MAX_YEARS:
        return [f"{year:04d}" for year in range(y1, y2 + 1)]
    if (y1, m1) == (y2, m2) and d1 == 1 and d2 == calendar.monthrange(y2, m2)[1]:
        return [f"{y1:04d}-{m1:02d}"]
    return [f"{y1:04d}-{m1:02d}-{d1:02d}", f"{y2:04d}-{m2:02d}-{d2:02d}"]
