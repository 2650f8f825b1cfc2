"""Vega-Lite charts (built with Altair) of trade results, and their offline rendering.

Each chart function takes a pandas DataFrame of results (as returned by
``analysis.flows.corridor_series(...).execute()``) and returns an Altair chart whose axes say
the units and currency (``USD bn``). :func:`to_svg` and :func:`to_png` render with
vl-convert, which runs Vega in-process: nothing is fetched.

>>> import pandas as pd
>>> frame = pd.DataFrame({"year": [2021, 2022, 2023], "source": "baci", "currency": "USD",
...                       "value": [69.6e9, 75.4e9, 110.0e9]})
>>> spec = series_chart(frame, title="China to Russia").to_dict()
>>> spec["layer"][0]["encoding"]["y"]["title"]
'USD bn'
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from shadowtrade.errors import UsageError
from shadowtrade.reports.page import SCALES, common_scale, scale_label

FONT = "Liberation Sans"
WIDTH, HEIGHT = 640, 300
OTHER = "Other"
PALETTE = ["#1f4e79", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d6a9f", "#e07a5f",
           "#3d405b", "#81b29a", "#f2cc8f", "#9c6644", "#5e548e"]
OTHER_COLOUR = "#b8bec6"


@dataclass(frozen=True)
class Layout:
    """Size and subtitle of a chart (the subtitle defaults to one that states the units).

    >>> Layout(width=400).height
    300
    """

    width: int = WIDTH
    height: int = HEIGHT
    subtitle: str | None = None


def currency_of(frame: pd.DataFrame) -> str:
    """The one currency of a result frame; mixing currencies in one axis is refused.

    >>> currency_of(pd.DataFrame({"currency": ["EUR", "EUR"]}))
    'EUR'
    """
    currencies = sorted(set(frame["currency"].dropna()))
    if len(currencies) != 1:
        raise UsageError(f"a chart needs one currency, got {currencies or 'none'}: "
                         "chart each currency separately")
    return str(currencies[0])


def drop_partial_years(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Rows of complete years only, and a note for each (year, source) left out.

    A yearly figure summed from monthly rows covering fewer than 12 months (``months`` < 12)
    would look like a collapse on a chart, so it is left out and named in the caption.

    >>> frame = pd.DataFrame({"year": [2023, 2024], "source": "eurostat", "months": [12, 8]})
    >>> kept, notes = drop_partial_years(frame)
    >>> list(kept.year), notes
    ([2023], ['2024 (eurostat: 8 months)'])
    """
    if "months" not in frame.columns:
        return frame, []
    months = pd.to_numeric(frame["months"], errors="coerce")
    partial = months.notna() & (months < 12)
    notes = sorted({f"{row.year} ({row.source}: {int(row.months)} months)"
                    for row in frame[partial].itertuples()})
    return frame[~partial], notes


def _scaled(frame: pd.DataFrame, scale: str) -> pd.Series:
    return frame["value"].astype(float) / SCALES[scale]


def _legend(title: str | None = None) -> alt.Legend:
    return alt.Legend(title=title, orient="bottom", direction="horizontal", columns=3,
                      labelLimit=280, symbolStrokeWidth=3)


def _finish(chart: alt.TopLevelMixin, title: str, subtitle: str | None) -> alt.TopLevelMixin:
    heading = alt.TitleParams(title, subtitle=subtitle or "", anchor="start", fontSize=15,
                              subtitleFontSize=12, subtitleColor="#5b636d")
    return (chart.properties(title=heading)
            .configure(font=FONT)
            .configure_axis(labelFontSize=12, titleFontSize=12, gridColor="#e5e7eb",
                            domainColor="#8a929b", tickColor="#8a929b")
            .configure_legend(labelFontSize=12, titleFontSize=12)
            .configure_view(stroke=None))


def series_chart(frame: pd.DataFrame, *, title: str, color: str = "source",
                 labels: Mapping[str, str] | None = None,
                 layout: Layout = Layout()) -> alt.TopLevelMixin:
    """Value by year, one line per ``color`` value (a source, or a partner).

    ``labels`` maps the ``color`` values to legend text (for example ``baci`` to
    ``BACI HS17, V202501 (FOB)``). The y axis is in the currency at one common scale.
    """
    currency = currency_of(frame)
    scale = common_scale(frame["value"])
    data = pd.DataFrame({
        "year": frame["year"].astype(int),
        "series": frame[color].map(lambda v: (labels or {}).get(v, str(v))),
        "amount": _scaled(frame, scale),
    })
    unit = scale_label(currency, scale)
    base = alt.Chart(data).encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("amount:Q", title=unit, scale=alt.Scale(zero=True),
                axis=alt.Axis(format=",.0f" if data["amount"].max() >= 10 else ",.1f")),
        color=alt.Color("series:N", legend=_legend(),
                        scale=alt.Scale(range=PALETTE)),
        tooltip=["series", "year", alt.Tooltip("amount:Q", format=",.2f", title=unit)],
    )
    chart = (base.mark_line(strokeWidth=2.5) + base.mark_point(filled=True, size=45))
    chart = chart.properties(width=layout.width, height=layout.height)
    return _finish(chart, title, layout.subtitle or f"Value per year, {unit} (current prices)")


