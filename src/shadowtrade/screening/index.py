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

import math
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from shadowtrade.screening.normalise import PreparedName, prepare_name
from shadowtrade.screening.query import normalise_identifier

IDENTIFIER_PROPS = ("passportNumber", "idNumber", "imoNumber", "registrationNumber", "taxNumber",
                    "innCode", "ogrnCode", "mmsi", "leiCode", "swiftBic")
MAX_POSTINGS = 1000
ALWAYS_USED = 2
RELATIVE_FLOOR = 0.5  # candidates sharing much less than the best one are not scored


@dataclass(frozen=True)
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
    def from_ftm(cls, entity: dict[str, Any]) -> IndexedEntity:
        """Prepare one FtM entity dict."""
        props = entity.get("properties", {})
        strong = list(dict.fromkeys(props.get("name", []) + props.get("alias", [])))
        weak = [w for w in props.get("weakAlias", []) if w not in strong]
        raws = strong + weak
        names = tuple(prepare_name(n) for n in raws)
        idents = frozenset(normalise_identifier(v) for p in IDENTIFIER_PROPS
                           for v in props.get(p, []) if len(normalise_identifier(v)) >= 5)
        countries = frozenset(props.get("nationality", []) + props.get("country", [])
                              + props.get("flag", []))
        keys = tuple(keys_of(raw) for raw in raws)
        return cls(entity, names, keys, frozenset(range(len(strong), len(names))),
                   tuple(props.get("birthDate", [])), countries, idents)


def name_keys(name: PreparedName) -> set[str]:
    """The index keys of one prepared name."""
    keys = set()
    for tokens in name.variants:
        for token in tokens:
            if token.weight < 0.5 or len(token.skeleton) < 2:
                continue
            keys.add("w" + token.skeleton)
            if len(token.skeleton) >= 6:
                keys.add("p" + token.skeleton[:4])
                keys.add("s" + token.skeleton[-4:])
    if name.compact:
        keys.add("c" + name.compact)
    for _, given, _ in name.korean:
        keys.add("k" + given)
    return keys


@lru_cache(maxsize=300_000)
def keys_of(raw: str) -> frozenset[str]:
    """The index keys of a raw name (cached: lists repeat names across publishers)."""
    return frozenset(name_keys(prepare_name(raw)))


class CandidateIndex:
    """Postings from keys to entity positions, over a fixed list of entities."""

    def __init__(self, entities: list[dict[str, Any]]) -> None:
        self.entries = [IndexedEntity.from_ftm(e) for e in entities]
        postings: dict[str, list[int]] = defaultdict(list)
        for position, entry in enumerate(self.entries):
            keys: set[str] = {"i" + ident for ident in entry.identifiers}
            keys = keys.union(*entry.keys)
            for key in keys:
                postings[key].append(position)
        self.postings = {key: np.asarray(positions, dtype=np.int32)
                         for key, positions in postings.items()}
        self.by_id = {entry.entity["id"]: entry for entry in self.entries}
        self.name_count = sum(len(entry.names) for entry in self.entries)

    def candidates(self, names: list[PreparedName], identifiers: tuple[str, ...],
                   limit: int) -> list[int]:
        """Positions of up to ``limit`` entities sharing the most (and rarest) keys."""
        keys: set[str] = {"i" + ident for ident in identifiers}
        for name in names:
            keys |= name_keys(name)
        total = max(len(self.entries), 1)
        found: list[np.ndarray] = []
        weights: list[float] = []
        present = sorted(((self.postings[key], key) for key in keys if key in self.postings),
                         key=lambda pair: len(pair[0]))
        for rank, (posting, key) in enumerate(present):
            if rank >= ALWAYS_USED and len(posting) > MAX_POSTINGS:
                break  # common keys add work, not ranking (the rarest are always used)
            found.append(posting)
            weights.append(math.log(1 + total / len(posting)) * (10.0 if key[0] == "i" else 1.0))
        if not found:
            return []
        positions = np.concatenate(found)
        scores = np.bincount(positions, weights=np.repeat(weights, [len(f) for f in found]),
                             minlength=total)
        hit = np.unique(positions)
        if len(hit) > limit:
            hit = hit[np.argpartition(-scores[hit], limit - 1)[:limit]]
        ranked = hit[np.argsort(-scores[hit], kind="stable")]
        floor = scores[ranked[0]] * RELATIVE_FLOOR
        return [int(position) for position in ranked if scores[position] >= floor]
