"""Unit values: value per kilogram by product and corridor, against its own history and the world.

A price that jumps while the goods stay the same signals mislabelling, misinvoicing or a switch
to dearer goods under the same code: the EBRD (2025) found unit values of goods reaching Russia
rose substantially after sanctions; China's imports of North Korean wigs and false eyelashes went
from about USD 17/kg (2019) to USD 99/kg (2023).

Only rows with a positive quantity enter a unit value (``value_with_quantity / quantity``);
``coverage`` says which share of the value that is. The "world" reference is the same product in
the same source and year on every *other* corridor loaded (for BACI extracts of a few countries
that is a thin reference: the result says how many corridors it holds).

>>> UnitValueParams("CHN", "RUS", (2019, 2023), group="chpl_tier_1").key
'group'
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from typing import Any

import ibis
import ibis.expr.types as ir

from shadowtrade.analysis.findings import (
    DetectorResult, Finding, execute_rows, left_join, log_of, materialise, ratio, years_text,
)
from shadowtrade.analysis.flows import REVISIONS, revisions_in, side_condition
from shadowtrade.errors import NoDataError, UsageError
from shadowtrade.model.codes import normalise_hs_code
from shadowtrade.reference.countries import resolve_country
from shadowtrade.reference.groups import get_group
from shadowtrade.warehouse.derived import group_members, product_year_sums, selection_sums

ALL_YEARS = (1900, 2999)  # the span a cached world reference covers
WORLD_VERSION = 1  # bump when the cached world reference changes its columns or rules
MIN_WORLD_CORRIDORS = 5  # fewer other corridors than this make a reference too thin to discount
KEYS = ["source", "currency", "key", "year"]  # one row of the sums
MAD_SCALE = 1.4826  # makes the median absolute deviation comparable to a standard deviation
CAVEATS = [
    "A unit value is an average over everything declared under the code: a change of product "
    "mix inside the code moves it as much as a change of price.",
    "Quantities are net mass as reported (BACI converts to tonnes and estimates some); rows "
    "without a quantity are left out of the unit value, see 'coverage'.",
    "Values are nominal USD (BACI: FOB-reconciled); compare with the world reference, which "
    "moves with inflation and exchange rates too.",
]


@dataclass(frozen=True)
class UnitValueParams:
    """Which corridor and products: a sector ``group`` or HS ``prefixes``, years, thresholds."""

    exporter: str
    importer: str
    years: tuple[int, int]
    group: str | None = None
    prefixes: tuple[str, ...] = ()
    by: str = "group"
    source: str | None = None
    min_change: float = 1.5
    min_value: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "exporter", resolve_country(self.exporter))
        object.__setattr__(self, "importer", resolve_country(self.importer))
        object.__setattr__(self, "prefixes", tuple(normalise_hs_code(p) for p in self.prefixes))
        if bool(self.group) == bool(self.prefixes):
            raise UsageError("give either a sector group (--group chpl_tier_1) or HS codes "
                             "(--hs 6704), not both and not neither")
        if self.group:
            get_group(self.group)
        if self.by not in ("group", "hs4", "hs6"):
            raise UsageError(f"unknown breakdown '{self.by}': use group, hs4 or hs6")
        if self.years[0] > self.years[1]:
            raise UsageError(f"years {self.years[0]}-{self.years[1]} run backwards")
        if self.min_change <= 1:
            raise UsageError(f"--min-change {self.min_change} must be above 1 (1.5 = +50 %)")

    @property
    def key(self) -> str:
        """``group`` for a whole group or prefix set, ``hs`` for HS-level rows."""
        return "group" if self.by == "group" else "hs"

    @property
    def label(self) -> str:
        """The group name or the prefixes joined by '+'."""
        return self.group or "+".join(self.prefixes)


def _products(flows: ir.Table, params: UnitValueParams,
              revisions: tuple[str, ...] = REVISIONS) -> ir.Table:
    """Detail rows of the chosen products (weighted into a group) with the breakdown key.

    ``revisions``: the HS revisions to map a group into (every one by default; the detector
    passes those present in the data, see :func:`revisions_in`).
    """
    rows = flows.filter(flows.year.between(*params.years))
    if params.source:
        rows = rows.filter(rows.source == params.source)
    rows = rows.filter(~rows["aggregate"] & (rows.hs_code != "TOTAL"))
    if params.group:
        # a hash join with the group's few hundred codes: cheaper to compile and to run than
        # the same codes as an IN list
        members = ibis.memtable(group_members(flows, [params.group], list(revisions)))
        rows = rows.join(members, ["hs_revision", "hs_code"], how="inner")
        rows = rows.mutate(value=rows.value * rows.weight, quantity=rows.quantity * rows.weight)
    else:
        rows = rows.filter(ibis.or_(*[rows.hs_code.startswith(p) for p in params.prefixes]))
    key = ibis.literal(params.label) if params.by == "group" else rows.hs_code.substr(
        0, 4 if params.by == "hs4" else 6)
    return rows.mutate(key=key)


def _pairs(rows: ir.Table, keys: list[str]) -> ir.Table:
    """Sums per corridor (exporter, importer), product key, year and frequency: one pass."""
    has_qty = rows.quantity.fill_null(0) > 0
    return rows.group_by([*keys, "freq", "exporter", "importer"]).aggregate(
        value=rows.value.sum(),
        value_with_quantity=ibis.cases((has_qty, rows.value), else_=0.0).sum(),
        quantity=ibis.cases((has_qty, rows.quantity), else_=0.0).sum(),
        flows=rows.count())


def _corridor_key(rows: ir.Table) -> ir.StringValue:
    """One text per (exporter, importer) pair, for an exact count of distinct corridors
    (country codes never contain ``|``; a missing code counts as one more corridor, as it does
    in a ``GROUP BY``)."""
    return rows.exporter.fill_null("").concat("|", rows.importer.fill_null(""))


def _sums(pairs: ir.Table, keys: list[str]) -> ir.Table:
    """Sums of the pairs' columns and ``corridors`` (pairs) per ``keys``.

    Keeps a source's annual rows where it has them, deciding on the small aggregate rather than
    on every row (a window as a column, then the filter: the form Spark accepts too).
    """
    columns = [c for c in pairs.columns if c not in (*keys, "freq", "exporter", "importer")]
    table = pairs.group_by([*keys, "freq"]).aggregate(
        **{c: pairs[c].sum() for c in columns}, corridors=pairs.count())
    return _annual_where_any(table)


def _annual_where_any(table: ir.Table) -> ir.Table:
    """Keep a source's annual rows where it has any, else its monthly ones; drop ``freq``."""
    table = table.mutate(_annual=(table.freq == "A").cast("int8"))
    table = table.mutate(_best=table._annual.max().over(group_by=["source"]))
    return table.filter(table._annual == table._best).drop("_annual", "_best", "freq")


