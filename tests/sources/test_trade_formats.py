"""Readers on the other official layouts: BACI's release zip and Comtrade's API JSON."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from shadowtrade.sources.catalog import detect_format
from shadowtrade.sources.loader import load_file
from shadowtrade.warehouse import Warehouse


@pytest.fixture(scope="module")
def baci_zip(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    """A zip laid out like CEPII's release, built from the real China–Russia extract."""
    folder = tmp_path_factory.mktemp("baci")
    frame = pd.read_parquet(shared_data / "trade/flows/baci_hs17_chn_rus_2017_2023.parquet")
    path = folder / "BACI_HS17_V202501.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for year in (2021, 2022, 2023):
            rows = frame[frame.t == year]
            archive.writestr(f"BACI_HS17_Y{year}_V202501.csv", rows.to_csv(index=False, na_rep="NA"))
        archive.write(shared_data / "trade/countries/baci_country_codes_V202501.csv",
                      "country_codes_V202501.csv")
    return path


def test_baci_zip_loads_every_year_with_the_zips_codes(
    empty_warehouse: Warehouse, baci_zip: Path
) -> None:
    assert detect_format(baci_zip) == "baci"
    result = load_file(empty_warehouse, baci_zip)
    assert (result.release, result.quarantined) == ("V202501", 0)
    totals = dict(empty_warehouse.sql_rows(
        "SELECT year, sum(value) FROM flows WHERE exporter = 'CHN' GROUP BY year"))
    assert round(totals[2023] / 1e9, 1) == 110.0
    assert sorted(totals) == [2021, 2022, 2023]


def test_baci_csv_needs_its_country_codes(empty_warehouse: Warehouse, tmp_path: Path) -> None:
    lonely = tmp_path / "BACI_HS17_Y2022_V202501.csv"
    lonely.write_text("t,i,j,k,v,q\n2022,156,643,870323,1,1\n")
    with pytest.raises(Exception) as err:
        load_file(empty_warehouse, lonely)
    assert "country_codes_V*.csv was not found" in str(err.value)


def test_comtrade_api_json(empty_warehouse: Warehouse, tmp_path: Path, shared_data: Path) -> None:
    frame = pd.read_csv(shared_data / "trade/flows/comtrade_chn_imports_from_rus_monthly_2017_2024.csv")
    path = tmp_path / "comtrade_response.json"
    path.write_text(json.dumps({"elapsedTime": "1s", "count": len(frame),
                                "data": json.loads(frame.to_json(orient="records"))}))
    result = load_file(empty_warehouse, path, "comtrade")
    assert (result.rows, result.quarantined) == (96, 0)
    value = empty_warehouse.sql_rows(
        "SELECT sum(value) FROM flows WHERE year = 2023 AND exporter = 'RUS' AND importer = 'CHN'")
    assert round(value[0][0] / 1e9, 1) == 128.9


def test_comtrade_json_without_data_is_refused(empty_warehouse: Warehouse, tmp_path: Path) -> None:
    path = tmp_path / "comtrade_error.json"
    path.write_text(json.dumps({"error": "quota exceeded"}))
    with pytest.raises(Exception) as err:
        load_file(empty_warehouse, path, "comtrade")
    assert str(err.value) == f"{path}: expected a Comtrade API response with a 'data' list"
