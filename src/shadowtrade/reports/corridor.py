"""The corridor report and the partner comparison: results in, one self-contained HTML file out.

The caller (the CLI) runs the queries and hands over DataFrames in a :class:`CorridorResults`;
this module writes the plain-language summary, draws the charts, saves them as PNG or SVG
next to the page and renders ``corridor.html.j2``. It never opens a connection.

>>> import pandas as pd
>>> series = pd.DataFrame({"year": [2021, 2023], "exporter": "CHN", "importer": "RUS",
...     "source": "baci", "value": [69.62e9, 110.01e9], "currency": "USD", "months": None})
>>> results = CorridorResults("CHN", "RUS", series,
...     sources=(SourceNote("baci", release="V202501", dataset="HS17"),))
>>> summary_sentences(results)[0]
"China's exports to Russia rose from USD 69.6 bn in 2021 to USD 110.0 bn in 2023, up 58% (BACI HS17, V202501)."
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from shadowtrade.reference.countries import country_groups, country_name
from shadowtrade.reference.groups import sector_groups
from shadowtrade.reference.hs import describe, sections
from shadowtrade.reports import charts
from shadowtrade.reports.page import (
    Figure, SourceNote, money, money_pair, percent, render_page, write_page,
)

ChartFormat = Literal["png", "svg"]
# national statistics come last: converted to euros at undocumented rates (see SOURCES.md)
SOURCE_PREFERENCE = ("baci", "comtrade", "eurostat", "atlas", "national")
PRE_WAR_YEAR = 2021  # the last full year before the 2022 sanctions on Russia: the usual base
SHORT_NAMES = {"RUS": "Russia"}  # official names too long for a sentence


@dataclass(frozen=True)
class CorridorResults:
    """Everything the corridor report shows, already computed.

    ``series``: ``corridor_series`` by total (every source); ``composition``: the same by
    ``section`` or ``group`` for one source; ``movers``: ``top_movers`` at HS4 (``hs``,
    ``start``, ``end``, ``change``) between ``movers_years``; ``sources``: one
    :class:`SourceNote` per dataset behind the numbers.
    """

    exporter: str
    importer: str
    series: pd.DataFrame
    composition: pd.DataFrame | None = None
    by: Literal["section", "group"] = "section"
    movers: pd.DataFrame | None = None
    movers_years: tuple[int, int] | None = None
    sources: tuple[SourceNote, ...] = field(default_factory=tuple)
    base_year: int | None = None


@dataclass(frozen=True)
class ChartOutput:
    """Where chart files go: a folder, a file-name stem and ``png`` or ``svg``."""

    folder: Path
    stem: str
    format: ChartFormat = "png"
    specs: bool = False  # also save each chart's Vega-Lite JSON spec

    def path(self, name: str) -> Path:
        """The file of one chart: ``<folder>/<stem>_<name>.<format>``."""
        return self.folder / f"{self.stem}_{name}.{self.format}"


def display_name(code: str) -> str:
    """A country's name, or a group's code (``EU27``), or "the world".

    >>> display_name("RUS"), display_name("EU27"), display_name("WLD")
    ('Russia', 'EU27', 'the world')
    """
    if code == "WLD":
        return "the world"
    if code in SHORT_NAMES:
        return SHORT_NAMES[code]
    return code if code in country_groups() else country_name(code)


def possessive(name: str) -> str:
    """English possessive of a name.

    >>> possessive("China"), possessive("United States"), possessive("the world")
    ("China's", "United States'", "the world's")
    """
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def ranked_sources(sources: Iterable[str]) -> list[str]:
    """Sources in citing order: BACI, then Comtrade, Eurostat, Atlas, national statistics.

    >>> ranked_sources({"national", "eurostat"})
    ['eurostat', 'national']
    """
    return sorted(sources, key=lambda s: (SOURCE_PREFERENCE.index(s)
                                          if s in SOURCE_PREFERENCE else 99, s))


def primary_source(sources: Iterable[str]) -> str:
    """The source cited first.

    >>> primary_source(["comtrade", "baci"])
    'baci'
    """
    return ranked_sources(sources)[0]


def default_base_year(years: Sequence[int]) -> int:
    """2021 (the year before the 2022 sanctions) when the series covers it, else its first year.

    >>> default_base_year([2017, 2021, 2023]), default_base_year([2022, 2023])
    (2021, 2022)
    """
    ordered = sorted(years)
    return PRE_WAR_YEAR if PRE_WAR_YEAR in ordered[:-1] else ordered[0]


def note_for(sources: Sequence[SourceNote], source: str) -> SourceNote:
    """The source note of a source code (a bare one when the caller gave none)."""
    return next((s for s in sources if s.source == source), SourceNote(source))


def series_label(note: SourceNote, importer: str | None = None) -> str:
    """Legend text for a source: its citation and whose report it is.

    >>> series_label(SourceNote("comtrade", release="api", dataset="reporter-CHN-M"))
    "UN Comtrade (China's report)"
    >>> series_label(SourceNote("national", dataset="imports-by-partner"), "KGZ")
    "national statistics (Kyrgyzstan's report)"
    """
    reporter = reporter_of(note, importer)
    return f"{note.citation} ({possessive(reporter)} report)" if reporter else note.citation


def reporter_of(note: SourceNote, importer: str | None = None) -> str | None:
    """Whose declaration a source's figures are, when it is one country's (else None).

    >>> reporter_of(SourceNote("comtrade", dataset="reporter-CHN-M"))
    'China'
    """
    match = re.match(r"reporter-([A-Z]{3})", note.dataset or "")
    if match:
        return display_name(match.group(1))
    if importer and importer not in country_groups() and importer != "WLD" \
            and (note.dataset or "").startswith("imports"):
        return display_name(importer)
    return None


def inline_citation(note: SourceNote, importer: str | None = None) -> str:
    """The citation in brackets after a figure: ``BACI HS17, V202501``, or with the reporter.

    >>> inline_citation(SourceNote("comtrade", dataset="reporter-CHN-M"))
    "UN Comtrade: China's report"
    """
    reporter = reporter_of(note, importer)
    return f"{note.citation}: {possessive(reporter)} report" if reporter else note.citation


def growth_words(start: float, end: float) -> str:
    """How much a value changed, in words: a percentage, or a multiple from threefold up.

    >>> growth_words(69.6, 110.0), growth_words(89.2, 38.2), growth_words(0.26, 2.73)
    ('up 58%', 'down 57%', '10.5 times as much')
    """
    ratio = end / start
    if ratio >= 3:
        return f"{ratio:,.1f} times as much"
    return f"{'up' if ratio >= 1 else 'down'} {percent(abs(ratio - 1))}"


def _value(frame: pd.DataFrame, year: int) -> float | None:
    rows = frame[frame["year"] == year]
    return float(rows["value"].sum()) if not rows.empty else None


def _trend_sentence(results: CorridorResults, frame: pd.DataFrame, first: int, last: int) -> str:
    start, end = _value(frame, first), _value(frame, last)
    currency = str(frame["currency"].iloc[0])
    note = note_for(results.sources, str(frame["source"].iloc[0]))
    flow = (f"{possessive(display_name(results.exporter))} exports to "
            f"{display_name(results.importer)}")
    if start is None or end is None or first == last:
        year = last if end is not None else first
        amount = end if end is not None else start
        return _capital(f"{flow} were {money(amount or 0.0, currency)} in {year} "
                        f"({inline_citation(note, results.importer)}).")
    before, after = money_pair(start, end, currency)
    change = end / start - 1 if start else float("nan")
    verb = "were about the same" if abs(change) < 0.01 else ("rose" if change > 0 else "fell")
    detail = f", {growth_words(start, end)}" if start else ""
    return _capital(f"{flow} {verb} from {before} in {first} to {after} in {last}{detail} "
                    f"({inline_citation(note, results.importer)}).")


def _other_source_sentence(results: CorridorResults, frame: pd.DataFrame, first: int,
                           last: int) -> str | None:
    start, end = _value(frame, first), _value(frame, last)
    if end is None:
        return None
    currency = str(frame["currency"].iloc[0])
    label = series_label(note_for(results.sources, str(frame["source"].iloc[0])), results.importer)
    if start is None:
        return _capital(f"{label} gives {money(end, currency)} for {last}.")
    before, after = money_pair(start, end, currency)
    return _capital(f"{label} gives {before} for {first} and {after} for {last}.")


def _movers_sentence(results: CorridorResults) -> str | None:
    movers = results.movers
    if movers is None or movers.empty or results.movers_years is None:
        return None
    currency = currency_of_results(results)
    parts = []
    for direction, rows in (("increase", movers[movers["change"] > 0]),
                            ("fall", movers[movers["change"] < 0])):
        if rows.empty:
            continue
        top = rows.loc[rows["change"].abs().idxmax()]
        before, after = money_pair(float(top["start"]), float(top["end"]), currency)
        parts.append(f"the largest {direction} was in {short_description(str(top['hs'])).lower()} "
                     f"(HS {top['hs']}), from {before} to {after}")
    first, last = results.movers_years
    return _capital(f"Between {first} and {last}, " + "; ".join(parts) + ".") if parts else None


def currency_of_results(results: CorridorResults) -> str:
    """The currency of the corridor's primary source."""
    frame = results.series
    primary = primary_source(list(frame["source"].unique()))
    return str(frame.loc[frame["source"] == primary, "currency"].iloc[0])


