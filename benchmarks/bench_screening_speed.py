"""Screening speed against every loaded list: index build time and memory (cold, and rebuilt
in a running process as a list reload does), the cached engine's load time, single-query
latency (p50, p99) in process and through the HTTP API, batch throughput per core (listed names
with typos and reordered words, in one process and in a pool of worker processes, and a
customer file of made-up people and companies that share common words with listed names),
beside nomenklatura logic-v2 (re-scoring our candidates, as yente does) and brute-force
rapidfuzz.

Run: ``.venv/bin/python benchmarks/bench_screening_speed.py [--queries 300] [--output FILE]``
(the logic-v2 part needs the ``bench`` extra). Writes JSON with the commit, machine, load
average and size. The machine is shared: CPU times (``time.process_time``, and the workers'
own CPU time for the pool) are the figures to compare; wall times show the load.
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import json
import os
import random
import resource
import socket
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import fields
from pathlib import Path

import httpx
import psutil
from rapidfuzz import fuzz, process, utils

from measure import PeakMemory, machine

sys.path.insert(0, str(Path(__file__).resolve().parent / "screening_quality"))
from shadowtrade.screening import loading
from shadowtrade.screening.batch import ScreenOptions, screen_csv
from shadowtrade.screening.compiled import scorer_build
from shadowtrade.screening.engine import EngineHolder, Screener
from shadowtrade.screening.normalise import prepare_name
from shadowtrade.screening.query import ScreenQuery
from shadowtrade.sources.lists.catalog import find_in_mirror

ROOT = Path(__file__).resolve().parents[1]
MIRROR = ROOT.parent / "shared" / "data"


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50 and p99 in milliseconds."""
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return {"p50_ms": round(pick(0.5), 3), "p99_ms": round(pick(0.99), 3),
            "mean_ms": round(statistics.fmean(ordered) * 1000, 3), "n": len(ordered)}


def perturb(name: str, rng: random.Random) -> str:
    """A realistic query: a listed name with a typo, reordered or lower-cased."""
    words = name.split()
    choice = rng.random()
    if choice < 0.3 and len(words) > 1:
        words = words[1:] + words[:1]
    elif choice < 0.6:
        word = rng.randrange(len(words))
        w = words[word]
        if len(w) > 3:
            i = rng.randrange(1, len(w) - 1)
            words[word] = w[:i] + w[i + 1:]
    return " ".join(words).lower() if rng.random() < 0.3 else " ".join(words)


def customer_names(count: int, rng: random.Random) -> list[str]:
    """A customer file: made-up people and companies (the scorecard's clean negatives' words,
    common first names, surnames and company words that many listed names share), distinct."""
    from labelled_set import FIRST, LAST, ORG_FORMS, ORG_WORDS

    names: dict[str, None] = {}
    while len(names) < count:
        name = (f"{rng.choice(FIRST)} {rng.choice(LAST)}" if rng.random() < 0.6 else
                f"{rng.choice(ORG_WORDS)} {rng.choice(ORG_WORDS)} {rng.choice(ORG_FORMS)}")
        names[name] = None
    return list(names)


def timed(function, *args, **kwargs):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def build(entities: list[dict]) -> tuple[Screener, dict]:
    """Build the engine as a server does (the index, then every listed word's features),
    measuring CPU and wall time and resident memory growth; then build it again in the same
    process, as reloading the lists in a running server does."""
    gc.collect()
    before = psutil.Process().memory_info().rss
    with PeakMemory(growth=True) as memory:
        started_cpu = time.process_time()
        engine, seconds = timed(Screener, entities)
        words_cpu = time.process_time()
        words = engine.learn_words() if hasattr(engine, "learn_words") else 0
        words_cpu = time.process_time() - words_cpu
        seconds += words_cpu
        cpu_seconds = time.process_time() - started_cpu
    after = psutil.Process().memory_info().rss
    started_cpu = time.process_time()  # a server reloading the lists reuses its names
    known = engine.index.prepared_names() if hasattr(engine.index, "prepared_names") else None
    rebuilt, rebuild_seconds = timed(Screener, entities, *([known] if known else []))
    rebuild_cpu = time.process_time() - started_cpu
    del rebuilt
    return engine, {"seconds": round(seconds, 2), "cpu_seconds": round(cpu_seconds, 2),
                    "of_which_word_features_cpu_seconds": round(words_cpu, 2),
                    "words": words,
                    "rss_growth_mb": round((after - before) / 2**20),
                    "peak_growth_mb": round(memory.peak_mb),
                    "rebuild_in_process": {"seconds": round(rebuild_seconds, 2),
                                           "cpu_seconds": round(rebuild_cpu, 2)},
                    "entities": engine.entity_count, "names": engine.index.name_count}


