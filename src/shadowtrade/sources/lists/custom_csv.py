"""A user's own list: a CSV with ``id,name,schema[,aliases,birth_date,country]``.

Aliases are separated by ``;``. Each bad row is rejected with its line and reason; a file
without an ``id`` or ``name`` column is refused as a whole.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "internal.csv"
>>> _ = p.write_text("id,name,schema,aliases\\nc1,Kim Jong Un,Person,김정은;Kim Chong-un\\n")
>>> read_custom_csv(p).entities[0].aliases
['김정은', 'Kim Chong-un']
"""

from __future__ import annotations

import csv
from pathlib import Path

from shadowtrade.errors import DataFileError
from shadowtrade.sources.lists.entity import SCHEMATA, ListEntity, ListRecordError, parse_date
from shadowtrade.sources.lists.parsed import ParsedList, Rejected, country_code

REQUIRED = ("id", "name")


def read_custom_csv(path: Path, dataset: str | None = None) -> ParsedList:
    """Read a custom list; the dataset name defaults to the file name without extension."""
    name = dataset or path.stem
    parsed = ParsedList(name, f"custom list {path.name}", None, [])
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = [c.strip().lower() for c in reader.fieldnames or []]
        missing = [c for c in REQUIRED if c not in columns]
        if missing:
            raise DataFileError(
                f"missing column(s) {', '.join(repr(c) for c in missing)}; a custom list needs "
                "the columns id,name,schema[,aliases,birth_date,country]", path=str(path), line=1)
        reader.fieldnames = columns
        for row in reader:
            try:
                parsed.entities.append(_entity(row, name))
            except ListRecordError as err:
                parsed.rejected.append(
                    Rejected(reader.line_num, ",".join(str(v) for v in row.values()), str(err)))
    return parsed


def _entity(row: dict[str, str], dataset: str) -> ListEntity:
    source_id = (row.get("id") or "").strip()
    if not source_id:
        raise ListRecordError("the id is empty")
    schema = (row.get("schema") or "LegalEntity").strip() or "LegalEntity"
    if schema not in SCHEMATA:
        raise ListRecordError(f"record {source_id!r} has unknown schema {schema!r}; "
                              f"expected one of {', '.join(SCHEMATA)}")
    born = (row.get("birth_date") or "").strip()
    if born and parse_date(born) is None:
        raise ListRecordError(f"record {source_id!r} has an invalid birth_date {born!r}; "
                              "use YYYY, YYYY-MM or YYYY-MM-DD")
    country = (row.get("country") or "").strip()
    if country and country_code(country) is None:
        raise ListRecordError(f"record {source_id!r} has an unknown country {country!r}")
    aliases = [a for a in (row.get("aliases") or "").split(";") if a.strip()]
    return ListEntity.create(dataset, source_id, schema, [row.get("name") or ""], aliases,
                             birthDate=parse_date(born), country=country_code(country))
