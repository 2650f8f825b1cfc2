"""Benchmark: each evasion detector (Ibis on DuckDB) against a straightforward pandas version,
in the same run, on synthetic BACI-scale flows (all partners, 7 years, ~77 M rows).

    .venv/bin/python benchmarks/generate_baci.py          # once: the synthetic BACI CSVs
    .venv/bin/python benchmarks/bench_detectors.py        # builds the flows table, then runs
    .venv/bin/python benchmarks/bench_detectors.py --years 2021-2023 --only surges,rerouting

Data: the synthetic BACI release of ``sources/synthetic_baci.py`` (``benchmarks/data/baci``) is
turned into ``flows`` rows once (``benchmarks/data/detectors/flows.duckdb`` and a Parquet copy
for pandas). Each BACI row is treated as the exporter's own report (``reporter = exporter``) so
that re-routing has a sanctioner-reported side; the conduits' own import statistics
(``source = "mirror"``, CIF, importer-reported) are added for the mirror-gap detector.

Ours and the baseline each run in a fresh process; memory is the peak growth of resident
memory while a detector runs (sampled every 20 ms). The pandas baseline loads the Parquet file
once (strings as categoricals, the way a careful pandas user would; load time and frame size
reported apart) and computes the same figures with boolean masks, ``merge`` and ``groupby``. Both sides' headline figure is printed so
the reader can see they agree. Output: one JSON document (``--out``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import platform
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BACI = HERE / "data" / "baci"
WORK = HERE / "data" / "detectors"
CONDUITS = ("ARM", "GEO", "KAZ", "KGZ", "UZB")
EU27 = ("AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN",
        "IRL", "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP",
        "SWE")
DETECTORS = ("rerouting", "mirror-gap", "unit-values", "surges", "processing")


def build_flows(years: tuple[int, int], rebuild: bool) -> tuple[Path, Path, int]:
    """The benchmark's flows table (DuckDB file) and its Parquet copy; built once per years."""
    import duckdb

    WORK.mkdir(parents=True, exist_ok=True)
    tag = f"{years[0]}_{years[1]}"
    db, parquet = WORK / f"flows_{tag}.duckdb", WORK / f"flows_{tag}.parquet"
    if db.exists() and parquet.exists() and not rebuild:
        with duckdb.connect(str(db), read_only=True) as con:
            return db, parquet, int(con.execute("SELECT count(*) FROM flows").fetchone()[0])
    files = [str(BACI / f"BACI_HS17_Y{y}_V202501.csv") for y in range(years[0], years[1] + 1)]
    missing = [f for f in files if not Path(f).exists()]
    if missing:
        raise SystemExit(f"missing {missing[0]}: run benchmarks/generate_baci.py first")
    db.unlink(missing_ok=True)
    with duckdb.connect(str(db)) as con:
        con.execute(f"""CREATE TABLE codes AS SELECT country_code, country_iso3
                        FROM read_csv('{BACI / "country_codes_V202501.csv"}', header=true)""")
        con.execute(f"""
            CREATE TABLE flows AS
            SELECT 'baci' AS source, 'HS17' AS dataset, 'V202501' AS release, 'A' AS freq,
                   CAST(t AS SMALLINT) AS year, CAST(NULL AS TINYINT) AS month,
                   e.country_iso3 AS exporter, m.country_iso3 AS importer,
                   e.country_iso3 AS reporter, false AS aggregate, 'HS17' AS hs_revision,
                   k AS hs_code, v * 1000 AS value, 'USD' AS currency,
                   TRY_CAST(q AS DOUBLE) * 1000 AS quantity, 'kg' AS unit, 0 AS load_id
            FROM read_csv({files!r}, header=true,
                          columns={{'t': 'INTEGER', 'i': 'INTEGER', 'j': 'INTEGER',
                                   'k': 'VARCHAR', 'v': 'DOUBLE', 'q': 'VARCHAR'}})
            JOIN codes e ON e.country_code = i JOIN codes m ON m.country_code = j""")
        con.execute(f"""
            INSERT INTO flows
            SELECT 'mirror', 'imports-by-partner', 'synthetic', 'A', year, NULL, exporter,
                   importer, importer, false, 'TOTAL', 'TOTAL', sum(value) * 1.05, 'USD', NULL,
                   NULL, 0
            FROM flows WHERE importer IN {CONDUITS!r} GROUP BY year, exporter, importer""")
        con.execute(f"COPY flows TO '{parquet}' (FORMAT parquet, COMPRESSION zstd)")
        rows = int(con.execute("SELECT count(*) FROM flows").fetchone()[0])
    return db, parquet, rows


