"""Re-routing on the real Eurostat data (the Eurasian roundabout) and on planted data."""

from __future__ import annotations

import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
import pytest

from shadowtrade.analysis.rerouting import ReroutingParams, detect_rerouting
from shadowtrade.errors import NoDataError, UsageError
from shadowtrade.sources.planted import CONDUITS, SCHEMA

VIA = ("ARM", "GEO", "KAZ", "KGZ", "UZB")


def run(flows: ir.Table, **changes: object):  # type: ignore[no-untyped-def]
    params = {"target": "RUS", "sanctioner": "EU27", "conduits": VIA, "base": 2021, "year": 2023}
    params.update(changes)
    return detect_rerouting(flows, ReroutingParams(**params))  # type: ignore[arg-type]


def test_kyrgyzstan_grows_tenfold_while_russia_falls_and_ranks_first(flows: ir.Table) -> None:
    result = run(flows)
    kgz = next(row for row in result.rows if row["country"] == "KGZ")
    # 2.734 / 0.263 = 10.39; trade.md rounds the 2021 figure to 0.26 and writes x10.5
    assert kgz["growth_sanctioner_to_conduit"] == pytest.approx(10.39, abs=0.05)
    assert kgz["growth_sanctioner_to_target"] == pytest.approx(0.428, abs=0.005)
    assert result.findings[0].subject == "KGZ"
    assert [f.subject for f in result.findings][:3] == ["KGZ", "ARM", "KAZ"]
    assert result.parameters["source"] == "eurostat"


def test_conduits_are_compared_with_every_other_partner(flows: ir.Table) -> None:
    kgz = next(row for row in run(flows).rows if row["country"] == "KGZ")
    assert kgz["comparison_partners"] > 100
    assert 1.0 < kgz["comparison_growth"] < 1.4
    assert kgz["did_vs_comparison"] == pytest.approx(2.17, abs=0.05)


def test_json_carries_parameters_figures_and_score(flows: ir.Table) -> None:
    document = run(flows).as_dict()
    assert document["parameters"]["conduits"] == list(VIA)
    first = document["findings"][0]
    for key in ("country", "growth_sanctioner_to_conduit", "growth_sanctioner_to_target",
                "base_value", "year_value", "source", "currency"):
        assert key in first["figures"]
    assert first["score"] == pytest.approx(first["figures"]["score"])
    assert "grew 10.4x from 2021 to 2023" in first["headline"]


def test_finds_the_planted_conduits(planted_flows: ir.Table, planted_subjects) -> None:  # type: ignore[no-untyped-def]
    found = {f.subject for f in run(planted_flows, conduits=CONDUITS).findings}
    assert found == planted_subjects("rerouting") == {"KGZ", "ARM"}


def test_stays_quiet_without_the_pattern(quiet_flows: ir.Table) -> None:
    assert run(quiet_flows, conduits=CONDUITS).findings == []


def test_restricted_goods_against_other_goods(planted_flows: ir.Table) -> None:
    rows = run(planted_flows, conduits=CONDUITS, group="chpl_tier_4b").rows
    kgz = next(row for row in rows if row["country"] == "KGZ")
    assert kgz["restricted_growth"] == pytest.approx(kgz["other_growth"], rel=0.1)
    assert abs(kgz["did_restricted_vs_other"]) < 0.1


def test_unknown_conduit(flows: ir.Table) -> None:
    with pytest.raises(UsageError, match="unknown country 'XYZ'"):
        run(flows, conduits=("KGZ", "XYZ"))


def test_base_year_without_data(flows: ir.Table) -> None:
    with pytest.raises(NoDataError) as err:
        run(flows, base=2005, year=2006)
    assert str(err.value) == (
        "no figures for EU27 exports to RUS in the base year 2005 as reported by EU27: pick a "
        "base year with data (see shadowtrade data status)")


def test_group_without_product_detail(flows: ir.Table) -> None:
    with pytest.raises(NoDataError, match="no flows of sector group 'chpl' from EU27"):
        run(flows, group="chpl")


def test_base_after_year_is_refused() -> None:
    with pytest.raises(UsageError, match="base year 2023 must come before the year 2021"):
        ReroutingParams("RUS", "EU27", VIA, 2023, 2021)


def _dated_member_rows(as_flows):  # type: ignore[no-untyped-def]
    """The UK left the EU on 31 January 2020: its rows count for the EU in 2019 and 2020 only.
    Made-up values; one row per exporter, partner and year, reported by the exporter."""
    rows = [(exporter, importer, year, value)
            for year in (2019, 2021, 2023)
            for exporter, importer, value in (
                ("GBR", "KGZ", 100.0), ("DEU", "KGZ", 100.0 * (year - 2018)),
                ("GBR", "RUS", 50.0), ("DEU", "RUS", 200.0))]
    frame = pd.DataFrame(rows, columns=["exporter", "importer", "year", "value"]).assign(
        source="test", dataset="t", release="1", freq="A", month=None, aggregate=False,
        hs_revision="TOTAL", hs_code="TOTAL", currency="USD", quantity=None, unit=None,
        load_id=0)
    frame["reporter"] = frame.exporter
    return as_flows(pa.Table.from_pandas(frame[SCHEMA.names], schema=SCHEMA,
                                         preserve_index=False))


def test_a_member_that_left_counts_only_while_it_was_one(as_flows) -> None:  # type: ignore[no-untyped-def]
    flows = _dated_member_rows(as_flows)
    across = run(flows, sanctioner="EU", conduits=("KGZ",), base=2019, year=2021, min_ratio=0.0)
    kgz = across.rows[0]  # membership changes between the years: the per-year condition
    assert (kgz["base_value"], kgz["year_value"]) == (200.0, 300.0)
    assert (kgz["target_base_value"], kgz["target_year_value"]) == (250.0, 200.0)
    after = run(flows, sanctioner="EU", conduits=("KGZ",), base=2021, year=2023, min_ratio=0.0)
    kgz = after.rows[0]  # no change within the years: one IN list, the UK left out
    assert (kgz["base_value"], kgz["year_value"]) == (300.0, 500.0)
