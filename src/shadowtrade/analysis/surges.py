"""Surges of controlled goods: listed goods growing on a corridor where they should shrink.

For a sector group (the CHPL tiers by default, or any group of ``sector_groups.yaml``) the
detector compares each tier's (or HS6 code's) value in ``year`` with ``base`` and with the growth
of the corridor as a whole: China's exports to Russia of CNC machine tools (CHPL tier 4.B) grew
9.8 times from 2021 to 2023 while its total exports to Russia grew 1.6 times.

>>> subgroups("chpl")[:2]
('chpl_tier_1', 'chpl_tier_2')
>>> subgroups("tractors")
('tractors',)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from shadowtrade.analysis.findings import (
    DetectorResult, Finding, execute_rows, left_join, log_of, money, ratio,
)
from shadowtrade.analysis.flows import REVISIONS, FlowQuery, corridor_series, revisions_in
from shadowtrade.errors import NoDataError, UsageError
from shadowtrade.reference.countries import resolve_country
from shadowtrade.reference.groups import get_group
from shadowtrade.warehouse.derived import group_members
from shadowtrade.reference.packaged import read_yaml

CAVEATS = [
    "Nominal values: part of any growth is prices (see the unit-value detector).",
    "CHPL codes are HS2022; data in older revisions is mapped with the Growth Lab conversion "
    "weights, so codes split between revisions count in part.",
    "A surge shows that listed goods reach the target, not who breaks which law: the exporter "
    "may not be bound by the restriction (China is not bound by EU or US export bans on Russia).",
]


@dataclass(frozen=True)
class SurgeParams:
    """Which corridor, which controlled group, base and later year, and thresholds."""

    exporter: str
    importer: str
    group: str
    base: int
    year: int
    by: str = "tier"
    source: str | None = None
    min_ratio: float = 2.0
    min_value: float = 1e6

    def __post_init__(self) -> None:
        object.__setattr__(self, "exporter", resolve_country(self.exporter))
        object.__setattr__(self, "importer", resolve_country(self.importer))
        get_group(self.group)
        if self.by not in ("tier", "hs6"):
            raise UsageError(f"unknown breakdown '{self.by}': use tier or hs6")
        if self.base >= self.year:
            raise UsageError(f"base year {self.base} must come before the year {self.year}")


def subgroups(name: str) -> tuple[str, ...]:
    """The groups a group is made of (``chpl`` -> its tiers), or the group itself."""
    spec = read_yaml("sector_groups.yaml").get(name, {})
    return tuple(spec.get("includes", [])) or (name,)


def _pivot(series: ir.Table, params: SurgeParams, keys: list[str]) -> ir.Table:
    series = series.filter(series.year.isin([params.base, params.year]))
    at = series.year == params.base
    return series.group_by(keys).aggregate(
        base_value=ibis.cases((at, series.value), else_=0.0).sum(),
        year_value=ibis.cases((~at, series.value), else_=0.0).sum(),
        base_quantity=ibis.cases((at, series.quantity), else_=0.0).sum(),
        year_quantity=ibis.cases((~at, series.quantity), else_=0.0).sum(),
    )


def _breakdown(flows: ir.Table, params: SurgeParams, revisions: tuple[str, ...]) -> ir.Table:
    years = (params.base, params.year)
    if params.by == "tier":
        query = FlowQuery(params.exporter, params.importer, years=years, source=params.source,
                          by="group", groups=subgroups(params.group), revisions=revisions)
        series = corridor_series(flows, query)
        return series.rename(key="group")
    members = ibis.memtable(group_members(flows, [params.group], list(revisions)))
    inside = flows.semi_join(members, ["hs_revision", "hs_code"])
    query = FlowQuery(params.exporter, params.importer, years=years, source=params.source,
                      by="hs6")
    return corridor_series(inside, query).rename(key="hs")


def surge_table(flows: ir.Table, params: SurgeParams,
                revisions: tuple[str, ...] = REVISIONS) -> ir.Table:
    """Per source and tier (or HS6): values in base and year, the ratio and the excess growth.

    Columns: ``source``, ``currency``, ``key``, ``base_value``, ``year_value``, ``ratio``,
    ``corridor_base_value``, ``corridor_year_value``, ``corridor_ratio``, ``excess``
    (ratio over corridor ratio) and ``score`` (log of ``excess``). ``revisions``: the HS
    revisions to map the group into (:func:`detect_surges` passes those in the data).
    """
    detail = _pivot(_breakdown(flows, params, revisions), params, ["source", "currency", "key"])
    total_query = FlowQuery(params.exporter, params.importer, years=(params.base, params.year),
                            source=params.source)
    total = _pivot(corridor_series(flows, total_query), params, ["source", "currency"]).select(
        "source", "currency", corridor_base_value="base_value", corridor_year_value="year_value")
    table = left_join(detail, total, ["source", "currency"])
    table = table.mutate(ratio=ratio(table.year_value, table.base_value),
                         corridor_ratio=ratio(table.corridor_year_value, table.corridor_base_value))
    table = table.mutate(excess=ratio(table.ratio, table.corridor_ratio))
    table = table.mutate(score=log_of(table.excess))
    return table.order_by(["source", ibis.desc(table.score)])


def detect_surges(flows: ir.Table, params: SurgeParams) -> DetectorResult:
    """Run the surge detector; findings are tiers or codes that grew past ``min_ratio``.

    >>> # detect_surges(flows, SurgeParams("CHN", "RUS", "chpl", 2021, 2023))
    """
    # mapping a group into a revision reads its concordance: only the revisions in the data
    rows = _check(execute_rows(surge_table(flows, params, revisions_in(flows))), params)
    findings = sorted(_findings(rows, params), key=lambda f: -f.score)
    parameters = {"exporter": params.exporter, "importer": params.importer,
                  "group": params.group, "base": params.base, "year": params.year,
                  "by": params.by, "source": params.source, "min_ratio": params.min_ratio,
                  "min_value": params.min_value}
    sources = sorted({row["source"] for row in rows})
    return DetectorResult("surges", parameters, findings, rows, sources, CAVEATS)


def _check(rows: list[dict[str, Any]], params: SurgeParams) -> list[dict[str, Any]]:
    what = f"sector group '{params.group}' from {params.exporter} to {params.importer}"
    if not rows:
        raise NoDataError(f"no flows of {what} in {params.base} or {params.year}: the loaded "
                          "sources may hold totals only for this corridor (see shadowtrade data "
                          "status)")
    if not any(row["base_value"] for row in rows):
        raise NoDataError(f"no flows of {what} in the base year {params.base}: pick a base year "
                          "with data")
    return rows


def _findings(rows: list[dict[str, Any]], params: SurgeParams) -> list[Finding]:
    found = []
    for row in rows:
        if row["year_value"] < params.min_value:
            continue
        if row["base_value"] <= 0:
            found.append(Finding(row["key"], math.log(params.min_ratio),
                                 _headline(row, params, new=True), row))
        elif row["ratio"] >= params.min_ratio and (row["excess"] or 0) > 1:
            found.append(Finding(row["key"], float(row["score"]), _headline(row, params), row))
    return found


def _headline(row: dict[str, Any], params: SurgeParams, new: bool = False) -> str:
    cur = row["currency"]
    where = f"{params.exporter} to {params.importer}"
    if new:
        return (f"{row['key']}: {money(row['year_value'], cur)} from {where} in {params.year}, "
                f"none in {params.base} [{row['source']}].")
    return (f"{row['key']}: {where} grew {row['ratio']:.1f}x from {params.base} to {params.year} "
            f"({money(row['base_value'], cur)} to {money(row['year_value'], cur)}) while the "
            f"corridor as a whole grew {row['corridor_ratio']:.2f}x [{row['source']}].")
