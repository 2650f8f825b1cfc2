"""Identical-results check for speed work on the scorer: the top-5 (id, score) of 3,000+ varied
queries against every loaded list, their batch hits (``matches_only``, the bounded path), and
``compare`` on every labelled pair, saved once and then compared exactly (scores to 1e-9) after
each change, or between the compiled and the Python scorer (tests/screening/test_compiled.py).
Also prints the queries' CPU time.

Run: ``.venv/bin/python benchmarks/screening_quality/results_snapshot.py save|check FILE``
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from pathlib import Path

from shadowtrade.screening.engine import Screener, compare
from shadowtrade.screening.query import ScreenQuery
from shadowtrade.sources.lists.catalog import find_in_mirror

HERE = Path(__file__).resolve().parent
MIRROR = HERE.parents[2] / "shared" / "data"
SYLLABLES = ("ka", "mir", "ol", "zan", "tek", "ri", "bo", "hus", "sein", "vla", "dim", "an")


def _perturb(name: str, rng: random.Random) -> str:
    words = name.split()
    choice = rng.random()
    if choice < 0.3 and len(words) > 1:
        words = words[1:] + words[:1]
    elif choice < 0.6:
        w = words[rng.randrange(len(words))]
        if len(w) > 3:
            i = rng.randrange(1, len(w) - 1)
            words[words.index(w)] = w[:i] + w[i + 1:]
    return " ".join(words).lower() if rng.random() < 0.3 else " ".join(words)


def queries(all_names: list[str], pairs: list[dict[str, str]]) -> list[str]:
    """Listed names, typos, the labelled pairs' names (Hangul, Cyrillic, Arabic) and made-up
    names."""
    rng = random.Random(11)
    found = [rng.choice(all_names) for _ in range(600)]
    found += [_perturb(rng.choice(all_names), rng) for _ in range(1400)]
    found += [rng.choice(pairs)[rng.choice(("name1", "name2"))] for _ in range(800)]
    found += [" ".join("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))
                       for _ in range(rng.randint(1, 3))) for _ in range(400)]
    return found


def _differ(saved: list, found: list) -> bool:
    """Whether two result lists of (id, score) differ: other ids, or a score by over 1e-9."""
    return ([x[0] for x in saved] != [x[0] for x in found]
            or any(abs(x[1] - y[1]) > 1e-9 for x, y in zip(saved, found)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mode", choices=("save", "check"))
    parser.add_argument("file", type=Path)
    args = parser.parse_args()
    entities = [e.to_ftm() for f in find_in_mirror(MIRROR) for e in f.read().entities]
    all_names = [n for e in entities for k in ("name", "alias") for n in
                 e["properties"].get(k, [])]
    # the full set: the 4,700 pairs the first snapshots were taken on (pairs.csv, since the
    # cross-script respelling test, is a subset of other size)
    pairs = list(csv.DictReader((HERE / "pairs_full_set.csv").open(encoding="utf-8")))
    started = time.process_time()
    engine = Screener(entities)
    build_cpu = time.process_time() - started
    asked = queries(all_names, pairs)
    started = time.process_time()
    top = [[(r["id"], r["score"]) for r in engine.screen(ScreenQuery.build([q]))["results"]]
           for q in asked]
    query_cpu = time.process_time() - started
    hits = [[(r["id"], r["score"]) for r in
             engine.screen(ScreenQuery.build([q]), matches_only=True)["results"]] for q in asked]
    started = time.process_time()
    scores = [compare(p["name1"], p["name2"], p["schema"])["score"] for p in pairs]
    compare_cpu = time.process_time() - started
    print(f"build {build_cpu:.2f} s CPU; {len(asked)} queries {query_cpu:.2f} s CPU; "
          f"{len(pairs)} compares {compare_cpu:.2f} s CPU")
    current = {"queries": asked, "top": top, "hits": hits, "compare": scores}
    if args.mode == "save":
        args.file.write_text(json.dumps(current))
        return
    saved = json.loads(args.file.read_text())
    bad = [q for q, a, b in zip(asked, saved["top"], top) if _differ(a, b)]
    if "hits" in saved:  # snapshots saved before the batch hits were added lack them
        bad += [f"{q} (batch hits)" for q, a, b in zip(asked, saved["hits"], hits) if _differ(a, b)]
    bad_pairs = [i for i, (a, b) in enumerate(zip(saved["compare"], scores)) if abs(a - b) > 1e-9]
    print(f"{len(bad)} queries and {len(bad_pairs)} pairs differ")
    for q in bad[:10]:
        print("  ", q)
    sys.exit(1 if bad or bad_pairs else 0)


if __name__ == "__main__":
    main()