def short_description(code: str, limit: int = 60) -> str:
    """An HS description cut to its first clause, for sentences.

    >>> short_description("8703")
    'Motor cars and other motor vehicles'
    """
    text = describe(code).split(";")[0].strip()
    text = re.split(r",\s*(?:principally|including|other than|n\.e\.)", text)[0]
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def complete_series(results: CorridorResults) -> tuple[pd.DataFrame, list[str]]:
    """The total series without partial years, and notes on what was left out."""
    return charts.drop_partial_years(results.series)


def summary_sentences(results: CorridorResults) -> list[str]:
    """The plain-language summary at the top of the report, one sentence per item."""
    frame, left_out = complete_series(results)
    primary = primary_source(list(frame["source"].unique()))
    main = frame[frame["source"] == primary]
    years = sorted(int(y) for y in main["year"].unique())
    base = results.base_year
    first = base if base is not None and base in years[:-1] else default_base_year(years)
    last = years[-1]
    sentences = [_trend_sentence(results, main, first, last)]
    for source in ranked_sources(set(frame["source"]) - {primary}):
        other = _other_source_sentence(results, frame[frame["source"] == source], first, last)
        if other:
            sentences.append(other)
    movers = _movers_sentence(results)
    if movers:
        sentences.append(movers)
    if left_out:
        sentences.append(f"Incomplete years are left out of the charts: {', '.join(left_out)}.")
    return sentences