def top_categories(frame: pd.DataFrame, key: str, top: int) -> pd.DataFrame:
    """Keep the ``top`` categories of ``key`` by total value; the rest summed as ``Other``.

    >>> frame = pd.DataFrame({"year": 2023, "k": ["a", "b", "c"], "value": [5.0, 3.0, 1.0]})
    >>> top_categories(frame, "k", 1)[["k", "value"]].to_dict("records")
    [{'k': 'a', 'value': 5.0}, {'k': 'Other', 'value': 4.0}]
    """
    ranked = frame.groupby(key)["value"].sum().sort_values(ascending=False)
    keep = set(ranked.index[:top])
    out = frame.assign(**{key: frame[key].where(frame[key].isin(keep), OTHER)})
    return out.groupby(["year", key], as_index=False, sort=False)["value"].sum()


def composition_chart(frame: pd.DataFrame, *, key: str, title: str,
                      labels: Mapping[str, str] | None = None, top: int = 8,
                      stacked: bool = True, layout: Layout = Layout()) -> alt.TopLevelMixin:
    """The breakdown of a corridor per year: stacked bars by ``key`` (an HS section).

    The largest ``top`` categories are shown, the rest summed as ``Other``. Sector groups
    overlap (a tractor is also machinery), so with ``stacked=False`` each group is drawn as
    its own line instead of being stacked into a misleading total.
    """
    currency = currency_of(frame)
    data = top_categories(frame, key, top)
    if not stacked:  # an "Other" sum of overlapping groups would mean nothing
        data = data[data[key] != OTHER]
    scale = common_scale(data.groupby("year")["value"].sum() if stacked else data["value"])
    totals = data.groupby(key)["value"].sum().sort_values(ascending=False)
    order = [c for c in totals.index if c != OTHER] + ([OTHER] if OTHER in totals.index else [])
    names = {c: (labels or {}).get(c, c) for c in order}
    data = data.assign(category=data[key].map(names), amount=_scaled(data, scale),
                       rank=data[key].map({c: i for i, c in enumerate(order)}))
    domain = [names[c] for c in order]
    colours = [OTHER_COLOUR if c == OTHER else PALETTE[i % len(PALETTE)]
               for i, c in enumerate(order)]
    unit = scale_label(currency, scale)
    colour = alt.Color("category:N", sort=domain, legend=_legend(),
                       scale=alt.Scale(domain=domain, range=colours))
    x = alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0))
    tooltip: list[Any] = ["category", "year", alt.Tooltip("amount:Q", format=",.2f", title=unit)]
    if stacked:
        chart = alt.Chart(data).mark_bar(width={"band": 0.7}).encode(
            x=x, y=alt.Y("sum(amount):Q", title=unit, stack="zero"), color=colour,
            order=alt.Order("rank:Q", sort="ascending"), tooltip=tooltip)
    else:
        base = alt.Chart(data).encode(x=x, y=alt.Y("amount:Q", title=unit), color=colour,
                                      tooltip=tooltip)
        chart = base.mark_line(strokeWidth=2) + base.mark_point(filled=True, size=35)
    chart = chart.properties(width=layout.width, height=layout.height)
    how = "stacked" if stacked else "each group on its own (groups overlap)"
    return _finish(chart, title, layout.subtitle or f"Value per year, {unit}, {how}")


def indexed(frame: pd.DataFrame, base_year: int, color: str) -> pd.DataFrame:
    """Add ``index``: each ``color`` series' value against its ``base_year`` value, as 100.

    Series without a positive base-year value are dropped (no index can be computed).

    >>> frame = pd.DataFrame({"year": [2021, 2023], "p": "KGZ", "value": [0.26e9, 2.73e9]})
    >>> [round(v) for v in indexed(frame, 2021, "p")["index"]]
    [100, 1050]
    """
    base = frame[frame["year"] == base_year].set_index(color)["value"]
    base = base[base > 0]
    out = frame[frame[color].isin(base.index)].copy()
    out["index"] = out["value"] / out[color].map(base) * 100.0
    return out


def spread(values: list[float], *, log: bool, gap: float) -> list[float]:
    """Label positions near ``values`` but at least ``gap`` apart (in log10 units when ``log``).

    Used to keep end-of-line labels from overprinting each other.

    >>> [round(v) for v in spread([189.0, 177.0, 43.0], log=True, gap=0.075)]
    [199, 168, 43]
    """
    import numpy as np

    points = np.log10(values) if log else np.asarray(values, dtype=float)
    order = np.argsort(points)
    placed = points[order].copy()
    for _ in range(50):
        moved = False
        for i in range(1, len(placed)):
            overlap = gap - (placed[i] - placed[i - 1])
            if overlap > 1e-12:
                placed[i - 1] -= overlap / 2
                placed[i] += overlap / 2
                moved = True
        if not moved:
            break
    result = np.empty_like(placed)
    result[order] = placed
    return [float(v) for v in (10**result if log else result)]


