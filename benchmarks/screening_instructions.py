"""Instructions per screened name: a batch of misspelt listed names counted by valgrind's
callgrind, for comparing two versions of the scorer where CPU time cannot (this shared machine's
speed moves by a third from run to run; an instruction count moves by 0.1 %).

    .venv/bin/python benchmarks/screening_instructions.py [--names 400] [--tree OTHER_SRC ...]
        [--output FILE]

For each source tree (this checkout's ``src`` first, then each ``--tree``, e.g. a ``git worktree``
of an older commit, built with ``make compile`` there), a child process builds the engine over
every list in ``../shared/data`` and screens 300 names to warm up, with valgrind's instrumentation
off; then instrumentation is switched on and only the batch itself is counted (``screen_csv`` on
``--names`` misspelt listed names, the names ``bench_screening_speed.py`` draws, called inside
``functools.reduce``, which callgrind's ``--toggle-collect`` watches). Each child takes about a
minute. Needs valgrind (``apt-get install valgrind``). Instructions are not time: numpy's SIMD
sorts do more per instruction than dictionary lookups do; the timed benchmark remains
``bench_screening_speed.py``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import pickle
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from measure import machine

ROOT = Path(__file__).resolve().parents[1]
MIRROR = ROOT.parent / "shared" / "data"
WARM_UP = 300


def child(entities_path: Path, names: int, ready: Path) -> None:
    """Runs under valgrind: build, warm up, signal, wait for instrumentation, screen."""
    import functools

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_screening_speed import perturb
    from shadowtrade.screening.batch import ScreenOptions, screen_csv
    from shadowtrade.screening.compiled import scorer_build
    from shadowtrade.screening.engine import EngineHolder, Screener

    entities = pickle.loads(entities_path.read_bytes())
    all_names = [n for e in entities for k in ("name", "alias") for n in
                 e["properties"].get(k, [])]
    rng = random.Random(7)
    batch = [perturb(rng.choice(all_names), rng) for _ in range(WARM_UP + names)]
    engine = Screener(entities)
    EngineHolder(engine)  # warm the lazy tables and learn the words, as a server does

    def csv_of(rows: list[str]) -> str:
        return "name\n" + "".join('"%s"\n' % n.replace('"', '""') for n in rows)

    screen_csv(engine, io.StringIO(csv_of(batch[:WARM_UP])), io.StringIO(), ScreenOptions())
    measured = csv_of(batch[WARM_UP:])
    ready.write_text(f"{os.getpid()} {scorer_build()}")
    time.sleep(3)  # the parent switches instrumentation on meanwhile
    out = io.StringIO()
    functools.reduce(lambda _, __: screen_csv(engine, io.StringIO(measured), out,
                                              ScreenOptions()), [0], None)


def count(tree: Path, entities_path: Path, names: int, work: Path) -> dict:
    """Run one child under callgrind with ``tree`` first on the path; its instruction count."""
    ready, output = work / f"ready-{os.getpid()}", work / "callgrind.out"
    ready.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(tree)}
    command = ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--collect-atstart=no",
               "--toggle-collect=functools_reduce", f"--callgrind-out-file={output}",
               sys.executable, __file__, "--child", str(entities_path), str(names), str(ready)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    while not ready.exists():
        if process.poll() is not None:
            raise SystemExit(f"the child failed under {tree}:\n{process.stderr.read()[-2000:]}")
        time.sleep(0.2)
    pid, scorer = ready.read_text().split()
    subprocess.run(["callgrind_control", "-i", "on", pid], check=True, stdout=subprocess.DEVNULL)
    _, errors = process.communicate()
    if process.returncode:
        raise SystemExit(f"the child failed under {tree}:\n{errors[-2000:]}")
    total = next(int(line.split()[1]) for line in output.read_text().splitlines()
                 if line.startswith("summary:"))
    commit = subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    return {"tree": str(tree), "commit": commit, "scorer": scorer, "names": names,
            "instructions": total,
            "instructions_per_name": round(total / names)}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--names", type=int, default=400)
    parser.add_argument("--tree", type=Path, action="append", default=[],
                        help="another source tree (its src folder is used) to count")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    if not shutil.which("valgrind") or not shutil.which("callgrind_control"):
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    from shadowtrade.sources.lists.catalog import find_in_mirror

    entities = [e.to_ftm() for found in find_in_mirror(MIRROR) for e in found.read().entities]
    results = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        entities_path = work / "entities.pkl"
        entities_path.write_bytes(pickle.dumps(entities))
        for tree in [ROOT, *args.tree]:
            found = count(tree.resolve() / "src", entities_path, args.names, work)
            print(json.dumps(found), flush=True)
            results.append(found)
    first = results[0]["instructions"]
    for found in results[1:]:
        found["ratio_to_this_checkout"] = round(found["instructions"] / first, 3)
    report = {"machine": machine(), "entities": len(entities), "runs": results}
    print(json.dumps(report, indent=2))
    if args.output:
        args.output.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