def cache_load(engine: Screener) -> dict:
    """Write the engine as the CLI caches it and read it back (a fresh CLI command's start)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "screening-bench.pickle"
        if hasattr(loading, "write_cached"):
            _, write_cpu = cpu_timed(loading.write_cached, engine, path)
            read = loading.read_cached
        else:  # an older tree: the cache as it was
            import pickle

            def write(value: Screener, target: Path) -> None:
                target.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

            def read(target: Path) -> Screener:
                return pickle.loads(target.read_bytes())  # noqa: S301 (just written)

            _, write_cpu = cpu_timed(write, engine, path)
        size = path.stat().st_size
        started = time.perf_counter()
        loaded, load_cpu = cpu_timed(read, path)
        seconds = time.perf_counter() - started
    assert loaded is not None and loaded.entity_count == engine.entity_count
    return {"size_mb": round(size / 2**20, 1), "write_cpu_seconds": round(write_cpu, 2),
            "load_seconds": round(seconds, 2), "load_cpu_seconds": round(load_cpu, 2),
            "rebuild_with_cached_names": _rebuild_with_names(loaded)}


def _rebuild_with_names(previous: Screener) -> dict | str:
    """A CLI command after a list update: the previous engine's names are reused (here the
    names of 1 % of the entities are treated as new, and prepared)."""
    if not hasattr(previous.index, "prepared_names"):
        return "not in this tree"
    from shadowtrade.screening.index import keys_of, raw_names
    from shadowtrade.screening.normalise import prepare_name

    prepare_name.cache_clear()  # a new process: no name prepared yet
    keys_of.cache_clear()
    entities = [entry.entity for entry in previous.index.entries]
    started, started_cpu = time.perf_counter(), time.process_time()
    known = previous.index.prepared_names()
    for entity in entities[::100]:
        for raw in raw_names(entity.get("properties", {}))[0]:
            known.pop(raw, None)
    Screener(entities, known)
    return {"seconds": round(time.perf_counter() - started, 2),
            "cpu_seconds": round(time.process_time() - started_cpu, 2),
            "new_entities": len(entities[::100])}


def cpu_timed(function, *args, **kwargs):  # type: ignore[no-untyped-def]
    """CPU seconds of this process: robust when other work shares the machine."""
    started = time.process_time()
    result = function(*args, **kwargs)
    return result, time.process_time() - started


def in_process(engine: Screener, queries: list[str]) -> dict:
    """Half the (distinct, cold) queries timed by the wall clock, half by CPU time; the
    slowest by CPU time are listed (what makes the tail)."""
    half = len(queries) // 2
    failed: list[str] = []

    def screen(query: str) -> None:
        try:
            engine.screen(ScreenQuery.build([query]))
        except Exception as err:  # noqa: BLE001 (reported, not timed away)
            failed.append(f"{query!r}: {type(err).__name__}: {err}")

    wall = [timed(screen, q)[1] for q in queries[:half]]
    cpu = [(cpu_timed(screen, q)[1], q) for q in queries[half:]]
    slowest = [{"query": q, "cpu_ms": round(t * 1000, 2)} for t, q in sorted(cpu)[-5:][::-1]]
    return {"wall": percentiles(wall), "cpu": percentiles([t for t, _ in cpu]),
            "slowest_cpu": slowest, "failed": failed}


def through_api(engine: Screener, queries: list[str]) -> dict:
    import uvicorn

    from shadowtrade.api.app import create_app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(engine), host="127.0.0.1", port=port,
                                           log_level="error"))
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    while not server.started:
        time.sleep(0.05)
    samples = []
    with httpx.Client(base_url=url, timeout=30) as client:
        for q in queries:
            body = {"queries": {"q": {"schema": "Thing", "properties": {"name": [q]}}}}
            _, seconds = timed(client.post, "/match/default", json=body)
            samples.append(seconds)
    server.should_exit = True
    return percentiles(samples)


def batch_throughput(engine: Screener, queries: list[str], workers: int = 1) -> dict:
    """``screen_csv`` over the names; with workers, CPU time is this process's and the
    workers' (names per CPU second is the per-core figure)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["name"])
    writer.writerows([q] for q in queries)
    source = io.StringIO(buffer.getvalue())
    options = ScreenOptions()
    if workers > 1:
        if "workers" not in {f.name for f in fields(ScreenOptions)}:
            return {"skipped": "this tree has no worker processes"}
        options = ScreenOptions(workers=workers)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    _, cpu_seconds = cpu_timed(screen_csv, engine, source, io.StringIO(), options)
    seconds = time.perf_counter() - started
    done = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_seconds += (done.ru_utime + done.ru_stime) - (children.ru_utime + children.ru_stime)
    return {"names": len(queries), "workers": workers, "wall_seconds": round(seconds, 2),
            "cpu_seconds": round(cpu_seconds, 2),
            "names_per_second_wall": round(len(queries) / seconds, 1),
            "names_per_cpu_second": round(len(queries) / cpu_seconds, 1)}


