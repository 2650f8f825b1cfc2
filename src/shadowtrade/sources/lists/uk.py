"""UK lists: the OFSI ConList CSV (two header lines, one row per name, rows grouped by
``Group ID``) and the derived UK names CSV (its Designation column is unreliable, so its
entities are typed ``LegalEntity``).

>>> _group_schema("Individual"), _group_schema("Ship"), _group_schema("Entity")
('Person', 'Vessel', 'Organization')
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from shadowtrade.errors import DataFileError
from shadowtrade.sources.lists.derived_csv import read_derived_csv
from shadowtrade.sources.lists.entity import ListEntity, ListRecordError, parse_date
from shadowtrade.sources.lists.parsed import ParsedList, Rejected, country_code

DATASET = "gb_hmt"
PUBLISHER = "HM Treasury, Office of Financial Sanctions Implementation"
REQUIRED = ("Name 6", "Group ID", "Group Type")


def _group_schema(group_type: str) -> str:
    return {"individual": "Person", "ship": "Vessel"}.get(group_type.strip().lower(),
                                                          "Organization")


def read_conlist(path: Path, dataset: str = DATASET) -> ParsedList:
    """Read an OFSI ConList CSV: each group becomes one entity, its Prime Alias the name."""
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        lines = list(csv.reader(handle))
    if len(lines) < 2 or (lines[0][:1] != ["Last Updated"]):
        raise DataFileError("expected an OFSI ConList CSV starting with a 'Last Updated' line",
                            path=str(path), line=1)
    header = lines[1]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise DataFileError(f"missing column(s) {', '.join(missing)} in the ConList header",
                            path=str(path), line=2)
    parsed = ParsedList(dataset, PUBLISHER, parse_date(lines[0][1] if len(lines[0]) > 1
                                                       else None), [])
    groups: dict[str, list[tuple[int, dict[str, str]]]] = defaultdict(list)
    for number, cells in enumerate(lines[2:], start=3):
        row = dict(zip(header, cells))
        if not row.get("Group ID"):
            parsed.rejected.append(Rejected(number, ",".join(cells), "no Group ID"))
            continue
        groups[row["Group ID"]].append((number, row))
    for group_id, rows in groups.items():
        try:
            parsed.entities.append(_group_entity(group_id, [r for _, r in rows], dataset))
        except ListRecordError as err:
            parsed.rejected.append(Rejected(rows[0][0], group_id, str(err)))
    return parsed


def _row_name(row: dict[str, str]) -> str:
    given = " ".join(row.get(f"Name {i}", "") for i in range(1, 6))
    return " ".join(f"{given} {row.get('Name 6', '')}".split())


def _group_entity(group_id: str, rows: list[dict[str, str]], dataset: str) -> ListEntity:
    prime = [_row_name(r) for r in rows if r.get("Alias Type") == "Prime Alias"]
    others = [_row_name(r) for r in rows] + [r.get("Name Non-Latin Script", "") for r in rows]
    entity = ListEntity.create(dataset, group_id, _group_schema(rows[0].get("Group Type", "")),
                               prime or others[:1], others)
    for row in rows:
        entity.add("birthDate", parse_date(row.get("DOB")))
        entity.add("nationality", country_code(row.get("Nationality")))
        entity.add("country", country_code(row.get("Country")))
        entity.add("passportNumber", row.get("Passport Number"))
        entity.add("idNumber", row.get("National Identification Number"))
        entity.add("program", row.get("Regime"))
        entity.add("listingDate", parse_date(row.get("Listed On")))
    return entity


def read_uk_derived(path: Path, dataset: str = DATASET) -> ParsedList:
    """Read the derived UK names CSV."""
    return read_derived_csv(path, dataset, PUBLISHER, trust_designation=False)