def corridor_sums(flows: ir.Table, params: UnitValueParams,
                  revisions: tuple[str, ...] = REVISIONS) -> ir.Table:
    """Per source, product and year: the corridor's own sums and its number of corridors.

    Its scan is cheap: the exporter and importer filter rows while the engine reads them.
    """
    years = params.years
    mine = flows.filter(flows.year.between(*years))
    mine = mine.filter(side_condition(mine.exporter, mine.year, params.exporter, years),
                       side_condition(mine.importer, mine.year, params.importer, years))
    return _sums(_pairs(_products(mine, params, revisions), KEYS), KEYS)


def world_sums(flows: ir.Table, params: UnitValueParams, corridor: ir.Table | None,
               revisions: tuple[str, ...] = REVISIONS) -> ir.Table:
    """The world's sums (every corridor, the corridor's own included) of ``corridor``'s products.

    Only the products and years the corridor trades (a semi-join on its few rows): the others
    would be dropped by the join with the corridor anyway. One aggregate per product key and
    year, the corridors counted as distinct pairs (not an aggregate per corridor first: that
    is one group per corridor, product and year, millions at BACI scale).
    """
    rows = _products(flows, params, revisions)
    if corridor is None:  # every product key and year: what the cache keeps
        return _world_pairs(rows)
    return _annual_where_any(_world_pairs(rows.semi_join(corridor.select(KEYS), KEYS)))


