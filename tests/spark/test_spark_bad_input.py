"""Bad input on ``--engine spark``: a clear error within seconds, never a hung job or a JVM
stack trace. Nothing here starts a JVM: the checks run before Spark does.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from shadowtrade.config import Settings
from shadowtrade.errors import MissingExtraError, NoDataError, ShadowtradeError, UsageError
from shadowtrade.warehouse.engine import check_master, open_flows

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.timeout(60)


def spark_settings(home: Path, data: Path, master: str = "local[2]") -> Settings:
    return Settings(home=home, engine="spark", spark_master=master, spark_data=str(data))


def test_missing_parquet_path(tmp_path: Path) -> None:
    with pytest.raises(NoDataError) as err, open_flows(spark_settings(tmp_path, tmp_path / "no")):
        pass
    assert str(err.value) == (
        f"no Parquet dataset at {tmp_path / 'no'} (no 'flows' folder): write one with "
        f"'shadowtrade data export --format parquet --out {tmp_path / 'no'}' or point "
        "SHADOWTRADE_SPARK_DATA at one")


@pytest.mark.parametrize(("marker", "what"), [
    ("0\n", "has schema version '0'"), (None, "has no SCHEMA_VERSION file"),
])
def test_schema_mismatch(tmp_path: Path, marker: str | None, what: str) -> None:
    data = tmp_path / "export"
    (data / "flows").mkdir(parents=True)
    if marker is not None:
        (data / "SCHEMA_VERSION").write_text(marker)
    with pytest.raises(ShadowtradeError) as err, open_flows(spark_settings(tmp_path, data)):
        pass
    assert str(err.value) == (
        f"the Parquet dataset at {data} {what}; this version of shadowtrade reads schema "
        f"version '1': export it again with 'shadowtrade data export --format parquet --out "
        f"{data} --overwrite'")


def test_unreachable_master() -> None:
    with pytest.raises(ShadowtradeError) as err:
        check_master("spark://127.0.0.1:1", timeout=2)
    assert str(err.value).startswith("cannot reach the Spark master spark://127.0.0.1:1: "
                                     "nothing answers at 127.0.0.1:1 (")
    assert str(err.value).endswith("within 2 s. Is the cluster up? Check --spark-master, or use "
                                   "--spark-master local[2] to run on this machine")


@pytest.mark.parametrize("master", ["spark://nohost", "sparc://h:7077"])
def test_malformed_master(master: str) -> None:
    with pytest.raises(UsageError, match=f"invalid Spark master '{master}'"):
        check_master(master)


def test_missing_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, export_dir: Path) -> None:
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)  # as if PySpark were not installed
    with pytest.raises(MissingExtraError) as err, open_flows(spark_settings(tmp_path, export_dir)):
        pass
    assert str(err.value) == ("--engine spark needs the optional extra 'spark': "
                              "pip install 'shadowtrade[spark]'")


def test_cli_unreachable_master_is_one_line(tmp_path: Path, export_dir: Path) -> None:
    env = {**os.environ, "SHADOWTRADE_HOME": str(tmp_path),
           "SHADOWTRADE_SPARK_DATA": str(export_dir)}
    command = [sys.executable, "-m", "shadowtrade", "--engine", "spark", "--spark-master",
               "spark://127.0.0.1:1", "flows", "--exporter", "CHN", "--importer", "RUS"]
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: cannot reach the Spark master spark://127.0.0.1:1")
    assert "Traceback" not in result.stderr and "java" not in result.stderr.lower()


def test_cli_missing_dataset_is_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "SHADOWTRADE_HOME": str(tmp_path)}
    command = [sys.executable, "-m", "shadowtrade", "--engine", "spark", "detect", "rerouting",
               "--target", "RUS", "--via", "ARM", "--base", "2021", "--year", "2023"]
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 4
    assert result.stderr.startswith(f"Error: no Parquet dataset at {tmp_path / 'export'}")