def _log_ticks(low: float, high: float) -> list[float]:
    ticks = [12.5 * 2**i for i in range(12)]
    return [t for t in ticks if low / 2 <= t <= high * 2]


def comparison_chart(frame: pd.DataFrame, *, base_year: int, title: str, color: str = "importer",
                     labels: Mapping[str, str] | None = None,
                     layout: Layout = Layout(height=340)) -> alt.TopLevelMixin:
    """Several partners on one scale: each series indexed to ``base_year`` = 100.

    When the indices span more than a factor of ten, the axis is logarithmic (doubling
    steps: 25, 50, 100, 200 …) so a tenfold rise and a halving both stay readable. Each line
    is labelled at its end with its name and last index.
    """
    currency = currency_of(frame)
    data = indexed(frame, base_year, color)
    if data.empty:
        raise UsageError(f"no series has a value in the base year {base_year}")
    data = pd.DataFrame({"year": data["year"].astype(int), "index": data["index"],
                         "series": data[color].map(lambda v: (labels or {}).get(v, str(v)))})
    low, high = float(data["index"].min()), float(data["index"].max())
    log = high / max(low, 1e-9) > 10
    scale = (alt.Scale(type="log", domain=[_log_ticks(low, high)[0], _log_ticks(low, high)[-1]])
             if log else alt.Scale(zero=False))
    axis = alt.Axis(values=_log_ticks(low, high), format=",.0f") if log else alt.Axis(format=",.0f")
    y = alt.Y("index:Q", title=f"Index, {base_year} = 100 ({'log scale' if log else 'linear'})",
              scale=scale, axis=axis)
    x = alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0))
    colour = alt.Color("series:N", legend=None, scale=alt.Scale(range=PALETTE))
    base = alt.Chart(data).encode(x=x, y=y, color=colour)
    last = data.sort_values("year").groupby("series", as_index=False).last()
    last["label"] = last.apply(lambda r: f"{r['series']} {r['index']:,.0f}", axis=1)
    last["at"] = spread(list(last["index"]), log=log, gap=0.075 if log else (high - low) * 0.06)
    ends = alt.Chart(last).mark_text(align="left", dx=7, fontSize=12, fontWeight="bold").encode(
        x=x, y=alt.Y("at:Q", scale=scale), text="label:N", color=colour)
    rule = alt.Chart(pd.DataFrame({"index": [100.0]})).mark_rule(
        color="#8a929b", strokeDash=[4, 3]).encode(y=alt.Y("index:Q", scale=scale))
    chart = rule + base.mark_line(strokeWidth=2.5) + base.mark_point(filled=True, size=40) + ends
    chart = chart.properties(width=layout.width, height=layout.height)
    return _finish(chart, title,
                   layout.subtitle or f"Each partner's exports indexed to {base_year} = 100, "
                                      f"from {currency} values in current prices")


def to_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The chart's Vega-Lite specification as a dict (data inlined)."""
    return dict(chart.to_dict())


def to_svg(chart: alt.TopLevelMixin) -> str:
    """Render a chart to an SVG document, offline.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"year": [2022, 2023], "source": "baci", "currency": "USD",
    ...                       "value": [75.4e9, 110.0e9]})
    >>> to_svg(series_chart(frame, title="t")).startswith("<svg")
    True
    """
    import vl_convert as vlc

    return str(vlc.vegalite_to_svg(to_spec(chart)))


def to_png(chart: alt.TopLevelMixin, path: Path, scale: float = 2.0) -> Path:
    """Render a chart to a PNG file (``scale`` 2 gives a sharp picture on paper), offline."""
    import vl_convert as vlc

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(vlc.vegalite_to_png(to_spec(chart), scale=scale))
    return path


def save_chart(chart: alt.TopLevelMixin, path: Path) -> Path:
    """Save a chart by file suffix: ``.png``, ``.svg`` or ``.json`` (the Vega-Lite spec)."""
    suffix = path.suffix.lower()
    if suffix == ".png":
        return to_png(chart, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".svg":
        path.write_text(to_svg(chart), encoding="utf-8")
    elif suffix == ".json":
        path.write_text(json.dumps(to_spec(chart), indent=1), encoding="utf-8")
    else:
        raise UsageError(f"cannot save a chart as '{path.name}': use .png, .svg or .json")
    return path


def is_png(data: bytes) -> bool:
    """Whether bytes start with the PNG signature.

    >>> is_png(b"\\x89PNG\\r\\n\\x1a\\n...")
    True
    """
    return data[:8] == b"\x89PNG\r\n\x1a\n"


__all__ = ["Layout", "comparison_chart", "composition_chart", "drop_partial_years", "indexed",
           "is_png", "save_chart", "series_chart", "to_png", "to_spec", "to_svg",
           "top_categories"]
