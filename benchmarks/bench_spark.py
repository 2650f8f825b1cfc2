"""DuckDB vs Spark ``local[2]``, side by side in one run: the corridor query, the re-routing
detector and batch screening, on synthetic BACI-shaped flows (``shadowtrade.sources.
synthetic_baci``) and names drawn from the real lists of ``../shared/data``.

Both engines run the same library code: ``corridor_series`` and ``detect_rerouting`` on the
flows table from ``shadowtrade.warehouse.engine`` (the DuckDB file, or the Parquet export read by
Spark); screening is ``screen_csv`` (one process) against ``screen_parquet`` (the engine broadcast,
names scored per partition with ``mapInPandas``). Reported: seconds (cold = first run, warm =
again), rows/s, peak resident memory (this process plus the JVM and its Python workers), and a
projection for a 10-node cluster from the measured per-partition cost.

    .venv/bin/python benchmarks/bench_spark.py                    # ~10 min on 2 busy cores
    .venv/bin/python benchmarks/bench_spark.py --scale 0.2 --names 1000000   # the issue's size

Writes ``benchmarks/results/spark_<time>_<commit>.json``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import math
import os
import random
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from measure import PeakMemory, machine

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# Outside the repository: other benchmarks clean benchmarks/data; override with BENCH_SPARK_DIR.
WORK = Path(os.environ.get("BENCH_SPARK_DIR", Path(tempfile.gettempdir()) / "shadowtrade-bench-spark"))
SHARED = REPO.parent / "shared" / "data"
CONDUITS = ("ARM", "GEO", "KAZ", "KGZ", "UZB")
YEARS = (2021, 2023)
FULL_BACI_ROWS = 250_000_000
CLUSTER_NODES, CORES_PER_NODE = 10, 8


def build_dataset(scale: float) -> tuple[Path, Path, int]:
    """A warehouse of synthetic BACI rows (plus the conduits' own import totals), filled through
    the warehouse's public ``add_flow_rows``, and its Parquet export (``data export``). Built
    once per scale."""
    from shadowtrade.sources.synthetic_baci import SyntheticSpec, country_rows, year_table
    from shadowtrade.warehouse import Warehouse, add_flow_rows
    from shadowtrade.warehouse.export import export_parquet

    folder = WORK / f"scale_{scale:g}"
    db, export = folder / "warehouse.duckdb", folder / "export"
    if db.exists() and (export / "SCHEMA_VERSION").exists():
        with Warehouse(db, read_only=True) as warehouse:
            return db, export, int(warehouse.sql_rows("SELECT count(*) FROM flows")[0][0])
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    spec = SyntheticSpec(years=YEARS, scale=scale)
    with Warehouse(db) as warehouse:
        con = warehouse.con
        codes = [(code, iso3) for code, _, _, iso3 in country_rows()]
        con.execute("CREATE TEMP TABLE codes (code INTEGER, iso3 VARCHAR)")
        con.executemany("INSERT INTO codes VALUES (?, ?)", codes)
        for year in range(YEARS[0], YEARS[1] + 1):
            raw = year_table(year, spec)
            con.register("raw", raw)
            add_flow_rows(warehouse, """
                SELECT 'baci' AS source, 'HS17' AS dataset, 'V202501' AS release, 'A' AS freq,
                       CAST(t AS SMALLINT) AS year, CAST(NULL AS TINYINT) AS month,
                       e.iso3 AS exporter, m.iso3 AS importer, 'BACI' AS reporter,
                       false AS aggregate, 'HS17' AS hs_revision, CAST(k AS VARCHAR) AS hs_code,
                       CAST(v AS DOUBLE) * 1000 AS value, 'USD' AS currency,
                       TRY_CAST(q AS DOUBLE) * 1000 AS quantity, 'kg' AS unit
                FROM raw JOIN codes e ON e.code = i JOIN codes m ON m.code = j""",
                          label=f"synthetic BACI {year}")
            con.unregister("raw")
        # The conduits' own import reports (what re-routing compares the exporters' against).
        add_flow_rows(warehouse, f"""
            SELECT 'mirror' AS source, 'imports-by-partner' AS dataset, 'synthetic' AS release,
                   'A' AS freq, year, CAST(NULL AS TINYINT) AS month, exporter, importer,
                   importer AS reporter, false AS aggregate, 'TOTAL' AS hs_revision,
                   'TOTAL' AS hs_code, sum(value) * 1.05 AS value, 'USD' AS currency,
                   CAST(NULL AS DOUBLE) AS quantity, CAST(NULL AS VARCHAR) AS unit
            FROM flows WHERE importer IN {CONDUITS!r} GROUP BY year, exporter, importer""",
                      label="synthetic conduit imports")
        export_parquet(warehouse, export)
        rows = int(warehouse.sql_rows("SELECT count(*) FROM flows")[0][0])
    return db, export, rows


def queries() -> dict[str, Callable[[Any], Any]]:
    from shadowtrade.analysis.flows import FlowQuery, corridor_series
    from shadowtrade.analysis.rerouting import ReroutingParams, detect_rerouting

    corridor = FlowQuery("CHN", "RUS", YEARS)
    rerouting = ReroutingParams("RUS", "EU27", CONDUITS, YEARS[0], YEARS[1], min_ratio=1.0,
                                min_excess=0.0)
    return {
        "corridor": lambda flows: [round(v) for v in corridor_series(flows, corridor)
                                   .execute()["value"]],
        "rerouting": lambda flows: {r["country"]: round(r["growth_sanctioner_to_conduit"] or 0, 4)
                                    for r in detect_rerouting(flows, rerouting).rows},
    }


def timed(run: Callable[[], Any]) -> dict[str, Any]:
    with PeakMemory(children=True, interval=0.05) as memory:
        start = time.perf_counter()
        figure = run()
        cold = time.perf_counter() - start
        start = time.perf_counter()
        run()
        warm = time.perf_counter() - start
    return {"cold_s": round(cold, 3), "warm_s": round(warm, 3),
            "peak_rss_mb": round(memory.peak_mb), "figure": figure}


def screening_names(screener: Any, count: int) -> list[str]:
    """Listed names with typos and case changes (about one in five) among made-up names."""
    rng = random.Random(7)
    listed = [entry.entity["caption"] for entry in screener.index.entries]
    given = ["Anna", "Ivan", "Li", "Maria", "Chen", "Ahmed", "Olga", "Kim", "Pedro", "Sara"]
    family = ["Petrova", "Wang", "Smith", "Garcia", "Park", "Hassan", "Novak", "Ri", "Silva"]
    firms = ["Trading", "Shipping", "Logistics", "Holdings", "Industrial", "Marine"]
    names = []
    for i in range(count):
        if i % 5 == 0:
            name = rng.choice(listed)
            names.append(name.lower() if rng.random() < 0.5 else name[:-1] + "e")
        elif i % 3 == 0:
            names.append(f"{rng.choice(family)} {rng.choice(firms)} {rng.randint(1, 999)} LLC")
        else:
            names.append(f"{rng.choice(given)} {rng.choice(family)}-{rng.randint(1, 99999)}")
    return names


def bench_screening(session: Any, count: int) -> dict[str, Any]:
    import pandas as pd

    from shadowtrade.screening.batch import screen_csv
    from shadowtrade.screening.loading import build_screener, load_mirror
    from shadowtrade.screening.spark_batch import screen_parquet
    from shadowtrade.warehouse import Warehouse

    WORK.mkdir(parents=True, exist_ok=True)
    lists = WORK / "lists.duckdb"
    with Warehouse(lists) as warehouse:
        if not warehouse.sql_rows("SELECT count(*) FROM load_log WHERE kind = 'list'")[0][0]:
            load_mirror(warehouse, SHARED)
        screener = build_screener(warehouse)
    names = screening_names(screener, count)
    frame = pd.DataFrame({"name": names})
    source, target = WORK / "names.parquet", WORK / "hits.parquet"
    frame.to_parquet(source, index=False)
    text = frame.to_csv(index=False)
    out: dict[str, Any] = {"names": count, "entities": screener.entity_count}
    with PeakMemory(children=True, interval=0.05) as memory:
        start = time.perf_counter()
        summary = screen_csv(screener, io.StringIO(text), io.StringIO())
        seconds = time.perf_counter() - start
    out["local"] = {"seconds": round(seconds, 2), "names_per_s": round(count / seconds),
                    "peak_rss_mb": round(memory.peak_mb), "with_hits": summary.rows_with_hits}
    with PeakMemory(children=True, interval=0.05) as memory:
        start = time.perf_counter()
        summary = screen_parquet(session, screener, str(source), str(target))
        seconds = time.perf_counter() - start
    partitions = session.read.parquet(str(source)).rdd.getNumPartitions()
    out["spark"] = {"seconds": round(seconds, 2), "names_per_s": round(count / seconds),
                    "peak_rss_mb": round(memory.peak_mb), "with_hits": summary.rows_with_hits,
                    "partitions": partitions}
    # Scoring is per name and embarrassingly parallel: a cluster multiplies the one-core rate of
    # the local run by its cores; Spark's fixed cost (start of the job, broadcast) is what the
    # local[2] run took beyond its share of scoring.
    one_core = count / out["local"]["seconds"]
    fixed = max(seconds - count / (2 * one_core), 0.0)
    out["projection_1m_names"] = {
        "local_s": round(1_000_000 / one_core),
        "spark_local2_s": round(1_000_000 / (2 * one_core) + fixed),
        f"spark_{CLUSTER_NODES}x{CORES_PER_NODE}_s": round(
            1_000_000 / (one_core * CLUSTER_NODES * CORES_PER_NODE) + fixed),
        "spark_fixed_s": round(fixed, 1),
    }
    return out


def project(rows: int, spark: dict[str, Any], overhead_s: float) -> dict[str, Any]:
    """Warm time = fixed job overhead (measured: a query that reads no partition) + work that
    grows with the rows. The work per row and core, measured on local[2], is scaled to full BACI
    on a 10-node cluster; a partition is taken as 1 M rows (about 20 MB of Parquet)."""
    cores = CLUSTER_NODES * CORES_PER_NODE
    out = {}
    for name, figures in spark.items():
        work_core_s = max(figures["warm_s"] - overhead_s, 0.0) * 2  # 2 cores busy on local[2]
        per_row = work_core_s / rows
        partitions = math.ceil(FULL_BACI_ROWS / 1_000_000)
        out[name] = {"per_partition_s": round(per_row * 1_000_000, 2),
                     "full_baci_partitions": partitions,
                     "cluster_s": round(overhead_s + math.ceil(partitions / cores)
                                        * per_row * 1_000_000, 1)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.03,
                        help="Synthetic BACI scale (1.0 = 11 M rows a year; 2 years).")
    parser.add_argument("--names", type=int, default=4000, help="Names to batch-screen.")
    args = parser.parse_args()

    from shadowtrade.warehouse.engine import spark_flows, spark_session

    WORK.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    db, export, rows = build_dataset(args.scale)
    print(f"dataset: {rows:,} flow rows ({time.perf_counter() - started:.0f} s to build)")
    from shadowtrade.warehouse import Warehouse

    warehouse = Warehouse(db, read_only=True)
    duck = warehouse.table("flows")
    results: dict[str, Any] = {"duckdb": {}, "spark_local2": {}}
    for name, run in queries().items():
        results["duckdb"][name] = timed(lambda run=run: run(duck))
        print(f"duckdb {name}: {results['duckdb'][name]}")
    session = spark_session("local[2]", app_name="shadowtrade-bench")
    try:
        flows = spark_flows(session, str(export))
        partitions = session.read.parquet(str(export / "flows")).rdd.getNumPartitions()
        empty = flows.filter(flows.year == 0)
        empty.count().execute()
        start = time.perf_counter()
        empty.count().execute()
        overhead = time.perf_counter() - start
        for name, run in queries().items():
            results["spark_local2"][name] = timed(lambda run=run: run(flows))
            print(f"spark {name}: {results['spark_local2'][name]}")
        for engine in results.values():
            for figures in engine.values():
                figures["rows_per_s"] = round(rows / figures["warm_s"])
        same = all(results["duckdb"][n]["figure"] == results["spark_local2"][n]["figure"]
                   for n in results["duckdb"])
        screening = bench_screening(session, args.names)
        print(f"screening: {screening}")
    finally:
        session.stop()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                            capture_output=True, text=True).stdout.strip()
    report = {
        "benchmark": "spark", "commit": commit, "when": dt.datetime.now(dt.UTC).isoformat(),
        "machine": machine(),
        "data": {"flow_rows": rows, "years": YEARS, "scale": args.scale,
                 "spark_input_partitions": partitions, "spark_job_overhead_s": round(overhead, 3)},
        "results": results, "same_figures": same, "screening": screening,
        "projection_10_nodes": {
            "assumptions": f"{CLUSTER_NODES} nodes x {CORES_PER_NODE} cores, full BACI "
                           f"({FULL_BACI_ROWS:,} rows), work per partition as measured here, "
                           "no skew, data local to the executors",
            "queries": project(rows, results["spark_local2"], overhead)},
        "wall_s": round(time.perf_counter() - started),
    }
    out = HERE / "results" / f"spark_{dt.datetime.now(dt.UTC):%Y%m%dT%H%M}_{commit}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps({k: report[k] for k in ("results", "same_figures", "screening",
                                             "projection_10_nodes")}, indent=1))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