def section_labels() -> dict[str, str]:
    """Legend labels of HS sections: ``XVI Machinery and electrical equipment``.

    >>> section_labels()["IX"]
    'IX Wood, cork and straw'
    """
    labels = {}
    for numeral, spec in sections().items():
        # an unquoted name with commas in a YAML flow mapping comes back split into keys
        parts = [str(spec["name"])] + [str(k) for k, v in spec.items()
                                       if k not in ("chapters", "name") and v is None]
        labels[numeral] = f"{numeral} {', '.join(parts)}"
    return labels


def group_labels() -> dict[str, str]:
    """Legend labels of sector groups: their readable label (``Tractors``)."""
    return {name: group.label for name, group in sector_groups().items()}


def _save(chart: object, output: ChartOutput | None, name: str) -> tuple[str, ...]:
    if output is None:
        return ()
    files = [charts.save_chart(chart, output.path(name))]  # type: ignore[arg-type]
    if output.specs:
        files.append(charts.save_chart(chart, output.folder / f"{output.stem}_{name}.vl.json"))  # type: ignore[arg-type]
    return tuple(path.name for path in files)


def series_figure(results: CorridorResults, output: ChartOutput | None = None) -> Figure:
    """The corridor's value per year, one line per source, inlined (and saved with ``output``).

    Other pages (the brief) can place it with ``figure_html``:
    ``series_figure(CorridorResults("CHN", "RUS", series, sources=notes))``.
    """
    frame, left_out = complete_series(results)
    primary = primary_source(list(frame["source"].unique()))
    frame = frame[frame["currency"] == currency_of_results(results)]
    labels = {s: series_label(note_for(results.sources, s), results.importer)
              for s in frame["source"].unique()}
    title = (f"{_capital(possessive(display_name(results.exporter)))} exports to "
             f"{display_name(results.importer)}")
    chart = charts.series_chart(frame, title=title, labels=labels)
    currency = currency_of_results(results)
    caption = (f"Value of goods per year in {currency}, current prices; one line per publisher "
               f"({'; '.join(labels[s] for s in sorted(labels, key=lambda s: s != primary))}).")
    if left_out:
        caption += f" Left out as incomplete: {', '.join(left_out)}."
    return Figure("series", title, caption, charts.to_svg(chart), _save(chart, output, "series"))


