"""The synthetic BACI generator: BACI's layout and codes, loadable with no quarantine, seeded.

Country codes come from the real ``country_codes_V202501.csv`` in ../shared/data and HS codes
from the package's HS17 list, so every generated row must pass the real BACI reader.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pytest

from shadowtrade.reference.hs import known_codes
from shadowtrade.sources.loader import load_file
from shadowtrade.sources.synthetic_baci import (
    SyntheticSpec,
    write_release,
    write_year,
    year_table,
)
from shadowtrade.warehouse import Warehouse

TINY = 0.0005  # about 5,500 rows a year


@pytest.fixture(scope="module")
def real_codes(shared_data: Path) -> Path:
    return shared_data / "trade/countries/baci_country_codes_V202501.csv"


@pytest.fixture(scope="module")
def spec(real_codes: Path) -> SyntheticSpec:
    return SyntheticSpec(years=(2022, 2023), scale=TINY, country_codes=real_codes)


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory, spec: SyntheticSpec) -> list[Path]:
    """The tiny release, written once for the module."""
    return write_release(tmp_path_factory.mktemp("release"), spec)


def read_year(path: Path) -> pa.Table:
    """A written year as Arrow, codes and quantities kept as text."""
    return pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
        column_types={"i": pa.int32(), "j": pa.int32(), "k": pa.string(), "q": pa.string()}))


@pytest.fixture(scope="module")
def year_2022(release: list[Path]) -> pa.Table:
    return read_year(release[1])


def test_writes_the_files_of_a_release(release: list[Path]) -> None:
    names = [path.name for path in release]
    assert names == ["country_codes_V202501.csv", "BACI_HS17_Y2022_V202501.csv",
                     "BACI_HS17_Y2023_V202501.csv"]
    lines = release[1].read_text().splitlines()
    assert lines[0] == "t,i,j,k,v,q"
    assert 5_000 < len(lines) - 1 < 6_000
    assert all(len(line.split(",")) == 6 for line in lines[:100])


def test_codes_are_real_baci_and_hs17_codes(year_2022: pa.Table, real_codes: Path) -> None:
    table = year_2022
    with open(real_codes, encoding="utf-8") as handle:
        countries = {int(row["country_code"]) for row in csv.DictReader(handle)}
    assert set(pc.unique(table["i"]).to_pylist()) <= countries
    assert set(pc.unique(table["j"]).to_pylist()) <= countries
    assert set(pc.unique(table["k"]).to_pylist()) <= known_codes("HS17")
    assert pc.all(pc.not_equal(table["i"], table["j"])).as_py()


def test_cells_are_distinct_and_sorted_like_baci(release: list[Path]) -> None:
    table = read_year(release[2])
    keys = (table["i"].to_numpy().astype(np.int64) * 1000
            + table["j"].to_numpy()) * 1_000_000 + pc.cast(table["k"], "int64").to_numpy()
    assert len(np.unique(keys)) == table.num_rows
    assert (np.diff(keys) > 0).all()


def test_skewed_towards_big_traders_and_has_china_to_russia(year_2022: pa.Table) -> None:
    table = year_2022
    exporters = table["i"].to_numpy()
    counts = np.bincount(exporters)
    top_share = np.sort(counts)[-10:].sum() / counts.sum()
    assert top_share > 0.3  # ten of ~238 exporters hold far more than 10/238 of the rows
    assert int(np.argmax(counts)) == 156  # China, the largest exporter
    corridor = pc.and_(pc.equal(table["i"], 156), pc.equal(table["j"], 643))
    assert pc.sum(corridor).as_py() > 0


def test_quantity_missing_in_about_two_percent_as_na(year_2022: pa.Table) -> None:
    table = year_2022
    share = pc.mean(pc.cast(pc.equal(table["q"], "NA"), "int8")).as_py()
    assert 0.005 < share < 0.04


@pytest.mark.slow  # two more generations: ~5 s alone, far more on a busy machine
def test_deterministic_per_seed_and_year(tmp_path: Path, spec: SyntheticSpec,
                                         release: list[Path]) -> None:
    alone = SyntheticSpec(years=(2023,), scale=TINY, country_codes=spec.country_codes)
    assert write_year(tmp_path, 2023, alone).read_bytes() == release[2].read_bytes()
    other = SyntheticSpec(years=(2023,), scale=TINY, seed=7, country_codes=spec.country_codes)
    assert not year_table(2023, other).equals(read_year(release[2]))


def test_loads_through_the_baci_reader_with_no_quarantine(tmp_path: Path,
                                                          release: list[Path]) -> None:
    paths = release
    with Warehouse(tmp_path / "w.duckdb") as warehouse:
        results = [load_file(warehouse, path) for path in paths[1:]]
        loaded = warehouse.sql_rows("SELECT count(*), min(year), max(year) FROM flows")[0]
    assert [r.quarantined for r in results] == [0, 0]
    assert loaded == (sum(r.rows for r in results), 2022, 2023)
    assert all(r.release == "V202501" and r.source == "baci" for r in results)


def test_zipped_release_is_laid_out_like_cepii_and_loads(tmp_path: Path) -> None:
    spec = SyntheticSpec(years=(2021,), scale=TINY / 5, zipped=True)  # package country table
    (archive,) = write_release(tmp_path, spec)
    assert archive.name == "BACI_HS17_V202501.zip"
    with zipfile.ZipFile(archive) as opened:
        assert opened.namelist() == ["country_codes_V202501.csv", "BACI_HS17_Y2021_V202501.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["BACI_HS17_V202501.zip"]
    with Warehouse(tmp_path / "w.duckdb") as warehouse:
        result = load_file(warehouse, archive)
    assert result.quarantined == 0 and result.rows > 500
