"""The screening quality scorecard: precision, recall and F1 by slice at the default threshold,
for shadowtrade, nomenklatura's logic-v2 (called directly) and a plain rapidfuzz baseline, in
one run. Writes ``results.json`` (with commit, machine and data size) beside this file.

Run: ``.venv/bin/python benchmarks/screening_quality/run_scorecard.py [--no-logic-v2]
[--pairs FILE --suffix _full_set]``
(needs the ``bench`` extra for logic-v2: ``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rapidfuzz import fuzz, utils

from shadowtrade.screening.engine import DEFAULT_THRESHOLD
from shadowtrade.screening.names import compare_names
from shadowtrade.screening.normalise import prepare_name

HERE = Path(__file__).resolve().parent
Scorer = Callable[[dict], float]


def ours(pair: dict) -> float:
    """shadowtrade's name comparison."""
    return compare_names(prepare_name(pair["name1"]), prepare_name(pair["name2"])).score


def plain_rapidfuzz(pair: dict) -> float:
    """What a user would otherwise write: token-sort ratio on the lower-cased strings."""
    return fuzz.token_sort_ratio(pair["name1"], pair["name2"],
                                 processor=utils.default_process) / 100


def logic_v2() -> Scorer:
    """nomenklatura logic-v2 on two FtM entities with unique ids (see screening.md)."""
    from followthemoney import model
    from nomenklatura.matching import ScoringConfig, get_algorithm

    algorithm = get_algorithm("logic-v2")
    config = ScoringConfig.defaults()

    def score(pair: dict) -> float:
        schema = pair["schema"] if pair["schema"] in ("Person", "Organization", "Company",
                                                      "Vessel", "Aircraft") else "LegalEntity"
        entities = []
        for side in ("name1", "name2"):
            entity = model.make_entity(schema)
            entity.id = f"{pair['pair_id']}-{side}"
            entity.add("name", pair[side])
            entities.append(entity)
        return float(algorithm.compare(entities[0], entities[1], config).score)

    return score


def metrics(rows: list[dict], key: str, threshold: float) -> dict:
    """Confusion counts, precision, recall and F1."""
    tp = sum(1 for r in rows if r["label"] == "1" and r[key] >= threshold)
    fn = sum(1 for r in rows if r["label"] == "1" and r[key] < threshold)
    fp = sum(1 for r in rows if r["label"] == "0" and r[key] >= threshold)
    tn = sum(1 for r in rows if r["label"] == "0" and r[key] < threshold)
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = (2 * precision * recall / (precision + recall)
          if precision and recall else None)
    false_positive_rate = fp / (fp + tn) if fp + tn else None
    return {"pairs": len(rows), "tp": tp, "fp": fp, "fn": fn, "tn": tn,
            "precision": _round(precision), "recall": _round(recall), "f1": _round(f1),
            "false_positive_rate": _round(false_positive_rate)}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def half(row: dict) -> str:
    """'A' or 'B': a fixed random half of the pairs (a hash of the pair's kind and names, so
    that a pair stays in its half when the set is rebuilt and renumbered). Rules are
    developed looking only at half A's errors; half B checks they hold on unseen pairs."""
    digest = hashlib.sha1(f"{row['kind']}|{row['name1']}|{row['name2']}".encode()).digest()
    return "A" if digest[0] % 2 == 0 else "B"


def slices(rows: list[dict]) -> dict[str, list[dict]]:
    """Overall, by half (A: looked at while developing rules, B: held out), and by kind,
    script, list and entity type."""
    grouped: dict[str, list[dict]] = {"overall": rows}
    for row in rows:
        grouped.setdefault(f"half={row['half']}", []).append(row)
    for field in ("kind", "script", "list", "schema"):
        for row in rows:
            grouped.setdefault(f"{field}={row[field]}", []).append(row)
    for row in rows:
        if row["script"] != "latin":
            grouped.setdefault(f"script={row['script']},{row['schema']}", []).append(row)
    return grouped


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE,
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-logic-v2", action="store_true")
    parser.add_argument("--pairs", type=Path, default=HERE / "pairs.csv")
    parser.add_argument("--suffix", default="",
                        help="written to results{SUFFIX}.json and errors{SUFFIX}.csv")
    args = parser.parse_args()
    pairs_path = args.pairs
    if not pairs_path.exists():
        from labelled_set import main as build  # type: ignore[import-not-found]
        build(["--output", str(pairs_path)])
    rows = list(csv.DictReader(pairs_path.open(encoding="utf-8")))
    for row in rows:
        row["half"] = half(row)
    scorers: dict[str, Scorer] = {"shadowtrade": ours, "rapidfuzz": plain_rapidfuzz}
    if not args.no_logic_v2:
        scorers["logic_v2"] = logic_v2()
    seconds, cpu_seconds = {}, {}
    for name, scorer in scorers.items():
        started, started_cpu = time.perf_counter(), time.process_time()
        for row in rows:
            row[name] = scorer(row)
        seconds[name] = round(time.perf_counter() - started, 2)
        cpu_seconds[name] = round(time.process_time() - started_cpu, 2)
        print(f"{name}: scored {len(rows)} pairs in {seconds[name]} s", file=sys.stderr)
    report = {
        "commit": _commit(), "machine": f"{platform.machine()} {platform.processor()} "
                                        f"python {platform.python_version()}",
        "pairs_file": pairs_path.name, "pairs": len(rows), "threshold": DEFAULT_THRESHOLD,
        "seconds": seconds, "cpu_seconds": cpu_seconds, "load_average": os.getloadavg(),
        "slices": {slice_name: {name: metrics(members, name, DEFAULT_THRESHOLD)
                                for name in scorers}
                   for slice_name, members in slices(rows).items()},
    }
    (HERE / f"results{args.suffix}.json").write_text(json.dumps(report, indent=2))
    _print(report, list(scorers))
    misses = [r for r in rows if (r["label"] == "1") != (r["shadowtrade"] >= DEFAULT_THRESHOLD)]
    with open(HERE / f"errors{args.suffix}.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(misses)


def _print(report: dict, names: list[str]) -> None:
    header = f"{'slice':36s}" + "".join(f"{n:>26s}" for n in names)
    print(header + "\n" + " " * 36 + "".join(f"{'P / R / F1 (or FPR)':>26s}" for _ in names))
    for slice_name, by_scorer in report["slices"].items():
        cells = []
        for name in names:
            m = by_scorer[name]
            if m["tp"] + m["fn"] == 0:  # negatives only: the false-positive rate says it all
                cells.append(f"FPR {m['false_positive_rate']:.3f} ({m['fp']}/{m['pairs']})")
                continue
            cells.append(" / ".join("  - " if m[k] is None else f"{m[k]:.3f}"
                                    for k in ("precision", "recall", "f1")))
        print(f"{slice_name:36s}" + "".join(f"{c:>26s}" for c in cells))


if __name__ == "__main__":
    main()
