"""Parity on the real data: every analysis and detector gives DuckDB's answer on Spark.

The DuckDB side reads the warehouse; the Spark side reads its Parquet export through
:func:`shadowtrade.warehouse.engine.spark_flows`, the path ``--engine spark`` takes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ibis.expr.types as ir
import pytest
from parity import assert_same, frame_records

from shadowtrade.analysis.exposure import corridor_exposure
from shadowtrade.analysis.flows import FlowQuery, corridor_series
from shadowtrade.analysis.mirror_gap import MirrorGapParams, detect_mirror_gap
from shadowtrade.analysis.processing import ProcessingParams, detect_processing
from shadowtrade.analysis.rerouting import ReroutingParams, detect_rerouting
from shadowtrade.analysis.surges import SurgeParams, detect_surges
from shadowtrade.analysis.unit_value import UnitValueParams, detect_unit_values
from shadowtrade.errors import ShadowtradeError

CONDUITS = ("ARM", "GEO", "KAZ", "KGZ", "UZB")


@pytest.mark.parametrize("query", [
    FlowQuery("CHN", "RUS", (2017, 2023)),
    FlowQuery("CHN", "RUS", (2021, 2023), by="section"),
    FlowQuery("CHN", "RUS", (2021, 2023), by="group"),
    FlowQuery("EU27", "KGZ", (2019, 2023)),
    FlowQuery("EU27", "RUS", (2022, 2023), by="hs2", freq="month"),
], ids=["total", "section", "group", "eu27-group-exporter", "hs2-monthly"])
def test_corridor_series(query: FlowQuery, duck_flows: ir.Table,
                         spark_flows_table: ir.Table) -> None:
    duck = frame_records(corridor_series(duck_flows, query).execute())
    spark = frame_records(corridor_series(spark_flows_table, query).execute())
    if query.by == "total" and query.freq == "year":
        assert duck, "the real data has this corridor: an empty result proves nothing"
    assert_same(duck, spark, f"corridor_series({query})")


def test_corridor_exposure(duck_flows: ir.Table, spark_flows_table: ir.Table) -> None:
    duck = corridor_exposure(duck_flows, "CHN", "RUS", (2021, 2023))
    spark = corridor_exposure(spark_flows_table, "CHN", "RUS", (2021, 2023))
    assert duck["exposure"]
    assert_same(duck, spark, "corridor_exposure")


DETECTORS: list[tuple[str, Callable[[ir.Table, Any], Any], Any]] = [
    ("rerouting", detect_rerouting, ReroutingParams("RUS", "EU27", CONDUITS, 2021, 2023)),
    ("mirror-gap", detect_mirror_gap, MirrorGapParams("EU27", "KGZ", (2019, 2023), base=2021)),
    ("unit-values", detect_unit_values,
     UnitValueParams("CHN", "RUS", (2019, 2023), group="chpl_tier_1")),
    ("surges", detect_surges, SurgeParams("CHN", "RUS", "chpl", 2021, 2023)),
    ("surges-hs6", detect_surges, SurgeParams("CHN", "RUS", "chpl_tier_4b", 2021, 2023, by="hs6")),
]
# The real data holds no processing loop (both engines must then give the same error); the
# planted synthetic flows of ``shadowtrade.sources.planted`` hold one.
HAIR = ProcessingParams("PRK", "CHN", ("6703",), ("6704",), (2017, 2023), base=2021)


@pytest.mark.parametrize(("name", "detector", "params"), DETECTORS,
                         ids=[name for name, _, _ in DETECTORS])
def test_detector(name: str, detector: Callable[[ir.Table, Any], Any], params: Any,
                  duck_flows: ir.Table, spark_flows_table: ir.Table) -> None:
    duck = detector(duck_flows, params).as_dict()
    spark = detector(spark_flows_table, params).as_dict()
    assert duck["rows"], f"{name}: no candidate rows on the real data, the parity proves nothing"
    assert_same(duck, spark, name)


def _outcome(detector: Callable[[ir.Table, Any], Any], flows: ir.Table, params: Any) -> Any:
    try:
        return detector(flows, params).as_dict()
    except ShadowtradeError as err:
        return {"error": type(err).__name__, "message": str(err)}


@pytest.mark.parametrize(("name", "params"), [
    ("rerouting-chpl", ReroutingParams("RUS", "EU27", CONDUITS, 2021, 2023, group="chpl")),
    ("processing", ProcessingParams("PRK", "CHN", ("6703",), ("6704",), (2019, 2023))),
], ids=["rerouting-chpl", "processing"])
def test_same_error_on_both_engines(name: str, params: Any, duck_flows: ir.Table,
                                    spark_flows_table: ir.Table) -> None:
    detector = detect_rerouting if name.startswith("rerouting") else detect_processing
    duck = _outcome(detector, duck_flows, params)
    assert "error" in duck, f"{name} now runs on the real data: move it to DETECTORS"
    assert_same(duck, _outcome(detector, spark_flows_table, params), name)


def test_processing_on_planted_loop(planted_pair: tuple[ir.Table, ir.Table]) -> None:
    duck_planted, spark_planted = planted_pair
    duck = detect_processing(duck_planted, HAIR).as_dict()
    assert duck["findings"], "the planted hair loop must be found"
    assert_same(duck, detect_processing(spark_planted, HAIR).as_dict(), "processing (planted)")
