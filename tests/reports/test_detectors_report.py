"""The detectors report: sections, charts, findings with figures, caveats, skipped checks."""

from __future__ import annotations

import re

import pytest

from shadowtrade.analysis.findings import DetectorResult, Finding
from shadowtrade.reports.detectors import build_section, chart_for, render_detectors_html

ROWS = [
    {"country": "KGZ", "source": "eurostat", "currency": "EUR", "base_value": 263.2e6,
     "year_value": 2733.8e6, "growth_sanctioner_to_conduit": 10.39,
     "growth_sanctioner_to_target": 0.428, "comparison_growth": 1.19, "did_vs_comparison": 2.17},
    {"country": "GEO", "source": "eurostat", "currency": "EUR", "base_value": 2045e6,
     "year_value": 3622e6, "growth_sanctioner_to_conduit": 1.77,
     "growth_sanctioner_to_target": 0.428, "comparison_growth": 1.19, "did_vs_comparison": 0.4},
]
PARAMS = {"target": "RUS", "sanctioner": "EU27", "base": 2021, "year": 2023}


def rerouting() -> DetectorResult:
    finding = Finding("KGZ", 3.19, "EU27 exports to KGZ grew 10.4x <check escaping>", ROWS[0])
    return DetectorResult("rerouting", PARAMS, [finding], ROWS, ["eurostat"],
                          ["Growth is nominal."])


def test_page_has_a_section_per_check_with_chart_findings_and_caveats() -> None:
    html = render_detectors_html("RUS", [("Re-routing", rerouting(), None)])
    assert "<title>Evasion signals: Russian Federation (RUS)</title>" in html
    assert "1 finding(s) from 1 check(s) that could run." in html
    assert html.count("<svg") == 1
    assert "&lt;check escaping&gt;" in html
    assert "Growth is nominal." in html
    assert re.search(r"<td class=\"num\">10\.39</td>", html)
    assert "Eurasian roundabout" in html and "<script" not in html


def test_skipped_checks_are_listed_with_their_reason() -> None:
    html = render_detectors_html("RUS", [("Re-routing", rerouting(), None),
                                         ("Missing imports: EU27 to GEO", None,
                                          "no year where both EU27 and GEO report trade")])
    assert "; 1 could not run (see below)." in html
    assert "This check could not run: no year where both EU27 and GEO report trade" in html


def test_chart_caption_says_units_period_and_source() -> None:
    chart, caption = chart_for(rerouting())  # type: ignore[misc]
    assert caption == ("Growth of EU27 exports, 2023 over 2021, current EUR; dashed line = no "
                       "change. Source: eurostat.")
    spec = chart.to_dict()
    values = spec["datasets"]
    assert any(row.get("country") == "RUS" for rows in values.values() for row in rows)


def test_section_without_rows_has_no_chart() -> None:
    section = build_section("Empty", DetectorResult("surges", {}, [], rows=[]), None)
    assert section.figure is None and section.candidates == 0


@pytest.mark.parametrize("detector", ["mirror-gap", "surges", "unit-values", "processing"])
def test_every_detector_has_a_chart(detector: str) -> None:
    rows = [{"year": y, "currency": "USD", "key": "k", "ratio": 2.0, "corridor_ratio": 1.0,
             "unit_value": 10.0 * y / 2021, "exporter_reported": 1e6, "importer_reported": 9e5,
             "inputs_to_origin": 1.0, "inputs_from_origin": 1.0, "finished_from_origin": 1.0,
             "finished_exports": 1.0} for y in (2021, 2022)]
    params = {"exporter": "CHN", "importer": "RUS", "base": 2021, "year": 2023, "by": "tier",
              "origin": "PRK", "via": "CHN"}
    made = chart_for(DetectorResult(detector, params, [], rows, ["baci"]))
    assert made is not None and made[1].endswith("baci.")
