"""The corridor figures issue 2 says must hold on the real data, computed from loaded files."""

from __future__ import annotations

import pandas as pd
import pytest

from shadowtrade.analysis.flows import FlowQuery, corridor_series, top_movers, with_growth
from shadowtrade.errors import UsageError
from shadowtrade.warehouse import Warehouse


def series(warehouse: Warehouse, **query: object) -> pd.DataFrame:
    return corridor_series(warehouse.table("flows"), FlowQuery(**query)).execute()  # type: ignore[arg-type]


def value(frame: pd.DataFrame, year: int, source: str) -> float:
    row = frame[(frame.year == year) & (frame.source == source)]
    assert len(row) == 1, f"expected one {source} row for {year}, got {len(row)}"
    return float(row.value.iloc[0])


def test_baci_china_to_russia_totals(trade_warehouse: Warehouse) -> None:
    frame = series(trade_warehouse, exporter="CHN", importer="RUS", years=(2021, 2023))
    assert round(value(frame, 2021, "baci") / 1e9, 1) == 69.6
    assert round(value(frame, 2022, "baci") / 1e9, 1) == 75.4
    assert round(value(frame, 2023, "baci") / 1e9, 1) == 110.0
    assert set(frame.currency) == {"USD"}


def test_russia_to_china_keeps_both_reports_apart(trade_warehouse: Warehouse) -> None:
    frame = series(trade_warehouse, exporter="RUS", importer="CHN", years=(2023, 2023))
    assert round(value(frame, 2023, "baci") / 1e9, 1) == 129.0
    assert round(value(frame, 2023, "comtrade") / 1e9, 1) == 128.9
    assert sorted(frame.source) == ["baci", "comtrade"]


def test_comtrade_year_is_the_sum_of_twelve_months(trade_warehouse: Warehouse) -> None:
    yearly = series(trade_warehouse, exporter="RUS", importer="CHN", years=(2023, 2023),
                    source="comtrade")
    monthly = series(trade_warehouse, exporter="RUS", importer="CHN", years=(2023, 2023),
                     source="comtrade", freq="month")
    assert len(monthly) == 12
    assert monthly.value.sum() == pytest.approx(yearly.value.iloc[0])
    assert int(yearly.months.iloc[0]) == 12


def test_eurostat_eu27_is_the_sum_of_members(trade_warehouse: Warehouse) -> None:
    kgz = series(trade_warehouse, exporter="EU27", importer="KGZ", years=(2021, 2023),
                 source="eurostat")
    rus = series(trade_warehouse, exporter="EU27", importer="RUS", years=(2021, 2023),
                 source="eurostat")
    assert round(value(kgz, 2021, "eurostat") / 1e9, 2) == 0.26
    assert round(value(kgz, 2023, "eurostat") / 1e9, 2) == 2.73
    assert round(value(rus, 2021, "eurostat") / 1e9, 1) == 89.2
    assert round(value(rus, 2023, "eurostat") / 1e9, 1) == 38.2


def test_eu27_members_match_eurostats_own_aggregate(trade_warehouse: Warehouse) -> None:
    """Computed independently: the EU27_2020 aggregate rows Eurostat publishes beside members."""
    flows = trade_warehouse.table("flows")
    own = flows.filter((flows.source == "eurostat") & (flows.exporter == "EU27")
                       & (flows.importer == "KGZ") & (flows.year == 2023) & (flows.freq == "M"))
    published = float(own.value.sum().execute())
    ours = series(trade_warehouse, exporter="EU27", importer="KGZ", years=(2023, 2023),
                  source="eurostat")
    assert value(ours, 2023, "eurostat") == pytest.approx(published, rel=1e-9)


def test_atlas_north_korea_exports_to_the_world(trade_warehouse: Warehouse) -> None:
    frame = series(trade_warehouse, exporter="PRK", importer="WLD", years=(2019, 2023),
                   source="atlas")
    assert round(value(frame, 2019, "atlas") / 1e6) == 387
    assert round(value(frame, 2023, "atlas") / 1e6) == 501


def test_composition_by_section_adds_up_to_the_total(trade_warehouse: Warehouse) -> None:
    total = series(trade_warehouse, exporter="CHN", importer="RUS", years=(2023, 2023))
    sections = series(trade_warehouse, exporter="CHN", importer="RUS", years=(2023, 2023),
                      by="section")
    assert sections.value.sum() == pytest.approx(total.value.iloc[0])
    assert sections.iloc[0].section == "XVI"  # machinery leads China's exports to Russia


def test_hs4_breakdown_matches_a_direct_pandas_computation(
    trade_warehouse: Warehouse, shared_data
) -> None:
    raw = pd.read_parquet(shared_data / "trade/flows/baci_hs17_chn_rus_2017_2023.parquet")
    mask = (raw.t == 2022) & (raw.i == 156) & (raw.j == 643) & raw.k.str.startswith("8703")
    expected = raw[mask].v.sum() * 1000
    frame = series(trade_warehouse, exporter="CHN", importer="RUS", years=(2022, 2022), by="hs4")
    assert float(frame[frame.hs == "8703"].value.iloc[0]) == pytest.approx(expected)


def test_chpl_groups_growth_and_unit_values(trade_warehouse: Warehouse) -> None:
    frame = series(trade_warehouse, exporter="CHN", importer="RUS", years=(2021, 2023),
                   by="group", groups=("chpl_tier_4b", "chpl_tier_1"))
    cnc = frame[frame.group == "chpl_tier_4b"].set_index("year").value
    assert round(cnc[2023] / cnc[2021], 1) == 9.8
    ics = frame[frame.group == "chpl_tier_1"].set_index("year").unit_value
    assert ics[2021] == pytest.approx(888, rel=0.01)
    assert ics[2022] == pytest.approx(1457, rel=0.01)


def test_growth_against_a_base_year(trade_warehouse: Warehouse) -> None:
    flows = trade_warehouse.table("flows")
    query = FlowQuery(exporter="EU27", importer="KGZ", years=(2021, 2023), source="eurostat")
    frame = with_growth(corridor_series(flows, query), 2021).execute()
    growth = frame.set_index("year").growth
    assert growth[2021] == pytest.approx(1.0)
    assert round(growth[2023], 1) == 10.4


def test_top_movers_ranks_by_absolute_change(trade_warehouse: Warehouse) -> None:
    flows = trade_warehouse.table("flows")
    query = FlowQuery(exporter="CHN", importer="RUS", years=(2021, 2023), by="hs4")
    movers = top_movers(corridor_series(flows, query), "hs", 2021, 2023, limit=3).execute()
    assert movers.iloc[0].hs == "8703"  # passenger cars
    assert list(movers.change.abs()) == sorted(movers.change.abs(), reverse=True)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"exporter": "CHN", "importer": "RUS", "by": "hs5"},
         "unknown --by 'hs5': use one of total, section, hs2, hs4, hs6, group"),
        ({"exporter": "CHN", "importer": "RUS", "freq": "week"},
         "unknown --freq 'week': use year or month"),
        ({"exporter": "RUS", "importer": "RUS"}, "exporter and importer are both 'RUS'"),
    ],
)
def test_bad_queries_are_refused(query: dict, message: str) -> None:
    with pytest.raises(UsageError) as err:
        FlowQuery(**query)
    assert str(err.value) == message