def brute_force_rapidfuzz(all_names: list[str], queries: list[str]) -> dict:
    processed = [utils.default_process(n) for n in all_names]
    samples = [cpu_timed(process.extract, utils.default_process(q), processed,
                         scorer=fuzz.token_sort_ratio, limit=5, processor=None)[1]
               for q in queries]
    return percentiles(samples)


def logic_v2_rescoring(engine: Screener, queries: list[str]) -> dict:
    """yente's design: our candidates (the same 15 we score) re-scored by logic-v2 (CPU time)."""
    from followthemoney import model
    from nomenklatura.matching import ScoringConfig, get_algorithm

    algorithm, config = get_algorithm("logic-v2"), ScoringConfig.defaults()
    warm = model.make_entity("Person")
    warm.id = "warm"
    warm.add("name", "Warm Up")
    algorithm.compare(warm, warm, config)  # rigour loads its name database once
    samples, pair_seconds = [], []
    for number, q in enumerate(queries):
        query = model.make_entity("LegalEntity")
        query.id = f"q-{number}"
        query.add("name", q)
        started = time.process_time()
        positions = engine.index.candidates([prepare_name(q)], (), 15)
        for position in positions:
            entry = engine.index.entries[position]
            candidate = model.make_entity("LegalEntity")
            candidate.id = f"c-{number}-{position}"
            candidate.add("name", entry.entity["properties"].get("name", [])[:3])
            t = time.process_time()
            algorithm.compare(query, candidate, config)
            pair_seconds.append(time.process_time() - t)
        samples.append(time.process_time() - started)
    return {**percentiles(samples), "per_pair": percentiles(pair_seconds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--output", type=Path)
    parser.add_argument("--no-logic-v2", action="store_true")
    args = parser.parse_args()
    entities = [e.to_ftm() for found in find_in_mirror(MIRROR) for e in found.read().entities]
    all_names = [n for e in entities for k in ("name", "alias") for n in
                 e["properties"].get(k, [])]
    rng = random.Random(7)
    queries = [perturb(rng.choice(all_names), rng) for _ in range(args.queries + 20)]
    warm_up, queries = queries[:20], queries[20:]
    batch = [perturb(rng.choice(all_names), rng) for _ in range(args.batch)]
    # the pool's start (forking, the workers' first touch of the index) is paid once per run:
    # measured on a file five times the batch, as --workers is meant for large files
    pool_batch = [perturb(rng.choice(all_names), rng) for _ in range(args.batch * 5)]
    started_cpu = time.process_time()
    report: dict = {"machine": machine(), "scorer": scorer_build()}  # compiled or python
    engine, build_stats = build(entities)
    print(json.dumps({"index_build": build_stats}), flush=True)
    for q in warm_up:  # load pypinyin, hanja, regexes once (queries stay distinct)
        engine.screen(ScreenQuery.build([q]))
    EngineHolder(engine)  # as a server does: names of every script warm the lazy tables
    report.update({
        "index_build": build_stats,
        "cache": cache_load(engine),
        "in_process": in_process(engine, queries),
        "api_match": through_api(engine, [perturb(rng.choice(all_names), rng)
                                          for _ in range(150)]),
        "batch": batch_throughput(engine, batch),
        "batch_customer_names": batch_throughput(engine, customer_names(min(args.batch, 3000),
                                                                        rng)),
        "batch_pool": batch_throughput(engine, pool_batch, workers=os.cpu_count() or 2),
        "brute_force_rapidfuzz_cpu": brute_force_rapidfuzz(all_names, queries[:40]),
    })
    if not args.no_logic_v2:
        report["logic_v2_rescoring_cpu"] = logic_v2_rescoring(
            engine, [perturb(rng.choice(all_names), rng) for _ in range(60)])
    report["load_average_at_end"] = [round(x, 2) for x in psutil.getloadavg()]
    report["benchmark_cpu_seconds"] = round(time.process_time() - started_cpu, 1)
    text = json.dumps(report, indent=2)
    print(text)
    if args.output:
        args.output.write_text(text + "\n")


if __name__ == "__main__":
    main()
