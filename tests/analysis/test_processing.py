"""Processing loops (origin laundering): planted DPRK hair loop through China."""

from __future__ import annotations

import ibis.expr.types as ir
import pytest

from shadowtrade.analysis.processing import ProcessingParams, detect_processing
from shadowtrade.errors import NoDataError, UsageError

HAIR = ProcessingParams("PRK", "CHN", ("6703",), ("6704",), (2017, 2023), base=2021)


def test_finds_the_planted_loop(planted_flows: ir.Table, planted_subjects) -> None:  # type: ignore[no-untyped-def]
    result = detect_processing(planted_flows, HAIR)
    assert {f.subject for f in result.findings} == planted_subjects("processing")
    top = result.findings[0].figures
    assert top["loop_growth"] == pytest.approx(5.0, rel=0.1)
    assert top["export_growth"] == pytest.approx(1.5, rel=0.1)
    for leg in ("inputs_to_origin", "finished_from_origin", "finished_exports"):
        assert top[leg] > 0


def test_stays_quiet_without_the_pattern(quiet_flows: ir.Table) -> None:
    result = detect_processing(quiet_flows, HAIR)
    assert len(result.rows) == 7 and result.findings == []


def test_no_loop_trade_in_the_base_year(flows: ir.Table) -> None:
    with pytest.raises(NoDataError) as err:
        detect_processing(flows, ProcessingParams("PRK", "CHN", ("6703",), ("6704",),
                                                  (2019, 2023)))
    assert str(err.value) == (
        "no trade with PRK in the loop products in the base year 2019 (HS 6703+6704 between PRK "
        "and CHN in 2019-2023): pick a base year with data")


def test_nothing_loaded_for_the_codes(flows: ir.Table) -> None:
    with pytest.raises(NoDataError, match="no trade flows loaded for HS 9701\\+9702"):
        detect_processing(flows, ProcessingParams("PRK", "CHN", ("9701",), ("9702",),
                                                  (2019, 2023)))


@pytest.mark.parametrize(("args", "message"), [
    (("PRK", "PRK", ("6703",), ("6704",), (2019, 2023)), "origin and processing country are both 'PRK'"),
    (("PRK", "EU27", ("6703",), ("6704",), (2019, 2023)), "--via must be one country, not the group 'EU27'"),
    (("PRK", "CHN", ("6703",), ("6703",), (2019, 2023)), "input and output HS codes overlap"),
    (("PRK", "CHN", (), ("6704",), (2019, 2023)), "no input hs codes given"),
    (("PRK", "CHN", ("6703",), ("6704",), (2023, 2023)), "base year 2023 must lie in 2023-2023"),
])
def test_bad_input(args: tuple, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        ProcessingParams(*args)
