"""The coded values of OFAC's advanced XML, and what each means for the entity model.

``ReferenceValueSets`` holds one ``…Values`` list per kind of code (``AliasTypeValues``,
``FeatureTypeValues``, ``CountryValues`` …), each item an element with an ``ID`` and a label.
Features and documents are mapped by their labels, never by their numeric IDs, so a file
whose IDs differ is still read right.

>>> from xml.etree.ElementTree import fromstring
>>> refs = read_references(fromstring(
...     '<ReferenceValueSets><CountryValues><Country ID="11" ISO2="KP">Korea, North</Country>'
...     '</CountryValues></ReferenceValueSets>'))
>>> refs.text("Country", "11"), refs.country("11"), refs.text("Country", "99")
('Korea, North', 'kp', '')
>>> document_property("Vessel Registration Identification", "IMO 8660313", "Vessel")
'imoNumber'
>>> document_property("Diplomatic Passport", "PD0123", "Person")
'passportNumber'
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree.ElementTree import Element

from shadowtrade.sources.lists.parsed import country_code, imo_digits
from shadowtrade.sources.lists.xmlsafe import local

# Feature type label (lower case) → (entity property, how to read its value)
FEATURES: dict[str, tuple[str, str]] = {
    "birthdate": ("birthDate", "text"),
    "place of birth": ("birthPlace", "text"),
    "nationality country": ("nationality", "country"),
    "citizenship country": ("nationality", "country"),
    "location": ("address", "text"),
    "title": ("position", "text"),
    "gender": ("gender", "lower"),
    "vessel flag": ("flag", "country"),
    "former vessel flag": ("pastFlags", "country"),
    "other vessel flag": ("pastFlags", "country"),
    "vessel call sign": ("callSign", "text"),
    "other vessel call sign": ("callSign", "text"),
    "vessel type": ("type", "text"),
    "other vessel type": ("type", "text"),
    "vessel tonnage": ("tonnage", "text"),
    "vessel gross registered tonnage": ("grossRegisteredTonnage", "text"),
    "vessel year of build": ("buildDate", "text"),
    "aircraft tail number": ("registrationNumber", "text"),
    "previous aircraft tail number": ("registrationNumber", "text"),
    "aircraft model": ("model", "text"),
    "aircraft manufacturer's serial number (msn)": ("serialNumber", "text"),
    "aircraft manufacturer’s serial number (msn)": ("serialNumber", "text"),
    "swift/bic": ("swiftBic", "text"),
    "website": ("website", "text"),
    "email address": ("email", "text"),
    "phone number": ("phone", "text"),
    "organization established date": ("incorporationDate", "text"),
    "registration country": ("jurisdiction", "country"),
    "nationality of registration": ("jurisdiction", "country"),
}
# Words of a document type's label → property; the first match wins, anything else is idNumber
_DOCUMENTS = (("passport", "passportNumber"), ("mmsi", "mmsi"), ("tax", "taxNumber"),
              ("fiscal", "taxNumber"), ("legal entity number", "leiCode"),
              ("le number", "leiCode"), ("registration", "registrationNumber"),
              ("registry", "registrationNumber"), ("company number", "registrationNumber"),
              ("incorporation", "registrationNumber"))


@dataclass(frozen=True)
class References:
    """The value sets of one file: item tag (``Country``) → ID → element."""

    tables: dict[str, dict[str, Element]]

    def get(self, kind: str, ref_id: str | None) -> Element | None:
        """The item of a value set, or ``None`` when the ID is unknown."""
        return self.tables.get(kind, {}).get(ref_id or "")

    def text(self, kind: str, ref_id: str | None) -> str:
        """The label of an item ('' when the ID is unknown)."""
        item = self.get(kind, ref_id)
        return (item.text or "").strip() if item is not None else ""

    def country(self, ref_id: str | None) -> str | None:
        """A country item as a lower-case ISO 2 code (its ``ISO2`` attribute, else its name)."""
        item = self.get("Country", ref_id)
        if item is None:
            return None
        code = (item.get("ISO2") or "").strip().lower()
        return code if len(code) == 2 else country_code(item.text)


def read_references(element: Element) -> References:
    """Index a ``ReferenceValueSets`` element."""
    tables: dict[str, dict[str, Element]] = {}
    for value_set in element:
        for item in value_set:
            tables.setdefault(local(item.tag), {})[item.get("ID", "")] = item
    return References(tables)


def feature_values(kind: str, text: str) -> list[str]:
    """A feature's detail text as property values.

    >>> feature_values("country", "Korea, North"), feature_values("lower", "Male")
    (['kp'], ['male'])
    """
    if not text:
        return []
    if kind == "country":
        code = country_code(text)
        return [code] if code else []
    return [text.lower() if kind == "lower" else text]


def document_property(kind: str, number: str, schema: str) -> str:
    """The property an identity or registration document's number goes to."""
    lowered = kind.lower()
    if imo_digits(number) != number.strip():
        return "imoNumber"  # a ship's, or a company's IMO number (as the legacy CSV reads it)
    if schema == "Vessel" and "vessel registration" in lowered:
        return "registrationNumber"
    for word, prop in _DOCUMENTS:
        if word in lowered:
            return prop
    return "idNumber"
