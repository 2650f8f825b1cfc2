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

from shadowtrade.analysis.findings import DetectorResult, Finding, execute_rows, money
from shadowtrade.analysis.flows import REVISIONS, side_condition
from shadowtrade.analysis.rows import (
    by_score, flag, log_of_value, pivot_years, prefer_rows, ratio_of, sql_sum,
)
from shadowtrade.errors import NoDataError, UsageError
from shadowtrade.reference.countries import WORLD, resolve_country
from shadowtrade.reference.groups import get_group
from shadowtrade.reference.packaged import read_yaml
from shadowtrade.warehouse.derived import group_members

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


def corridor_codes(flows: ir.Table, params: SurgeParams) -> ir.Table:
    """The one scan of the flows: the corridor's rows from ``base`` to ``year`` summed per
    source, currency, year, frequency, HS revision and code (a few thousand rows).

    ``world_row`` marks a publisher's own world rows when one side is ``WLD``. Every later step
    (:func:`surge_rows`) works on these sums, in Python, the same on DuckDB and Spark.
    """
    years = (params.base, params.year)
    rows = flows.filter(flows.year.between(*years))
    if params.source:
        rows = rows.filter(rows.source == params.source)
    for side, code in (("exporter", params.exporter), ("importer", params.importer)):
        if code != WORLD:
            rows = rows.filter(side_condition(rows[side], rows.year, code, years))
    world_side = _world_side(params)
    if world_side:
        world_row = rows[world_side] == WORLD
        rows = rows.filter(world_row | ~rows["aggregate"])
    else:
        world_row = ibis.literal(False)
        rows = rows.filter(~rows["aggregate"])
    return rows.group_by("source", "currency", "year", "freq", "hs_revision", "hs_code",
                         world_row=world_row).aggregate(value=rows.value.sum(),
                                                        quantity=rows.quantity.sum())


def _world_side(params: SurgeParams) -> str | None:
    if WORLD in (params.exporter, params.importer):
        return "importer" if params.importer == WORLD else "exporter"
    return None


def surge_rows(codes: list[dict[str, Any]], members: list[dict[str, Any]],
               params: SurgeParams) -> list[dict[str, Any]]:
    """Per source and tier (or HS6 code): values in base and year, the ratio and the excess
    growth, from :func:`corridor_codes`' rows and the group's ``members`` (``group``,
    ``hs_revision``, ``hs_code``, ``weight``).

    The rules of :func:`shadowtrade.analysis.flows.corridor_series`: a publisher's ``TOTAL``
    rows for the corridor total where it has them, annual rows where it has them, product
    groups weighted. Columns: ``source``, ``currency``, ``key``, ``base_value``,
    ``year_value``, ``base_quantity``, ``year_quantity``, ``corridor_base_value``,
    ``corridor_year_value``, ``ratio``, ``corridor_ratio``, ``excess`` (ratio over corridor
    ratio) and ``score`` (log of ``excess``); sorted by source, then score (strongest first).

    >>> params = SurgeParams("CHN", "RUS", "chpl", 2021, 2023)
    >>> codes = [{"source": "baci", "currency": "USD", "year": y, "freq": "A",
    ...           "hs_revision": "HS17", "hs_code": c, "world_row": False, "value": v,
    ...           "quantity": 1.0} for y, c, v in [(2021, "845710", 10.0), (2023, "845710", 90.0),
    ...                                            (2021, "010121", 90.0), (2023, "010121", 110.0)]]
    >>> members = [{"group": "chpl_tier_4b", "hs_revision": "HS17", "hs_code": "845710",
    ...             "weight": 1.0}]
    >>> row = surge_rows(codes, members, params)[0]
    >>> row["key"], row["ratio"], row["corridor_ratio"], round(row["excess"], 2)
    ('chpl_tier_4b', 9.0, 2.0, 4.5)
    """
    if params.by == "hs6":  # only the group's codes, whole (no weights)
        inside = {(m["hs_revision"], m["hs_code"]) for m in members}
        mine = [r for r in codes if (r["hs_revision"], r["hs_code"]) in inside]
        series = _series(_detail(_corridor(mine, params)), lambda r: [(r["hs_code"][:6], 1.0)])
    else:
        weights: dict[tuple[str, str], list[tuple[str, float]]] = {}
        for m in members:
            weights.setdefault((m["hs_revision"], m["hs_code"]), []).append(
                (m["group"], m["weight"]))
        series = _series(_detail(_corridor(codes, params)),
                         lambda r: weights.get((r["hs_revision"], r["hs_code"]), []))
    total = prefer_rows(_corridor(codes, params), lambda r: flag(r["hs_code"], "TOTAL"),
                        ["source"])
    total = prefer_rows(total, lambda r: flag(r["freq"], "A"), ["source"])
    corridor = pivot_years(_series(total, lambda r: [(None, 1.0)]), ["source", "currency"],
                           params.base, params.year)
    table = []
    pivots = pivot_years(series, ["source", "currency", "key"], params.base, params.year,
                         ("value", "quantity"))
    for (source, currency, key), pivot in pivots.items():
        whole = corridor.get((source, currency), {}) if currency is not None else {}
        row = {"source": source, "currency": currency, "key": key,
               **{name: pivot[name] for name in ("base_value", "year_value", "base_quantity",
                                                 "year_quantity")},
               "corridor_base_value": whole.get("base_value"),
               "corridor_year_value": whole.get("year_value")}
        row["ratio"] = ratio_of(row["year_value"], row["base_value"])
        row["corridor_ratio"] = ratio_of(row["corridor_year_value"], row["corridor_base_value"])
        row["excess"] = ratio_of(row["ratio"], row["corridor_ratio"])
        row["score"] = log_of_value(row["excess"])
        table.append(row)
    return by_score(table, then="key")


