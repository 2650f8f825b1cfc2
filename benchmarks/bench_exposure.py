"""Benchmark: ``regimes exposure`` (Ibis join on code-level rule coverage) against a per-row Python
evaluation of the same rules, in the same run, on a synthetic 7-year corridor.

    .venv/bin/python benchmarks/bench_exposure.py                  # BACI-scale corridor
    .venv/bin/python benchmarks/bench_exposure.py --copies 25      # ~1 M rows (transaction scale)
    .venv/bin/python benchmarks/bench_exposure.py --world-scale 0.1   # all pairs, lead's generator
    .venv/bin/python benchmarks/bench_exposure.py --generator mymodule:function

The synthetic corridor has one row per HS17 code and year (what BACI holds for a large corridor
such as China -> Russia, ~5,400 codes a year), times ``--copies`` (to imitate finer data). Values
are random; only the codes, years and row count matter for timing. ``--generator`` swaps in any
function ``(exporter, importer, years, copies, seed) -> pyarrow.Table`` with the flows columns
(``--world-scale`` does this with the warehouse issue's BACI generator, every country pair).
``rows`` is the corridor's row count; ``table_rows`` the whole flows table.

The baseline judges each row in Python with the same matching code (``match_in_revision``,
``status_of``) and keeps the strongest status per authority; it runs on a sample of rows and its
rows/s is extrapolated (a full run would take minutes). A second baseline calls the public
``check_flow`` per row (what a script over the library would do; explanations included).
Output: one JSON document.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from shadowtrade.analysis.exposure import _COVERAGE_CACHE, corridor_exposure
from shadowtrade.reference.hs import known_codes
from shadowtrade.rules.evaluate import FlowQuery, check_flow
from shadowtrade.rules.loader import load_rulebook
from shadowtrade.rules.matching import match_in_revision, status_of
from shadowtrade.warehouse import Warehouse, add_flow_rows

Generator = Callable[[str, str, tuple[int, int], int, int], pa.Table]


def synthetic_corridor(
    exporter: str, importer: str, years: tuple[int, int], copies: int = 1, seed: int = 7
) -> pa.Table:
    """Every HS17 code in every year, ``copies`` times, with random values (USD)."""
    codes = np.array(sorted(known_codes("HS17")))
    span = np.arange(years[0], years[1] + 1)
    code_col = np.tile(np.repeat(codes, copies), len(span))
    year_col = np.repeat(span, len(codes) * copies).astype("int16")
    rng = np.random.default_rng(seed)
    n = len(code_col)
    const = lambda v: pa.array([v] * n)  # noqa: E731
    return pa.table({
        "source": const("baci"), "dataset": const("HS17"), "release": const("SYNTH"),
        "freq": const("A"), "year": pa.array(year_col), "month": pa.nulls(n, pa.int8()),
        "exporter": const(exporter), "importer": const(importer), "reporter": const("BACI"),
        "aggregate": pa.array(np.zeros(n, dtype=bool)), "hs_revision": const("HS17"),
        "hs_code": pa.array(code_col), "value": pa.array(rng.lognormal(10, 2, n)),
        "currency": const("USD"), "quantity": pa.nulls(n, pa.float64()), "unit": pa.nulls(n, pa.string()),
        "load_id": pa.array(np.ones(n, dtype="int32")),
    })


def baci_world(scale: float) -> Generator:
    """The warehouse issue's synthetic BACI (every country pair, ``scale`` x ~11 M rows a year),
    as flows rows: the exposure query must find its corridor among all of them."""

    def generate(exporter: str, importer: str, years: tuple[int, int], copies: int, seed: int) -> pa.Table:
        from shadowtrade.sources.synthetic_baci import SyntheticSpec, year_table

        numeric = {"CHN": 156, "RUS": 643}
        spec = SyntheticSpec(years=tuple(range(years[0], years[1] + 1)), scale=scale, seed=seed)
        parts = [year_table(year, spec) for year in spec.years]
        raw = pa.concat_tables(parts)
        names = {v: k for k, v in numeric.items()}
        i = raw["i"].to_numpy()
        j = raw["j"].to_numpy()
        n = raw.num_rows
        const = lambda v: pa.array([v] * n)  # noqa: E731
        iso = np.vectorize(lambda c: names.get(int(c), f"N{int(c)}"))
        return pa.table({
            "source": const("baci"), "dataset": const("HS17"), "release": const("SYNTH"),
            "freq": const("A"), "year": raw["t"], "month": pa.nulls(n, pa.int8()),
            "exporter": pa.array(iso(i)), "importer": pa.array(iso(j)), "reporter": const("BACI"),
            "aggregate": pa.array(np.zeros(n, dtype=bool)), "hs_revision": const("HS17"),
            "hs_code": raw["k"].cast(pa.string()), "value": pa.array(raw["v"].to_numpy() * 1000.0),
            "currency": const("USD"), "quantity": pa.nulls(n, pa.float64()),
            "unit": pa.nulls(n, pa.string()), "load_id": pa.array(np.ones(n, dtype="int32")),
        })

    generate.__name__ = f"baci_world(scale={scale})"
    return generate


def load_generator(spec: str | None) -> Generator:
    """``module:function`` or the built-in synthetic corridor."""
    if not spec:
        return synthetic_corridor
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def per_row_python(rows: list[dict], exporter: str, importer: str) -> dict[tuple, float]:
    """The baseline: judge each row against each rule in Python; strongest status per authority."""
    book = load_rulebook()
    rules = [r for r in book.for_target("RU") if r.evaluates_flows and r.applies_in("to_target")]
    totals: dict[tuple, float] = {}
    for row in rows:
        best: dict[str, tuple[int, str, float]] = {}
        for rule in rules:
            if rule.effective.days_in_year(int(row["year"])) == 0:
                continue
            found = match_in_revision(rule, row["hs_code"], row["hs_revision"])
            if found is None:
                continue
            status = status_of(rule, found)
            if status.rank > best.get(rule.authority, (0, "", 0.0))[0]:
                best[rule.authority] = (status.rank, status.value, found.share or 1.0)
        for authority, (_, status, share) in best.items():
            key = (row["year"], authority, status)
            totals[key] = totals.get(key, 0.0) + row["value"] * share
    return totals


def per_row_check_flow(rows: list[dict], exporter: str, importer: str) -> dict[tuple, float]:
    """A second baseline: a script calling the public ``check_flow`` once per row."""
    totals: dict[tuple, float] = {}
    for row in rows:
        query = FlowQuery(exporter, importer, row["hs_code"], dt.date(int(row["year"]), 12, 31), row["hs_revision"])
        best: dict[str, tuple[int, str]] = {}
        for finding in check_flow(query).findings:
            if finding.status.rank > best.get(finding.rule.authority, (0, ""))[0]:
                best[finding.rule.authority] = (finding.status.rank, finding.status.value)
        for authority, (_, status) in best.items():
            key = (row["year"], authority, status)
            totals[key] = totals.get(key, 0.0) + row["value"]
    return totals


def rss_mb() -> float:
    """Resident memory of this process in MB."""
    try:
        import psutil

        return float(psutil.Process().memory_info().rss) / 2**20
    except ImportError:  # pragma: no cover
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(copies: int, sample: int, generator: Generator) -> dict:
    years = (2017, 2023)
    table = generator("CHN", "RUS", years, copies, 7)
    with tempfile.TemporaryDirectory() as folder, Warehouse(Path(folder) / "bench.duckdb") as wh:
        add_flow_rows(wh, table, label="synthetic CHN-RUS flows")
        load_rulebook()
        before = rss_mb()
        started = time.perf_counter()
        corridor_exposure(wh.table("flows"), "CHN", "RUS", years, "baci")
        cold = time.perf_counter() - started
        _COVERAGE_CACHE.clear()
        started = time.perf_counter()
        corridor_exposure(wh.table("flows"), "CHN", "RUS", years, "baci")
        warm = time.perf_counter() - started
        started = time.perf_counter()
        report = corridor_exposure(wh.table("flows"), "CHN", "RUS", years, "baci")
        cached = time.perf_counter() - started
        peak = rss_mb()
    table_rows = table.num_rows
    corridor = table.filter(pc.and_(pc.equal(table["exporter"], "CHN"), pc.equal(table["importer"], "RUS")))
    rows = corridor.num_rows
    picks = np.random.default_rng(1).choice(rows, size=min(sample, rows), replace=False)
    sampled = corridor.take(pa.array(picks)).select(["year", "hs_code", "hs_revision", "value"]).to_pylist()
    started = time.perf_counter()
    per_row_python(sampled, "CHN", "RUS")
    baseline = time.perf_counter() - started
    baseline_rps = len(sampled) / baseline
    few = sampled[: max(1, len(sampled) // 10)]
    started = time.perf_counter()
    per_row_check_flow(few, "CHN", "RUS")
    checked = time.perf_counter() - started
    check_rps = len(few) / checked
    return {
        "benchmark": "regimes exposure, one corridor (CHN->RUS), 7 years, all encoded rules",
        "commit": _commit(),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count()},
        "data": {"rows": rows, "table_rows": table_rows, "years": list(years),
                 "copies_per_code_year": copies,
                 "generator": getattr(generator, "__module__", "?") + ":" + getattr(generator, "__name__", "?")},
        "vectorised": {
            "seconds_cold": round(cold, 3),
            "seconds_warm": round(warm, 3),
            "seconds_coverage_cached": round(cached, 3),
            "rows_per_second_cold": round(rows / cold),
            "rows_per_second_warm": round(rows / warm),
            "rows_per_second_coverage_cached": round(rows / cached),
            "rss_mb_before": round(before, 1),
            "rss_mb_after": round(peak, 1),
            "exposure_entries": len(report["exposure"]),
        },
        "per_row_python": {
            "rows_sampled": len(sampled),
            "seconds": round(baseline, 3),
            "rows_per_second": round(baseline_rps),
            "extrapolated_seconds_all_rows": round(rows / baseline_rps, 1),
        },
        "per_row_check_flow": {
            "rows_sampled": len(few),
            "seconds": round(checked, 3),
            "rows_per_second": round(check_rps),
            "extrapolated_seconds_all_rows": round(rows / check_rps, 1),
        },
        "ratio_cold": round((rows / cold) / baseline_rps, 1),
        "ratio_warm": round((rows / warm) / baseline_rps, 1),
        "ratio_coverage_cached": round((rows / cached) / baseline_rps, 1),
        "ratio_warm_vs_check_flow": round((rows / warm) / check_rps, 1),
        "legend": {
            "cold": "first call in a fresh process: reads HS concordances, builds rule coverage",
            "warm": "concordances in memory, rule coverage rebuilt (a second corridor)",
            "coverage_cached": "same corridor and years again: only the join and aggregation run",
        },
        "goal": "under 2 s for 7 years of one corridor; 100x faster than per-row Python",
    }


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=Path(__file__).parent, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=1, help="Rows per code and year (default 1).")
    parser.add_argument("--sample", type=int, default=3000, help="Rows the per-row baseline judges.")
    parser.add_argument("--generator", help="module:function producing the flows (default built-in).")
    parser.add_argument("--world-scale", type=float,
                        help="Use the synthetic BACI world (all pairs) at this scale, e.g. 0.1.")
    parser.add_argument("--out", type=Path, help="Also write the JSON here.")
    args = parser.parse_args(argv)
    generator = baci_world(args.world_scale) if args.world_scale else load_generator(args.generator)
    result = run(args.copies, args.sample, generator)
    text = json.dumps(result, indent=2)
    sys.stdout.write(text + "\n")
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
