"""Missing imports: EU-reported exports against the partners' own import statistics."""

from __future__ import annotations

import ibis.expr.types as ir
import pytest

from shadowtrade.analysis.mirror_gap import MirrorGapParams, cif_fob_margin, detect_mirror_gap
from shadowtrade.errors import NoDataError, UsageError
from shadowtrade.sources.planted import CONDUITS


def year_row(result, year: int) -> dict:  # type: ignore[no-untyped-def]
    rows = [row for row in result.rows if row["year"] == year]
    assert len(rows) == 1, rows
    return rows[0]


def test_kyrgyzstan_records_only_a_quarter_of_the_additional_exports(flows: ir.Table) -> None:
    result = detect_mirror_gap(flows, MirrorGapParams("EU27", "KGZ", (2019, 2023), base=2021))
    row = year_row(result, 2023)
    assert row["exporter_reported"] / 1e9 == pytest.approx(2.734, abs=0.001)
    assert row["importer_reported"] / 1e9 == pytest.approx(0.901, abs=0.001)
    assert row["increase_exporter"] / 1e9 == pytest.approx(2.47, abs=0.01)
    assert row["increase_importer"] / 1e9 == pytest.approx(0.656, abs=0.001)
    assert row["unrecorded_share_of_increase"] == pytest.approx(0.74, abs=0.01)
    assert row["unrecorded_share_of_increase_fob"] == pytest.approx(0.75, abs=0.01)
    assert result.findings[0].subject == "EU27->KGZ 2023"
    assert result.sources == ["eurostat", "national"]


def test_kazakhstan_about_thirty_one_percent_after_the_cif_allowance(flows: ir.Table) -> None:
    """trade.md's 31 % is reproduced once imports are brought to FOB (27 % raw)."""
    result = detect_mirror_gap(flows, MirrorGapParams("EU27", "KAZ", (2019, 2023), base=2021))
    row = year_row(result, 2023)
    assert row["unrecorded_share_of_increase_fob"] == pytest.approx(0.31, abs=0.01)
    assert row["unrecorded_share_of_increase"] == pytest.approx(0.27, abs=0.01)
    assert result.parameters["cif_fob_margin"] == pytest.approx(0.0528, abs=0.0005)


def test_every_year_has_both_reports_and_the_gap(flows: ir.Table) -> None:
    result = detect_mirror_gap(flows, MirrorGapParams("EU27", "KGZ", (2019, 2023), base=2021))
    assert [row["year"] for row in result.rows] == [2019, 2020, 2021, 2022, 2023]
    base = year_row(result, 2021)
    assert base["gap"] == pytest.approx(base["exporter_reported"] - base["importer_reported"])
    assert base["unrecorded_share_of_increase"] is None  # no increase against itself
    finding = result.as_dict()["findings"][0]
    assert {"exporter_reported", "importer_reported", "gap",
            "unrecorded_share_of_increase"} <= set(finding["figures"])


def test_distance_based_margin() -> None:
    assert cif_fob_margin("EU27", "KGZ") == pytest.approx(0.0566, abs=0.0001)
    assert cif_fob_margin("CHN", "RUS") == pytest.approx(0.02 + 0.008 * 5.5067, abs=0.0001)
    assert cif_fob_margin("DEU", "XYZ") == 0.05  # unknown pair: Gaulier & Zignago's median


def test_given_margin_is_used(flows: ir.Table) -> None:
    result = detect_mirror_gap(flows, MirrorGapParams("EU27", "KGZ", (2021, 2023), margin=0.0))
    row = year_row(result, 2023)
    assert row["unrecorded_share_of_increase_fob"] == row["unrecorded_share_of_increase"]
    assert result.parameters["margin_basis"] == "given"


def test_finds_the_planted_gap(planted_flows: ir.Table, planted_subjects) -> None:  # type: ignore[no-untyped-def]
    found = set()
    for conduit in CONDUITS:
        result = detect_mirror_gap(planted_flows, MirrorGapParams("EU27", conduit, (2019, 2023),
                                                                  base=2021))
        found |= {f.subject for f in result.findings}
    assert found == planted_subjects("mirror-gap") == {"EU27->KGZ 2022", "EU27->KGZ 2023"}


def test_stays_quiet_without_the_pattern(quiet_flows: ir.Table) -> None:
    for conduit in CONDUITS:
        result = detect_mirror_gap(quiet_flows, MirrorGapParams("EU27", conduit, (2019, 2023),
                                                                base=2021))
        assert result.findings == [], conduit


def test_no_importer_statistics(flows: ir.Table) -> None:
    with pytest.raises(NoDataError, match="no year where both EU27 and RUS report trade"):
        detect_mirror_gap(flows, MirrorGapParams("EU27", "RUS", (2019, 2023)))


def test_base_year_without_data(flows: ir.Table) -> None:
    with pytest.raises(NoDataError) as err:
        detect_mirror_gap(flows, MirrorGapParams("EU27", "KGZ", (2015, 2023), base=2015))
    assert str(err.value) == (
        "no mirror figures for the base year 2015 for EU27 to KGZ in 2015-2023: both sides "
        "report only 2019, 2020, 2021, 2022, 2023; pick one of those as --base")


@pytest.mark.parametrize(("changes", "message"), [
    ({"base": 2010}, "base year 2010 is outside the years 2019-2023: pick a base between them"),
    ({"importer": "Atlantis"}, "unknown country 'Atlantis'"),
    ({"margin": 1.5}, "CIF/FOB margin 1.5 must be a share between 0 and 1, for example 0.05"),
    ({"group": "nope"}, "unknown sector group 'nope'"),
])
def test_bad_input(changes: dict, message: str) -> None:
    params = {"exporter": "EU27", "importer": "KGZ", "years": (2019, 2023), **changes}
    with pytest.raises(UsageError) as err:
        MirrorGapParams(**params)
    assert str(err.value).startswith(message)