# -- the detectors, as the library runs them ----------------------------------------------------
def ibis_run(name: str, db: str, years: tuple[int, int]) -> Any:
    """Run one detector through the library on the DuckDB file; return its headline figure."""
    import duckdb
    import ibis

    from shadowtrade.analysis import mirror_gap, processing, rerouting, surges, unit_value

    con = duckdb.connect(db, read_only=True)
    flows = ibis.duckdb.from_connection(con).table("flows")
    base, last = max(years[0], 2021), years[1]
    if name == "rerouting":
        result = rerouting.detect_rerouting(flows, rerouting.ReroutingParams(
            "RUS", "EU27", CONDUITS, base, last, min_ratio=1.0, min_excess=0.0))
        return {r["country"]: round(r["growth_sanctioner_to_conduit"], 4) for r in result.rows}
    if name == "mirror-gap":
        result = mirror_gap.detect_mirror_gap(flows, mirror_gap.MirrorGapParams(
            "EU27", "KGZ", years, base=base, margin=0.05))
        return {r["year"]: round(r["gap_fob"]) for r in result.rows}
    if name == "unit-values":
        result = unit_value.detect_unit_values(flows, unit_value.UnitValueParams(
            "CHN", "RUS", years, group="chpl", by="hs6"))
        return {"rows": sum(1 for r in result.rows if r["unit_value"] is not None),
                "unit_value_sum": round(sum(r["unit_value"] or 0 for r in result.rows), 2)}
    if name == "surges":
        result = surges.detect_surges(flows, surges.SurgeParams("CHN", "RUS", "chpl", base, last))
        return {r["key"]: round(r["year_value"]) for r in result.rows}
    result = processing.detect_processing(flows, processing.ProcessingParams(
        "RUS", "CHN", ("2709",), ("2710",), years, base=base))
    return {r["year"]: round(r["finished_exports"]) for r in result.rows}


# -- the same, in plain pandas ------------------------------------------------------------------
def pandas_load(parquet: str) -> Any:
    import pyarrow.parquet as pq

    return pq.read_table(parquet).to_pandas(strings_to_categorical=True)


def _members(group: str, by_tier: bool) -> Any:
    import pandas as pd

    from shadowtrade.analysis.surges import subgroups
    from shadowtrade.reference.groups import group_members

    names = subgroups(group) if by_tier else (group,)
    return pd.concat([group_members(n, "HS17").to_pandas() for n in names])


