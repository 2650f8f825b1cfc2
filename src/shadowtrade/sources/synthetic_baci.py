"""Synthetic data shaped like a CEPII BACI release, at full scale, for benchmarks and tests.

A real BACI HS17 year holds about 11 million ``t,i,j,k,v,q`` rows: a few large exporters and
importers account for most rows, products are unevenly traded, values are heavy-tailed. This
module draws such data with numpy (no Python loop over rows) using the release's real country
codes and the real HS17 codes, and writes it exactly as CEPII lays out a release: one
``BACI_HS17_Y{year}_V{release}.csv`` per year and ``country_codes_V{release}.csv`` beside them,
optionally packed into ``BACI_HS17_V{release}.zip``.

Everything is deterministic given the seed, and each year depends only on the seed and the year,
so generating 2019 alone gives the same rows as generating 2017-2023. ``scale`` shrinks a year
(``scale=0.001`` is about 11,000 rows) for tests.

>>> import tempfile, pathlib
>>> spec = SyntheticSpec(years=(2021,), scale=0.0002)
>>> paths = write_release(pathlib.Path(tempfile.mkdtemp()), spec)
>>> [p.name for p in paths]
['country_codes_V202501.csv', 'BACI_HS17_Y2021_V202501.csv']
>>> 2000 < year_table(2021, spec).num_rows < 2400
True
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from shadowtrade.reference.countries import countries, iso3_from_comtrade
from shadowtrade.reference.hs import known_codes

ROWS_PER_YEAR = 11_000_000  # a real BACI HS17 year (V202501) holds 10.5-11.5 M rows
WORLD_TRADE_2017 = 17.0e9  # thousand USD: world goods trade in 2017 was about USD 17 tn
HEADER = b"t,i,j,k,v,q\n"
COUNTRY_HEADER = ("country_code", "country_name", "country_iso2", "country_iso3")
CHINA, RUSSIA = 156, 643
# Exporters and importers that lead real BACI years (rank 0 is the largest).
TOP_EXPORTERS = (156, 842, 276, 392, 410, 251, 381, 528, 699, 643)
TOP_IMPORTERS = (842, 156, 276, 251, 826, 392, 410, 528, 699, 643)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class SyntheticSpec:
    """What to generate: years, size, seed and the release's names.

    ``country_codes`` is a real ``country_codes_V*.csv`` of a BACI release; without it the
    codes are built from the package's country table (ISO numeric with Comtrade's exceptions).
    """

    years: tuple[int, ...] = tuple(range(2017, 2024))
    scale: float = 1.0
    seed: int = 2025
    release: str = "V202501"
    revision: str = "HS17"
    country_codes: Path | None = None
    missing_quantity: float = 0.02
    zipped: bool = False
    rows_per_year: int = field(default=ROWS_PER_YEAR)

    @property
    def rows(self) -> int:
        """Rows in one generated year."""
        return max(1, int(round(self.rows_per_year * self.scale)))

    def year_name(self, year: int) -> str:
        """``BACI_HS17_Y2021_V202501.csv``."""
        return f"BACI_{self.revision}_Y{year}_{self.release}.csv"

    @property
    def countries_name(self) -> str:
        """``country_codes_V202501.csv``."""
        return f"country_codes_{self.release}.csv"

    @property
    def zip_name(self) -> str:
        """``BACI_HS17_V202501.zip``."""
        return f"BACI_{self.revision}_{self.release}.zip"


# -- reference tables -------------------------------------------------------------------------
def country_rows(path: Path | None = None) -> list[tuple[int, str, str, str]]:
    """(code, name, ISO2, ISO3) of every BACI country, from a release file or the package.

    >>> rows = country_rows()
    >>> (156, 'CHN') in {(code, iso3) for code, _, _, iso3 in rows}
    True
    """
    if path is not None:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return [(int(r["country_code"]), r["country_name"], r["country_iso2"], r["country_iso3"])
                    for r in csv.DictReader(handle)]
    return _package_country_rows()


@lru_cache(maxsize=1)
def _package_country_rows() -> list[tuple[int, str, str, str]]:
    rows = {}
    for country in countries().values():
        if country.numeric is None or len(country.iso3) != 3:
            continue
        if iso3_from_comtrade(str(country.numeric)) != country.iso3:
            continue  # Comtrade uses another number for it (France 251, USA 842 …): below
        rows[country.numeric] = (country.numeric, country.name, country.iso2, country.iso3)
    for code, iso3 in ((251, "FRA"), (579, "NOR"), (699, "IND"), (757, "CHE"), (842, "USA"),
                       (490, "S19")):
        known = countries().get(iso3)
        name = known.name if known else "Other Asia, nes"
        rows[code] = (code, name, known.iso2 if known else "", iso3)
    return sorted(rows.values())


def hs_codes(revision: str = "HS17") -> np.ndarray:
    """The revision's HS6 codes, sorted, as a numpy array of text.

    >>> hs_codes()[:2].tolist()
    ['010121', '010129']
    """
    return np.array(sorted(known_codes(revision)))


# -- drawing ------------------------------------------------------------------------------------
def zipf_weights(codes: np.ndarray, leaders: tuple[int, ...], rng: np.random.Generator,
                 exponent: float = 1.1) -> np.ndarray:
    """Zipf weights over ``codes``: ``leaders`` take the top ranks in order, the rest at random.

    >>> w = zipf_weights(np.array([1, 2, 3]), (3,), np.random.default_rng(0))
    >>> int(np.argmax(w)), round(float(w.sum()), 6)
    (2, 1.0)
    """
    order = rng.permutation(len(codes))
    first = [int(np.flatnonzero(codes == code)[0]) for code in leaders if code in codes]
    ranked = first + [index for index in order.tolist() if index not in set(first)]
    ranks = np.empty(len(codes))
    ranks[ranked] = np.arange(1, len(codes) + 1)
    weights = ranks ** -exponent
    return weights / weights.sum()


def product_weights(count: int, rng: np.random.Generator) -> np.ndarray:
    """Lognormal popularity of products: a few are traded by everyone, many rarely."""
    weights = rng.lognormal(0.0, 1.2, count)
    return weights / weights.sum()


@dataclass(frozen=True)
class _Universe:
    codes: np.ndarray  # BACI country codes
    products: np.ndarray  # HS6 text
    exporters: np.ndarray  # weights per country
    importers: np.ndarray
    goods: np.ndarray  # weights per product
    unit_values: np.ndarray  # thousand USD per tonne, per product


@lru_cache(maxsize=4)
def _universe(spec: SyntheticSpec) -> _Universe:
    rng = np.random.default_rng([spec.seed, 0])
    codes = np.array([row[0] for row in country_rows(spec.country_codes)], dtype=np.int64)
    products = hs_codes(spec.revision)
    return _Universe(
        codes, products,
        zipf_weights(codes, TOP_EXPORTERS, rng, 1.05),
        zipf_weights(codes, TOP_IMPORTERS, rng, 0.95),
        product_weights(len(products), rng),
        rng.lognormal(1.0, 1.5, len(products)),
    )


def _cell_probabilities(universe: _Universe, count: int) -> np.ndarray:
    """Per (exporter, importer) pair, the factor ``x`` such that a product cell exists with
    probability ``min(1, x * goods[k])`` and the expected number of cells is ``count``.

    The factor is ``a * exporter_weight * importer_weight``; ``a`` is found by bisection on the
    expected count, computed exactly from the sorted product weights (no sampling).
    """
    pairs = np.outer(universe.exporters, universe.importers)
    np.fill_diagonal(pairs, 0.0)
    goods = np.sort(universe.goods)
    tail = np.concatenate([[0.0], np.cumsum(goods)])  # tail[m] = sum of the m smallest

    def expected(a: float) -> float:
        x = (a * pairs).ravel()
        x = x[x > 0]
        small = np.searchsorted(goods, 1.0 / x, side="left")  # products with x * g < 1
        return float(np.sum(x * tail[small] + (len(goods) - small)))

    low, high = 0.0, 1.0
    while expected(high) < count and high < 1e30:
        high *= 4.0
    for _ in range(80):
        middle = (low + high) / 2
        low, high = (middle, high) if expected(middle) < count else (low, middle)
    return high * pairs


def _draw_cells(universe: _Universe, count: int,
                rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """About ``count`` distinct (exporter, importer, product) cells, sorted like BACI's files.

    Each possible cell exists with probability ``min(1, factor[i, j] * goods[k])``: big pairs
    trade nearly every product, small ones a handful, as in the real data. The draw goes one
    exporter at a time (238 vectorised steps) by thinning: candidate cells are a Bernoulli
    sample at the row's highest probability, each kept with its own probability over that.
    Its cost follows the number of rows, so a tiny sample is quick.
    """
    factors = _factors(universe, count)
    goods = universe.goods.astype(np.float32)
    cells_per_row = len(universe.codes) * len(goods)
    exporters, importers, products = [], [], []
    for i in range(len(universe.codes)):
        row = factors[i].astype(np.float32)
        j, k = _draw_row(row, goods, cells_per_row, rng)
        exporters.append(np.full(len(j), i, dtype=np.int32))
        importers.append(j)
        products.append(k)
    return np.concatenate(exporters), np.concatenate(importers), np.concatenate(products)


_FACTORS: dict[tuple[int, int], np.ndarray] = {}


def _factors(universe: _Universe, count: int) -> np.ndarray:
    """Per-pair factors with the corridor planted; the same for every year, so computed once."""
    key = (id(universe), count)
    if key not in _FACTORS:
        factors = _cell_probabilities(universe, count)
        _plant_corridor(universe, factors)
        _FACTORS.clear()
        _FACTORS[key] = factors
    return _FACTORS[key]


def _draw_row(row: np.ndarray, goods: np.ndarray, cells: int,
              rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(importer, product) indices drawn for one exporter, sorted."""
    top = min(1.0, float(row.max()) * float(goods.max()))
    if top > 0.02:  # dense: one uniform per cell is cheaper than sampling positions
        chance = row[:, None] * goods[None, :]
        j, k = np.nonzero(rng.random(chance.shape, dtype=np.float32) < chance)
        return j.astype(np.int32), k.astype(np.int32)
    candidates = int(rng.binomial(cells, top)) if top > 0 else 0
    positions = np.sort(rng.choice(cells, candidates, replace=False))
    j, k = np.divmod(positions, len(goods))
    kept = rng.random(len(positions), dtype=np.float32) * top < row[j] * goods[k]
    return j[kept].astype(np.int32), k[kept].astype(np.int32)


