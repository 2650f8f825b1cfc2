"""Per-pair cost of shadowtrade's name comparison, on the scorecard's pairs.

Two figures: ``compare`` is :func:`compare_names` on names prepared beforehand (what screening
pays per candidate name, since listed names are prepared when the index is built), with the
word-similarity cache cleared first; ``prepare`` is :func:`prepare_name` on a cold cache (what
index building pays per name). Pairs are cycled to reach ``--pairs``.

Run: ``.venv/bin/python benchmarks/screening_quality/pair_cost.py [--pairs 10000] [--file F]``
(to compare two versions, point ``PYTHONPATH`` at the other version's ``src`` and keep the same
pairs file).
"""

from __future__ import annotations

import argparse
import csv
import time
from itertools import cycle, islice
from pathlib import Path

from shadowtrade.screening import names, normalise

HERE = Path(__file__).resolve().parent


def _clear_word_cache() -> None:  # the word-pair similarity cache, wherever this version keeps it
    if hasattr(names, "clear_word_cache"):
        names.clear_word_cache()
    else:
        getattr(names, "word_similarity", names.token_similarity).cache_clear()


def _clear_caches() -> None:
    for cached in (normalise.prepare_name, normalise.make_token, normalise.skeleton):
        cached.cache_clear()
    _clear_word_cache()


def measure(pairs: list[tuple[str, str]], repeat: int = 3) -> dict[str, float]:
    """Best-of-``repeat`` microseconds per pair for preparing and for comparing."""
    prepare_us, compare_us = [], []
    for _ in range(repeat):
        _clear_caches()
        started = time.process_time()
        prepared = [(normalise.prepare_name(a), normalise.prepare_name(b)) for a, b in pairs]
        prepare_us.append((time.process_time() - started) / (2 * len(pairs)) * 1e6)
        _clear_word_cache()
        started = time.process_time()
        for a, b in prepared:
            names.compare_names(a, b)
        compare_us.append((time.process_time() - started) / len(pairs) * 1e6)
    return {"prepare_us_per_name": round(min(prepare_us), 1),
            "compare_us_per_pair": round(min(compare_us), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=10_000)
    parser.add_argument("--file", type=Path, default=HERE / "pairs.csv")
    args = parser.parse_args()
    rows = list(csv.DictReader(args.file.open(encoding="utf-8")))
    pairs = list(islice(cycle([(r["name1"], r["name2"]) for r in rows]), args.pairs))
    print(measure(pairs))


if __name__ == "__main__":
    main()
