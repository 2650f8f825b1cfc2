"""The in-memory candidate index: every listed name prepared once, and postings from keys
(word skeletons, their prefixes and suffixes, joined names, Korean given-name keys,
identifiers) to entities. A query collects the entities sharing its rarest keys.

>>> idx = CandidateIndex([{"id": "x-1", "schema": "Person", "caption": "RI JE-SON",
...                        "properties": {"name": ["RI JE-SON"]}, "datasets": ["x"]}])
>>> from shadowtrade.screening.normalise import prepare_name
>>> idx.candidates([prepare_name("Ri Che-son")], (), 10)
[0]
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from shadowtrade.screening.bounds import Outline
from shadowtrade.screening.normalise import PreparedName, prepare_name
from shadowtrade.screening.postings import Postings
from shadowtrade.screening.shared_keys import best_sharing, name_keys
from shadowtrade.screening.query import normalise_identifier

IDENTIFIER_PROPS = ("passportNumber", "idNumber", "imoNumber", "registrationNumber", "taxNumber",
                    "innCode", "ogrnCode", "mmsi", "leiCode", "swiftBic")
_IDENTIFIER_SET = frozenset(IDENTIFIER_PROPS)
_NONE: frozenset = frozenset()  # shared by the many entities without identifiers or weak aliases
Prepared = tuple[PreparedName, frozenset[str]]  # a name prepared, and its index keys


@dataclass(frozen=True, slots=True)
class IndexedEntity:
    """A listed entity with its names prepared and its qualifiers extracted."""

    entity: dict[str, Any]
    names: tuple[PreparedName, ...]
    keys: tuple[frozenset[str], ...]  # index keys of each name
    weak: frozenset[int]  # positions in ``names`` of weak aliases
    birth_dates: tuple[str, ...]
    countries: frozenset[str]
    identifiers: frozenset[str]

    @classmethod
    def from_ftm(cls, entity: dict[str, Any],
                 known: Mapping[str, Prepared] | None = None) -> IndexedEntity:
        """Prepare one FtM entity dict (names found in ``known`` are not prepared again)."""
        props = entity.get("properties", {})
        raws, strong = raw_names(props)
        prepared = [(known.get(raw) if known else None) or _prepared(raw) for raw in raws]
        idents = frozenset(ident for p in _IDENTIFIER_SET.intersection(props)
                           for v in props[p] if len(ident := normalise_identifier(v)) >= 5)
        countries = frozenset(props.get("nationality", []) + props.get("country", [])
                              + props.get("flag", []))
        weak = frozenset(range(strong, len(raws)))
        return cls(entity, tuple(name for name, _ in prepared),
                   tuple(keys for _, keys in prepared), weak or _NONE,
                   tuple(props.get("birthDate", ())), countries or _NONE, idents or _NONE)


def raw_names(props: Mapping[str, list[str]]) -> tuple[list[str], int]:
    """An entity's distinct names and aliases, then its other weak aliases; and how many
    are strong.

    >>> raw_names({"name": ["A"], "alias": ["B", "A"], "weakAlias": ["B", "C"]})
    (['A', 'B', 'C'], 2)
    """
    strong = list(dict.fromkeys(props.get("name", []) + props.get("alias", [])))
    weak = [w for w in props.get("weakAlias", []) if w not in strong]
    return strong + weak, len(strong)


def _prepared(raw: str) -> Prepared:
    return prepare_name(raw), keys_of(raw)


@lru_cache(maxsize=300_000)
def keys_of(raw: str) -> frozenset[str]:
    """The index keys of a raw name (cached: lists repeat names across publishers)."""
    return frozenset(map(sys.intern, name_keys(prepare_name(raw))))  # one string per key


class CandidateIndex:
    """Postings from keys to entity positions, over a fixed list of entities.

    ``known`` holds names prepared before (by :meth:`prepared_names` of the index this one
    replaces, made by the same code): a new version of the lists mostly repeats the old names.
    """

    def __init__(self, entities: list[dict[str, Any]],
                 known: Mapping[str, Prepared] | None = None) -> None:
        self.entries = [IndexedEntity.from_ftm(e, known) for e in entities]
        self.postings = Postings.build(_entity_keys(entry) for entry in self.entries)
        self.by_id = {entry.entity["id"]: entry for entry in self.entries}
        self.name_count = sum(len(entry.names) for entry in self.entries)
        self._outlines: list[tuple[Outline, ...] | None] = [None] * len(self.entries)

    def outlines(self, position: int) -> tuple[Outline, ...]:
        """The outlines of one entity's names (bounds.py), made the first time a batch run
        bounds the entity (a single screen never needs them)."""
        found = self._outlines[position]
        if found is None:
            found = self._outlines[position] = tuple(
                Outline.of(name) for name in self.entries[position].names)
        return found

    def prepared_names(self) -> dict[str, Prepared]:
        """Every listed name (as the list wrote it) with its prepared form and index keys."""
        found: dict[str, Prepared] = {}
        for entry in self.entries:
            raws, _ = raw_names(entry.entity.get("properties", {}))
            found.update(zip(raws, zip(entry.names, entry.keys)))
        return found

    def candidates(self, names: list[PreparedName], identifiers: tuple[str, ...],
                   limit: int, keys: set[str] | None = None) -> list[int]:
        """Positions of up to ``limit`` entities sharing the most (and rarest) keys.

        ``keys`` are the names' index keys when the caller has them already.
        """
        if keys is None:
            keys = set().union(*(name_keys(name) for name in names))
        keys = keys | {"i" + ident for ident in identifiers}
        return best_sharing(self.postings, keys, max(len(self.entries), 1), limit)


def _entity_keys(entry: IndexedEntity) -> set[str]:
    """Every index key of an entity: its names' keys and its identifiers."""
    return {"i" + ident for ident in entry.identifiers}.union(*entry.keys)
