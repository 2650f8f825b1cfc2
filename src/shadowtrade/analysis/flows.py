"""Bilateral trade series as Ibis expressions: by total, HS level, section or sector group.

Every function takes the ``flows`` table (an Ibis expression) and returns an expression;
nothing runs until the caller executes it, on DuckDB or Spark.

Rules the queries keep:

* Each publisher's report stays apart: results carry ``source``, never a sum across sources.
* ``EU27`` and other groups are the sum of their member countries' rows; rows a publisher
  aggregated itself (``aggregate = true``) are never added to them.
* ``WLD`` uses a publisher's own world rows where it has them, else the sum of all partners.
* A total uses a publisher's ``TOTAL`` rows where it has them, else the sum of its HS rows;
  annual rows are preferred to monthly ones for yearly series (``months`` says how many
  months a yearly figure from monthly rows covers).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import ibis
import ibis.expr.types as ir

from shadowtrade.analysis.breakdowns import BY_CHOICES
from shadowtrade.errors import UsageError
from shadowtrade.reference.countries import WORLD, country_groups
from shadowtrade.reference.groups import sector_groups
from shadowtrade.warehouse.derived import group_members, revisions_held
from shadowtrade.reference.hs import section_table

By = Literal["total", "section", "hs2", "hs4", "hs6", "group"]
Freq = Literal["year", "month"]
#: Every HS revision a sector group can be mapped into.
REVISIONS: tuple[str, ...] = ("HS92", "HS96", "HS02", "HS07", "HS12", "HS17", "HS22")
_HS_LEVELS = {"hs2": 2, "hs4": 4, "hs6": 6}


@dataclass(frozen=True)
class FlowQuery:
    """What a corridor query asks for. Codes are ISO3 or group codes (``EU27``, ``WLD``)."""

    exporter: str
    importer: str
    years: tuple[int, int] | None = None
    source: str | None = None
    by: By = "total"
    freq: Freq = "year"
    groups: tuple[str, ...] | None = None
    revisions: tuple[str, ...] = REVISIONS  # the HS revisions groups are mapped into

    def __post_init__(self) -> None:
        if self.by not in BY_CHOICES:
            raise UsageError(f"unknown --by '{self.by}': use one of {', '.join(BY_CHOICES)}")
        if self.freq not in ("year", "month"):
            raise UsageError(f"unknown --freq '{self.freq}': use year or month")
        if self.exporter == self.importer:
            raise UsageError(f"exporter and importer are both '{self.exporter}'")

    @property
    def key(self) -> str | None:
        """The name of the breakdown column in results: ``hs``, ``section``, ``group`` or None."""
        if self.by == "total":
            return None
        return "hs" if self.by in _HS_LEVELS else self.by


def side_codes(code: str, years: tuple[int, int]) -> list[str] | None:
    """The countries ``code`` stands for in every year of ``years`` (a range), or None when a
    member joins or leaves within them.

    >>> side_codes("KGZ", (2021, 2023))
    ['KGZ']
    >>> "GBR" in side_codes("EU", (2015, 2019)), "GBR" in side_codes("EU", (2021, 2023))
    (True, False)
    >>> side_codes("EU", (2019, 2021)) is None
    True
    """
    groups = country_groups()
    if code not in groups:
        return [code]
    spec = groups[code]
    codes = list(spec["members"])
    for dated in spec.get("dated_members", []):
        first = dated.get("from", dt.date(1900, 1, 1)).year
        last = dated.get("to", dt.date(2999, 12, 31)).year
        if first <= years[0] and years[1] <= last:
            codes.append(dated["iso3"])
        elif years[0] <= last and first <= years[1]:
            return None
    return codes


def side_condition(column: ir.StringColumn, year: ir.IntegerColumn, code: str,
                   years: tuple[int, int] | None = None) -> ir.BooleanColumn:
    """Rows whose ``column`` is the country ``code`` or a member of the group ``code``.

    With ``years`` (the range the rows are already limited to) the condition is a plain
    ``IN`` list whenever membership does not change within them: engines skip blocks of rows
    with it while they scan, which they cannot do with an ``OR`` across columns.
    """
    codes = side_codes(code, years) if years else None
    if codes is not None:
        return column == codes[0] if len(codes) == 1 else column.isin(codes)
    groups = country_groups()
    if code not in groups:
        return column == code
    spec = groups[code]
    condition = column.isin(list(spec["members"]))
    for dated in spec.get("dated_members", []):
        first = dated.get("from", dt.date(1900, 1, 1)).year
        last = dated.get("to", dt.date(2999, 12, 31)).year
        condition = condition | ((column == dated["iso3"]) & year.between(first, last))
    return condition


def _prefer(table: ir.Table, flag: ir.BooleanValue, by: list[str]) -> ir.Table:
    """Keep, within each ``by`` partition, only flagged rows when any row there is flagged."""
    marked = table.mutate(_pref=flag.cast("int8"))
    marked = marked.mutate(_best=marked._pref.max().over(group_by=by))
    return marked.filter(marked._pref == marked._best).drop("_pref", "_best")


def select_corridor(flows: ir.Table, query: FlowQuery) -> ir.Table:
    """The flow rows a corridor query adds up, before any grouping."""
    table = flows
    if query.source:
        table = table.filter(table.source == query.source)
    if query.years:
        table = table.filter(table.year.between(*query.years))
    wants_world = WORLD in (query.exporter, query.importer)
    for side, code in (("exporter", query.exporter), ("importer", query.importer)):
        if code != WORLD:
            table = table.filter(side_condition(table[side], table.year, code, query.years))
    if wants_world:
        side = "importer" if query.importer == WORLD else "exporter"
        table = table.filter((table[side] == WORLD) | ~table["aggregate"])
        table = _prefer(table, table[side] == WORLD, ["source"])
    else:
        table = table.filter(~table["aggregate"])
    detail = query.by != "total"
    if detail:
        table = table.filter(~table.hs_code.isin(["TOTAL"]) & (table.hs_revision != "TOTAL"))
    else:
        table = _prefer(table, table.hs_code == "TOTAL", ["source"])
    if query.freq == "year":
        table = _prefer(table, table.freq == "A", ["source"])
    else:
        table = table.filter(table.freq == "M")
    return table


def _with_key(table: ir.Table, query: FlowQuery) -> ir.Table:
    if query.by in _HS_LEVELS:
        return table.mutate(hs=table.hs_code.substr(0, _HS_LEVELS[query.by]))
    if query.by == "section":
        sections = ibis.memtable(section_table())
        joined = table.mutate(chapter=table.hs_code.substr(0, 2)).join(
            sections, "chapter", how="left"
        )
        return joined.mutate(section=joined.section.fill_null("unknown"))
    if query.by == "group":
        names = list(query.groups or sector_groups())
        members = ibis.memtable(group_members(table, names, list(query.revisions)))
        joined = table.join(members, ["hs_revision", "hs_code"], how="inner")
        return joined.mutate(value=joined.value * joined.weight,
                             quantity=joined.quantity * joined.weight)
    return table


def revisions_in(flows: ir.Table) -> tuple[str, ...]:
    """The HS revisions of ``flows`` that a group can be mapped into (a warehouse's own flows:
    as its stored files record them; anything else: one small query).

    Mapping a group into a revision reads its concordance (the HS2017 to HS2022 file alone
    holds 1.3 M weights, most of a second to read); revisions absent from the data would join
    nothing, so callers map only into these.

    >>> revisions_in(ibis.memtable({"hs_revision": ["HS17", "TOTAL", "HS17"]}))
    ('HS17',)
    """
    present = revisions_held(flows)
    if present is None:
        present = set(flows.select("hs_revision").distinct().to_pyarrow()["hs_revision"]
                      .to_pylist())
    return tuple(r for r in REVISIONS if r in present)


def corridor_series(flows: ir.Table, query: FlowQuery) -> ir.Table:
    """Trade from ``query.exporter`` to ``query.importer`` per period, source and breakdown.

    Columns: ``year`` (or ``period`` for months), ``exporter``, ``importer``, ``source``,
    the breakdown key if any, ``value``, ``currency``, ``quantity``, ``unit``, ``unit_value``
    (value per kg where quantities exist) and ``months`` (months behind a yearly figure).
    """
    table = _with_key(select_corridor(flows, query), query)
    keys = ["source", "currency"] + ([query.key] if query.key else [])
    if query.freq == "month":
        table = table.mutate(period=table.year.cast("string").concat(
            "-", table.month.cast("string").lpad(2, "0")))
        keys = ["period", *keys]
    else:
        keys = ["year", *keys]
    summary = table.group_by(keys).aggregate(
        value=table.value.sum(),
        quantity=table.quantity.sum(),
        unit=table.unit.max(),
        months=ibis.cases((table.freq == "M", table.month), else_=ibis.null("int8")).nunique(),
    )
    summary = summary.mutate(
        months=ibis.cases((summary.months > 0, summary.months), else_=ibis.null("int64")),
    )
    summary = summary.mutate(
        exporter=ibis.literal(query.exporter),
        importer=ibis.literal(query.importer),
        unit_value=ibis.cases(
            (summary.quantity > 0, summary.value / summary.quantity), else_=ibis.null("float64")
        ),
    )
    order = [keys[0], "source"] + ([ibis.desc("value")] if query.key else [])
    columns = [keys[0], "exporter", "importer", "source"] + ([query.key] if query.key else [])
    columns += ["value", "currency", "quantity", "unit", "unit_value", "months"]
    return summary.select(columns).order_by(order)


def with_shares(series: ir.Table, key: str) -> ir.Table:
    """Add ``share``: each breakdown row's part of its period and source total."""
    period = "period" if "period" in series.columns else "year"
    total = series.value.sum().over(group_by=[period, "source"])
    return series.mutate(share=series.value / total)