def composition_figure(results: CorridorResults,
                       output: ChartOutput | None = None) -> Figure | None:
    """The breakdown by HS section (stacked) or sector group (lines), or None without data."""
    frame = results.composition
    if frame is None or frame.empty:
        return None
    frame, left_out = charts.drop_partial_years(frame)
    key = results.by
    note = note_for(results.sources, str(frame["source"].iloc[0]))
    what = "HS section" if key == "section" else "sector group"
    title = (f"{_capital(possessive(display_name(results.exporter)))} exports to "
             f"{display_name(results.importer)} by {what}")
    labels = section_labels() if key == "section" else group_labels()
    chart = charts.composition_chart(frame, key=key, title=title, labels=labels,
                                     stacked=key == "section")
    currency = str(frame["currency"].iloc[0])
    caption = f"Value per year in {currency}, current prices, {note.citation}; the eight largest "
    if key == "group":
        caption += ("sector groups. Groups overlap (tractors are also machinery), so each is "
                    "drawn on its own rather than stacked.")
    else:
        caption += "HS sections, the rest summed as Other."
    if left_out:
        caption += f" Left out as incomplete: {', '.join(left_out)}."
    return Figure("composition", title, caption, charts.to_svg(chart),
                  _save(chart, output, "composition"))


def mover_rows(results: CorridorResults) -> list[dict[str, object]]:
    """The top-movers table: HS4 code, description, values at both years, change."""
    if results.movers is None or results.movers.empty:
        return []
    currency = currency_of_results(results)
    rows = []
    for row in results.movers.itertuples():
        start, end = float(row.start), float(row.end)  # type: ignore[arg-type]
        description = describe(str(row.hs))
        rows.append({
            "hs": row.hs, "description": description,
            "short": description if len(description) <= 110 else description[:109] + "…",
            "start": money(start, currency), "end": money(end, currency),
            "change": ("+" if end >= start else "−") + money(abs(end - start), currency),
            "ratio": change_ratio(start, end), "up": end >= start,
        })
    return rows


def change_ratio(start: float, end: float) -> str:
    """A change as a percentage, or as a multiple from tenfold up.

    >>> change_ratio(75.5e6, 3.75e9), change_ratio(6.69e9, 4.38e9), change_ratio(0.0, 5.0)
    ('×50', '−35%', 'new')
    """
    if start <= 0:
        return "new"
    if end / start >= 10:
        return f"×{end / start:,.0f}"
    return percent(end / start - 1, signed=True)


def render_corridor(results: CorridorResults, out: Path, *, chart_dir: Path | None = None,
                    chart_format: ChartFormat = "png", specs: bool = False) -> Path:
    """Write the corridor report to ``out`` and its charts next to it (or in ``chart_dir``).

    Charts are saved as ``<stem>_series.<format>`` and ``<stem>_composition.<format>``; the
    HTML embeds them as inline SVG, so it is one file that works offline.
    """
    output = ChartOutput(chart_dir or out.parent, out.stem, chart_format, specs)
    figures = [f for f in (series_figure(results, output), composition_figure(results, output))
               if f is not None]
    exporter, importer = display_name(results.exporter), display_name(results.importer)
    years = sorted(results.series["year"].unique())
    html = render_page(
        "corridor.html.j2",
        title=f"Trade corridor: {exporter} to {importer}",
        subtitle=f"Goods exported from {exporter} to {importer}, {years[0]}–{years[-1]}, "
                 f"as reported by "
                 f"{', '.join(s.name for s in results.sources) or 'the loaded sources'}.",
        sources=results.sources,
        summary=summary_sentences(results),
        figures=figures,
        has_composition=results.composition is not None and not results.composition.empty,
        movers=mover_rows(results),
        movers_years=results.movers_years,
        currency=currency_of_results(results),
    )
    return write_page(html, out)


