"""How long a brief takes with everything loaded (issue 6): each example deal assessed and its
HTML rendered, in process with the lists and trade data already loaded; and the country brief.

Usage: .venv/bin/python benchmarks/bench_brief.py [--mirror ../shared/data] [--repeat 5]
Writes benchmarks/results/brief.json and prints a table. Targets: a deal under 2 s, the country
brief under 10 s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import psutil

from shadowtrade.assess.country import brief_country
from shadowtrade.assess.deal import assess_deal
from shadowtrade.reports.brief import render_brief_html
from shadowtrade.screening.loading import build_screener, load_mirror
from shadowtrade.sources.deals import read_deal
from shadowtrade.sources.loader import load_file, mirror_files
from shadowtrade.warehouse import Warehouse

REPO = Path(__file__).resolve().parents[1]


def timed(function, repeat: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Median and worst wall time of ``repeat`` runs."""
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - started)
    return {"median_s": round(statistics.median(seconds), 3), "max_s": round(max(seconds), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mirror", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    warehouse = Warehouse(folder / "warehouse.duckdb")
    started = time.perf_counter()
    for path, fmt in mirror_files(args.mirror):
        load_file(warehouse, path, fmt)
    load_mirror(warehouse, args.mirror)
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    screener = build_screener(warehouse)
    index_seconds = time.perf_counter() - started
    flows = warehouse.table("flows")
    results: dict[str, dict[str, float]] = {}
    for path in sorted((REPO / "examples").glob("*.yaml")):
        deal = read_deal(path)
        results[f"assess {path.stem}"] = timed(
            lambda: render_brief_html(assess_deal(deal, flows, screener)), args.repeat)
    results["brief country PRK"] = timed(lambda: render_brief_html(brief_country("PRK", flows)),
                                         args.repeat)
    report = {
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                                 capture_output=True, text=True).stdout.strip(),
        "machine": {"cores": os.cpu_count(), "ram_gb": round(psutil.virtual_memory().total / 2**30),
                    "python": platform.python_version(),
                    "load_average": os.getloadavg()},
        "setup": {"load_all_data_s": round(load_seconds, 2),
                  "build_screening_index_s": round(index_seconds, 2),
                  "listed_entities": screener.entity_count},
        "results": results,
        "peak_rss_mb": round(psutil.Process().memory_info().rss / 2**20),
        "targets": {"deal_s": 2.0, "country_brief_s": 10.0},
    }
    out = REPO / "benchmarks" / "results" / "brief.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    for name, figures in results.items():
        print(f"{name:50s} median {figures['median_s']:6.3f} s   max {figures['max_s']:6.3f} s")
    print(f"(setup: data {load_seconds:.1f} s, index {index_seconds:.1f} s; written {out})")


if __name__ == "__main__":
    main()
