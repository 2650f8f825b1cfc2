"""The "Must hold" verdicts of issue 3, on the packaged rule files."""

from __future__ import annotations

import datetime as dt

import pytest

from shadowtrade.rules.evaluate import CheckResult, FlowQuery, check_flow


def check(exporter: str, importer: str, hs: str, date: str, **kw: object) -> CheckResult:
    return check_flow(FlowQuery(exporter, importer, hs, dt.date.fromisoformat(date), **kw))  # type: ignore[arg-type]


def by_authority(result: CheckResult, authority: str) -> list[dict]:
    return [f for f in result.as_dict()["findings"] if f["authority"] == authority]


def test_belarus_tractors_to_dprk_are_prohibited_by_un_2397_op7() -> None:
    result = check("BLR", "PRK", "870190", "2024-06-01")
    un = [f for f in by_authority(result, "UN") if f["status"] == "prohibited"]
    assert [f["legal_ref"] for f in un] == ["S/RES/2397 (2017) OP7"]
    assert un[0]["applies_to_exporter"] is True
    assert un[0]["direction"] == "to_target"
    assert un[0]["target"] == "KP"
    assert by_authority(result, "US") and by_authority(result, "EU")
    assert all(f["applies_to_exporter"] is False for f in by_authority(result, "EU"))


def test_dprk_eyelashes_are_debated_under_the_textile_ban_not_prohibited() -> None:
    result = check("PRK", "CHN", "670490", "2023-06-01")
    un = by_authority(result, "UN")
    assert not [f for f in un if f["status"] == "prohibited"]
    textile = [f for f in un if f["rule_id"] == "UN-KP-2375-16-TEXTILES"]
    assert textile and textile[0]["status"] in ("debated", "possible")
    assert textile[0]["legal_ref"] == "S/RES/2375 (2017) OP16"
    assert "Section XII (ch. 67), outside Section XI (ch. 50-63)" in textile[0]["explanation"]
    assert "not law" in textile[0]["explanation"]


@pytest.mark.parametrize(
    ("date", "status", "ref"),
    [
        ("2016-12-15", "capped", "S/RES/2321 (2016) OP26 (replaces 2270 OP29)"),
        ("2018-01-01", "prohibited", "S/RES/2371 (2017) OP8"),
        ("2016-06-01", "prohibited", "S/RES/2270 (2016) OP29"),
    ],
)
def test_dprk_coal_follows_supersession(date: str, status: str, ref: str) -> None:
    un = by_authority(check("PRK", "CHN", "2701", date), "UN")
    assert [(f["status"], f["legal_ref"]) for f in un] == [(status, ref)]


def test_coal_before_any_un_measure_has_no_un_finding() -> None:
    assert by_authority(check("PRK", "CHN", "2701", "2015-06-01"), "UN") == []


def test_refined_petroleum_to_dprk_is_capped_under_2397_op5() -> None:
    un = by_authority(check("CHN", "PRK", "271019", "2019-06-01"), "UN")
    capped = [f for f in un if f["status"] == "capped"]
    assert [f["legal_ref"] for f in capped] == ["S/RES/2397 (2017) OP5"]
    assert "shared by all suppliers" in capped[0]["explanation"]


@pytest.mark.parametrize(("exporter", "bound"), [("DEU", True), ("CHN", False)])
def test_chpl_processors_to_russia(exporter: str, bound: bool) -> None:
    eu = by_authority(check(exporter, "RUS", "854231", "2024-06-01"), "EU")
    banned = [f for f in eu if f["status"] == "prohibited"]
    assert [f["rule_id"] for f in banned] == ["EU-RU-CHPL-EXPORT-BAN"]
    assert banned[0]["applies_to_exporter"] is bound
    assert banned[0]["hs_proxy"] is False


