"""Benchmark: each evasion detector, a cold ``shadowtrade`` run against a pandas script that reads
the same stored rows, side by side in one run, on synthetic BACI-scale flows (all partners,
7 years, ~77 M rows).

    .venv/bin/python benchmarks/generate_baci.py --out /tmp/detbench/baci       # once, ~4 min
    .venv/bin/python benchmarks/bench_detectors.py --data /tmp/detbench/baci --work /tmp/detbench/work
    .venv/bin/python benchmarks/bench_detectors.py ... --only surges,rerouting --csv

Data: the synthetic BACI release of ``sources/synthetic_baci.py`` is loaded once into a warehouse
(``WORK/home_<years>``) with ``warehouse.ingest.add_flow_rows``, so the rows are stored as the
warehouse stores every load (one Parquet file per load behind the ``flows`` view), and copied to
one Parquet file of the same rows for pandas (``WORK/flows_<years>.parquet``). Each BACI row is treated as the exporter's own report (``reporter =
exporter``) so that re-routing has a sanctioner-reported side; the conduits' own import
statistics (``source = "mirror"``, CIF, importer-reported, also written as ``mirror.csv``) are
added for the mirror-gap detector.

Per detector, each in a fresh process, imports done before the clock for both sides:

* ``summaries``: with the warehouse's cache folder (``HOME/warehouse.derived``, see
  ``warehouse/derived.py``) deleted first, what ``shadowtrade data load`` adds after a load:
  ``build_summaries`` (the per-pair sums re-routing reads), wall and CPU seconds, peak RSS;
* ``ours``: open the warehouse read-only (what every ``shadowtrade detect`` does), run the
  detector, note wall and CPU seconds and peak RSS (``first``: the first run after a load,
  which builds what the detector caches on first use: per-product or per-selection world
  sums for unit-values, group mappings for surges); run it again in the same process
  (``warm``); then the Ibis compile time of its scan expression alone (``compile_s``);
* ``ours_later``: the same cold command in a new process, the cache now in place (``cold``):
  what every later run costs, for any corridor and years, until the next load;
* ``cli``: the whole ``shadowtrade detect ... --json`` command (start-up and imports included),
  for information;
* ``pandas``: the Parquet copy read with pyarrow, only the columns the detector needs (and
  only its years, through ``filters``, where it needs two), strings as categoricals, then
  the same figures with boolean masks, ``merge`` and ``groupby``; ``files_s`` is read +
  compute, ``memory_s`` the compute alone (pandas on frames already in memory);
* ``pandas_csv`` (``--csv``): the same from the BACI CSVs (and ``mirror.csv``) with
  ``usecols`` and dtypes, for information.

The headline figure of both sides is printed and compared (``figures_agree``). Output: one JSON
document (``--out``) with the machine, the load average before each task and every ratio.
With ``--repeat N``, every task of a detector runs N times in turn (the cache folder deleted
before each round): each figure is then the median of the N (``rounds`` keeps them all), as the
first run after a load moves by a third between runs on this machine (3.35 s and 5.10 s, the
same code, one after the other).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from measure import PeakMemory, machine  # noqa: E402

from shadowtrade.warehouse.derived import derived_folder  # noqa: E402

CONDUITS = ("ARM", "GEO", "KAZ", "KGZ", "UZB")
EU27 = ("AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN",
        "IRL", "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP",
        "SWE")
DETECTORS = ("rerouting", "mirror-gap", "unit-values", "surges", "processing")
BASE, LAST = 2021, 2023


# -- the data -----------------------------------------------------------------------------------
def build_flows(data: Path, work: Path, years: tuple[int, int], rebuild: bool) -> tuple[Path, int]:
    """The benchmark's warehouse (``WORK/home``: the flow rows as the warehouse stores them, one
    Parquet file per load behind the ``flows`` view) and a Parquet copy of the same rows for
    pandas; built once per years. Returns the home and the number of rows."""
    from shadowtrade.warehouse import Warehouse
    from shadowtrade.warehouse.ingest import add_flow_rows

    home, parquet = paths(work, years)
    db = home / "warehouse.duckdb"
    if db.exists() and not rebuild:
        with Warehouse(db, read_only=True) as warehouse:
            rows = int(warehouse.sql_rows("SELECT count(*) FROM flows")[0][0])
        if parquet.exists():
            return home, rows
    else:
        rows = _build_home(data, db, years, add_flow_rows, Warehouse)
    with Warehouse(db, read_only=True) as warehouse:
        warehouse.sql_rows(f"COPY flows TO '{parquet}' (FORMAT parquet, COMPRESSION zstd)")
    return home, rows


def _build_home(data: Path, db: Path, years: tuple[int, int], add_flow_rows: Any,
                warehouse_class: Any) -> int:
    """Two loads through ``add_flow_rows``: the BACI rows, then the conduits' own imports."""
    files = [str(data / f"BACI_HS17_Y{y}_V202501.csv") for y in range(years[0], years[1] + 1)]
    missing = [f for f in files if not Path(f).exists()]
    if missing:
        raise SystemExit(f"missing {missing[0]}: run benchmarks/generate_baci.py --out {data}")
    if db.parent.exists():
        import shutil

        shutil.rmtree(db.parent)
    codes = f"read_csv('{data / 'country_codes_V202501.csv'}', header=true)"
    baci = f"""
        SELECT 'baci' AS source, 'HS17' AS dataset, 'V202501' AS release, 'A' AS freq,
               CAST(t AS SMALLINT) AS year, CAST(NULL AS TINYINT) AS month,
               e.country_iso3 AS exporter, m.country_iso3 AS importer,
               e.country_iso3 AS reporter, false AS aggregate, 'HS17' AS hs_revision,
               k AS hs_code, v * 1000 AS value, 'USD' AS currency,
               TRY_CAST(q AS DOUBLE) * 1000 AS quantity, 'kg' AS unit
        FROM read_csv({files!r}, header=true,
                      columns={{'t': 'INTEGER', 'i': 'INTEGER', 'j': 'INTEGER',
                               'k': 'VARCHAR', 'v': 'DOUBLE', 'q': 'VARCHAR'}})
        JOIN {codes} e ON e.country_code = i JOIN {codes} m ON m.country_code = j"""
    mirror = f"""
        SELECT 'mirror' AS source, 'imports-by-partner' AS dataset, 'synthetic' AS release,
               'A' AS freq, year, CAST(NULL AS TINYINT) AS month, exporter, importer,
               importer AS reporter, false AS aggregate, 'TOTAL' AS hs_revision,
               'TOTAL' AS hs_code, sum(value) * 1.05 AS value, 'USD' AS currency,
               CAST(NULL AS DOUBLE) AS quantity, CAST(NULL AS VARCHAR) AS unit
        FROM flows WHERE importer IN {CONDUITS!r} GROUP BY year, exporter, importer"""
    with warehouse_class(db) as warehouse:
        add_flow_rows(warehouse, baci, label="synthetic BACI (benchmark)")
        add_flow_rows(warehouse, mirror, label="conduits' own imports (benchmark)")
        return int(warehouse.sql_rows("SELECT count(*) FROM flows")[0][0])