def _world_pairs(rows: ir.Table) -> ir.Table:
    """The world's sums per product key, year and frequency (``all_value``, ``all_quantity``,
    ``all_corridors``)."""
    has_qty = rows.quantity.fill_null(0) > 0
    return rows.group_by([*KEYS, "freq"]).aggregate(
        all_value=ibis.cases((has_qty, rows.value), else_=0.0).sum(),
        all_quantity=ibis.cases((has_qty, rows.quantity), else_=0.0).sum(),
        all_corridors=_corridor_key(rows).nunique())


def cached_world_sums(flows: ir.Table, params: UnitValueParams, corridor: ir.Table,
                      revisions: tuple[str, ...]) -> ir.Table | None:
    """:func:`world_sums` from the warehouse's cache of per-product sums (see
    :mod:`shadowtrade.warehouse.derived`), or None where that would not give the same figures.

    The cache counts corridors per HS code, so it serves a breakdown whose keys are single codes:
    a sector group by HS6 (the group's codes are six-digit), with one HS revision per source
    and year (two revisions would put two codes under one key; checked on the sums). Other
    breakdowns and HS prefixes are read from :func:`selection_cached_world_sums`; engines
    without a cache (Spark) return None.
    """
    if not params.group or params.by != "hs6":
        return selection_cached_world_sums(flows, params, corridor, revisions)
    members = group_members(flows, [params.group], list(revisions))
    sums = product_year_sums(flows, members.select(["hs_revision", "hs_code"]), params.years)
    if sums is None:
        return None
    weighted = sums.join(members.select(["hs_revision", "hs_code", "weight"]),
                         ["hs_revision", "hs_code"])
    rows = ibis.memtable(weighted)
    rows = rows.filter(rows.year.between(*params.years))
    if params.source:
        rows = rows.filter(rows.source == params.source)
    rows = rows.mutate(key=rows.hs_code.substr(0, 6),
                       value_with_quantity=rows.value_with_quantity * rows.weight,
                       quantity=rows.quantity * rows.weight)
    rows = rows.semi_join(corridor.select(KEYS), KEYS)
    table = rows.group_by([*KEYS, "freq"]).aggregate(
        value_with_quantity=rows.value_with_quantity.sum(), quantity=rows.quantity.sum(),
        corridors=rows.corridors.sum(), codes=rows.count())
    world = flows.get_backend().to_pyarrow(table)
    if world.num_rows and max(world["codes"].to_pylist()) > 1:
        return None  # several codes under one key: their corridors cannot be added up
    world = ibis.memtable(world.drop_columns(["codes"]))
    return _annual_where_any(world).rename(
        all_value="value_with_quantity", all_quantity="quantity", all_corridors="corridors")


def selection_cached_world_sums(flows: ir.Table, params: UnitValueParams, corridor: ir.Table,
                                revisions: tuple[str, ...]) -> ir.Table | None:
    """:func:`world_sums` for a whole group, HS4 headings or HS prefixes, from the warehouse's
    cache (:func:`shadowtrade.warehouse.derived.selection_sums`): the world's sums of the
    selection for every source and year, computed by the first run that asks for them, then
    read by every later one, for any corridor and years. None without a cache (Spark)."""
    every = replace(params, years=(ALL_YEARS[0], ALL_YEARS[1]), source=None)
    label = json.dumps({"summary": "unit_value_world", "version": WORLD_VERSION,
                        "group": params.group, "prefixes": list(params.prefixes),
                        "by": params.by, "revisions": list(revisions)})
    table = selection_sums(flows, label, lambda: world_sums(flows, every, None, revisions))
    if table is None:
        return None
    rows = ibis.memtable(table)
    rows = rows.filter(rows.year.between(*params.years))
    if params.source:
        rows = rows.filter(rows.source == params.source)
    return _annual_where_any(rows.semi_join(corridor.select(KEYS), KEYS))