def _plant_corridor(universe: _Universe, factors: np.ndarray) -> None:
    """China-Russia trade in both directions always exists, even in a tiny sample."""
    china = np.flatnonzero(universe.codes == CHINA)
    russia = np.flatnonzero(universe.codes == RUSSIA)
    if len(china) and len(russia):
        floor = 20.0 / float(universe.goods.sum())  # about 20 products a year at least
        for i, j in ((china[0], russia[0]), (russia[0], china[0])):
            factors[i, j] = max(factors[i, j], floor)


def year_table(year: int, spec: SyntheticSpec) -> pa.Table:
    """One synthetic BACI year as an Arrow table ``t,i,j,k,v,q`` (``v`` thousand USD, ``q`` t).

    >>> t = year_table(2017, SyntheticSpec(scale=0.0001))
    >>> t.column_names, 900 < t.num_rows < 1300
    (['t', 'i', 'j', 'k', 'v', 'q'], True)
    """
    universe = _universe(spec)
    rng = np.random.default_rng([spec.seed, year])
    i, j, k = _draw_cells(universe, spec.rows, rng)
    value = _values(universe, (i, j, k), year, spec.scale, rng)
    tonnes = np.round(value / universe.unit_values[k] * rng.lognormal(0, 0.3, len(k)), 3)
    missing = rng.random(len(k)) < spec.missing_quantity
    quantity = pc.fill_null(pc.cast(pa.array(tonnes, mask=missing), pa.string()), "NA")
    return pa.table({
        "t": pa.array(np.full(len(k), year, dtype=np.int16)),
        "i": pa.array(universe.codes[i].astype(np.int32)),
        "j": pa.array(universe.codes[j].astype(np.int32)),
        "k": pc.take(pa.array(universe.products), pa.array(k)),
        "v": pa.array(value),
        "q": quantity,
    })