def paths(work: Path, years: tuple[int, int]) -> tuple[Path, Path]:
    """The benchmark's home and the Parquet copy for pandas."""
    tag = f"{years[0]}_{years[1]}"
    return work / f"home_{tag}", work / f"flows_{tag}.parquet"


def write_mirror_csv(home: Path, work: Path) -> None:
    """The conduits' import totals as a CSV, for the pandas-from-CSV variant."""
    from shadowtrade.warehouse import Warehouse

    mirror = work / "mirror.csv"
    if not mirror.exists():
        with Warehouse(home / "warehouse.duckdb", read_only=True) as warehouse:
            warehouse.sql_rows(f"""COPY (SELECT year, exporter, importer, reporter, value
                                        FROM flows WHERE source = 'mirror')
                                   TO '{mirror}' (HEADER)""")


# -- the detectors, as the library and the CLI run them -----------------------------------------
def cli_args(name: str, years: tuple[int, int]) -> list[str]:
    """The ``shadowtrade detect`` command of each detector (the issue's forms)."""
    span = f"{years[0]}-{years[1]}"
    return {
        "rerouting": ["rerouting", "--target", "RUS", "--sanctioner", "EU27", "--via",
                      ",".join(CONDUITS), "--base", str(BASE), "--year", str(LAST)],
        "mirror-gap": ["mirror-gap", "--exporter", "EU27", "--importer", "KGZ", "--years", span,
                       "--base", str(BASE), "--margin", "0.05"],
        "unit-values": ["unit-values", "--exporter", "CHN", "--importer", "RUS", "--group", "chpl",
                        "--by", "hs6", "--years", span],
        "surges": ["surges", "--exporter", "CHN", "--importer", "RUS", "--group", "chpl",
                   "--base", str(BASE), "--year", str(LAST)],
        "processing": ["processing", "--origin", "RUS", "--via", "CHN", "--input-hs", "2709",
                       "--output-hs", "2710", "--years", span, "--base", str(BASE)],
    }[name]