def pandas_run(name: str, df: Any, years: tuple[int, int]) -> Any:
    """The straightforward pandas version of one detector; returns the same headline figure."""
    import numpy as np

    base, last = max(years[0], 2021), years[1]
    if name == "rerouting":
        own = df[(df.source == "baci") & df.exporter.isin(EU27) & df.year.isin([base, last])]
        wide = own.groupby(["importer", "year"], observed=True).value.sum().unstack()
        growth = wide[last] / wide[base]
        eligible = wide[(wide[base] >= 1e8) & ~wide.index.isin([*CONDUITS, "RUS"])]
        _comparison = (eligible[last] / eligible[base]).median()
        return {c: round(float(growth[c]), 4) for c in CONDUITS}
    if name == "mirror-gap":
        exp = df[(df.source == "baci") & df.exporter.isin(EU27) & (df.importer == "KGZ")]
        imp = df[(df.source == "mirror") & (df.reporter == "KGZ") & df.exporter.isin(EU27)]
        e = exp.groupby("year").value.sum()
        m = imp.groupby("year").value.sum() / 1.05
        return {int(y): round(float(e[y] - m[y])) for y in e.index}
    if name == "unit-values":
        members = _members("chpl", False)[["hs_code", "weight"]]
        rows = df[(df.source == "baci") & df.hs_code.isin(members.hs_code)].merge(
            members, on="hs_code")
        rows = rows.assign(value=rows.value * rows.weight, quantity=rows.quantity * rows.weight)
        has_q = rows.quantity.fillna(0) > 0
        rows = rows.assign(vq=np.where(has_q, rows.value, 0.0), q=np.where(has_q, rows.quantity, 0))
        mine = (rows.exporter == "CHN") & (rows.importer == "RUS")
        own = rows[mine].groupby(["hs_code", "year"], observed=True)[["vq", "q"]].sum()
        world = rows.groupby(["hs_code", "year"], observed=True)[["vq", "q"]].sum()
        own = own.join(world, rsuffix="_all")
        own["unit_value"] = np.where(own.q > 0, own.vq / own.q.where(own.q > 0), np.nan)
        own["world_uv"] = (own.vq_all - own.vq) / (own.q_all - own.q)
        own = own.sort_index()
        own["change"] = own.groupby(level=0).unit_value.pct_change(fill_method=None)
        return {"rows": int(own.unit_value.notna().sum()),
                "unit_value_sum": round(float(own.unit_value.fillna(0).sum()), 2)}
    if name == "surges":
        members = _members("chpl", True)
        corridor = df[(df.source == "baci") & (df.exporter == "CHN") & (df.importer == "RUS")
                      & df.year.isin([base, last])]
        rows = corridor.merge(members, on="hs_code")
        rows = rows.assign(value=rows.value * rows.weight)
        wide = rows.groupby(["group", "year"]).value.sum().unstack()
        _total = corridor.groupby("year").value.sum()
        return {g: round(float(wide.loc[g, last])) for g in wide.index}
    inputs = df.hs_code.isin([c for c in df.hs_code.cat.categories if c.startswith("2709")])
    outputs = df.hs_code.isin([c for c in df.hs_code.cat.categories if c.startswith("2710")])
    baci = df[df.source == "baci"]
    legs = {
        "inputs_from_origin": baci[(baci.exporter == "RUS") & (baci.importer == "CHN") & inputs],
        "finished_exports": baci[(baci.exporter == "CHN") & (baci.importer != "RUS") & outputs],
    }
    sums = {leg: rows.groupby("year").value.sum() for leg, rows in legs.items()}
    return {int(y): round(float(v)) for y, v in sums["finished_exports"].items()}


# -- measuring ---------------------------------------------------------------------------------
class PeakMemory:
    """Samples this process's resident memory every 20 ms; ``peak_mb`` is the growth over start."""

    def __init__(self) -> None:
        import psutil

        self.process = psutil.Process()
        self.start = self.peak = self.process.memory_info().rss
        self.running = False

    def __enter__(self) -> PeakMemory:
        import threading

        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self) -> None:
        while self.running:
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.02)

    def __exit__(self, *exc: object) -> None:
        self.running = False
        self.thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)

    @property
    def peak_mb(self) -> float:
        return (self.peak - self.start) / 2**20


def _ibis_child(names: list[str], db: str, years: tuple[int, int], queue: Any) -> None:
    """Each detector twice (cold: first compile and scan; warm: again), with its memory."""
    out = {}
    for name in names:
        with PeakMemory() as memory:
            first = time.perf_counter()
            figure = ibis_run(name, db, years)
            cold = time.perf_counter() - first
            second = time.perf_counter()
            ibis_run(name, db, years)
            warm = time.perf_counter() - second
        out[name] = {"cold_s": cold, "warm_s": warm, "peak_mb": memory.peak_mb, "figure": figure}
    queue.put(out)


