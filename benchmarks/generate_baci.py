"""Write a synthetic BACI HS17 release (full scale: 7 years x ~11 M rows, ~2.6 GB of CSV).

    .venv/bin/python benchmarks/generate_baci.py                      # 2017-2023, full scale
    .venv/bin/python benchmarks/generate_baci.py --years 2021-2023 --scale 0.1
    .venv/bin/python benchmarks/generate_baci.py --zip                # one BACI_HS17_V202501.zip

Files go to ``benchmarks/data/baci`` (git-ignored). Years are generated in parallel processes.
The real ``country_codes_V202501.csv`` from ``../shared/data`` is used when it is there.
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from shadowtrade.sources.synthetic_baci import (
    SyntheticSpec,
    pack_zip,
    write_country_codes,
    write_year,
)

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "data" / "baci"
REAL_CODES = HERE.parent.parent / "shared/data/trade/countries/baci_country_codes_V202501.csv"


def parse_years(text: str) -> tuple[int, ...]:
    """``2017-2023`` or ``2021`` as a tuple of years.

    >>> parse_years("2021-2023")
    (2021, 2022, 2023)
    """
    first, _, last = text.partition("-")
    return tuple(range(int(first), int(last or first) + 1))


def generate(out: Path, spec: SyntheticSpec, workers: int) -> list[Path]:
    """Write the release into ``out``; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = [write_country_codes(out, spec)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(write_year, out, year, spec) for year in spec.years]
        for future in futures:
            path = future.result()
            print(f"wrote {path.name} ({path.stat().st_size / 1e6:,.0f} MB)", flush=True)
            written.append(path)
    if spec.zipped:
        return [pack_zip(out / spec.zip_name, written)]
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--years", type=parse_years, default=parse_years("2017-2023"))
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = ~11 M rows a year")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--zip", action="store_true", help="pack everything into one zip")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    spec = SyntheticSpec(years=args.years, scale=args.scale, seed=args.seed, zipped=args.zip,
                         country_codes=REAL_CODES if REAL_CODES.exists() else None)
    started = time.perf_counter()
    written = generate(args.out, spec, args.workers)
    size = sum(path.stat().st_size for path in written)
    print(f"{len(written)} files, {size / 1e9:.2f} GB in {time.perf_counter() - started:.0f} s "
          f"under {args.out}")


if __name__ == "__main__":
    main()
