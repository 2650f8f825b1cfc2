"""Batch screening on Spark gives, row for row, the columns of the local CSV batch."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from shadowtrade.screening.batch import HIT_COLUMNS, screen_csv
from shadowtrade.screening.engine import Screener
from shadowtrade.screening.loading import build_screener
from shadowtrade.screening.spark_batch import screen_parquet
from shadowtrade.warehouse import Warehouse


@pytest.fixture(scope="module")
def screener(real_warehouse: Warehouse) -> Screener:
    return build_screener(real_warehouse)


@pytest.fixture(scope="module")
def names(screener: Screener) -> pd.DataFrame:
    """Listed names as given, lower-cased and with a typo; Korean spellings; clean names; an
    empty name (an error row). Built from the real lists loaded from ../shared/data."""
    captions = [entry.entity["caption"] for entry in screener.index.entries[::97]][:60]
    varied = [c.lower() for c in captions[:20]] + [c[:-1] + "x" for c in captions[20:40]]
    korean = ["Ri Che-son", "Kim Jong Un", "리제선", "Choe Ryong-hae", "Pak Pong Ju"]
    clean = ["Jane Doe", "Acme Trading GmbH", "Maria Garcia Lopez", "Oceanic Star", ""]
    every = captions + varied + korean + clean
    schemata = ["Person" if i % 3 == 0 else "" for i in range(len(every))]
    return pd.DataFrame({"row_id": range(len(every)), "name": every, "schema": schemata})


def _local(screener: Screener, frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = io.StringIO()
    screen_csv(screener, io.StringIO(frame.to_csv(index=False)), out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_batch_screening_parity(spark: Any, screener: Screener, names: pd.DataFrame,
                                tmp_path: Path) -> None:
    source, target = tmp_path / "names.parquet", tmp_path / "hits.parquet"
    names.to_parquet(source, index=False)
    summary = screen_parquet(spark, screener, str(source),
                             str(target))
    spark_rows = pd.read_parquet(target).sort_values("row_id").to_dict(orient="records")
    local_rows = _local(screener, names)
    assert summary.rows == len(names) == len(spark_rows) == len(local_rows)
    for local, remote in zip(local_rows, spark_rows, strict=True):
        assert remote["name"] == local["name"]
        assert {c: remote[c] for c in HIT_COLUMNS} == {c: local[c] for c in HIT_COLUMNS}, \
            local["name"]
    with_hits = sum(row["hit_count"] != "0" for row in local_rows)
    assert summary.rows_with_hits == with_hits >= 40  # the listed names are found
    assert summary.errors == sum(bool(row["error"]) for row in local_rows)


def test_missing_name_column(spark: Any, screener: Screener, tmp_path: Path) -> None:
    source = tmp_path / "names.parquet"
    pd.DataFrame({"full_name": ["x"]}).to_parquet(source)
    with pytest.raises(Exception) as err:
        screen_parquet(spark, screener, str(source), str(tmp_path / "out.parquet"))
    assert str(err.value) == (f"{source}: {source} has no column 'name' (columns found: "
                              "full_name); name the column with --name-column")