def with_growth(series: ir.Table, base_year: int, key: str | None = None) -> ir.Table:
    """Add ``growth``: value against the same series' value in ``base_year`` (1.0 = unchanged)."""
    by = ["source"] + ([key] if key else [])
    base = series.filter(series.year == base_year).select(*by, base_value=series.value)
    joined = series.left_join(base, by)
    joined = joined.drop(*[f"{column}_right" for column in by if f"{column}_right" in joined.columns])
    return joined.mutate(
        growth=ibis.cases((joined.base_value > 0, joined.value / joined.base_value),
                          else_=ibis.null("float64"))
    )


def top_movers(series: ir.Table, key: str, first: int, last: int, limit: int = 10) -> ir.Table:
    """Breakdown rows with the largest absolute change in value from ``first`` to ``last``."""
    start = series.filter(series.year == first).select("source", key, start=series.value)
    end = series.filter(series.year == last).select("source", key, end=series.value)
    joined = start.outer_join(end, ["source", key])
    joined = joined.mutate(
        source=joined.source.fill_null(joined.source_right),
        **{key: joined[key].fill_null(joined[f"{key}_right"])},
    ).drop("source_right", f"{key}_right")
    joined = joined.mutate(start=joined.start.fill_null(0.0), end=joined.end.fill_null(0.0))
    joined = joined.mutate(change=joined.end - joined.start)
    return joined.order_by(ibis.desc(joined.change.abs())).limit(limit)


def sources_for(flows: ir.Table, query: FlowQuery) -> ir.Table:
    """Which sources hold the corridor, with their release, years and currency."""
    table = select_corridor(flows, query)
    return table.group_by(["source", "release", "currency"]).aggregate(
        first_year=table.year.min(), last_year=table.year.max(), rows=table.count()
    ).order_by("source")
