"""Charts of a brief as Vega-Lite specs, rendered offline to inline SVG.

>>> spec = trade_chart([{"year": 2021, "value": 1e9, "currency": "USD", "source": "baci",
...                      "exporter": "CHN", "importer": "RUS"}])
>>> spec["mark"]["type"]
'line'
"""

from __future__ import annotations

import json
from typing import Any

import vl_convert

_FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"


def trade_chart(rows: list[dict[str, Any]], title: str = "Trade by year") -> dict[str, Any]:
    """A line per series (direction and source), values in billions of the series' currency."""
    values = []
    for row in rows:
        if row.get("year") is None or row.get("value") is None:
            continue
        series = f"{row['exporter']} → {row['importer']} ({row['source']}, {row['currency']})"
        values.append({"year": int(row["year"]), "bn": row["value"] / 1e9, "series": series})
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": {"text": title, "font": _FONT, "fontSize": 14},
        "width": 560, "height": 240,
        "data": {"values": values},
        "mark": {"type": "line", "point": True, "strokeWidth": 2},
        "encoding": {
            "x": {"field": "year", "type": "ordinal", "title": None},
            "y": {"field": "bn", "type": "quantitative", "title": "billions (currency in legend)"},
            "color": {"field": "series", "type": "nominal", "title": None,
                      "legend": {"orient": "bottom", "columns": 1, "labelLimit": 420}},
            "tooltip": [{"field": "series"}, {"field": "year"},
                        {"field": "bn", "format": ".3f", "title": "billions"}],
        },
        "config": {"font": _FONT, "view": {"stroke": None}},
    }


def to_svg(spec: dict[str, Any]) -> str:
    """Render a Vega-Lite spec to SVG without network access."""
    return vl_convert.vegalite_to_svg(json.dumps(spec))


def to_png(spec: dict[str, Any], scale: float = 2.0) -> bytes:
    """Render a Vega-Lite spec to PNG bytes without network access."""
    return vl_convert.vegalite_to_png(json.dumps(spec), scale=scale)
