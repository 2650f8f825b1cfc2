"""Postings of the candidate index: for each key, the ascending positions of the entities that
have it, stored as two flat arrays (compressed sparse rows) instead of one array per key.

One array of positions and one of offsets take a few megabytes for the whole of the lists,
pickle and unpickle in milliseconds, and keep the garbage collector away (a dict of 136,000
small arrays is 136,000 objects to track).

>>> postings = Postings.build([["wkim", "wjong"], ["wkim"], ["wri"]])
>>> postings.get("wkim").tolist(), postings.get("wri").tolist(), postings.get("wpak")
([0, 1], [2], None)
>>> len(postings), postings.size
(3, 4)
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from itertools import chain

import numpy as np


class Postings:
    """Entity positions per key, in one array sliced by per-key offsets."""

    __slots__ = ("slots", "offsets", "positions")

    def __init__(self, slots: dict[str, int], offsets: list[int], positions: np.ndarray) -> None:
        self.slots = slots  # key -> row number
        self.offsets = offsets  # row r is positions[offsets[r]:offsets[r + 1]]
        self.positions = positions

    @classmethod
    def build(cls, keys_per_position: Iterable[Iterable[str]]) -> Postings:
        """Postings from the keys of each position (0, 1, …); a position's keys must be
        distinct (a set). Rows are numbered in the order keys are first met."""
        keysets = [keys if isinstance(keys, (set, frozenset)) else set(keys)
                   for keys in keys_per_position]
        slots = {key: row for row, key in enumerate(dict.fromkeys(chain.from_iterable(keysets)))}
        rows = array("i")
        for keys in keysets:
            rows.extend(map(slots.__getitem__, keys))
        row_of = np.frombuffer(rows, dtype=np.int32) if rows else np.zeros(0, np.int32)
        owner = np.repeat(np.arange(len(keysets), dtype=np.int32), [len(k) for k in keysets])
        order = np.argsort(row_of, kind="stable")  # stable: positions stay ascending per key
        offsets = np.zeros(len(slots) + 1, dtype=np.int64)
        np.cumsum(np.bincount(row_of, minlength=len(slots)), out=offsets[1:])
        return cls(slots, offsets.tolist(), owner[order])

    def get(self, key: str) -> np.ndarray | None:
        """The positions having ``key`` (a view), or None."""
        row = self.slots.get(key)
        if row is None:
            return None
        return self.positions[self.offsets[row]:self.offsets[row + 1]]

    def __getitem__(self, key: str) -> np.ndarray:
        row = self.slots[key]
        return self.positions[self.offsets[row]:self.offsets[row + 1]]

    def __len__(self) -> int:
        return len(self.slots)

    @property
    def size(self) -> int:
        """How many (key, position) pairs are stored."""
        return int(self.positions.size)

    def __getstate__(self) -> tuple[dict[str, int], list[int], np.ndarray]:
        return self.slots, self.offsets, self.positions

    def __setstate__(self, state: tuple[dict[str, int], list[int], np.ndarray]) -> None:
        self.slots, self.offsets, self.positions = state