def render_partner_comparison(series: pd.DataFrame, out: Path, *, base_year: int,
                              sources: Sequence[SourceNote] = (),
                              labels: Mapping[str, str] | None = None,
                              chart_format: ChartFormat = "png", title: str | None = None) -> Path:
    """One exporter's trade with several partners, indexed to ``base_year``: HTML plus chart.

    ``series`` is ``corridor_series`` results for one exporter (``EU27``) and several importers
    from one source, concatenated. Writes ``out`` and ``<stem>_comparison.png`` next to it.
    ``title`` defaults to "EU27's exports to Russia, Armenia … and Uzbekistan".

    Example (the demo's chart)::

        frames = [corridor_series(flows, FlowQuery("EU27", p, (2019, 2024), "eurostat"))
                  .execute() for p in ("RUS", "ARM", "GEO", "KAZ", "KGZ", "UZB")]
        render_partner_comparison(pd.concat(frames), Path("out/eu27-neighbours.html"),
                                  base_year=2021)
    """
    frame, left_out = charts.drop_partial_years(series)
    exporter = display_name(str(frame["exporter"].iloc[0]))
    names = dict(labels or {p: display_name(p) for p in frame["importer"].unique()})
    title = title or f"{possessive(exporter)} exports to {_list(list(names.values()))}"
    chart = charts.comparison_chart(frame, base_year=base_year, title=_capital(title),
                                    labels=names, color="importer")
    output = ChartOutput(out.parent, out.stem, chart_format)
    currency = charts.currency_of(frame)
    years = sorted(frame["year"].unique())
    table = _comparison_table(frame, names, base_year, int(years[-1]))
    citation = "; ".join(s.citation for s in sources) or ", ".join(sorted(frame["source"].unique()))
    caption = (f"Index of the value of goods, {base_year} = 100, computed from {currency} values "
               f"in current prices ({citation}).")
    if left_out:
        caption += f" Left out as incomplete: {', '.join(left_out)}."
    figure = Figure("comparison", _capital(title), caption, charts.to_svg(chart),
                    _save(chart, output, "comparison"))
    html = render_page("partners.html.j2", title=_capital(title),
                       subtitle=f"{years[0]}–{years[-1]}, indexed to {base_year} = 100.",
                       sources=sources, figure=figure, rows=table, currency=currency,
                       base_year=base_year, last_year=int(years[-1]),
                       summary=_comparison_summary(table, exporter, base_year, int(years[-1])))
    return write_page(html, out)


def _list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _comparison_table(frame: pd.DataFrame, names: Mapping[str, str], base_year: int,
                      last: int) -> list[dict[str, object]]:
    currency = charts.currency_of(frame)
    rows = []
    for partner, part in frame.groupby("importer"):
        start, end = _value(part, base_year), _value(part, last)
        if start is None or end is None:
            continue
        before, after = money_pair(start, end, currency)
        rows.append({"partner": names.get(str(partner), partner), "code": partner,
                     "start": before, "end": after,
                     "ratio": end / start if start else float("nan"),
                     "change": percent(end / start - 1, signed=True) if start else "n/a"})
    return sorted(rows, key=lambda r: -float(r["ratio"]))  # type: ignore[arg-type]


def _comparison_summary(rows: list[dict[str, object]], exporter: str, base_year: int,
                        last: int) -> str:
    if not rows:
        return ""
    top, bottom = rows[0], rows[-1]
    tail = "fell most to" if float(bottom["ratio"]) < 1 else "grew least to"  # type: ignore[arg-type]
    return (f"From {base_year} to {last}, {possessive(exporter)} exports grew most to "
            f"{top['partner']} ({top['start']} to {top['end']}, {top['change']}) and {tail} "
            f"{bottom['partner']} ({bottom['start']} to {bottom['end']}, {bottom['change']}).")
