"""Benchmark: load and corridor queries of the warehouse against pandas, side by side in one run.

    .venv/bin/python benchmarks/generate_baci.py                 # once: 7 x ~11 M rows of CSV
    .venv/bin/python benchmarks/bench_warehouse.py               # every year found, full size
    .venv/bin/python benchmarks/bench_warehouse.py --years 2021-2023

Each measurement runs in a fresh process (so peak memory is that task's alone, and queries
are cold: open the warehouse, run the query, close) and reports wall seconds, CPU seconds and
peak RSS. Tasks, on the same synthetic BACI CSVs:

* ``load_ours``: ``load_file`` per year, what ``shadowtrade data load`` does: the file hashed
  (the same file twice is a no-op), read by pyarrow in line-aligned blocks on every core (typed
  read, codes mapped through the release's code lists, a block with a bad line checked by the
  exact row reader and its bad rows quarantined), written by pyarrow as one Parquet file, and
  recorded in one transaction.
* ``load_pandas``: ``pd.read_csv`` with dtypes per year, the same conversion (BACI code to
  ISO3, thousand USD to USD, tonnes to kg) and a store to Parquet, so there is something to
  query afterwards; ``read_seconds`` is the ``read_csv`` part alone.
* ``load_duckdb_copy``: for reference, DuckDB's bare CSV to Parquet copy of the same files
  (typed columns, no code mapping, no checks, no quarantine): the floor of the load path used
  before.
* ``corridor_ours`` / ``hs4_ours``: China to Russia by year, and by year and HS4, over all
  years: ``corridor_series`` (Ibis on DuckDB) on a read-only warehouse. ``cli_seconds`` times the
  whole ``shadowtrade flows`` command (Python start-up and imports included).
* ``corridor_pandas_csv`` / ``hs4_pandas_csv``: a pandas script reading the same CSVs, filtering
  and grouping; ``corridor_pandas_parquet`` / ``hs4_pandas_parquet``: the same on the Parquet
  files pandas stored.

Results go to ``benchmarks/results/warehouse_<date>_<commit>.json``: the commit, the machine
(cores, RAM, CPU, load average, which matters on a shared machine), data size, rows, every
task, and the ratios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from measure import PeakMemory, machine  # noqa: E402  (benchmarks/ is not a package)

DEFAULT_DATA = HERE / "data" / "baci"
DEFAULT_WORK = HERE / "data" / "work"
CHINA, RUSSIA = 156, 643
DTYPES = {"t": "int16", "i": "int32", "j": "int32", "k": "str", "v": "float64", "q": "float64"}


# -- tasks (each runs in its own process) -----------------------------------------------------
def year_files(data: Path, years: tuple[int, ...] | None) -> list[Path]:
    """The year CSVs of the synthetic release, optionally only some years."""
    files = sorted(data.glob("BACI_*_Y*_V*.csv"))
    if years:
        files = [f for f in files if int(f.name.split("_Y")[1][:4]) in years]
    if not files:
        raise SystemExit(f"no BACI_*_Y*.csv under {data}: run benchmarks/generate_baci.py first")
    return files


def task_load_ours(files: list[Path], work: Path) -> dict[str, object]:
    from shadowtrade.sources.loader import load_file
    from shadowtrade.warehouse import Warehouse

    rows = quarantined = 0
    per_file = []
    with Warehouse(work / "warehouse.duckdb") as warehouse:
        for path in files:
            result = load_file(warehouse, path)
            rows += result.rows
            quarantined += result.quarantined
            per_file.append({"file": path.name, "rows": result.rows,
                             "seconds": round(result.seconds, 3),
                             "rows_per_second": round(result.rows_per_second)})
    return {"rows": rows, "quarantined": quarantined, "per_file": per_file}


def task_load_pandas(files: list[Path], work: Path) -> dict[str, object]:
    import pandas as pd

    codes = _iso3_by_code(files[0].parent)
    out = work / "pandas"
    out.mkdir(parents=True, exist_ok=True)
    rows, read_seconds = 0, 0.0
    for path in files:
        started = time.perf_counter()
        frame = pd.read_csv(path, dtype=DTYPES, na_values=["NA", ""], keep_default_na=False)
        read_seconds += time.perf_counter() - started
        stored = pd.DataFrame({
            "year": frame["t"], "exporter": frame["i"].map(codes), "importer": frame["j"].map(codes),
            "hs_code": frame["k"].str.zfill(6), "value": frame["v"] * 1000.0,
            "quantity": frame["q"] * 1000.0,
        })
        stored.to_parquet(out / (path.stem + ".parquet"), index=False)
        rows += len(stored)
    return {"rows": rows, "read_seconds": read_seconds}


def task_load_duckdb_copy(files: list[Path], work: Path) -> dict[str, object]:
    import duckdb

    out = work / "duckdb_copy"
    out.mkdir(parents=True, exist_ok=True)
    columns = "{'t': 'SMALLINT', 'i': 'VARCHAR', 'j': 'VARCHAR', 'k': 'VARCHAR', " \
              "'v': 'DOUBLE', 'q': 'DOUBLE'}"
    rows = 0
    with duckdb.connect() as con:
        for path in files:
            copied = con.execute(
                f"COPY (SELECT * FROM read_csv('{path}', header = true, auto_detect = false, "
                f"nullstr = ['', 'NA'], columns = {columns})) TO '{out / (path.stem + '.parquet')}' "
                "(FORMAT parquet)").fetchone()
            rows += int(copied[0]) if copied else 0
    shutil.rmtree(out)
    return {"rows": rows}


def _iso3_by_code(folder: Path) -> dict[int, str]:
    import pandas as pd

    table = pd.read_csv(next(folder.glob("country_codes_V*.csv")), keep_default_na=False)
    return dict(zip(table["country_code"], table["country_iso3"], strict=True))


def _our_query(work: Path, by: str) -> dict[str, object]:
    from shadowtrade.analysis.flows import FlowQuery, corridor_series
    from shadowtrade.warehouse import Warehouse

    started = time.perf_counter()
    with Warehouse(work / "warehouse.duckdb", read_only=True) as warehouse:
        query = FlowQuery("CHN", "RUS", source="baci", by=by)  # type: ignore[arg-type]
        frame = corridor_series(warehouse.table("flows"), query).execute()
    seconds = time.perf_counter() - started
    return {"query_seconds": seconds, "result_rows": len(frame), **_checksum(frame, "year")}


def task_corridor_ours(files: list[Path], work: Path) -> dict[str, object]:
    return _our_query(work, "total")


def task_hs4_ours(files: list[Path], work: Path) -> dict[str, object]:
    return _our_query(work, "hs4")


def _pandas_query(frames: Callable[[], list[object]], by_hs4: bool,
                  pair: tuple[object, object] = (CHINA, RUSSIA)) -> dict[str, object]:
    import pandas as pd

    parts = []
    for frame in frames():
        corridor = frame[(frame["exporter"] == pair[0]) & (frame["importer"] == pair[1])]
        parts.append(corridor)
    corridor = pd.concat(parts)
    keys = ["year"] + (["hs"] if by_hs4 else [])
    if by_hs4:
        corridor = corridor.assign(hs=corridor["hs_code"].str[:4])
    result = corridor.groupby(keys, as_index=False)["value"].sum()
    return {"result_rows": len(result), **_checksum(result, "year")}


def _csv_frames(files: list[Path]) -> Callable[[], list[object]]:
    import pandas as pd

    def read() -> list[object]:
        frames = []
        for path in files:
            frame = pd.read_csv(path, dtype=DTYPES, usecols=["t", "i", "j", "k", "v"])
            frame = frame.rename(columns={"t": "year", "i": "exporter", "j": "importer",
                                          "k": "hs_code", "v": "value"})
            frame["value"] = frame["value"] * 1000.0
            frames.append(frame)
        return frames

    return read


def _parquet_frames(work: Path) -> Callable[[], list[object]]:
    import pandas as pd

    def read() -> list[object]:
        frames = []
        for path in sorted((work / "pandas").glob("*.parquet")):
            frame = pd.read_parquet(path, columns=["year", "exporter", "importer", "hs_code",
                                                   "value"])
            frames.append(frame)
        return frames

    return read


def task_corridor_pandas_csv(files: list[Path], work: Path) -> dict[str, object]:
    return _pandas_query(_csv_frames(files), False)


def task_hs4_pandas_csv(files: list[Path], work: Path) -> dict[str, object]:
    return _pandas_query(_csv_frames(files), True)


def task_corridor_pandas_parquet(files: list[Path], work: Path) -> dict[str, object]:
    return _pandas_query(_parquet_frames(work), False, ("CHN", "RUS"))


def task_hs4_pandas_parquet(files: list[Path], work: Path) -> dict[str, object]:
    return _pandas_query(_parquet_frames(work), True, ("CHN", "RUS"))


def _checksum(frame: object, year: str) -> dict[str, object]:
    """Total value per year (USD bn, rounded): ours and pandas' must agree."""
    totals = frame.groupby(year)["value"].sum()  # type: ignore[attr-defined]
    return {"bn_usd_by_year": {str(int(y)): round(float(v) / 1e9, 3) for y, v in totals.items()}}


