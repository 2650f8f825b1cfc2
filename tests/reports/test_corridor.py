"""The corridor report and the partner comparison, on the real data."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from shadowtrade.reports.charts import is_png
from shadowtrade.reports.corridor import (
    CorridorResults, render_corridor, render_partner_comparison, summary_sentences,
)
from shadowtrade.reports.page import SourceNote


def assert_self_contained(html: str) -> None:
    """No script, stylesheet, image or frame fetched; ``http`` only in links."""
    assert not re.search(r"<script\b", html, re.I)
    assert not re.search(r"<(link|img|iframe|object|embed)\b", html, re.I)
    assert not re.search(r"url\(", html, re.I)
    assert not re.search(r"\bsrc\s*=", html, re.I)
    for match in re.finditer(r"https?://", html):
        before = html[max(0, match.start() - 6):match.start()]
        assert before == 'href="', f"non-link URL at {match.start()}: {html[match.start() - 40:match.end() + 40]}"


def test_summary_states_the_must_hold_figures_with_the_release(chn_rus: CorridorResults) -> None:
    assert summary_sentences(chn_rus)[0] == (
        "China's exports to Russia rose from USD 69.6 bn in 2021 to USD 110.0 bn in 2023, "
        "up 58% (BACI HS17, V202501).")


def test_summary_names_the_largest_movers(chn_rus: CorridorResults) -> None:
    assert summary_sentences(chn_rus)[1] == (
        "Between 2021 and 2023, the largest increase was in motor cars and other motor vehicles "
        "(HS 8703), from USD 1.34 bn to USD 11.7 bn; the largest fall was in telephone sets "
        "(HS 8517), from USD 6.69 bn to USD 4.38 bn.")


def test_summary_gives_the_second_source_beside_the_first(rus_chn: CorridorResults) -> None:
    sentences = summary_sentences(rus_chn)
    assert sentences[0].startswith("Russia's exports to China rose from USD 72.1 bn in 2021 to "
                                   "USD 129.0 bn in 2023")
    assert sentences[1] == ("UN Comtrade (China's report) gives USD 79.6 bn for 2021 and "
                            "USD 128.9 bn for 2023.")


def test_summary_in_euros_and_partial_year_named(eu_kgz: CorridorResults) -> None:
    sentences = summary_sentences(eu_kgz)
    assert sentences[0] == ("EU27's exports to Kyrgyzstan rose from EUR 0.26 bn in 2021 to "
                            "EUR 2.73 bn in 2023, 10.4 times as much (Eurostat Comext).")
    assert sentences[-1] == ("Incomplete years are left out of the charts: "
                             "2024 (eurostat: 8 months).")


def test_page_holds_figures_tables_and_sources(chn_rus_page: Path) -> None:
    html = chn_rus_page.read_text()
    assert "<title>Trade corridor: China to Russia</title>" in html
    assert "USD 110.0 bn in 2023" in html
    assert html.count("<svg") == 2 and html.count("USD bn") >= 2
    assert "XVI Machinery and electrical equipment" in html
    assert '<td class="code">8703</td>' in html and "Motor cars and other motor vehicles" in html
    assert "V202501" in html and "HS17" in html and dt.date.today().isoformat() in html
    assert "valued FOB" in html


def test_page_is_self_contained(chn_rus_page: Path) -> None:
    assert_self_contained(chn_rus_page.read_text())


def test_charts_are_saved_as_png_next_to_the_page(chn_rus_page: Path) -> None:
    for name in ("corridor_series.png", "corridor_composition.png"):
        assert is_png((chn_rus_page.parent / name).read_bytes())
    assert "corridor_series.png" in chn_rus_page.read_text()


def test_both_sources_share_the_series_chart(rus_chn: CorridorResults, tmp_path: Path) -> None:
    html = render_corridor(rus_chn, tmp_path / "r.html", chart_format="svg").read_text()
    assert "BACI HS17, V202501" in html and "UN Comtrade (China&#39;s report)" in html
    assert (tmp_path / "r_series.svg").read_text().startswith("<svg")
    assert not list(tmp_path.glob("*.png"))


def test_corridor_without_product_detail_says_so(eu_kgz: CorridorResults, tmp_path: Path) -> None:
    html = render_corridor(eu_kgz, tmp_path / "k.html", chart_dir=tmp_path / "png").read_text()
    assert html.count("<svg") == 1 and "No product breakdown is loaded" in html
    assert "Products that moved most" not in html
    assert [p.name for p in (tmp_path / "png").iterdir()] == ["k_series.png"]
    assert "EUR bn" in html and "Left out as incomplete: 2024 (eurostat: 8 months)." in html


def test_groups_are_drawn_as_lines_with_their_labels(chn_rus: CorridorResults,
                                                     tmp_path: Path) -> None:
    frame = pd.DataFrame({"year": [2022, 2023, 2022, 2023], "source": "baci", "currency": "USD",
                          "group": ["tractors", "tractors", "machinery", "machinery"],
                          "value": [0.6e9, 3.8e9, 30.6e9, 42.8e9]})
    results = CorridorResults("CHN", "RUS", chn_rus.series, composition=frame, by="group",
                              sources=chn_rus.sources)
    html = render_corridor(results, tmp_path / "g.html").read_text()
    assert "Tractors" in html and "so each is drawn on its own rather than stacked" in html


def test_partner_comparison_page_and_png(eu_neighbours, tmp_path: Path) -> None:
    series, notes = eu_neighbours
    path = render_partner_comparison(series, tmp_path / "eu.html", base_year=2021, sources=notes)
    html = path.read_text()
    assert_self_contained(html)
    assert is_png((tmp_path / "eu_comparison.png").read_bytes())
    assert ("From 2021 to 2023, EU27's exports grew most to Kyrgyzstan (EUR 0.26 bn to "
            "EUR 2.73 bn, +939%) and fell most to Russia (EUR 89.2 bn to EUR 38.2 bn, −57%)."
            ) in html.replace("&#39;", "'")
    assert "Index, 2021 = 100" in html and "Eurostat Comext" in html


def test_source_note_from_status_row() -> None:
    row = {"source": "baci", "dataset": "HS17", "release": "V202501", "first_year": 2017,
           "last_year": 2023, "currency": "USD", "rows": 28726,
           "loaded_at": dt.datetime(2026, 1, 2, 3, 4)}
    note = SourceNote.from_status(row)
    assert (note.citation, note.years, note.rows, note.name) == (
        "BACI HS17, V202501", (2017, 2023), 28726, "CEPII BACI")


def test_docstring_examples_hold() -> None:
    import doctest

    from shadowtrade.reports import charts, corridor, page

    for module in (page, charts, corridor):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.attempted > 0 and result.failed == 0, module.__name__


def test_country_totals_cite_atlas_before_approximate_national_statistics(trade_warehouse) -> None:
    from shadowtrade.analysis.flows import FlowQuery
    from shadowtrade.cli.report import gather_corridor

    results = gather_corridor(trade_warehouse, FlowQuery("PRK", "WLD", (2019, 2023)))
    assert set(results.series["source"]) == {"atlas", "national"}
    assert summary_sentences(results)[0] == (
        "North Korea's exports to the world rose from USD 219 m in 2021 to USD 501 m in 2023, "
        "up 129% (Growth Lab Atlas).")
    assert summary_sentences(results)[1].startswith("National statistics gives EUR ")


def test_series_figure_for_other_pages_saves_nothing(rus_chn: CorridorResults) -> None:
    from shadowtrade.reports.corridor import series_figure

    figure = series_figure(rus_chn)
    assert figure.files == () and figure.svg.startswith("<svg")
    assert figure.caption.startswith("Value of goods per year in USD, current prices; one line "
                                     "per publisher (BACI HS17, V202501; UN Comtrade (China's report))")
