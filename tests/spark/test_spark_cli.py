"""The commands of the issue on ``--engine spark``, run in this process on the suite's
SparkSession (a running session is reused, never stopped, by a command)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import ibis.expr.types as ir
import pandas as pd
import pytest
from parity import assert_same
from typer.testing import CliRunner

from shadowtrade.analysis.exposure import corridor_exposure
from shadowtrade.analysis.flows import FlowQuery, corridor_series
from shadowtrade.analysis.rerouting import ReroutingParams, detect_rerouting
from shadowtrade.cli.app import app
from shadowtrade.cli.flows import records


@pytest.fixture()
def invoke(spark: Any, export_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("SHADOWTRADE_HOME", str(tmp_path))
    monkeypatch.setenv("SHADOWTRADE_SPARK_DATA", str(export_dir))

    def run(*args: str) -> Any:
        result = CliRunner().invoke(app, ["--engine", "spark", *args])
        assert result.exit_code == 0, (result.output, result.exception)
        return json.loads(result.stdout)
    return run


def _json(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def test_flows_command(invoke: Any, spark: Any, duck_flows: ir.Table) -> None:
    got = invoke("flows", "--exporter", "CHN", "--importer", "RUS", "--years", "2017-2023",
                 "--json")
    expected = records(corridor_series(duck_flows, FlowQuery("CHN", "RUS", (2017, 2023)))
                       .execute())
    assert_same(_json(expected), got, "flows --json")
    assert not spark.sparkContext._jsc.sc().isStopped()  # the command left the session running


def test_rerouting_command(invoke: Any, duck_flows: ir.Table) -> None:
    got = invoke("detect", "rerouting", "--target", "RUS", "--sanctioner", "EU27", "--via",
                 "ARM,GEO,KAZ,KGZ,UZB", "--base", "2021", "--year", "2023", "--json")
    params = ReroutingParams("RUS", "EU27", ("ARM", "GEO", "KAZ", "KGZ", "UZB"), 2021, 2023)
    assert_same(_json(detect_rerouting(duck_flows, params).as_dict()), got, "detect rerouting")


def test_exposure_command(invoke: Any, duck_flows: ir.Table) -> None:
    got = invoke("regimes", "exposure", "--exporter", "CHN", "--importer", "RUS", "--years",
                 "2021-2023", "--json")
    expected = corridor_exposure(duck_flows, "CHN", "RUS", (2021, 2023))
    assert got["exposure"]
    assert_same(_json(expected), got, "regimes exposure")


def test_screen_command(spark: Any, tmp_path: Path, real_warehouse: Any,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    from shadowtrade.cli import screening
    from shadowtrade.screening.loading import build_screener

    engine = build_screener(real_warehouse)
    monkeypatch.setattr(screening, "_engine", lambda datasets: engine)  # the warehouse is open
    monkeypatch.setenv("SHADOWTRADE_HOME", str(tmp_path))
    source, target = tmp_path / "names.parquet", tmp_path / "hits.parquet"
    pd.DataFrame({"name": ["Ri Che-son", "Jane Doe"]}).to_parquet(source)
    result = CliRunner().invoke(app, ["--engine", "spark", "screen", "--input", str(source),
                                      "--name-column", "name", "--output", str(target)])
    assert result.exit_code == 0, (result.output, result.exception)
    hits = pd.read_parquet(target)
    assert list(hits["name"]) == ["Ri Che-son", "Jane Doe"]
    assert hits["hit_count"].tolist()[1] == "0" and hits["hit_count"].tolist()[0] != "0"