def _corridor(codes: list[dict[str, Any]], params: SurgeParams) -> list[dict[str, Any]]:
    """Where one side is ``WLD``: a publisher's own world rows where it has them."""
    if _world_side(params) is None:
        return codes
    return prefer_rows(codes, lambda r: r["world_row"], ["source"])


def _detail(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Product rows (no ``TOTAL``), annual ones where a source has them."""
    rows = [r for r in rows if r["hs_code"] is not None and r["hs_code"] != "TOTAL"
            and r["hs_revision"] is not None and r["hs_revision"] != "TOTAL"]
    return prefer_rows(rows, lambda r: flag(r["freq"], "A"), ["source"])


def _series(rows: list[dict[str, Any]], keys: Any) -> list[dict[str, Any]]:
    """Value and quantity per source, currency, key and year; ``keys(row)`` gives the keys a
    row counts under, each with its weight."""
    sums: dict[tuple[Any, ...], tuple[list[Any], list[Any]]] = {}
    for row in rows:
        value, quantity = row["value"], row["quantity"]
        for key, weight in keys(row):
            values, quantities = sums.setdefault(
                (row["source"], row["currency"], key, row["year"]), ([], []))
            values.append(None if value is None else value * weight)
            quantities.append(None if quantity is None else quantity * weight)
    return [{"source": source, "currency": currency, "key": key, "year": year,
             "value": sql_sum(values), "quantity": sql_sum(quantities)}
            for (source, currency, key, year), (values, quantities) in sums.items()]


def detect_surges(flows: ir.Table, params: SurgeParams) -> DetectorResult:
    """Run the surge detector; findings are tiers or codes that grew past ``min_ratio``.

    >>> # detect_surges(flows, SurgeParams("CHN", "RUS", "chpl", 2021, 2023))
    """
    # one scan of the flows into a few thousand sums; the rest is arithmetic on those, and
    # mapping a group into a revision reads its concordance: only the revisions in the data
    codes = execute_rows(corridor_codes(flows, params))
    revisions = [r for r in REVISIONS if r in {row["hs_revision"] for row in codes}]
    names = [params.group] if params.by == "hs6" else list(subgroups(params.group))
    members = group_members(flows, names, revisions).to_pylist() if revisions else []
    rows = _check(surge_rows(codes, members, params), params)
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
