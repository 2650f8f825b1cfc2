"""Unit values: CHPL integrated circuits China to Russia, the DPRK hair fixture, planted jumps."""

from __future__ import annotations

import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
import pytest

from shadowtrade.analysis.unit_value import UnitValueParams, detect_unit_values
from shadowtrade.errors import NoDataError, UsageError
from shadowtrade.sources.planted import SCHEMA
from shadowtrade.sources.published import published_flows

ORDINARY_CHAPTERS = tuple(f"{chapter:02d}" for chapter in range(1, 84))


def by_year(result) -> dict[int, dict]:  # type: ignore[no-untyped-def]
    return {row["year"]: row for row in result.rows}


def test_integrated_circuits_unit_value_jumps_in_2022(flows: ir.Table) -> None:
    """trade.md: USD 888/kg (2021) -> 1,457/kg (2022). We get 889 -> 1,451: the HS2022 CHPL
    codes are mapped to HS2017 with the Growth Lab weights, applied to value and kilograms
    alike; the note's own mapping is not published, so 1 % is the tolerance."""
    result = detect_unit_values(flows, UnitValueParams("CHN", "RUS", (2019, 2023),
                                                       group="chpl_tier_1"))
    years = by_year(result)
    assert years[2021]["unit_value"] == pytest.approx(888, rel=0.01)
    assert years[2022]["unit_value"] == pytest.approx(1457, rel=0.01)
    assert years[2022]["change_vs_previous"] == pytest.approx(1.64, abs=0.02)
    assert [f.subject for f in result.findings] == ["chpl_tier_1 2022"]
    assert years[2022]["world_corridors"] == 1  # only Russia to China is loaded


def test_hair_products_fixture_jump_is_flagged(as_flows) -> None:  # type: ignore[no-untyped-def]
    result = detect_unit_values(as_flows(published_flows()), UnitValueParams(
        "PRK", "CHN", (2019, 2023), prefixes=("6704",), by="hs4"))
    years = by_year(result)
    assert round(years[2019]["unit_value"], 1) == 17.0
    assert round(years[2023]["unit_value"], 1) == 99.4
    assert len(result.findings) == 1
    assert result.findings[0].headline == (
        "The unit value of 6704 from PRK to CHN rose from USD 17.0/kg in 2019 to USD 99.4/kg "
        "in 2023 (x5.85) [published].")


def test_finds_the_planted_price_jumps(planted_flows: ir.Table, planted_subjects) -> None:  # type: ignore[no-untyped-def]
    result = detect_unit_values(planted_flows, UnitValueParams(
        "CHN", "RUS", (2017, 2023), prefixes=ORDINARY_CHAPTERS, by="hs6"))
    assert {f.subject for f in result.findings} == planted_subjects("unit-values")
    jump = result.findings[0].figures
    assert jump["world_corridors"] >= 5 and jump["relative_change"] > 2


def test_stays_quiet_without_the_pattern(quiet_flows: ir.Table) -> None:
    result = detect_unit_values(quiet_flows, UnitValueParams(
        "CHN", "RUS", (2017, 2023), prefixes=ORDINARY_CHAPTERS, by="hs6"))
    assert len(result.rows) > 200
    assert result.findings == []


def _rows(as_flows, quantities: list[float | None]) -> ir.Table:  # type: ignore[no-untyped-def]
    frame = pd.DataFrame({
        "source": "test", "dataset": "t", "release": "1", "freq": "A",
        "year": list(range(2019, 2019 + len(quantities))), "month": None, "exporter": "PRK",
        "importer": "CHN", "reporter": "CHN", "aggregate": False, "hs_revision": "HS17",
        "hs_code": "670490", "value": 1e6, "currency": "USD", "quantity": quantities,
        "unit": "kg", "load_id": 0})
    return as_flows(pa.Table.from_pandas(frame, schema=SCHEMA, preserve_index=False))


def test_zero_and_missing_quantities_are_a_clear_error(as_flows) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NoDataError) as err:
        detect_unit_values(_rows(as_flows, [0.0, None, 0.0]), UnitValueParams(
            "PRK", "CHN", (2019, 2021), prefixes=("6704",)))
    assert str(err.value) == (
        "no quantities for 6704 from PRK to CHN in 2019-2021: unit values need quantities in "
        "kg (BACI carries them; Eurostat totals and national statistics do not)")


def test_years_without_quantities_get_no_unit_value(as_flows) -> None:  # type: ignore[no-untyped-def]
    result = detect_unit_values(_rows(as_flows, [1000.0, 0.0, 500.0]), UnitValueParams(
        "PRK", "CHN", (2019, 2021), prefixes=("6704",)))
    years = by_year(result)
    assert years[2020]["unit_value"] is None and years[2020]["coverage"] == 0.0
    assert years[2021]["previous_year"] == 2019
    assert years[2021]["change_vs_previous"] == pytest.approx(2.0)


def test_group_with_no_flows(flows: ir.Table) -> None:
    with pytest.raises(NoDataError, match="no trade flows loaded for chpl_tier_1 from EU27 to KGZ"):
        detect_unit_values(flows, UnitValueParams("EU27", "KGZ", (2019, 2023), group="chpl_tier_1"))


@pytest.mark.parametrize(("changes", "message"), [
    ({"group": "chpl_tier_1", "prefixes": ("6704",)}, "give either a sector group"),
    ({}, "give either a sector group"),
    ({"group": "wigs"}, "unknown sector group 'wigs'"),
    ({"group": "chpl_tier_1", "min_change": 0.5}, "--min-change 0.5 must be above 1"),
    ({"prefixes": ("67X4",)}, "invalid HS code '67X4'"),
])
def test_bad_input(changes: dict, message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("(", r"\(")):
        UnitValueParams("CHN", "RUS", (2019, 2023), **changes)


def test_groups_are_mapped_only_into_the_revisions_loaded(flows: ir.Table) -> None:
    """BACI HS17 is the real data's only product-level revision; the others would join nothing."""
    from shadowtrade.analysis.unit_value import revisions_in

    assert "HS17" in revisions_in(flows)
    assert set(revisions_in(flows)) <= {"HS92", "HS96", "HS02", "HS07", "HS12", "HS17", "HS22"}