def _values(universe: _Universe, cells: tuple[np.ndarray, np.ndarray, np.ndarray], year: int,
            scale: float, rng: np.random.Generator) -> np.ndarray:
    """Heavy-tailed values in thousand USD, larger for big partners and popular products,
    summing to about world trade (USD 17 tn in 2017, growing 4 % a year) times ``scale``."""
    i, j, k = cells
    size = (np.log(universe.exporters[i]) * 0.6 + np.log(universe.importers[j]) * 0.6
            + np.log(universe.goods[k]) * 0.4)
    raw = np.exp(size + rng.normal(0.0, 1.8, len(k)))
    total = WORLD_TRADE_2017 * 1.04 ** (year - 2017) * scale
    return np.maximum(np.round(raw * (total / raw.sum()), 3), 0.001)


# -- writing -----------------------------------------------------------------------------------
def write_year_csv(table: pa.Table, path: Path) -> Path:
    """Write one year as CEPII does: unquoted header ``t,i,j,k,v,q``, ``NA`` for no quantity."""
    with pa.OSFile(str(path), "wb") as sink:
        sink.write(HEADER)
        pacsv.write_csv(table, sink, pacsv.WriteOptions(
            include_header=False, quoting_style="none", batch_size=1 << 16))
    return path


def write_year(folder: Path, year: int, spec: SyntheticSpec) -> Path:
    """Generate and write ``BACI_{revision}_Y{year}_{release}.csv`` in ``folder``.

    Each year is independent, so years can be written in parallel processes.
    """
    return write_year_csv(year_table(year, spec), folder / spec.year_name(year))


def write_country_codes(folder: Path, spec: SyntheticSpec) -> Path:
    """``country_codes_V{release}.csv`` with the columns of the real file."""
    path = folder / spec.countries_name
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COUNTRY_HEADER)
        writer.writerows(country_rows(spec.country_codes))
    return path


def write_release(folder: Path, spec: SyntheticSpec, progress: Progress | None = None) -> list[Path]:
    """Write the country codes and one CSV per year into ``folder`` (or one zip of them).

    Returns the files written: the country codes first, then the years (or just the zip).
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = [write_country_codes(folder, spec)]
    for year in spec.years:
        if progress:
            progress(f"generating {spec.year_name(year)} (about {spec.rows:,} rows)")
        written.append(write_year(folder, year, spec))
    if spec.zipped:
        return [pack_zip(folder / spec.zip_name, written)]
    return written


def pack_zip(target: Path, members: list[Path]) -> Path:
    """Pack files into a zip like CEPII's (deflated, flat), removing the loose copies."""
    partial = target.with_name(target.name + ".part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for member in members:
            archive.write(member, member.name)
    partial.replace(target)
    for member in members:
        member.unlink()
    return target