TASKS: dict[str, Callable[[list[Path], Path], dict[str, object]]] = {
    name.removeprefix("task_"): function for name, function in globals().items()
    if name.startswith("task_")
}


def run_task(name: str, files: list[Path], work: Path) -> dict[str, object]:
    """Run one task in this process and measure it (imports are done before the clock starts,
    for ours and pandas alike: they are the same whatever the data size)."""
    import ibis.backends.duckdb  # noqa: F401  (Ibis loads its backend lazily, ~1 s)
    import pandas  # noqa: F401
    import shadowtrade.analysis.flows  # noqa: F401
    import shadowtrade.sources.loader  # noqa: F401

    load_before = [round(x, 2) for x in os.getloadavg()]
    cpu_started = time.process_time()
    started = time.perf_counter()
    with PeakMemory() as memory:
        details = TASKS[name](files, work)
    return {
        "task": name, "wall_seconds": round(time.perf_counter() - started, 3),
        "cpu_seconds": round(time.process_time() - cpu_started, 3),
        "peak_rss_mb": round(max(memory.peak_mb,
                                 resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), 1),
        "load_average_before": load_before,
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        **details,
    }


# -- the driver ------------------------------------------------------------------------------
def in_subprocess(name: str, args: argparse.Namespace) -> dict[str, object]:
    """Run a task in a fresh interpreter; return its measurements."""
    command = [sys.executable, __file__, "--task", name, "--data", str(args.data),
               "--work", str(args.work)] + (["--years", args.years_text] if args.years_text else [])
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"task {name} failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"{name}: {result['wall_seconds']} s, {result['peak_rss_mb']} MB", file=sys.stderr)
    return result


