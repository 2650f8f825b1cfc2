"""Each example deal's verdict and key findings (issue 6), on the real data and lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from shadowtrade.assess.deal import assess_deal
from shadowtrade.assess.findings import Assessment
from shadowtrade.screening.engine import Screener
from shadowtrade.sources.deals import read_deal
from shadowtrade.warehouse import Warehouse

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def assess(name: str, warehouse: Warehouse, screener: Screener) -> Assessment:
    return assess_deal(read_deal(EXAMPLES / name), warehouse.table("flows"), screener)


def rule_ids(assessment: Assessment, risk: str) -> set[str]:
    findings = getattr(assessment, risk).findings
    return {f.evidence["rule_id"] for f in findings if "rule_id" in f.evidence}


def test_belarus_tractors_are_prohibited_by_2397_op7(
    full_warehouse: Warehouse, screener: Screener
) -> None:
    result = assess("belarus-tractors-to-dprk.yaml", full_warehouse, screener)
    assert result.verdict == "prohibited"
    assert result.headline.endswith("is banned under S/RES/2397 (2017) OP7.")
    top = result.legal.sorted()[0]
    assert top.evidence["rule_id"] == "UN-KP-2397-7-IMPORT-BAN"
    listed = {f.evidence["party"] for f in result.legal.findings if f.kind == "screening"}
    assert {"Korea Ryonbong General Corporation", "Chon Ma San"} <= listed
    assert "US-KP-EO13810-SECONDARY" in rule_ids(result, "financial")
    assert any(f.kind == "payment" and "barter" in f.text for f in result.financial.findings)


def test_the_transit_country_does_not_hide_the_destination(
    full_warehouse: Warehouse, screener: Screener
) -> None:
    result = assess("belarus-tractors-to-dprk.yaml", full_warehouse, screener)
    flows = {(f.evidence["exporter"], f.evidence["importer"])
             for f in result.legal.findings if f.kind == "regime"}
    assert ("BLR", "PRK") in flows


def test_dprk_hair_products_are_debated_not_prohibited(
    full_warehouse: Warehouse, screener: Screener
) -> None:
    result = assess("dprk-hair-products-via-china.yaml", full_warehouse, screener)
    assert result.verdict == "high"
    un = [f for f in result.legal.findings if f.evidence.get("authority") == "UN"]
    assert {f.evidence["status"] for f in un} == {"debated"}
    assert "2375" in un[0].text
    assert result.financial.level == "high"
    assert "US-KP-EO13810-SECONDARY" in rule_ids(result, "financial")
    assert "debated under S/RES/2375 (2017) OP16 (UN)" in result.headline
    processing = [f for f in result.reputational.findings if f.evidence.get("detector") == "processing"]
    assert len(processing) == 1 and processing[0].level == "high"
    assert "USD 17.0/kg in 2019 to USD 99.4/kg in 2023" in processing[0].text


def test_cnc_machines_to_kyrgyzstan_carry_rerouting_risk(
    full_warehouse: Warehouse, screener: Screener
) -> None:
    result = assess("eu-cnc-machines-to-kyrgyzstan.yaml", full_warehouse, screener)
    assert result.verdict == "high"
    assert result.legal.level != "prohibited"
    assert "EU-RU-CHPL-NO-RUSSIA" in rule_ids(result, "legal")
    detectors = {f.evidence["detector"]: f for f in result.reputational.findings
                 if f.kind == "detector"}
    assert detectors["rerouting"].evidence["rank"] == 1
    assert detectors["mirror_gap"].level == "high"
    assert "10.4x" in detectors["rerouting"].text


def test_the_clean_control_deal_is_low_with_no_findings(
    full_warehouse: Warehouse, screener: Screener
) -> None:
    result = assess("norwegian-salmon-to-japan.yaml", full_warehouse, screener)
    assert result.verdict == "low"
    assert not (result.legal.findings or result.financial.findings
                or result.reputational.findings)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("route: [BLR, PRK]\ngoods:\n  - {hs: '87A1'}\n",
         "goods[0]: invalid HS code '87A1': use 2, 4 or 6 digits, for example 8701 or 870190"),
        ("route: [BLR, XYZ]\ngoods:\n  - {hs: '8701'}\n", "route[1]: unknown country 'XYZ'"),
        ("goods:\n  - {hs: '8701'}\n", "route: missing or too short"),
        ("route: [BLR, PRK]\ngoods:\n  - {hs: '8701'}\npayement: {channel: barter}\n",
         "deal: unknown field 'payement'"),
        ("route: [BLR, PRK]\ngoods:\n  - {hs: '8701', valeu: 3}\n",
         "goods[0]: unknown field 'valeu'"),
    ],
)
def test_bad_deal_files_name_the_problem(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "deal.yaml"
    path.write_text(text)
    with pytest.raises(ValueError) as err:
        read_deal(path)
    assert problem in str(err.value)
    assert str(path) in str(err.value)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "deal.yaml"
    path.write_text("route: [BLR, XYZ]\ngoods:\n  - {hs: '87A1'}\ncolour: red\n")
    with pytest.raises(ValueError) as err:
        read_deal(path)
    assert "the deal file has 3 problem(s)" in str(err.value)