def detector(name: str, years: tuple[int, int]) -> tuple[Callable[..., Any], Any, Callable[..., Any]]:
    """The detector function, its parameters and the function building its main expression."""
    from shadowtrade.analysis import mirror_gap, processing, rerouting, surges, unit_value

    if name == "rerouting":
        params = rerouting.ReroutingParams("RUS", "EU27", CONDUITS, BASE, LAST)
        return rerouting.detect_rerouting, params, rerouting.partner_sums
    if name == "mirror-gap":
        params = mirror_gap.MirrorGapParams("EU27", "KGZ", years, base=BASE, margin=0.05)
        return mirror_gap.detect_mirror_gap, params, lambda f, p: mirror_gap.mirror_gap_table(
            f, p, 0.05)
    if name == "unit-values":
        params = unit_value.UnitValueParams("CHN", "RUS", years, group="chpl", by="hs6")
        return unit_value.detect_unit_values, params, unit_value.unit_value_table
    if name == "surges":
        params = surges.SurgeParams("CHN", "RUS", "chpl", BASE, LAST)
        return surges.detect_surges, params, surges.corridor_codes
    params = processing.ProcessingParams("RUS", "CHN", ("2709",), ("2710",), years, base=BASE)
    return processing.detect_processing, params, processing.processing_table


def figure(name: str, rows: list[dict[str, Any]]) -> Any:
    """The headline figure both sides compute (rounded), from our result rows."""
    if name == "rerouting":
        return {r["country"]: round(r["growth_sanctioner_to_conduit"], 4) for r in rows}
    if name == "mirror-gap":
        return {str(r["year"]): round(r["gap_fob"]) for r in rows}
    if name == "unit-values":
        with_uv = [r for r in rows if r["unit_value"] is not None]
        return {"rows": len(with_uv), "unit_value_sum": round(sum(r["unit_value"] for r in with_uv), 2),
                "world_corridors_sum": sum(r["world_corridors"] or 0 for r in with_uv)}
    if name == "surges":
        return {r["key"]: round(r["year_value"]) for r in rows}
    return {str(r["year"]): round(r["finished_exports"]) for r in rows}


def task_ours(name: str, home: Path, years: tuple[int, int],
              labels: tuple[str, ...] = ("first", "warm")) -> dict[str, Any]:
    """Cold (open the warehouse read-only, run, the first time in this process), then warm."""
    import ibis

    from shadowtrade.config import load_settings
    from shadowtrade.warehouse.engine import open_flows

    run, params, build = detector(name, years)
    settings = load_settings(home=home)
    out: dict[str, Any] = {}
    for label in labels:
        out[label] = measured(lambda: _run_ours(open_flows, settings, run, params))
    result = out[labels[0]].pop("result")
    for label in labels[1:]:
        out[label].pop("result")
    with open_flows(settings) as flows:
        started = time.process_time()
        ibis.to_sql(build(flows, params))
        out["compile_s"] = round(time.process_time() - started, 3)
    out["figure"] = figure(name, result.rows)
    out["findings"] = len(result.findings)
    return out


def task_summaries(home: Path) -> dict[str, Any]:
    """What ``shadowtrade data load`` adds after loading: the detectors' per-pair sums."""
    from shadowtrade.warehouse import Warehouse
    from shadowtrade.warehouse.derived import build_summaries

    with Warehouse(home / "warehouse.duckdb", read_only=True) as warehouse:
        out = measured(lambda: build_summaries(warehouse))
    out["rows"] = out.pop("result")
    return out


def _run_ours(open_flows: Any, settings: Any, run: Any, params: Any) -> Any:
    with open_flows(settings) as flows:
        return run(flows, params)


