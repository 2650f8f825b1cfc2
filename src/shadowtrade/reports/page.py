"""Shared page machinery of every HTML report: templates, number formats, figures and sources.

Every report (corridor, partners, detectors, brief, overlap …) is one self-contained HTML
file: CSS embedded, charts as inline SVG, no script and nothing fetched. A report module
builds its context from results it was given (never a connection) and calls
:func:`render_page` with a template that extends ``base.html.j2``::

    {% extends "base.html.j2" %}
    {% block content %}<p>{{ summary }}</p>{{ figure_html(figures[0]) }}{% endblock %}

The base template draws the title, the subtitle, the content block and a footer listing the
sources (:class:`SourceNote`) with their releases and load dates. The macros ``figure_html``
(a :class:`Figure`) and ``sources_table`` live in ``macros.html.j2``:
``{% from "macros.html.j2" import figure_html, sources_table %}``.

>>> money(110.0139e9, "USD")
'USD 110.0 bn'
>>> money(2.7338e9, "EUR")
'EUR 2.73 bn'
>>> money(387e6, "USD")
'USD 387 m'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

TEMPLATES = Path(__file__).parent / "templates"

SCALES: dict[str, float] = {"tn": 1e12, "bn": 1e9, "m": 1e6, "k": 1e3, "": 1.0}
"""Display scales: suffix -> divisor. ``bn`` is a thousand million, ``tn`` a million million."""

SCALE_WORDS: dict[str, str] = {"tn": "trillion", "bn": "billion", "m": "million", "k": "thousand",
                               "": ""}

SOURCE_NAMES: dict[str, str] = {
    "baci": "CEPII BACI",
    "comtrade": "UN Comtrade",
    "eurostat": "Eurostat Comext",
    "national": "National statistics",
    "atlas": "Growth Lab Atlas",
    "published": "Press reports of official statistics (cited)",
    "planted": "Synthetic data with planted patterns (tests only)",
}
"""Readable names of the publishers behind each ``source`` code of the flows table."""

SOURCE_SHORT: dict[str, str] = {
    "baci": "BACI", "comtrade": "UN Comtrade", "eurostat": "Eurostat Comext",
    "national": "national statistics",
    "atlas": "Growth Lab Atlas",
    "published": "press reports", "planted": "synthetic data",
}

SOURCE_NOTES: dict[str, str] = {
    "baci": "Exporter and importer reports reconciled by CEPII, valued FOB (without freight "
            "and insurance), current US dollars.",
    "comtrade": "The reporting country's own declaration to the UN; imports are valued CIF "
                "(freight and insurance included), so they usually run a few percent above "
                "FOB figures.",
    "eurostat": "EU member states' declarations, summed over the 27 members (Eurostat's own "
                "aggregate rows are not added), current euros.",
    "national": "The partner country's statistics office; converted to euros by the upstream "
                "author at undocumented rates: approximate.",
    "atlas": "Harvard Growth Lab's mirror-reconciled trade (HS92), current US dollars.",
}

SOURCE_LINKS: dict[str, str] = {
    "baci": "https://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37",
    "comtrade": "https://comtradeplus.un.org/",
    "eurostat": "https://ec.europa.eu/eurostat/comext/newxtweb/",
    "atlas": "https://atlas.hks.harvard.edu/",
}


def pick_scale(value: float) -> str:
    """The display scale for a magnitude: ``bn`` from a thousand million, ``m`` from a million.

    >>> pick_scale(2.7e9), pick_scale(-3.9e8), pick_scale(5_000.0)
    ('bn', 'm', 'k')
    """
    size = abs(value)
    for suffix in ("tn", "bn", "m", "k"):
        if size >= SCALES[suffix]:
            return suffix
    return ""


def common_scale(values: Iterable[float]) -> str:
    """One scale for several numbers shown together: the scale of the largest.

    >>> common_scale([0.26e9, 2.73e9])
    'bn'
    """
    finite = [abs(v) for v in values if v == v]
    return pick_scale(max(finite)) if finite else ""


def number(value: float, scale: str | None = None) -> str:
    """A magnitude at a scale: billions keep one decimal from ten up, millions none from 100 up.

    >>> number(110.0139e9), number(69.62e9), number(2.7338e9), number(0.2632e9, "bn")
    ('110.0 bn', '69.6 bn', '2.73 bn', '0.26 bn')
    >>> number(12_345.0, ""), number(-4.2e6)
    ('12,345', '-4.20 m')
    """
    if value != value:  # NaN
        return "n/a"
    scale = pick_scale(value) if scale is None else scale
    scaled = value / SCALES[scale]
    if scale == "":
        return f"{scaled:,.0f}"
    if scale in ("m", "k") and abs(scaled) >= 100:
        text = f"{scaled:,.0f}"
    elif abs(scaled) >= 10:
        text = f"{scaled:,.1f}"
    else:
        text = f"{scaled:,.2f}"
    return f"{text} {scale}"


def money(value: float, currency: str, scale: str | None = None) -> str:
    """A money amount with its currency in front: ``USD 110.0 bn``.

    >>> money(89.2e9, "EUR"), money(501e6, "USD"), money(0.263e9, "EUR", "bn")
    ('EUR 89.2 bn', 'USD 501 m', 'EUR 0.26 bn')
    """
    return f"{currency} {number(value, scale)}"


def percent(ratio: float, signed: bool = False) -> str:
    """A ratio as a percentage, with a sign when asked.

    Negative numbers take a true minus sign (U+2212), as in print.

    >>> percent(0.5802, signed=True), percent(-0.571, signed=True), percent(0.0312)
    ('+58%', '−57%', '3.1%')
    """
    if ratio != ratio:
        return "n/a"
    digits = 0 if abs(ratio) >= 0.1 else 1
    sign = "+" if signed and ratio > 0 else ("−" if ratio < 0 else "")
    return f"{sign}{abs(ratio) * 100:,.{digits}f}%"


def money_pair(first: float, second: float, currency: str) -> tuple[str, str]:
    """Two amounts to compare, at one scale unless the smaller would show as a bare fraction.

    >>> money_pair(0.263e9, 2.73e9, "EUR"), money_pair(1.76e9, 28.4e6, "USD")
    (('EUR 0.26 bn', 'EUR 2.73 bn'), ('USD 1.76 bn', 'USD 28.4 m'))
    """
    scale = common_scale([first, second])
    if min(abs(first), abs(second)) < 0.1 * SCALES[scale]:
        return money(first, currency), money(second, currency)
    return money(first, currency, scale), money(second, currency, scale)


def scale_label(currency: str, scale: str) -> str:
    """Axis or column label for money at a scale: ``USD bn``.

    >>> scale_label("EUR", "bn"), scale_label("USD", "")
    ('EUR bn', 'USD')
    """
    return f"{currency} {scale}".strip()


@dataclass(frozen=True)
class SourceNote:
    """One dataset behind a report, for the sources footer: who, which release, when loaded.

    >>> note = SourceNote("baci", release="V202501", dataset="HS17", years=(2017, 2023))
    >>> note.citation
    'BACI HS17, V202501'
    >>> note.name
    'CEPII BACI'
    """

    source: str
    release: str | None = None
    dataset: str | None = None
    years: tuple[int, int] | None = None
    currency: str | None = None
    loaded_at: dt.datetime | None = None
    files: str | None = None
    rows: int | None = None

    @property
    def name(self) -> str:
        """The publisher's name."""
        return SOURCE_NAMES.get(self.source, self.source)

    @property
    def citation(self) -> str:
        """A short inline citation: publisher, HS revision if any, and release."""
        parts = [SOURCE_SHORT.get(self.source, self.source)]
        if self.dataset and re.fullmatch(r"HS\d\d", self.dataset):
            parts[0] += f" {self.dataset}"
        if self.release and self.release not in (self.source, self.dataset, "api", "comext",
                                                 "national", "hs92"):
            parts.append(self.release)
        return ", ".join(parts)

    @property
    def note(self) -> str:
        """What the numbers of this source are (valuation, currency, caveats)."""
        return SOURCE_NOTES.get(self.source, "")

    @property
    def link(self) -> str | None:
        """The publisher's page, where there is one."""
        return SOURCE_LINKS.get(self.source)

    @classmethod
    def from_status(cls, row: Mapping[str, Any]) -> SourceNote:
        """From a row of ``warehouse.status.flow_status`` (or ``analysis.flows.sources_for``)."""
        first, last = row.get("first_year"), row.get("last_year")
        return cls(
            source=str(row["source"]), release=row.get("release"), dataset=row.get("dataset"),
            years=(int(first), int(last)) if first is not None and last is not None else None,
            currency=row.get("currency"), loaded_at=row.get("loaded_at"),
            files=row.get("files"), rows=int(row["rows"]) if row.get("rows") is not None else None,
        )


