"""The index keys of a name, and the listed entities sharing the most (and rarest) of them with
a query: the first step of every screen, compiled with the scorer (compiled.py).

A key's postings are the ascending positions of the entities that have it; each key weighs
``log(1 + entities / postings)`` (an identifier ten times as much), and an entity's tally is
the sum of the weights of the keys it shares, added in the order of the keys (rarest first).
The ``limit`` best tallies are kept, without those under half the best.

>>> from shadowtrade.screening.postings import Postings
>>> postings = Postings.build([{"wkim", "wjong"}, {"wkim"}, {"wri"}, {"wkim", "wri"}])
>>> best_sharing(postings, {"wkim", "wpak"}, 4, 10), best_sharing(postings, {"wkim", "wjong"}, 4, 10)
([0, 1, 3], [0])
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np

from shadowtrade.screening.normalise import PreparedName
from shadowtrade.screening.postings import Postings

MAX_POSTINGS: Final = 1000
ALWAYS_USED: Final = 2
RELATIVE_FLOOR: Final = 0.5  # candidates sharing much less than the best one are not scored


def name_keys(name: PreparedName) -> set[str]:
    """The index keys of one prepared name: its words' skeletons (and the first and last four
    letters of long ones), the name written as one word, its Korean given names.

    >>> from shadowtrade.screening.normalise import prepare_name
    >>> sorted(name_keys(prepare_name("Ri Je-son")))
    ['criison', 'kjeson', 'wieson', 'wri', 'wson']
    """
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


def best_sharing(postings: Postings, keys: set[str], total: int, limit: int) -> list[int]:
    """Positions of up to ``limit`` entities sharing the most (and rarest) of ``keys``, best
    first, of ``total`` entities. Beyond the two rarest keys, a key held by more than
    1,000 entities is not used: common keys add work, not ranking."""
    slots: dict[str, int] = postings.slots
    offsets: list[int] = postings.offsets
    rows = sorted((offsets[row + 1] - offsets[row], key, row)
                  for key in keys if (row := slots.get(key, -1)) >= 0)  # rarest first
    everything = postings.positions
    found: list[np.ndarray] = []
    weights: list[float] = []
    for rank, (size, key, row) in enumerate(rows):
        if rank >= ALWAYS_USED and size > MAX_POSTINGS:
            break
        found.append(everything[offsets[row]:offsets[row + 1]])
        weights.append(math.log(1 + total / size) * (10.0 if key[0] == "i" else 1.0))
    if not found:
        return []
    return _best(found, weights, limit)


def _best(found: list[np.ndarray], weights: list[float], limit: int) -> list[int]:
    """The ``limit`` positions with the highest summed key weights, best first, without
    those far below the best.

    >>> _best([np.array([1, 4]), np.array([4, 7])], [1.0, 2.0], 2)
    [4, 7]
    """
    hit, scores = summed(found, weights)
    if len(hit) > limit:
        chosen = (-scores).argpartition(limit - 1)[:limit]
        hit, scores = hit[chosen], scores[chosen]
    order: list[int] = (-scores).argsort(kind="stable").tolist()
    positions: list[int] = hit.tolist()
    tallies: list[float] = scores.tolist()
    floor = tallies[order[0]] * RELATIVE_FLOOR
    return [positions[i] for i in order if tallies[i] >= floor]


def summed(found: list[np.ndarray], weights: list[float]) -> tuple[np.ndarray, np.ndarray]:
    """The distinct positions (ascending) and the sum of the weights of the postings holding
    each, added in the order of ``found``.

    >>> hit, scores = summed([np.array([1, 4]), np.array([4, 7])], [1.0, 2.0])
    >>> hit.tolist(), scores.tolist()
    ([1, 4, 7], [1.0, 3.0, 2.0])
    """
    positions = np.concatenate(found)
    each = np.array(weights, dtype=np.float64).repeat([len(posting) for posting in found])
    if len(found) == 1:
        return positions, each
    order = positions.argsort(kind="stable")  # stable: a position's weights stay in order
    positions, each = positions[order], each[order]
    starts = np.empty(len(positions), dtype=bool)
    starts[0] = True
    np.not_equal(positions[1:], positions[:-1], out=starts[1:])
    return positions[starts], np.bincount(starts.cumsum() - 1, weights=each)


__all__ = ["best_sharing", "name_keys", "summed"]