def measured(work: Callable[[], Any]) -> dict[str, Any]:
    """Wall and CPU seconds, peak RSS (whole process) and the load average around ``work``."""
    load = round(os.getloadavg()[0], 2)
    with PeakMemory() as memory:
        start = memory.peak
        cpu, wall = time.process_time(), time.perf_counter()
        result = work()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
            "peak_rss_mb": round(memory.peak / 2**20, 1),
            "rss_growth_mb": round((memory.peak - start) / 2**20, 1),
            "load_1min": load, "result": result}


# -- the same, in plain pandas ------------------------------------------------------------------
COLUMNS = {
    "rerouting": ["source", "exporter", "importer", "year", "value"],
    "mirror-gap": ["source", "exporter", "importer", "reporter", "year", "value"],
    "unit-values": ["source", "exporter", "importer", "year", "hs_code", "value", "quantity"],
    "surges": ["source", "exporter", "importer", "year", "hs_code", "value"],
    "processing": ["source", "exporter", "importer", "year", "hs_code", "value"],
}
TWO_YEARS = ("rerouting", "surges")


def read_parquet(name: str, parquet: Path) -> Any:
    """Only the detector's columns (and years), strings straight to categoricals (never as
    millions of Python strings: the careful way, several times faster than ``astype``)."""
    import pyarrow.parquet as pq

    filters = [("year", "in", [BASE, LAST])] if name in TWO_YEARS else None
    table = pq.read_table(parquet, columns=COLUMNS[name], filters=filters)
    return table.to_pandas(strings_to_categorical=True)


def read_csv(name: str, data: Path, work: Path, years: tuple[int, int]) -> Any:
    """The BACI CSVs (and the conduits' ``mirror.csv``) as flow rows: codes to ISO3, x1000."""
    import numpy as np
    import pandas as pd

    codes = pd.read_csv(data / "country_codes_V202501.csv", keep_default_na=False)
    iso3 = pd.Series(codes.country_iso3.values, index=codes.country_code.values)
    wanted = range(BASE, LAST + 1, LAST - BASE) if name in TWO_YEARS else range(years[0], years[1] + 1)
    usecols = ["t", "i", "j", "v"] + (["k"] if "hs_code" in COLUMNS[name] else []) + (
        ["q"] if "quantity" in COLUMNS[name] else [])
    frames = []
    for year in wanted:
        raw = pd.read_csv(data / f"BACI_HS17_Y{year}_V202501.csv", usecols=usecols,
                          dtype={"t": np.int16, "i": np.int32, "j": np.int32, "k": str,
                                 "v": np.float64, "q": np.float64}, na_values=["NA"])
        frame = pd.DataFrame({"source": "baci", "year": raw.t,
                              "exporter": raw.i.map(iso3), "importer": raw.j.map(iso3),
                              "value": raw.v * 1000})
        if "k" in raw:
            frame["hs_code"] = raw.k
        if "q" in raw:
            frame["quantity"] = raw.q * 1000
        frame["reporter"] = frame.exporter
        frames.append(frame)
    if name == "mirror-gap":
        frames.append(pd.read_csv(work / "mirror.csv").assign(source="mirror"))
    frame = pd.concat(frames, ignore_index=True)[COLUMNS[name]]
    for column in ("source", "exporter", "importer", "reporter", "hs_code"):
        if column in frame:
            frame[column] = frame[column].astype("category")
    return frame


def _members(group: str, by_tier: bool) -> Any:
    import pandas as pd

    from shadowtrade.analysis.surges import subgroups
    from shadowtrade.reference.groups import group_members

    names = subgroups(group) if by_tier else (group,)
    return pd.concat([group_members(n, "HS17").to_pandas() for n in names])


def pandas_run(name: str, df: Any) -> Any:
    """The straightforward pandas version of one detector; returns the same headline figure."""
    return {"rerouting": _pd_rerouting, "mirror-gap": _pd_mirror_gap,
            "unit-values": _pd_unit_values, "surges": _pd_surges,
            "processing": _pd_processing}[name](df)


def _pd_rerouting(df: Any) -> Any:
    own = df[(df.source == "baci") & df.exporter.isin(EU27) & df.year.isin([BASE, LAST])]
    wide = own.groupby(["importer", "year"], observed=True).value.sum().unstack()
    growth = wide[LAST] / wide[BASE]
    eligible = wide[(wide[BASE] >= 1e8) & ~wide.index.isin([*CONDUITS, "RUS"])]
    _comparison = (eligible[LAST] / eligible[BASE]).median()
    return {c: round(float(growth[c]), 4) for c in CONDUITS}