def combine_sums(corridor: ir.Table, world: ir.Table) -> ir.Table:
    """The corridor's sums beside the world's minus its own: unit values and the reference."""
    table = left_join(corridor, world, KEYS)
    return table.mutate(
        unit_value=ratio(table.value_with_quantity, table.quantity),
        coverage=ratio(table.value_with_quantity, table.value),
        world_unit_value=ratio(table.all_value - table.value_with_quantity,
                               table.all_quantity - table.quantity),
        world_corridors=table.all_corridors - table.corridors,
    ).drop("all_value", "all_quantity", "all_corridors", "corridors")


def unit_value_sums(flows: ir.Table, params: UnitValueParams,
                    revisions: tuple[str, ...] = REVISIONS) -> ir.Table:
    """Per source, product and year: the corridor's sums and the world reference.

    The columns of :func:`unit_value_table` before the history (``previous_year`` and the
    changes); a few rows per product, small enough to materialise. The corridor and the world
    are two pipelines from ``flows`` (:func:`corridor_sums`, :func:`world_sums`).
    """
    corridor = corridor_sums(flows, params, revisions)
    return combine_sums(corridor, world_sums(flows, params, corridor, revisions))


def unit_value_table(flows: ir.Table, params: UnitValueParams) -> ir.Table:
    """Per source, product and year: value, quantity, unit value and its changes.

    Columns: ``source``, ``currency``, ``key``, ``year``, ``value``, ``quantity`` (kg),
    ``unit_value`` (per kg), ``coverage``, ``previous_year``, ``change_vs_previous``,
    ``change_vs_median`` and ``robust_z`` (against the product's own years),
    ``world_unit_value``, ``world_change_vs_previous``, ``relative_change`` (own change over
    the world's), ``change_vs_world`` (unit value over the world's), ``world_corridors``.
    :func:`detect_unit_values` runs the same in two steps (see :func:`materialise`).
    """
    return _with_history(unit_value_sums(flows, params))


def _with_history(table: ir.Table) -> ir.Table:
    product = ["source", "currency", "key"]
    window = ibis.window(group_by=product, order_by="year")
    with_uv = table.filter(table.unit_value.notnull())
    with_uv = with_uv.mutate(
        previous_year=with_uv.year.lag().over(window),
        change_vs_previous=ratio(with_uv.unit_value, with_uv.unit_value.lag().over(window)),
        world_change_vs_previous=ratio(with_uv.world_unit_value,
                                       with_uv.world_unit_value.lag().over(window)),
        log_uv=with_uv.unit_value.ln(),
    )
    centre = with_uv.group_by(product).aggregate(median_log=with_uv.log_uv.median())
    with_uv = left_join(with_uv, centre, product)
    spread = with_uv.mutate(dev=(with_uv.log_uv - with_uv.median_log).abs())
    mad = spread.group_by(product).aggregate(mad_log=spread.dev.median())
    with_uv = left_join(with_uv, mad, product)
    with_uv = with_uv.mutate(
        change_vs_median=(with_uv.log_uv - with_uv.median_log).exp(),
        robust_z=ratio(with_uv.log_uv - with_uv.median_log, MAD_SCALE * with_uv.mad_log),
        relative_change=ratio(with_uv.change_vs_previous, with_uv.world_change_vs_previous),
        change_vs_world=ratio(with_uv.unit_value, with_uv.world_unit_value),
    ).drop("log_uv", "median_log", "mad_log")
    missing = table.filter(table.unit_value.isnull())
    return ibis.union(with_uv, _null_history(missing), distinct=False).order_by(
        ["source", "key", "year"])


