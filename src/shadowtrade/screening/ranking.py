"""Ranking one query's candidates: the loop every screen runs, kept apart from the engine's
class so that it can be compiled (see compiled.py) while the engine stays a plain, picklable
Python object.

>>> from shadowtrade.screening.bounds import BoundUse
>>> from shadowtrade.screening.index import CandidateIndex
>>> index = CandidateIndex([{"id": "un-1", "schema": "Person", "caption": "RI JE-SON",
...                          "properties": {"name": ["RI JE-SON"]}, "datasets": ["un"]}])
>>> [(score, entity["id"]) for score, entity, _ in
...  best_scored(index, BoundUse(), ScreenQuery.build(["Ri Che-son"]), 5, set())]
[(0.97, 'un-1')]
"""

from __future__ import annotations

import bisect
from typing import Any, Final

from shadowtrade.screening.bounds import ROUNDING_MARGIN, BoundUse
from shadowtrade.screening.index import CandidateIndex
from shadowtrade.screening.query import ScreenQuery
from shadowtrade.screening.scoring import (entity_score_bound, names_to_compare, prepare_query,
                                           query_similarities, score_entity_lazily)

CANDIDATES_PER_RESULT: Final = 3
MIN_CANDIDATES: Final = 15
Scored = tuple[float, dict[str, Any], dict[str, Any] | None]  # score, entity, explanation


def best_scored(index: CandidateIndex, bound_use: BoundUse, query: ScreenQuery, limit: int,
                only: set[str], floor: float = 0.0) -> list[Scored]:
    """The ``limit`` best candidates (score, entity, explanation), highest score first,
    ties in id order, of the entities of the lists in ``only`` (all when empty); with a
    ``floor``, only those that may score at least that much are scored (when ``bound_use``
    says bounding pays lately), and none is explained.

    Once ``limit`` candidates score 1.0, the most a score can be, a candidate whose id sorts
    after all of theirs cannot be among the results and is not scored (an exact name of a
    widely listed entity: the same foundation in nine entries).
    """
    prepared = prepare_query(query)
    wanted = max(MIN_CANDIDATES, limit * CANDIDATES_PER_RESULT)
    keys: set[str] = set().union(*(keys for _, keys in prepared))
    scored = []
    perfect: list[str] = []  # the smallest ids scoring 1.0 so far, at most ``limit``
    seen: dict = {}  # name pairs compared for this query (entries repeat names)
    positions = index.candidates([name for name, _ in prepared], query.identifiers, wanted, keys)
    entries = [index.entries[p] for p in positions]
    chosen = [names_to_compare(prepared, entry) for entry in entries]
    known = query_similarities(prepared, entries, chosen)
    bounding = bool(floor) and bound_use.wanted()
    bounded = skipped = 0
    for position, entry, names in zip(positions, entries, chosen):
        entity = entry.entity
        if only and only.isdisjoint(entity.get("datasets", ())):
            continue
        if len(perfect) == limit and entity["id"] > perfect[-1]:
            continue
        if bounding:
            bounded += 1
            if entity_score_bound(query, entry, prepared, names, known,
                                  index.outlines(position)) < floor - ROUNDING_MARGIN:
                skipped += 1
                continue
        score, explanation = score_entity_lazily(query, entry, prepared, seen, known, names)
        scored.append((score, entity, explanation))
        if score >= 1.0:
            bisect.insort(perfect, entity["id"])
            del perfect[limit:]
    if bounding:
        bound_use.record(bounded, skipped)
    scored.sort(key=lambda item: (-item[0], item[1]["id"]))
    return [(score, entity, None if floor else explain())
            for score, entity, explain in scored[:limit]]


__all__ = ["best_scored"]
