"""Charts: units on every axis, values at the display scale, offline SVG and PNG rendering."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pandas as pd
import pytest

from shadowtrade.errors import UsageError
from shadowtrade.reports import charts
from shadowtrade.reports.corridor import CorridorResults
from shadowtrade.reports.page import inline_svg, money, number, percent


def _layer_data(spec: dict) -> list[dict]:
    return next(iter(spec["datasets"].values()))


def _encoding(spec: dict) -> dict:
    return spec["layer"][0]["encoding"] if "layer" in spec else spec["encoding"]


def test_series_axis_is_in_currency_billions(chn_rus: CorridorResults) -> None:
    spec = charts.to_spec(charts.series_chart(chn_rus.series, title="China to Russia"))
    assert _encoding(spec)["y"]["title"] == "USD bn"
    values = {row["year"]: round(row["amount"], 1) for row in _layer_data(spec)}
    assert (values[2021], values[2022], values[2023]) == (69.6, 75.4, 110.0)
    assert "USD bn" in spec["title"]["subtitle"]


def test_series_draws_one_line_per_source(rus_chn: CorridorResults) -> None:
    labels = {"baci": "BACI", "comtrade": "Comtrade"}
    spec = charts.to_spec(charts.series_chart(rus_chn.series, title="t", labels=labels))
    rows = _layer_data(spec)
    assert {row["series"] for row in rows} == {"BACI", "Comtrade"}
    comtrade = {row["year"]: round(row["amount"], 1) for row in rows if row["series"] == "Comtrade"}
    assert comtrade[2023] == 128.9


def test_mixed_currencies_are_refused() -> None:
    frame = pd.DataFrame({"year": [2021, 2021], "source": ["baci", "eurostat"],
                          "currency": ["USD", "EUR"], "value": [1.0, 2.0]})
    with pytest.raises(UsageError) as err:
        charts.series_chart(frame, title="t")
    assert str(err.value) == ("a chart needs one currency, got ['EUR', 'USD']: "
                              "chart each currency separately")


def test_composition_keeps_the_total_and_sums_the_rest_as_other(chn_rus: CorridorResults) -> None:
    assert chn_rus.composition is not None
    spec = charts.to_spec(charts.composition_chart(chn_rus.composition, key="section", title="t"))
    rows = _layer_data(spec)
    assert len({row["category"] for row in rows}) == 9  # eight sections and Other
    assert "Other" in {row["category"] for row in rows}
    assert round(sum(r["amount"] for r in rows if r["year"] == 2023), 1) == 110.0
    assert spec["encoding"]["y"]["title"] == "USD bn"


def test_overlapping_groups_are_not_stacked_and_have_no_other() -> None:
    frame = pd.DataFrame({"year": 2023, "currency": "USD", "group": list("abcdefghij"),
                          "value": [float(10 - i) * 1e9 for i in range(10)]})
    spec = charts.to_spec(charts.composition_chart(frame, key="group", title="t", stacked=False))
    rows = _layer_data(spec)
    assert [row["category"] for row in rows] == list("abcdefgh")
    assert "stack" not in _encoding(spec)["y"]


def test_partner_comparison_is_indexed_on_a_log_scale(eu_neighbours) -> None:
    series, _ = eu_neighbours
    complete, notes = charts.drop_partial_years(series)
    assert notes == ["2024 (eurostat: 8 months)"]
    index = charts.indexed(complete, 2021, "importer")
    at = index.set_index(["importer", "year"])["index"]
    assert round(at["KGZ", 2023]) == 1039 and round(at["RUS", 2023]) == 43
    assert (index[index["year"] == 2021]["index"].round(6) == 100).all()
    spec = charts.to_spec(charts.comparison_chart(complete, base_year=2021, title="t"))
    y = spec["layer"][1]["encoding"]["y"]
    assert y["scale"]["type"] == "log" and y["title"] == "Index, 2021 = 100 (log scale)"


def test_close_end_labels_are_pushed_apart() -> None:
    placed = charts.spread([189.0, 177.0, 180.0, 43.0], log=True, gap=0.075)
    import math

    logs = sorted(math.log10(v) for v in placed)
    assert all(b - a >= 0.075 - 1e-9 for a, b in zip(logs, logs[1:]))
    assert placed[3] == pytest.approx(43.0)


def test_svg_is_offline_and_carries_the_units(chn_rus: CorridorResults) -> None:
    svg = charts.to_svg(charts.series_chart(chn_rus.series, title="China to Russia"))
    assert svg.startswith("<svg") and "USD bn" in svg and "China to Russia" in svg
    inline = str(inline_svg(svg))
    assert "http" not in inline and "<script" not in inline


def test_png_is_a_valid_png_at_twice_the_size(chn_rus: CorridorResults, tmp_path: Path) -> None:
    path = charts.to_png(charts.series_chart(chn_rus.series, title="t",
                                               layout=charts.Layout(width=400)), tmp_path / "s.png")
    data = path.read_bytes()
    assert charts.is_png(data)
    width, height = struct.unpack(">II", data[16:24])
    assert width > 800 and height > 300


def test_save_chart_by_suffix(chn_rus: CorridorResults, tmp_path: Path) -> None:
    chart = charts.series_chart(chn_rus.series, title="t")
    spec = json.loads(charts.save_chart(chart, tmp_path / "s.json").read_text())
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert charts.save_chart(chart, tmp_path / "s.svg").read_text().startswith("<svg")
    with pytest.raises(UsageError, match="cannot save a chart as 's.gif': use .png, .svg or .json"):
        charts.save_chart(chart, tmp_path / "s.gif")


@pytest.mark.parametrize(("value", "currency", "text"), [
    (110.0139e9, "USD", "USD 110.0 bn"), (69.62e9, "USD", "USD 69.6 bn"),
    (2.7338e9, "EUR", "EUR 2.73 bn"), (38.2e9, "EUR", "EUR 38.2 bn"), (387e6, "USD", "USD 387 m"),
    (501.4e6, "USD", "USD 501 m"), (25.6e6, "USD", "USD 25.6 m"), (1.2e12, "USD", "USD 1.20 tn"),
])
def test_money_formats(value: float, currency: str, text: str) -> None:
    assert money(value, currency) == text


def test_number_and_percent_edge_cases() -> None:
    assert number(float("nan")) == "n/a" and number(0.0) == "0"
    assert percent(-0.571, signed=True) == "−57%" and percent(48.68, signed=True) == "+4,868%"
