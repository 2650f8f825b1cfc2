"""The detectors report: one self-contained HTML page of evasion findings for a target.

Takes detector results (never a connection): for each check, a paragraph saying what it looks
for, a Vega-Lite chart rendered to SVG offline, every finding in plain language with the figures
behind it, the sources and the caveats. Checks that could not run are listed with the reason,
so a missing section is never silent.

>>> from shadowtrade.analysis.findings import DetectorResult
>>> result = DetectorResult("surges", {"exporter": "CHN", "importer": "RUS"}, [], rows=[])
>>> html = render_detectors_html("RUS", [("Controlled goods", result, None),
...                                      ("Missing imports", None, "no data loaded")])
>>> "Evasion signals: Russian Federation (RUS)" in html and "no data loaded" in html
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import altair as alt
import pandas as pd

from shadowtrade.analysis.findings import DetectorResult, Finding
from shadowtrade.reference.countries import country_name
from shadowtrade.reports.charts import to_svg
from shadowtrade.reports.page import Figure, SourceNote, render_page

Outcome = tuple[str, "DetectorResult | None", "str | None"]
WIDTH, HEIGHT = 560, 240
EXPLAINERS = {
    "rerouting": (
        "When a sanctioning bloc's exports to a neighbour of the target jump while its exports to "
        "the target fall, some of the goods may be travelling on (the 'Eurasian roundabout', "
        "Chupilkin, Javorcik and Plekhanov, EBRD 2023). Each conduit's growth is compared with "
        "the growth of exports to the target and with the median growth to every other partner."),
    "mirror-gap": (
        "Exports the exporter reports should reappear as imports in the partner's statistics. "
        "When most of an increase never does, the goods may have continued to a third country "
        "(EBRD/CEPR DP20097, 2025). Imports are brought from CIF to FOB with a distance-based "
        "allowance before comparing."),
    "unit-values": (
        "The value per kilogram of the same goods should move slowly. A jump against the "
        "product's own history and against other corridors can mean misdeclared goods, "
        "misinvoicing or dearer goods slipped under the same code."),
    "surges": (
        "Goods on the Common High Priority Items list (items found in Russian weapons) growing "
        "on a corridor much faster than the corridor's trade as a whole."),
    "processing": (
        "Inputs and finished goods looping between a sanctioned origin and a processing country "
        "while the processing country's exports of the finished goods grow: goods finished in "
        "the sanctioned country may be sold under another origin."),
}
FIGURE_KEYS = {
    "rerouting": ["country", "base_value", "year_value", "growth_sanctioner_to_conduit",
                  "growth_sanctioner_to_target", "comparison_growth", "did_vs_comparison"],
    "mirror-gap": ["year", "exporter_reported", "importer_reported", "importer_reported_fob",
                   "increase_exporter", "increase_importer", "unrecorded_share_of_increase",
                   "unrecorded_share_of_increase_fob"],
    "unit-values": ["key", "year", "value", "quantity", "unit_value", "change_vs_previous",
                    "world_change_vs_previous", "robust_z"],
    "surges": ["key", "base_value", "year_value", "ratio", "corridor_ratio", "excess"],
    "processing": ["year", "inputs_to_origin", "inputs_from_origin", "finished_from_origin",
                   "finished_exports", "loop_growth", "export_growth", "origin_share"],
}


@dataclass
class Section:
    """One check on the page: what it tests, its chart, findings, caveats, or why it could not run."""

    title: str
    detector: str
    intro: str
    figure: Figure | None = None
    findings: list[Finding] = field(default_factory=list)
    figure_keys: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    candidates: int = 0
    error: str | None = None


def _bars(frame: pd.DataFrame, x: str, y: str, title: str, rule: float | None) -> alt.Chart:
    bars = alt.Chart(frame).mark_bar().encode(
        x=alt.X(f"{x}:N", sort="-y", title=None),
        y=alt.Y(f"{y}:Q", title=title),
        color=alt.Color("role:N", title=None, scale=alt.Scale(range=["#1f4e79", "#d1495b"])),
    )
    if rule is None:
        return bars.properties(width=WIDTH, height=HEIGHT)
    line = alt.Chart(pd.DataFrame({"y": [rule]})).mark_rule(strokeDash=[4, 3]).encode(y="y:Q")
    return (bars + line).properties(width=WIDTH, height=HEIGHT)


def _lines(frame: pd.DataFrame, y: str, title: str, color: str) -> alt.Chart:
    return alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("year:O", title=None), y=alt.Y(f"{y}:Q", title=title),
        color=alt.Color(f"{color}:N", title=None),
    ).properties(width=WIDTH, height=HEIGHT)


def _long(rows: list[dict[str, Any]], columns: list[str], scale: float) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    frame = frame.melt(id_vars=["year"], value_vars=columns, var_name="series", value_name="v")
    frame["v"] = frame.v / scale
    frame["series"] = frame.series.str.replace("_", " ")
    return frame


def chart_for(result: DetectorResult) -> tuple[alt.Chart, str] | None:
    """A chart of a result and its caption (units, period, source), or None without rows."""
    rows, p = result.rows, result.parameters
    if not rows:
        return None
    cur, src = rows[0].get("currency", ""), ", ".join(result.sources)
    if result.detector == "rerouting":
        frame = pd.DataFrame({"country": [r["country"] for r in rows],
                              "growth": [r["growth_sanctioner_to_conduit"] for r in rows],
                              "role": "conduit"})
        target = pd.DataFrame({"country": [p["target"]], "role": "target",
                               "growth": [rows[0]["growth_sanctioner_to_target"]]})
        chart = _bars(pd.concat([frame, target]), "country", "growth",
                      f"{p['year']} / {p['base']} (x)", 1.0)
        return chart, (f"Growth of {p['sanctioner']} exports, {p['year']} over {p['base']}, "
                       f"current {cur}; dashed line = no change. Source: {src}.")
    if result.detector == "mirror-gap":
        frame = _long(rows, ["exporter_reported", "importer_reported"], 1e6)
        return _lines(frame, "v", f"{cur} m", "series"), (
            f"{p['exporter']} exports to {p['importer']} as each side reports them, {cur} "
            f"million, current prices. Sources: {src}.")
    if result.detector == "surges":
        frame = pd.DataFrame({"key": [r["key"] for r in rows], "ratio": [r["ratio"] for r in rows],
                              "role": ["flagged" if r["key"] in {f.subject for f in result.findings}
                                       else "other" for r in rows]})
        chart = _bars(frame, "key", "ratio", f"{p['year']} / {p['base']} (x)",
                      rows[0]["corridor_ratio"])
        return chart, (f"Growth of {p['exporter']} exports to {p['importer']} by "
                       f"{p['by']}, {p['year']} over {p['base']}, current {cur}; dashed line = "
                       f"growth of the whole corridor. Source: {src}.")
    if result.detector == "unit-values":
        flagged = {f.figures["key"] for f in result.findings}
        keep = [r for r in rows if r["key"] in flagged] or rows
        frame = pd.DataFrame(keep)[["year", "key", "unit_value"]].dropna()
        return _lines(frame, "unit_value", f"{cur} per kg", "key"), (
            f"Unit value of {p['exporter']} exports to {p['importer']}, {cur} per kilogram, "
            f"current prices. Source: {src}.")
    frame = _long(rows, ["inputs_to_origin", "inputs_from_origin", "finished_from_origin",
                         "finished_exports"], 1e6)
    return _lines(frame, "v", f"{cur} m", "series"), (
        f"Legs of the processing loop between {p['origin']} and {p['via']}, {cur} million, "
        f"current prices. Source: {src}.")


def build_section(title: str, result: DetectorResult | None, error: str | None) -> Section:
    """Turn one outcome into a section, rendering its chart."""
    if result is None:
        return Section(title, "", "", error=error or "the check did not run")
    section = Section(title, result.detector, EXPLAINERS.get(result.detector, ""),
                      findings=result.findings, caveats=result.caveats, sources=result.sources,
                      figure_keys=FIGURE_KEYS.get(result.detector, []), candidates=len(result.rows))
    made = chart_for(result)
    if made:
        chart, caption = made
        slug = title.lower().replace(" ", "-")
        section.figure = Figure(id=f"fig-{slug}", title=title, caption=caption, svg=to_svg(chart))
    return section


def render_detectors_html(target: str, outcomes: list[Outcome]) -> str:
    """The page for ``target`` from ``(title, result or None, error or None)`` triples."""
    sections = [build_section(title, result, error) for title, result, error in outcomes]
    found = sum(len(s.findings) for s in sections)
    ran = [s for s in sections if s.error is None]
    summary = (f"{found} finding(s) from {len(ran)} check(s) that could run"
               + (f"; {len(sections) - len(ran)} could not run (see below)."
                  if len(ran) < len(sections) else "."))
    used = sorted({source for s in sections for source in s.sources})
    return render_page(
        "detectors.html.j2",
        title=f"Evasion signals: {country_name(target)} ({target})",
        subtitle="Statistical signals of trade going around sanctions, with the figures behind "
                 "each one. A signal is a reason to look closer, not proof of a violation.",
        sources=[SourceNote(source) for source in used],
        sections=sections, summary=summary, fmt=_fmt,
    )


def _fmt(key: str, value: Any) -> str:
    """A figure for the evidence tables: shares as %, ratios with x, values with separators."""
    if value is None:
        return "–"
    if isinstance(value, str) or key in ("year", "country", "key"):
        return str(value)
    if "share" in key:
        return f"{value:.1%}"
    if any(word in key for word in ("growth", "ratio", "change", "excess", "robust", "did")):
        return f"{value:,.2f}"
    if key == "unit_value":
        return f"{value:,.1f}"
    return f"{value:,.0f}"