def test_mirror_flow_is_judged_by_exporter_and_importer_not_reporter() -> None:
    # The same PRK->CHN flow, whoever reported it, has the same direction for KP.
    first = check("PRK", "CHN", "030749", "2019-06-01").as_dict()["findings"]
    assert any(f["rule_id"] == "UN-KP-2371-9-SEAFOOD" and f["direction"] == "from_target" for f in first)
    reverse = check("CHN", "PRK", "030749", "2019-06-01").as_dict()["findings"]
    assert not any(f["rule_id"] == "UN-KP-2371-9-SEAFOOD" for f in reverse)


def test_no_finding_is_said_plainly() -> None:
    result = check("DEU", "FRA", "870190", "2024-06-01")
    assert result.findings == ()
    assert result.summary == (
        "No finding: DEU -> FRA, HS 870190 (HS12), 2024-06-01 is outside every encoded measure "
        "(authorities UN, US, EU, UK, JP; targets BY, KP, RU) for this HS code, direction and date."
    )


def test_code_missing_from_hs22_is_read_in_the_latest_revision_that_has_it() -> None:
    result = check("BLR", "PRK", "870190", "2024-06-01")
    assert result.query.hs_revision == "HS12"
    assert result.notes == (
        "HS 870190 is not an HS2022 code; it was read as HS12, the latest revision that has it.",
    )


def test_partial_revision_mapping_is_reported() -> None:
    # HS17 852580 (cameras) splits in HS22: about 82 % goes to CHPL code 852589, the rest to
    # drones (8806) and others. CHPL rules are written in HS22.
    findings = check("DEU", "RUS", "852580", "2024-06-01", hs_revision="HS17").as_dict()["findings"]
    chpl = [f for f in findings if f["rule_id"] == "EU-RU-CHPL-EXPORT-BAN"][0]
    assert chpl["hs_mapping"] == "HS17->HS22"
    assert chpl["status"] == "prohibited"
    assert chpl["partial"] is True
    assert 0.8 < chpl["share_in_scope"] < 0.9
    assert "(partial mapping)" in chpl["explanation"]


def test_wind_down_is_explained() -> None:
    un = by_authority(check("PRK", "CHN", "2701", "2017-08-20"), "UN")
    assert "Wind-down: contracts concluded before could be executed until 2017-09-04." in un[0]["explanation"]


def test_narrower_cn8_rule_gives_only_possible() -> None:
    eu = by_authority(check("CHN", "PRK", "271012", "2019-06-01"), "EU")
    avfuel = [f for f in eu if f["rule_id"] == "EU-KP-AVFUEL"][0]
    assert avfuel["status"] == "possible"
    assert avfuel["partial"] is True


def test_no_russia_clause_reaches_eu_exporter_to_third_country_only() -> None:
    to_kaz = check("DEU", "KAZ", "854231", "2024-06-01").as_dict()["findings"]
    assert [f["rule_id"] for f in to_kaz] == ["EU-RU-CHPL-NO-RUSSIA"]
    assert check("CHN", "KAZ", "854231", "2024-06-01").findings == ()


def test_date_before_every_measure_gives_no_finding() -> None:
    result = check("BLR", "PRK", "870190", "1990-01-01")
    assert result.findings == ()
    assert result.summary.startswith("No finding: BLR -> PRK, HS 870190 (HS12), 1990-01-01 is outside")


def test_uk_transposition_starts_on_its_own_date() -> None:
    before = by_authority(check("BLR", "PRK", "870190", "2020-06-01"), "UK")
    after = by_authority(check("BLR", "PRK", "870190", "2021-06-01"), "UK")
    assert before == []
    assert [f["rule_id"] for f in after] == ["UK-KP-TRADE[UN-KP-2397-7-IMPORT-BAN]"]
    assert after[0]["legal_ref"] == "SI 2019/411 Part 5 (Trade), Chapters 1-2 and schedules; import prohibitions summarised in NTI 2945 (transposing S/RES/2397 (2017) OP7)"
