"""The flat postings hold what a dict of lists would, and candidate weights add up as before."""

from __future__ import annotations

import pickle
import random

import numpy as np

from shadowtrade.screening.shared_keys import summed as _summed
from shadowtrade.screening.postings import Postings


def _random_keys(seed: int) -> list[set[str]]:
    rng = random.Random(seed)
    return [{f"k{rng.randrange(40)}" for _ in range(rng.randrange(0, 6))} for _ in range(300)]


def test_postings_hold_each_keys_positions_in_order() -> None:
    keys = _random_keys(1)
    postings = Postings.build(keys)
    expected: dict[str, list[int]] = {}
    for position, own in enumerate(keys):
        for key in own:
            expected.setdefault(key, []).append(position)
    assert len(postings) == len(expected)
    assert {key: postings[key].tolist() for key in expected} == expected
    assert [postings.offsets[postings.slots[k] + 1] - postings.offsets[postings.slots[k]]
            for k in expected] == [len(v) for v in expected.values()]


def test_postings_survive_pickling() -> None:
    postings = Postings.build(_random_keys(2))
    copy = pickle.loads(pickle.dumps(postings))
    assert copy.slots == postings.slots and copy.get("k3").tolist() == postings.get("k3").tolist()


def test_empty_postings() -> None:
    postings = Postings.build([set(), set()])
    assert len(postings) == 0 and postings.get("wkim") is None


def test_summed_weights_equal_a_dense_count() -> None:
    rng = np.random.default_rng(3)
    for _ in range(50):
        found = [np.sort(rng.choice(500, rng.integers(1, 80), replace=False)).astype(np.int32)
                 for _ in range(rng.integers(1, 6))]
        weights = rng.random(len(found)).tolist()
        positions = np.concatenate(found)
        dense = np.bincount(positions, weights=np.repeat(weights, [len(f) for f in found]),
                            minlength=500)
        hit, scores = _summed(found, weights)
        assert hit.tolist() == np.unique(positions).tolist()
        assert scores.tolist() == dense[hit].tolist()  # the same sums, bit for bit