def _null_history(table: ir.Table) -> ir.Table:
    null = ibis.null("float64")
    return table.mutate(previous_year=ibis.null("int16"), change_vs_previous=null,
                        world_change_vs_previous=null, change_vs_median=null, robust_z=null,
                        relative_change=null, change_vs_world=null)


def detect_unit_values(flows: ir.Table, params: UnitValueParams) -> DetectorResult:
    """Run the unit-value detector; findings are product-years whose price jumped or collapsed.

    >>> # detect_unit_values(flows, UnitValueParams("CHN", "RUS", (2019, 2023), "chpl_tier_1"))
    """
    # the corridor's sums first (a few rows), so the world's scan keeps only its products; then
    # the history's windows and self-joins on the small sums rather than on the whole plan
    # the world's sums come from the warehouse's cache of per-product sums where it serves
    revisions = revisions_in(flows) if params.group else REVISIONS
    corridor = materialise(corridor_sums(flows, params, revisions), flows)
    world = cached_world_sums(flows, params, corridor, revisions)
    if world is None:
        world = world_sums(flows, params, corridor, revisions)
    sums = materialise(combine_sums(corridor, world), flows)
    rows = _check(execute_rows(_with_history(sums), on=flows), params)
    findings = sorted(_findings(rows, params), key=lambda f: -f.score)
    parameters = {"exporter": params.exporter, "importer": params.importer,
                  "years": params.years, "group": params.group, "hs": list(params.prefixes),
                  "by": params.by, "source": params.source, "min_change": params.min_change}
    sources = sorted({row["source"] for row in rows})
    return DetectorResult("unit-values", parameters, findings, rows, sources, CAVEATS)


def _check(rows: list[dict[str, Any]], params: UnitValueParams) -> list[dict[str, Any]]:
    what = (f"{params.label} from {params.exporter} to {params.importer} in "
            f"{years_text(*params.years)}")
    if not rows:
        raise NoDataError(f"no trade flows loaded for {what}; check the codes and years, and "
                          "load product-level data (BACI) with shadowtrade data load")
    if not any(row["unit_value"] for row in rows):
        raise NoDataError(f"no quantities for {what}: unit values need quantities in kg "
                          "(BACI carries them; Eurostat totals and national statistics do not)")
    return rows


def _findings(rows: list[dict[str, Any]], params: UnitValueParams) -> list[Finding]:
    found = []
    limit = math.log(params.min_change)
    for row in rows:
        own = row["change_vs_previous"]
        if not own or row["value"] < params.min_value or abs(math.log(own)) < limit:
            continue
        relative = row["relative_change"]
        world = bool(relative) and row["world_corridors"] >= MIN_WORLD_CORRIDORS
        if world and abs(math.log(relative)) < limit / 2:
            continue  # the price moved the same way on the other corridors
        score = abs(math.log(relative if world else own))
        found.append(Finding(f"{row['key']} {row['year']}", score, _headline(row, params), row))
    return found


def _headline(row: dict[str, Any], params: UnitValueParams) -> str:
    cur = row["currency"]
    direction = "rose" if row["change_vs_previous"] > 1 else "fell"
    before = row["unit_value"] / row["change_vs_previous"]
    text = (f"The unit value of {row['key']} from {params.exporter} to {params.importer} "
            f"{direction} from {cur} {before:,.1f}/kg in {row['previous_year']} to "
            f"{cur} {row['unit_value']:,.1f}/kg in {row['year']} "
            f"(x{row['change_vs_previous']:.2f})")
    if row["world_change_vs_previous"]:
        text += (f"; on {row['world_corridors']} other corridor(s) it moved "
                 f"x{row['world_change_vs_previous']:.2f}")
    return text + f" [{row['source']}]."