@dataclass(frozen=True)
class Figure:
    """A chart placed in a page: inline SVG plus its title, units note and saved files.

    ``caption`` must say the units, currency, period and source of the figure: a figure is
    never shown without them.
    """

    id: str
    title: str
    caption: str
    svg: str
    files: tuple[str, ...] = field(default_factory=tuple)


def inline_svg(svg: str) -> Markup:
    """An SVG document made fit for inlining in HTML5: no XML namespaces, scalable width.

    >>> str(inline_svg('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="5"></svg>'))
    '<svg width="10" height="5" style="width:100%;max-width:860px;height:auto"></svg>'
    """
    svg = re.sub(r'\s+xmlns(:xlink)?="[^"]*"', "", svg, count=2)
    svg = svg.replace("xlink:href", "href")
    svg = re.sub(r"<svg\b([^>]*)>", r'<svg\1 style="width:100%;max-width:860px;height:auto">', svg, count=1)
    return Markup(svg)


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja2 environment over ``reports/templates`` with the number filters.

    Filters: ``money(currency, scale=None)``, ``number(scale=None)``, ``percent(signed=False)``;
    globals: ``inline_svg``, ``source_names``.

    >>> environment().from_string("{{ 110.0139e9 | money('USD') }}").render()
    'USD 110.0 bn'
    """
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["j2", "html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(money=money, number=number, percent=percent)
    env.globals.update(inline_svg=inline_svg, source_names=SOURCE_NAMES)
    return env


def render_page(template: str, *, title: str, sources: Iterable[SourceNote] = (),
                **context: Any) -> str:
    """Render a template that extends ``base.html.j2`` into one self-contained HTML page.

    ``title`` is the page heading; ``sources`` fill the footer; ``subtitle`` and any other
    keyword go to the template. The generation date is added as ``generated``.

    >>> html = render_page("base.html.j2", title="Empty", subtitle="Nothing yet")
    >>> "<title>Empty</title>" in html and "Nothing yet" in html
    True
    """
    context.setdefault("subtitle", "")
    return environment().get_template(template).render(
        title=title, sources=list(sources), generated=dt.date.today().isoformat(), **context
    )


def write_page(html: str, path: Path) -> Path:
    """Write a page (creating its folder) and return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path
