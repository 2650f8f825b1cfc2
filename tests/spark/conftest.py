"""Fixtures of the Spark suite: ONE ``local[2]`` SparkSession for the whole run, and the real
trade data in both engines (the DuckDB warehouse, and its Parquet export that Spark reads).

Run alone with ``pytest -m spark tests/spark``; tests that need a session are skipped when
PySpark is not installed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ibis.expr.types as ir
import pytest

from shadowtrade.warehouse import Warehouse
from shadowtrade.warehouse.engine import spark_flows, spark_session
from shadowtrade.warehouse.export import export_parquet



def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test of this folder carries the ``spark`` marker."""
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).parent == here:
            item.add_marker(pytest.mark.spark)


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """The suite's only SparkSession: local[2], 4 shuffle partitions, stopped at the end.
    Without PySpark every test that needs it is skipped (the bad-input tests still run)."""
    pytest.importorskip("pyspark", reason="the Spark suite needs the 'spark' extra")
    session = spark_session("local[2]", app_name="shadowtrade-tests")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def real_warehouse(full_warehouse: Warehouse) -> Warehouse:
    """Every real file of ``../shared/data`` (trade and sanctions lists): the suite-wide
    ``full_warehouse`` of ``tests/conftest.py``, loaded once per run."""
    return full_warehouse


@pytest.fixture(scope="session")
def export_dir(real_warehouse: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse exported as the Parquet dataset Spark reads."""
    out = tmp_path_factory.mktemp("spark-export") / "export"
    export_parquet(real_warehouse, out)
    return out


@pytest.fixture(scope="session")
def duck_flows(real_warehouse: Warehouse) -> ir.Table:
    return real_warehouse.table("flows")


@pytest.fixture(scope="session")
def spark_flows_table(spark: Any, export_dir: Path) -> ir.Table:
    return spark_flows(spark, str(export_dir))


@pytest.fixture(scope="session")
def planted_pair(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[ir.Table, ir.Table]:
    """The planted synthetic flows on DuckDB and, written as a Parquet dataset, on Spark."""
    import duckdb
    import ibis
    import pyarrow.parquet as pq

    from shadowtrade.sources.planted import PlantSpec, plant_flows
    from shadowtrade.warehouse.export import SCHEMA_VERSION

    table = plant_flows(PlantSpec()).to_arrow()
    con = duckdb.connect()
    con.register("incoming", table)
    con.execute("CREATE TABLE flows AS SELECT * FROM incoming")
    root = tmp_path_factory.mktemp("planted") / "export"
    (root / "flows").mkdir(parents=True)
    pq.write_table(table, root / "flows" / "part-0.parquet")
    (root / "SCHEMA_VERSION").write_text(SCHEMA_VERSION + "\n")
    return ibis.duckdb.from_connection(con).table("flows"), spark_flows(spark, str(root))
