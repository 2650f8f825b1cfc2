"""Country and corridor briefs (issue 6)."""

from __future__ import annotations

import pytest

from shadowtrade.assess.country import brief_corridor, brief_country
from shadowtrade.errors import UsageError
from shadowtrade.warehouse import Warehouse


def test_north_korea_brief(full_warehouse: Warehouse) -> None:
    brief = brief_country("PRK", full_warehouse.table("flows"))
    assert brief.verdict == "prohibited"
    un = {f.evidence["direction"]: f for f in brief.legal.findings
          if f.evidence["authority"] == "UN"}
    assert "87" in un["to_target"].evidence["chapters_prohibited"]
    assert "03" in un["from_target"].evidence["chapters_prohibited"]
    exports = {r["year"]: r["value"] for r in brief.trade
               if r["exporter"] == "PRK" and r["source"] == "atlas"}
    assert round(exports[2023] / 1e6) == 501
    assert brief.overlap and brief.overlap["target"] == "KP"


def test_belarus_to_north_korea_corridor_says_what_the_data_cannot_show(
    full_warehouse: Warehouse,
) -> None:
    brief = brief_corridor("BLR", "PRK", full_warehouse.table("flows"))
    assert brief.verdict == "prohibited"
    assert brief.trade == []
    assert any("cannot show" in c for c in brief.caveats)


def test_a_country_without_a_regime_is_refused() -> None:
    with pytest.raises(UsageError) as err:
        brief_country("NOR")
    assert str(err.value).startswith("no sanctions regime is encoded for Norway (NOR)")
