"""Third-party *derived* CSVs (kebalkhadka/Sanctionslist): ``Name, Alias, Nationality,
Designation, Sanction Type, Source``. Usable for names and aliases; not an official format.

The alias cell is comma-joined, so a name containing a comma is split; the EU file lists every
EU-language form and the Cyrillic and Hangul originals there.

>>> _schema("person"), _schema("enterprise"), _schema("Vessel")
('Person', 'Organization', 'Vessel')
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from shadowtrade.errors import DataFileError
from shadowtrade.sources.lists.entity import ListEntity, ListRecordError
from shadowtrade.sources.lists.parsed import ParsedList, Rejected, country_codes

REQUIRED = ("Name", "Alias", "Nationality", "Designation", "Sanction Type")
#: What the derived files write for "no alias" (the OFAC one has 'None' in 8,018 rows).
EMPTY_CELLS = frozenset({"", "none", "nan", "null", "n/a"})


def split_aliases(cell: str | None) -> list[str]:
    """The aliases of a comma-joined cell, without placeholders for "no alias".

    >>> split_aliases("AERO-CARIBBEAN, None"), split_aliases("None"), split_aliases(None)
    (['AERO-CARIBBEAN'], [], [])
    """
    parts = (part.strip() for part in (cell or "").split(","))
    return [part for part in parts if part.lower() not in EMPTY_CELLS]


def _schema(designation: str, trust_designation: bool = True) -> str:
    kind = designation.strip().lower()
    if not trust_designation:
        return "LegalEntity"
    if kind in ("person", "individual"):
        return "Person"
    if kind in ("vessel", "aircraft"):
        return kind.title()
    return "Organization"


def read_derived_csv(path: Path, dataset: str, publisher: str,
                     trust_designation: bool = True) -> ParsedList:
    """Read a derived names CSV; ids are a hash of the primary name (the files carry none)."""
    parsed = ParsedList(dataset, publisher, None, [])
    with open(path, encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise DataFileError(f"missing column(s) {', '.join(missing)}; a derived list CSV "
                                f"needs {', '.join(REQUIRED)}", path=str(path), line=1)
        used: set[str] = set()
        for row in reader:
            line = reader.line_num
            name = (row.get("Name") or "").strip()
            source_id = hashlib.sha1(name.encode()).hexdigest()[:12]
            while source_id in used:
                source_id = hashlib.sha1(source_id.encode()).hexdigest()[:12]
            used.add(source_id)
            try:
                parsed.entities.append(ListEntity.create(
                    dataset, source_id, _schema(row.get("Designation") or "", trust_designation),
                    [name], split_aliases(row.get("Alias")),
                    nationality=country_codes(row.get("Nationality")),
                    program=row.get("Sanction Type")))
            except ListRecordError as err:
                parsed.rejected.append(Rejected(line, ",".join(map(str, row.values())), str(err)))
    return parsed