def time_cli(args: argparse.Namespace, by: str) -> float:
    """Wall seconds of the whole ``shadowtrade flows`` command on the benchmark warehouse."""
    command = [str(Path(sys.executable).with_name("shadowtrade")), "--home", str(args.work),
               "flows", "--exporter", "CHN", "--importer", "RUS", "--source", "baci",
               "--by", by, "--json"]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    return round(seconds, 3) if done.returncode == 0 else float("nan")


def versions() -> dict[str, str]:
    import duckdb
    import ibis
    import pandas
    import pyarrow

    return {"duckdb": duckdb.__version__, "ibis": ibis.__version__, "pandas": pandas.__version__,
            "pyarrow": pyarrow.__version__}


def commit() -> str:
    done = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True, check=False)
    return done.stdout.strip() or "unknown"


def ratios(results: dict[str, dict[str, object]]) -> dict[str, float]:
    """Ours against pandas: >1 means ours is better (faster, or less memory)."""
    def r(a: str, b: str, key: str = "wall_seconds") -> float:
        return round(float(results[b][key]) / float(results[a][key]), 2)  # type: ignore[arg-type]

    loads = {}
    if "load_ours" in results:
        loads = {"load_speed_ours_vs_pandas_store": r("load_ours", "load_pandas"),
                 "load_cpu_ours_vs_pandas_store": r("load_ours", "load_pandas", "cpu_seconds"),
                 "load_memory_pandas_over_ours": r("load_ours", "load_pandas", "peak_rss_mb")}
    return {
        **loads,
        "corridor_speed_vs_pandas_csv": r("corridor_ours", "corridor_pandas_csv"),
        "corridor_speed_vs_pandas_parquet": r("corridor_ours", "corridor_pandas_parquet"),
        "hs4_speed_vs_pandas_csv": r("hs4_ours", "hs4_pandas_csv"),
        "hs4_speed_vs_pandas_parquet": r("hs4_ours", "hs4_pandas_parquet"),
        "corridor_memory_pandas_parquet_over_ours": r("corridor_ours", "corridor_pandas_parquet",
                                                      "peak_rss_mb"),
    }


