"""Two versions of the scorer timed side by side: batch throughput of this checkout against
another source tree, both processes running at once, one per core, on the same fresh names.

    .venv/bin/python benchmarks/screening_ab.py OTHER_TREE [--rounds 8] [--output FILE]

This shared machine's speed moves by a third from minute to minute, so two versions timed one
after the other differ by as much as the change being measured. Run at the same moment, both
meet the same machine: each round's ratio (this checkout's names per CPU second over the other
tree's) is far steadier, and the median ratio of the rounds is the comparison. Each process builds
the engine over every list in ``../shared/data``, warms up on 300 names, then screens, round by
round, 2,000 misspelt listed names and 2,000 made-up customer names, new ones each round, the
same in both processes (``bench_screening_speed.py``'s names). OTHER_TREE is a checkout (a
``git worktree`` of an older commit, with ``make compile`` run there to compare compiled
scorers); its ``src`` comes first on the path of its process.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from measure import machine

ROOT = Path(__file__).resolve().parents[1]
MIRROR = ROOT.parent / "shared" / "data"
BATCH = 2000


def child(entities_path: Path, rounds: int, ready: Path, go: Path) -> None:
    """One side: build, warm up, wait for the other side, then time each round's batches."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_screening_speed import batch_throughput, customer_names, perturb
    from shadowtrade.screening.compiled import scorer_build
    from shadowtrade.screening.engine import EngineHolder, Screener

    entities = pickle.loads(entities_path.read_bytes())
    all_names = [n for e in entities for k in ("name", "alias") for n in
                 e["properties"].get(k, [])]
    rng = random.Random(7)
    misspelt = [[perturb(rng.choice(all_names), rng) for _ in range(BATCH)]
                for _ in range(rounds + 1)]
    customers = [customer_names(BATCH, rng) for _ in range(rounds)]
    engine = Screener(entities)
    EngineHolder(engine)
    batch_throughput(engine, misspelt[0][:300])
    ready.write_text("ready")
    while not go.exists():
        time.sleep(0.01)
    found = [{"misspelt": batch_throughput(engine, misspelt[r + 1])["names_per_cpu_second"],
              "customers": batch_throughput(engine, customers[r])["names_per_cpu_second"]}
             for r in range(rounds)]
    print(json.dumps({"scorer": scorer_build(), "rounds": found}))


def _start(tree: Path, entities: Path, rounds: int, work: Path, side: str
           ) -> tuple[subprocess.Popen, Path]:
    ready = work / f"ready-{side}"
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    process = subprocess.Popen([sys.executable, __file__, "--child", str(entities), str(rounds),
                                str(ready), str(work / "go")], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return process, ready


def _finish(process: subprocess.Popen, tree: Path) -> dict:
    out, errors = process.communicate()
    if process.returncode:
        raise SystemExit(f"the side running {tree} failed:\n{errors[-2000:]}")
    commit = subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    return {"tree": str(tree), "commit": commit, **json.loads(out.splitlines()[-1])}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]), Path(sys.argv[5]))
        return
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("other", type=Path, help="the other checkout (its src is used)")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    from shadowtrade.sources.lists.catalog import find_in_mirror

    entities = [e.to_ftm() for found in find_in_mirror(MIRROR) for e in found.read().entities]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        entities_path = work / "entities.pkl"
        entities_path.write_bytes(pickle.dumps(entities))
        sides = [(tree, *_start(tree, entities_path, args.rounds, work, side))
                 for tree, side in ((ROOT, "this"), (args.other.resolve(), "other"))]
        while not all(ready.exists() for _, _, ready in sides):
            if any(process.poll() is not None for _, process, _ in sides):
                break
            time.sleep(0.1)
        (work / "go").write_text("go")
        this, other = (_finish(process, tree) for tree, process, _ in sides)
    ratios = {kind: [round(a[kind] / b[kind], 3) for a, b in zip(this["rounds"], other["rounds"])]
              for kind in ("misspelt", "customers")}
    report = {"machine": machine(), "this": this, "other": other, "ratios": ratios,
              "median_ratio": {kind: statistics.median(values)
                               for kind, values in ratios.items()}}
    print(json.dumps(report, indent=2))
    if args.output:
        args.output.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
