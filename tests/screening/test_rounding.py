"""``names.rounded`` must return exactly what ``round(x, 3)`` returns: every score is rounded
by it, and the batch output is compared byte for byte across versions of the scorer."""

from __future__ import annotations

import math
import random

from shadowtrade.screening.names import rounded


def test_rounded_equals_round_on_random_scores() -> None:
    rng = random.Random(1)
    values = [rng.random() * rng.choice([1, 2, 10]) for _ in range(200_000)]
    assert [v for v in values if rounded(v) != round(v, 3)] == []


def test_rounded_equals_round_at_and_beside_every_halfway_point() -> None:
    halfway = [k / 2000 for k in range(4001)]
    beside = [math.nextafter(v, direction) for v in halfway for direction in (-1.0, 2.0)]
    products = [a / 1000 * b for a in range(1001) for b in (0.9, 0.85, 0.95, 0.8, 0.97)]
    values = halfway + beside + products + [-0.25, 1e7, float("inf")]
    assert [v for v in values if rounded(v) != round(v, 3)] == []