def _pandas_child(names: list[str], parquet: str, years: tuple[int, int], queue: Any) -> None:
    """Load once (timed and measured apart), then each detector's compute with its memory."""
    with PeakMemory() as memory:
        start = time.perf_counter()
        df = pandas_load(parquet)
        load = {"load_s": time.perf_counter() - start, "peak_mb": memory.peak_mb,
                "frame_mb": float(df.memory_usage(deep=True).sum()) / 2**20}
    out: dict[str, Any] = {"_load": load}
    for name in names:
        with PeakMemory() as memory:
            start = time.perf_counter()
            figure = pandas_run(name, df, years)
            out[name] = {"compute_s": time.perf_counter() - start, "peak_mb": memory.peak_mb,
                         "figure": figure}
    queue.put(out)


def measure(task: Callable[..., None], *args: Any) -> dict[str, Any]:
    """Run ``task`` in a fresh process and return what it reports."""
    context = mp.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=task, args=(*args, queue))
    process.start()
    while True:
        try:
            result = queue.get(timeout=5)
            break
        except Exception:  # queue.Empty: is the child still alive?
            if not process.is_alive():
                raise SystemExit(f"{task.__name__} died (exit code {process.exitcode})") from None
    process.join()
    return dict(result)


def machine() -> dict[str, Any]:
    """Where the benchmark ran."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, cwd=HERE).stdout.strip()
    return {"commit": commit, "python": platform.python_version(), "cpus": os.cpu_count(),
            "platform": platform.platform(), "load_average": os.getloadavg(),
            "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--years", default="2017-2023")
    parser.add_argument("--only", default=",".join(DETECTORS))
    parser.add_argument("--out", type=Path, default=HERE / "results" / "detectors.json")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--ibis-only", action="store_true",
                        help="With --merge: re-time our side only, keep the pandas figures.")
    parser.add_argument("--merge", action="store_true",
                        help="Update these detectors' entries in an existing --out file.")
    args = parser.parse_args()
    first, _, last = args.years.partition("-")
    years = (int(first), int(last or first))
    started = time.perf_counter()
    db, parquet, rows = build_flows(years, args.rebuild)
    report: dict[str, Any] = {"benchmark": "detectors", "machine": machine(), "rows": rows,
                              "years": list(years), "build_s": time.perf_counter() - started,
                              "detectors": {}}
    print(f"{rows:,} flow rows ready in {report['build_s']:.0f} s", flush=True)
    names = args.only.split(",")
    ours = measure(_ibis_child, names, str(db), years)
    if args.ibis_only:
        previous = json.loads(args.out.read_text(encoding="utf-8"))
        theirs = {name: previous["detectors"][name]["pandas"] for name in names}
        theirs["_load"] = previous["pandas_load"]
    else:
        theirs = measure(_pandas_child, names, str(parquet), years)
    load = theirs.pop("_load")
    report["pandas_load"] = load
    print(f"pandas load {load['load_s']:.1f} s, frame {load['frame_mb']:.0f} MB", flush=True)
    for name in names:
        mine, base = ours[name], theirs[name]
        entry = {"ibis_duckdb": mine, "pandas": base,
                 "speedup_vs_pandas_compute": base["compute_s"] / mine["warm_s"],
                 "speedup_vs_pandas_with_load": (load["load_s"] + base["compute_s"])
                 / mine["cold_s"],
                 "figures_agree": mine["figure"] == base["figure"]}
        report["detectors"][name] = entry
        print(f"{name:12s} ibis {mine['cold_s']:.2f}s cold / {mine['warm_s']:.2f}s warm, "
              f"+{mine['peak_mb']:.0f} MB | pandas {base['compute_s']:.2f}s, "
              f"+{base['peak_mb']:.0f} MB (after a {load['load_s']:.0f}s, "
              f"{load['frame_mb']:.0f} MB load) | x{entry['speedup_vs_pandas_compute']:.1f} "
              f"compute, x{entry['speedup_vs_pandas_with_load']:.1f} with load", flush=True)
        print(f"    ibis {mine['figure']}\n    pandas {base['figure']}", flush=True)
    if args.merge and args.out.exists():
        previous = json.loads(args.out.read_text(encoding="utf-8"))
        previous["detectors"].update(report["detectors"])
        previous["runs"] = [*previous.get("runs", [previous["machine"]]), report["machine"]]
        report = {**previous, "machine": report["machine"]}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