def drive(args: argparse.Namespace) -> dict[str, object]:
    """Run every task, side by side, and assemble the report."""
    files = year_files(args.data, args.years)
    if args.work.exists():
        shutil.rmtree(args.work)
    args.work.mkdir(parents=True)
    report: dict[str, object] = {
        "benchmark": "warehouse", "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": commit(), "machine": machine(), "versions": versions(),
        "data": {"files": [f.name for f in files],
                 "csv_bytes": sum(f.stat().st_size for f in files)},
    }
    setup = "load_ours"
    names = [setup] + [name for name in TASKS if name != "load_ours"]
    results = {name: in_subprocess(name, args) for name in names}
    for name, by in (("corridor_ours", "total"), ("hs4_ours", "hs4")):
        results[name]["cli_seconds"] = time_cli(args, by)
    rows = int(results[setup]["rows"])  # type: ignore[arg-type]
    report["setup"] = setup
    report["data"]["rows"] = rows  # type: ignore[index]
    report["data"]["warehouse_bytes"] = sum(  # type: ignore[index]
        f.stat().st_size for f in args.work.rglob("*") if f.is_file() and "pandas" not in f.parts)
    for name in (setup, "load_pandas", "load_duckdb_copy"):
        results[name]["rows_per_second"] = round(rows / float(results[name]["wall_seconds"]))  # type: ignore[arg-type]
        results[name]["rows_per_cpu_second"] = round(rows / float(results[name]["cpu_seconds"]))  # type: ignore[arg-type]
        results[name]["cpu_us_per_row"] = round(  # type: ignore[index]
            float(results[name]["cpu_seconds"]) * 1e6 / rows, 3)  # type: ignore[arg-type]
    report["tasks"] = results
    report["ratios"] = ratios(results)
    report["agree"] = (results["corridor_ours"]["bn_usd_by_year"]
                       == results["corridor_pandas_csv"]["bn_usd_by_year"]
                       == results["hs4_pandas_parquet"]["bn_usd_by_year"])
    report["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]  # type: ignore[index]
    return report


def parse_years(text: str | None) -> tuple[int, ...] | None:
    """``2017-2023`` as a tuple of years (None: all).

    >>> parse_years("2021-2022")
    (2021, 2022)
    """
    if not text:
        return None
    first, _, last = text.partition("-")
    return tuple(range(int(first), int(last or first) + 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--years", dest="years_text", default=None)
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--keep", action="store_true", help="keep the warehouse and Parquet")
    parser.add_argument("--bulk", action="store_true",
                        help="kept for old command lines: the load is always the real load_file")
    parser.add_argument("--task", choices=sorted(TASKS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.years = parse_years(args.years_text)
    if args.task:
        print(json.dumps(run_task(args.task, year_files(args.data, args.years), args.work)))
        return
    report = drive(args)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M")
    target = args.out / f"warehouse_{stamp}_{report['commit']}.json"
    target.write_text(json.dumps(report, indent=2) + "\n")
    if not args.keep:
        shutil.rmtree(args.work)
    print(json.dumps(report["ratios"], indent=2))
    print(f"written: {target}")


if __name__ == "__main__":
    main()