def _pd_mirror_gap(df: Any) -> Any:
    exp = df[(df.source == "baci") & df.exporter.isin(EU27) & (df.importer == "KGZ")]
    imp = df[(df.source == "mirror") & (df.reporter == "KGZ") & df.exporter.isin(EU27)]
    e = exp.groupby("year").value.sum()
    m = imp.groupby("year").value.sum() / 1.05
    return {str(int(y)): round(float(e[y] - m[y])) for y in e.index}


def _pd_unit_values(df: Any) -> Any:
    import numpy as np

    members = _members("chpl", False)[["hs_code", "weight"]]
    rows = df[(df.source == "baci") & df.hs_code.isin(members.hs_code)]
    rows = rows.merge(members, on="hs_code")
    rows = rows.assign(value=rows.value * rows.weight, quantity=rows.quantity * rows.weight)
    has_q = rows.quantity.fillna(0) > 0
    rows = rows.assign(vq=np.where(has_q, rows.value, 0.0), q=np.where(has_q, rows.quantity, 0))
    mine = (rows.exporter == "CHN") & (rows.importer == "RUS")
    own = rows[mine].groupby(["hs_code", "year"], observed=True)[["vq", "q"]].sum()
    world = rows.groupby(["hs_code", "year"], observed=True)[["vq", "q"]].sum()
    pairs = rows.groupby(["hs_code", "year", "exporter", "importer"], observed=True).size()
    world["corridors"] = pairs.groupby(level=[0, 1], observed=True).size()
    own = own.join(world, rsuffix="_all")
    own["unit_value"] = np.where(own.q > 0, own.vq / own.q.where(own.q > 0), np.nan)
    own["world_uv"] = (own.vq_all - own.vq) / (own.q_all - own.q)
    own["world_corridors"] = own.corridors - 1
    own = own.sort_index()
    own["change"] = own.groupby(level=0).unit_value.pct_change(fill_method=None)
    with_uv = own[own.unit_value.notna()]
    return {"rows": len(with_uv), "unit_value_sum": round(float(with_uv.unit_value.sum()), 2),
            "world_corridors_sum": int(with_uv.world_corridors.sum())}


def _pd_surges(df: Any) -> Any:
    members = _members("chpl", True)
    corridor = df[(df.source == "baci") & (df.exporter == "CHN") & (df.importer == "RUS")
                  & df.year.isin([BASE, LAST])]
    rows = corridor.merge(members, on="hs_code")
    rows = rows.assign(value=rows.value * rows.weight)
    wide = rows.groupby(["group", "year"]).value.sum().unstack()
    _total = corridor.groupby("year").value.sum()
    return {g: round(float(wide.loc[g, LAST])) for g in wide.index}


def _pd_processing(df: Any) -> Any:
    codes = df.hs_code.cat.categories
    inputs = df.hs_code.isin([c for c in codes if c.startswith("2709")])
    outputs = df.hs_code.isin([c for c in codes if c.startswith("2710")])
    baci = df.source == "baci"
    legs = {
        "inputs_from_origin": df[baci & (df.exporter == "RUS") & (df.importer == "CHN") & inputs],
        "finished_exports": df[baci & (df.exporter == "CHN") & (df.importer != "RUS") & outputs],
    }
    sums = {leg: rows.groupby("year").value.sum() for leg, rows in legs.items()}
    return {str(int(y)): round(float(v)) for y, v in sums["finished_exports"].items()}


def task_pandas(name: str, read: Callable[[], Any]) -> dict[str, Any]:
    """Read the stored rows and compute (``files``); the compute alone is ``memory``."""
    timings: dict[str, Any] = {}

    def work() -> Any:
        frame = read()
        timings["read_s"] = round(time.perf_counter() - started, 3)
        timings["frame_mb"] = round(float(frame.memory_usage(deep=True).sum()) / 2**20, 1)
        computing = time.perf_counter()
        result = pandas_run(name, frame)
        timings["memory_s"] = round(time.perf_counter() - computing, 3)
        return result

    started = time.perf_counter()
    files = measured(work)
    return {"files": files, "figure": files.pop("result"), **timings}


