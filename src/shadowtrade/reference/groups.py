"""Sector groups: named sets of HS codes (``sector_groups.yaml``), mapped to any HS revision.

>>> sorted(sector_groups())[:3]
['agricultural_machinery', 'chpl', 'chpl_tier_1']
>>> members = group_members("chpl_tier_4b", "HS17")
>>> sorted(set(members["group"].to_pylist()))
['chpl_tier_4b']
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pyarrow as pa
import pyarrow.compute as pc

from shadowtrade.errors import UsageError
from shadowtrade.reference.hs import concordance, known_codes
from shadowtrade.reference.packaged import read_yaml


@dataclass(frozen=True)
class SectorGroup:
    """A named set of HS prefixes in one HS revision."""

    name: str
    label: str
    prefixes: tuple[str, ...]
    revision: str = "HS22"


@lru_cache(maxsize=1)
def sector_groups() -> dict[str, SectorGroup]:
    """Every sector group, with ``includes`` expanded into prefixes."""
    raw = read_yaml("sector_groups.yaml")
    groups: dict[str, SectorGroup] = {}
    for name, spec in raw.items():
        prefixes = list(spec.get("hs", []))
        for included in spec.get("includes", []):
            prefixes.extend(raw[included]["hs"])
        groups[name] = SectorGroup(
            name, spec.get("label", name), tuple(prefixes), spec.get("revision", "HS22")
        )
    return groups


def get_group(name: str) -> SectorGroup:
    """A sector group by name, or a clear error listing the known ones."""
    try:
        return sector_groups()[name]
    except KeyError:
        known = ", ".join(sorted(sector_groups()))
        raise UsageError(f"unknown sector group '{name}': known groups are {known}") from None


def _codes_under(prefixes: tuple[str, ...], revision: str) -> list[str]:
    return sorted(c for c in known_codes(revision) if c.startswith(prefixes))


@lru_cache(maxsize=64)
def group_members(name: str, revision: str) -> pa.Table:
    """HS6 codes of ``revision`` in a group, with the share of each code's value that belongs.

    Columns ``group``, ``hs_code``, ``weight``. A weight below 1 means the code maps only partly
    into the group's own revision (for example an HS17 code split between HS22 codes).
    """
    group = get_group(name)
    revision = revision.upper()
    if revision == group.revision.upper():
        codes = _codes_under(group.prefixes, revision)
        weights = [1.0] * len(codes)
    else:
        table = concordance(revision, group.revision)
        inside = pc.starts_with(table["target"], group.prefixes[0])
        for prefix in group.prefixes[1:]:
            inside = pc.or_(inside, pc.starts_with(table["target"], prefix))
        summed = table.filter(inside).group_by("source").aggregate([("weight", "sum")])
        codes = summed["source"].to_pylist()
        weights = [min(1.0, w) for w in summed["weight_sum"].to_pylist()]
    return pa.table(
        {"group": [name] * len(codes), "hs_code": codes, "weight": weights},
        schema=pa.schema([("group", pa.string()), ("hs_code", pa.string()), ("weight", pa.float64())]),
    )


def groups_members(names: list[str], revisions: list[str]) -> pa.Table:
    """Members of several groups in several revisions, with a ``hs_revision`` column."""
    parts = []
    for revision in revisions:
        for name in names:
            table = group_members(name, revision)
            parts.append(table.append_column("hs_revision", pa.array([revision] * len(table))))
    return pa.concat_tables(parts) if parts else pa.table({})
