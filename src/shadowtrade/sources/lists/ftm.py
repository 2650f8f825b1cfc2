"""FollowTheMoney JSON lines (OpenSanctions exports): one entity per line.

Only schemata that are screened are kept (Person, Organization, Company, LegalEntity, Vessel,
Aircraft); the others (Sanction, Address, Ownership, …) are counted as skipped.

>>> _names({"name": ["A"], "alias": ["B"], "weakAlias": ["C"]})
(['A'], ['B'], ['C'])
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from shadowtrade.sources.lists.entity import SCHEMATA, ListEntity, ListRecordError
from shadowtrade.sources.lists.parsed import ParsedList, Rejected

_SKIP_PROPS = {"name", "alias", "weakAlias", "previousName"}
_KEEP_PROPS = ("birthDate", "nationality", "country", "passportNumber", "imoNumber", "idNumber",
               "registrationNumber", "innCode", "ogrnCode", "taxNumber", "program", "topics",
               "notes", "flag", "mmsi", "gender")


def _names(props: dict[str, list[str]]) -> tuple[list[str], list[str], list[str]]:
    return (props.get("name", []), props.get("alias", []) + props.get("previousName", []),
            props.get("weakAlias", []))


def read_ftm(path: Path, dataset: str | None = None) -> ParsedList:
    """Read an FtM JSON-lines file; bad lines are rejected with their line number."""
    name = dataset or path.name.split(".")[0]
    parsed = ParsedList(name, "OpenSanctions (FollowTheMoney)", None, [])
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data: dict[str, Any] = json.loads(line)
                entity = _entity(data, name)
            except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as err:
                parsed.rejected.append(Rejected(number, line[:500], f"not an FtM entity: {err}"))
                continue
            except ListRecordError as err:
                parsed.rejected.append(Rejected(number, line[:500], str(err)))
                continue
            if entity is None:
                parsed.skipped += 1
            else:
                parsed.entities.append(entity)
    seen = [d for e in parsed.entities for d in e.properties.get("lastSeen", [])]
    parsed.published = max(seen)[:10] if seen else None
    return parsed


def _entity(data: dict[str, Any], dataset: str) -> ListEntity | None:
    if data["schema"] not in SCHEMATA:
        return None
    props: dict[str, list[str]] = data.get("properties", {})
    names, aliases, weak = _names(props)
    facts = {k: props[k] for k in _KEEP_PROPS if k in props}
    entity = ListEntity.create(dataset, data["id"], data["schema"], names, aliases, **facts)
    entity.id = data["id"]  # keep OpenSanctions ids as they are
    entity.weak_aliases = [w for w in weak if w not in entity.all_names()]
    entity.add("sourceDatasets", data.get("datasets", []))
    entity.add("lastSeen", data.get("last_seen"))
    return entity