# -- the driver ---------------------------------------------------------------------------------
def run_task(args: argparse.Namespace) -> dict[str, Any]:
    """One task in this (fresh) process, imports before the clock."""
    import ibis.backends.duckdb  # noqa: F401  (Ibis loads its backend lazily)
    import pandas  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    import shadowtrade.analysis.mirror_gap  # noqa: F401
    import shadowtrade.analysis.processing  # noqa: F401
    import shadowtrade.analysis.rerouting  # noqa: F401
    import shadowtrade.analysis.surges  # noqa: F401
    import shadowtrade.analysis.unit_value  # noqa: F401
    import shadowtrade.warehouse.engine  # noqa: F401

    years = parse_years(args.years)
    home, parquet = paths(args.work, years)
    if args.task == "summaries":
        return task_summaries(home)
    if args.task == "ours":
        return task_ours(args.detector, home, years)
    if args.task == "ours_later":
        return task_ours(args.detector, home, years, ("cold",))
    if args.task == "pandas":
        return task_pandas(args.detector, lambda: read_parquet(args.detector, parquet))
    return task_pandas(args.detector, lambda: read_csv(args.detector, args.data, args.work, years))


def in_subprocess(args: argparse.Namespace, task: str, name: str) -> dict[str, Any]:
    """Run a task in a fresh interpreter; return what it measured."""
    command = [sys.executable, __file__, "--task", task, "--detector", name, "--data",
               str(args.data), "--work", str(args.work), "--years", args.years]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{task} {name} failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def time_cli(args: argparse.Namespace, name: str, home: Path) -> dict[str, Any]:
    """The whole ``shadowtrade detect ... --json`` command: wall and CPU seconds, peak RSS."""
    command = [str(Path(sys.executable).with_name("shadowtrade")), "--home", str(home),
               "detect", *cli_args(name, parse_years(args.years)), "--json"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = round(os.getloadavg()[0], 2)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    result = {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3), "load_1min": load,
              "exit_code": done.returncode}
    if done.returncode == 0:
        result["figure"] = figure(name, json.loads(done.stdout)["rows"])
    else:
        result["stderr"] = done.stderr[-500:]
    return result


def compare(name: str, entry: dict[str, Any]) -> dict[str, Any]:
    """Ratios (pandas over ours) and whether the goal of the issue is met (by the later cold
    run, the cache in place; the first run's ratios beside it)."""
    ours, theirs = entry["ours"], entry["pandas"]
    cold = entry["ours_later"]["cold"]["wall_s"]
    ratios = {
        "cold_vs_pandas_files": theirs["files"]["wall_s"] / cold,
        "first_vs_pandas_files": theirs["files"]["wall_s"] / ours["first"]["wall_s"],
        "warm_vs_pandas_memory": theirs["memory_s"] / ours["warm"]["wall_s"],
        "cold_cpu_vs_pandas_files_cpu": (theirs["files"]["cpu_s"]
                                         / entry["ours_later"]["cold"]["cpu_s"]),
        "first_cpu_vs_pandas_files_cpu": theirs["files"]["cpu_s"] / ours["first"]["cpu_s"],
    }
    if "pandas_csv" in entry:
        ratios["cold_vs_pandas_csv"] = entry["pandas_csv"]["files"]["wall_s"] / cold
    return {
        "ratios": {key: round(value, 2) for key, value in ratios.items()},
        "under_5_s_cold": cold < 5.0,
        "ten_times_pandas_files": ratios["cold_vs_pandas_files"] >= 10,
        "first_under_5_s": ours["first"]["wall_s"] < 5.0,
        "figures_agree": (ours["figure"] == entry["ours_later"]["figure"] == theirs["figure"]
                          == entry["cli"].get("figure")),
    }


def parse_years(text: str) -> tuple[int, int]:
    """``2017-2023`` as ``(2017, 2023)``.

    >>> parse_years("2017-2023")
    (2017, 2023)
    """
    first, _, last = text.partition("-")
    return int(first), int(last or first)


