"""Rendering an assessment as one self-contained HTML page (and a PDF of the same content).

The page reads without network access: charts are inline SVG, styles embedded.

>>> from shadowtrade.assess.findings import Assessment, Risk
>>> page = render_brief_html(Assessment("deal", "Salmon", "low", "Low risk.",
...                          Risk("legal"), Risk("financial"), Risk("reputational")))
>>> "Low risk." in page and "<script src" not in page
True
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from shadowtrade.assess.findings import Assessment
from shadowtrade.errors import MissingExtraError
from shadowtrade.reference.countries import country_name
from shadowtrade.reports import page
from shadowtrade.reports.brief_charts import to_svg, trade_chart

_TEMPLATES = Path(__file__).parent / "templates"
VERDICT_WORDS = {
    "prohibited": "Prohibited", "high": "High risk", "medium": "Medium risk", "low": "Low risk",
}


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(_TEMPLATES),
                             autoescape=jinja2.select_autoescape(["html", "j2"]),
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["money"] = money
    env.filters["country"] = country_name
    return env


def money(value: float | None, currency: str | None = "") -> str:
    """A value as people read it, or 'n/a' (formatting shared with every report).

    >>> money(110.0139e9, "USD"), money(263.2e6, "EUR"), money(None, "USD")
    ('USD 110.0 bn', 'EUR 263 m', 'n/a')
    """
    if value is None:
        return "n/a"
    return page.money(value, currency or "").strip()


def render_brief_html(assessment: Assessment) -> str:
    """The brief as one HTML document."""
    chart = to_svg(trade_chart(assessment.trade, _chart_title(assessment))) \
        if assessment.trade else None
    return _environment().get_template("brief.html.j2").render(
        a=assessment, verdict_word=VERDICT_WORDS[assessment.verdict], chart_svg=chart,
        overlap=_overlap_rows(assessment.overlap), risks=[assessment.legal, assessment.financial,
                                                          assessment.reputational],
        today=dt.date.today().isoformat(),
    )


def _chart_title(assessment: Assessment) -> str:
    if assessment.subject == "country":
        return f"{country_name(assessment.facts['country'])}: trade with the world"
    return "Trade on the route, by year and source"


def _overlap_rows(overlap: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Overlap rows with one status per authority, for the table."""
    if not overlap:
        return []
    rows = []
    for row in overlap["rows"]:
        cells = {a: (c["status"] if c else None) for a, c in row["cells"].items()}
        if any(cells.values()):
            rows.append({"key": row["key"], "label": row["label"], "direction": row["direction"],
                         "cells": cells, "rules": {a: c["rule_ids"] for a, c in
                                                   row["cells"].items() if c}})
    return rows


def write_brief(assessment: Assessment, html_path: Path | None = None,
                pdf_path: Path | None = None) -> list[Path]:
    """Write the HTML and/or PDF; returns the files written."""
    written = []
    page = render_brief_html(assessment)
    if html_path:
        html_path.parent.mkdir(parents=True, exist_ok=True)
        html_path.write_text(page, encoding="utf-8")
        written.append(html_path)
    if pdf_path:
        write_pdf(page, pdf_path)
        written.append(pdf_path)
    return written


def write_pdf(page: str, path: Path) -> None:
    """The same page, paginated, as PDF (WeasyPrint; the 'pdf' extra)."""
    try:
        import weasyprint
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise MissingExtraError("writing a PDF", "pdf") from err
    path.parent.mkdir(parents=True, exist_ok=True)
    weasyprint.HTML(string=page).write_pdf(str(path))
