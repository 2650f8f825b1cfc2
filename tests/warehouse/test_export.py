"""The Parquet export keeps every row, partitioned by source and year (issue 7)."""

from __future__ import annotations

from pathlib import Path

import pyarrow.dataset as ds
import pytest

from shadowtrade.errors import UsageError
from shadowtrade.warehouse import Warehouse
from shadowtrade.warehouse.export import export_parquet


def test_export_keeps_every_row_and_partitions(trade_warehouse: Warehouse, tmp_path: Path) -> None:
    counts = export_parquet(trade_warehouse, tmp_path / "export")
    dataset = ds.dataset(tmp_path / "export" / "flows", format="parquet", partitioning="hive")
    assert dataset.count_rows() == counts["flows"]
    assert counts["flows"] == trade_warehouse.sql_rows("SELECT count(*) FROM flows")[0][0]
    baci_2023 = dataset.to_table(filter=(ds.field("source") == "baci") & (ds.field("year") == 2023)
                                 & (ds.field("exporter") == "CHN"))
    assert round(sum(baci_2023["value"].to_pylist()) / 1e9, 1) == 110.0
    assert (tmp_path / "export" / "flows" / "source=baci" / "year=2023").is_dir()
    assert not (tmp_path / "export.partial").exists()


def test_export_refuses_to_overwrite_silently(trade_warehouse: Warehouse, tmp_path: Path) -> None:
    export_parquet(trade_warehouse, tmp_path / "export")
    with pytest.raises(UsageError) as err:
        export_parquet(trade_warehouse, tmp_path / "export")
    assert "is not empty: choose another --out or add --overwrite" in str(err.value)
    export_parquet(trade_warehouse, tmp_path / "export", overwrite=True)
