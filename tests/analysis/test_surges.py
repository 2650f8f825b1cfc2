"""Surges of controlled goods: CHPL tiers from China to Russia, planted surges."""

from __future__ import annotations

import ibis.expr.types as ir
import pytest

from shadowtrade.analysis.surges import SurgeParams, detect_surges, subgroups
from shadowtrade.errors import NoDataError, UsageError


def test_cnc_machine_tools_grow_almost_tenfold(flows: ir.Table) -> None:
    result = detect_surges(flows, SurgeParams("CHN", "RUS", "chpl", 2021, 2023))
    tiers = {row["key"]: row for row in result.rows}
    assert tiers["chpl_tier_4b"]["ratio"] == pytest.approx(9.8, abs=0.05)
    assert tiers["chpl_tier_4b"]["base_value"] / 1e6 == pytest.approx(81.9, abs=0.1)
    assert tiers["chpl_tier_4b"]["year_value"] / 1e6 == pytest.approx(802.7, abs=0.1)
    assert tiers["chpl_tier_4b"]["corridor_ratio"] == pytest.approx(110.0 / 69.6, abs=0.01)
    assert [f.subject for f in result.findings] == ["chpl_tier_4b"]
    assert set(tiers) == set(subgroups("chpl"))


def test_breakdown_by_hs6(flows: ir.Table) -> None:
    result = detect_surges(flows, SurgeParams("CHN", "RUS", "chpl_tier_4b", 2021, 2023, by="hs6"))
    codes = {row["key"] for row in result.rows}
    assert codes == {"845710", "845811", "845891", "845961", "846693"}
    assert result.findings[0].subject == "845710"
    # HS6 rows carry whole HS2017 codes; the tier counts codes that map only in part into the
    # HS2022 list (weights 0.94-1.0) with their weight, hence 813.1 here against 802.7
    assert sum(row["year_value"] for row in result.rows) / 1e6 == pytest.approx(813.1, abs=0.1)


def test_finds_the_planted_surge(planted_flows: ir.Table, planted_subjects) -> None:  # type: ignore[no-untyped-def]
    result = detect_surges(planted_flows, SurgeParams("CHN", "RUS", "chpl", 2021, 2023))
    assert {f.subject for f in result.findings} == planted_subjects("surges")


def test_stays_quiet_without_the_pattern(quiet_flows: ir.Table) -> None:
    result = detect_surges(quiet_flows, SurgeParams("CHN", "RUS", "chpl", 2021, 2023))
    assert result.rows and result.findings == []


def test_group_with_no_flows(flows: ir.Table) -> None:
    with pytest.raises(NoDataError) as err:
        detect_surges(flows, SurgeParams("EU27", "KGZ", "chpl", 2021, 2023))
    assert str(err.value) == (
        "no flows of sector group 'chpl' from EU27 to KGZ in 2021 or 2023: the loaded sources may "
        "hold totals only for this corridor (see shadowtrade data status)")


def test_base_year_without_data(flows: ir.Table) -> None:
    with pytest.raises(NoDataError) as err:
        detect_surges(flows, SurgeParams("CHN", "RUS", "chpl", 2015, 2023))
    assert str(err.value) == ("no flows of sector group 'chpl' from CHN to RUS in the base year "
                              "2015: pick a base year with data")


@pytest.mark.parametrize(("args", "message"), [
    (("CHN", "RUS", "chpl_tier_9", 2021, 2023), "unknown sector group 'chpl_tier_9'"),
    (("CHN", "Narnia", "chpl", 2021, 2023), "unknown country 'Narnia'"),
    (("CHN", "RUS", "chpl", 2023, 2023), "base year 2023 must come before the year 2023"),
])
def test_bad_input(args: tuple, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        SurgeParams(*args)