def drive(args: argparse.Namespace) -> dict[str, Any]:
    years = parse_years(args.years)
    started = time.perf_counter()
    home, rows = build_flows(args.data, args.work, years, args.rebuild)
    if args.csv:
        write_mirror_csv(home, args.work)
    size = sum(path.stat().st_size for path in home.rglob("*") if path.is_file())
    report: dict[str, Any] = {"benchmark": "detectors", "machine": machine(), "rows": rows,
                              "years": list(years), "warehouse_mb": round(size / 2**20),
                              "build_s": round(time.perf_counter() - started, 1), "detectors": {}}
    print(f"{rows:,} flow rows ready", file=sys.stderr, flush=True)
    for name in args.only.split(","):
        rounds = [one_round(args, name, home) for _ in range(args.repeat)]
        entry = {"cli_command": ["shadowtrade", "detect", *cli_args(name, years), "--json"],
                 **medians(rounds)}
        if len(rounds) > 1:
            entry["rounds"] = rounds
        entry.update(compare(name, entry))
        report["detectors"][name] = entry
        summary(name, entry)
    report["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    return report


def one_round(args: argparse.Namespace, name: str, home: Path) -> dict[str, Any]:
    """Every task of one detector once, from a warehouse without its cache folder."""
    shutil.rmtree(derived_folder(home / "warehouse.duckdb"), ignore_errors=True)
    entry = {"summaries": in_subprocess(args, "summaries", name),
             "ours": in_subprocess(args, "ours", name),
             "ours_later": in_subprocess(args, "ours_later", name),
             "cli": time_cli(args, name, home),
             "pandas": in_subprocess(args, "pandas", name)}
    if args.csv:
        entry["pandas_csv"] = in_subprocess(args, "pandas_csv", name)
    return entry


def medians(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The rounds as one: each number the median of its values over the rounds (the same
    key in each), anything else as the first round has it.

    >>> medians([{"a": {"s": 1.0, "n": "x"}}, {"a": {"s": 5.0, "n": "y"}}, {"a": {"s": 2.0}}])
    {'a': {'s': 2.0, 'n': 'x'}}
    """
    first = rounds[0]
    if isinstance(first, dict):
        return {key: medians([r[key] for r in rounds if isinstance(r, dict) and key in r])
                for key in first}
    if isinstance(first, (int, float)) and not isinstance(first, bool):
        return statistics.median(rounds)
    return first


def summary(name: str, entry: dict[str, Any]) -> None:
    ours, later, theirs = entry["ours"], entry["ours_later"]["cold"], entry["pandas"]
    csv = f", CSV {entry['pandas_csv']['files']['wall_s']:.1f} s" if "pandas_csv" in entry else ""
    print(f"{name:12s} summaries {entry['summaries']['wall_s']:.2f} s, "
          f"ours first {ours['first']['wall_s']:.2f} s ({ours['first']['cpu_s']:.1f} "
          f"CPU s), later cold {later['wall_s']:.2f} s ({later['cpu_s']:.2f} CPU s, "
          f"{later['peak_rss_mb']:.0f} MB), warm {ours['warm']['wall_s']:.2f} s, compile "
          f"{ours['compile_s']:.2f} s, CLI {entry['cli']['wall_s']:.1f} s | pandas files "
          f"{theirs['files']['wall_s']:.1f} s ({theirs['files']['peak_rss_mb']:.0f} MB){csv}, "
          f"memory {theirs['memory_s']:.2f} s | x{entry['ratios']['cold_vs_pandas_files']:.1f} "
          f"cold, agree {entry['figures_agree']}", file=sys.stderr, flush=True)
    if "rounds" in entry:
        runs = lambda path: " / ".join(f"{path(r):.2f}" for r in entry["rounds"])  # noqa: E731
        print(f"{'':12s} medians of {len(entry['rounds'])} rounds; ours first "
              f"{runs(lambda r: r['ours']['first']['wall_s'])} s, pandas files "
              f"{runs(lambda r: r['pandas']['files']['wall_s'])} s, first x"
              f"{entry['ratios']['first_vs_pandas_files']:.1f}", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=HERE / "data" / "baci",
                        help="the synthetic BACI CSVs (generate_baci.py --out)")
    parser.add_argument("--work", type=Path, default=HERE / "data" / "detectors",
                        help="where the flows file, its Parquet copy and the home go")
    parser.add_argument("--years", default="2017-2023")
    parser.add_argument("--only", default=",".join(DETECTORS))
    parser.add_argument("--csv", action="store_true", help="also pandas from the BACI CSVs")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "detectors.json")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds per detector; the report gives each figure's median")
    parser.add_argument("--task", choices=["summaries", "ours", "ours_later", "pandas",
                                           "pandas_csv"],
                        help=argparse.SUPPRESS)
    parser.add_argument("--detector", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.task:
        print(json.dumps(run_task(args), default=str))
        return
    report = drive(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
